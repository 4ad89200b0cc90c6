"""The JSON shapes of the commerce HTTP contract (docs/commerce-http-contract.md), both ways.

Money travels as decimal strings ("59.95"), moments as ISO 8601 with an offset, days as
YYYY-MM-DD. Decoding anything malformed raises CommerceError(INVALID_RESPONSE).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from tandem.commerce.model import (
    Address,
    CommerceError,
    CommerceErrorCode,
    Customer,
    LineName,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
)
from tandem.types import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, CustomerId, Language, OrderId

Json = dict[str, Any]
T = TypeVar("T")


def address_json(address: Address) -> Json:
    return {"street": address.street, "postcode": address.postcode, "city": address.city,
            "country": address.country}


def customer_json(customer: Customer) -> Json:
    return {"id": customer.id, "name": customer.name, "email": customer.email,
            "language": customer.language, "address": address_json(customer.address),
            "tier": customer.tier}


def refund_json(refund: Refund) -> Json:
    return {"id": refund.id, "amount": str(refund.amount), "method": refund.method,
            "status": refund.status.value, "created_at": refund.created_at.isoformat(),
            "expected_at": refund.expected_at.isoformat()}


def order_json(order: Order) -> Json:
    return {
        "id": order.id, "customer_id": order.customer_id, "status": order.status.value,
        "created_at": order.created_at.isoformat(), "total": str(order.total),
        "currency": order.currency, "shipping_address": address_json(order.shipping_address),
        "payment_method": order.payment_method,
        "lines": [
            {"product_id": x.product_id, "variant_id": x.variant_id,
             "product_name": x.product_name, "variant_name": x.variant_name,
             "quantity": x.quantity, "unit_price": str(x.unit_price),
             "returned_quantity": x.returned_quantity,
             "names": {n.language: {"product": n.product, "variant": n.variant} for n in x.names}}
            for x in order.lines
        ],
        "payments": [
            {"id": p.id, "amount": str(p.amount), "method": p.method, "status": p.status.value,
             "created_at": p.created_at.isoformat()}
            for p in order.payments
        ],
        "refunds": [refund_json(r) for r in order.refunds],
        "carrier": order.carrier, "tracking_number": order.tracking_number,
        "shipped_at": _optional(order.shipped_at, dt.datetime.isoformat),
        "expected_delivery": _optional(order.expected_delivery, dt.date.isoformat),
        "delivered_at": _optional(order.delivered_at, dt.datetime.isoformat),
    }


@contextmanager
def reading(what: str) -> Iterator[None]:
    """Turn any shape error while decoding ``what`` into CommerceError(INVALID_RESPONSE)."""
    try:
        yield
    except (KeyError, TypeError, ValueError, InvalidOperation, AttributeError) as error:
        raise CommerceError(
            f"The shop sent a malformed {what} ({type(error).__name__}: {error}).",
            CommerceErrorCode.INVALID_RESPONSE,
        ) from error


def to_address(data: Json) -> Address:
    with reading("address"):
        return Address(_text(data["street"]), _text(data["postcode"]), _text(data["city"]),
                       _text(data["country"]))


def to_customer(data: Json) -> Customer:
    with reading("customer"):
        return Customer(
            id=CustomerId(_text(data["id"])), name=_text(data["name"]),
            email=_text(data["email"]), language=_language(data["language"]),
            address=to_address(data["address"]), tier=_text(data.get("tier", "standard")),
        )


def to_refund(data: Json) -> Refund:
    with reading("refund"):
        return Refund(
            id=_text(data["id"]), amount=_money(data["amount"]), method=_text(data["method"]),
            status=RefundStatus(data["status"]), created_at=_moment(data["created_at"]),
            expected_at=dt.date.fromisoformat(data["expected_at"]),
        )


def to_order(data: Json) -> Order:
    with reading("order"):
        return Order(
            id=OrderId(_text(data["id"])), customer_id=CustomerId(_text(data["customer_id"])),
            status=OrderStatus(data["status"]), created_at=_moment(data["created_at"]),
            total=_money(data["total"]), currency=_text(data["currency"]),
            lines=tuple(_line(x) for x in data["lines"]),
            shipping_address=to_address(data["shipping_address"]),
            payment_method=_text(data["payment_method"]),
            payments=tuple(_payment(p) for p in data.get("payments", [])),
            refunds=tuple(to_refund(r) for r in data.get("refunds", [])),
            carrier=_optional(data.get("carrier"), _text),
            tracking_number=_optional(data.get("tracking_number"), _text),
            shipped_at=_optional(data.get("shipped_at"), _moment),
            expected_delivery=_optional(data.get("expected_delivery"), dt.date.fromisoformat),
            delivered_at=_optional(data.get("delivered_at"), _moment),
        )


def _line(data: Json) -> OrderLine:
    return OrderLine(
        product_id=_text(data["product_id"]), variant_id=_text(data["variant_id"]),
        product_name=_text(data["product_name"]), variant_name=_text(data["variant_name"]),
        quantity=int(data["quantity"]), unit_price=_money(data["unit_price"]),
        returned_quantity=int(data.get("returned_quantity", 0)),
        names=tuple(
            LineName(_language(key), _text(name["product"]), _text(name["variant"]))
            for key, name in (data.get("names") or {}).items()
            if key in SUPPORTED_LANGUAGES
        ),
    )


def _payment(data: Json) -> Payment:
    return Payment(
        id=_text(data["id"]), amount=_money(data["amount"]), method=_text(data["method"]),
        status=PaymentStatus(data["status"]), created_at=_moment(data["created_at"]),
    )


def _optional(value: Any, convert: Callable[[Any], T]) -> T | None:
    return None if value is None else convert(value)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {value!r}")
    return value


def _money(value: Any) -> Decimal:
    return Decimal(_text(value))


def _moment(value: Any) -> dt.datetime:
    moment = dt.datetime.fromisoformat(_text(value))
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} has no UTC offset")
    return moment


def _language(value: Any) -> Language:
    """A language we speak; customers of other languages are served in the default one."""
    return next((x for x in SUPPORTED_LANGUAGES if x == value), DEFAULT_LANGUAGE)
