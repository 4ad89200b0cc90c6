"""Loading the demo shop's rows into the commerce model's frozen dataclasses."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import Column, Connection, Result, Row, Select, and_, bindparam, func, select

from tandem.commerce.demo.catalogue import SHOP_LANGUAGE
from tandem.commerce.demo.tables import (
    shop_customers,
    shop_order_lines,
    shop_orders,
    shop_payments,
    shop_product_names,
    shop_refunds,
    shop_variant_names,
    shop_variants,
)
from tandem.commerce.model import (
    Address,
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

_ORDER_COLUMNS = (*shop_orders.c, shop_customers.c.language)
T = TypeVar("T")


def money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


#: Statements the shop's reads run on every turn, built once (building one costs more than
#: running it on SQLite; SQLAlchemy then reuses its compiled form without a new cache key).
_CUSTOMER_BY_ID = select(shop_customers).where(shop_customers.c.id == bindparam("b_id"))
_CUSTOMER_BY_EMAIL = select(shop_customers).where(
    func.lower(shop_customers.c.email) == bindparam("b_email")
)
_ORDERS = (
    select(*_ORDER_COLUMNS)
    .join(shop_customers, shop_customers.c.id == shop_orders.c.customer_id)
    .order_by(shop_orders.c.created_at.desc(), shop_orders.c.id)
)
_ORDERS_OF = _ORDERS.where(shop_orders.c.customer_id == bindparam("b_customer"))
_ORDER = _ORDERS.where(shop_orders.c.id == bindparam("b_order"))


def customer_by_id(connection: Connection, customer_id: str) -> Customer | None:
    return _customer(connection.execute(_CUSTOMER_BY_ID, {"b_id": customer_id}).first())


def customer_by_email(connection: Connection, email: str) -> Customer | None:
    """The customer with this address, whatever its case and surrounding spaces."""
    wanted = email.strip().lower()
    return _customer(connection.execute(_CUSTOMER_BY_EMAIL, {"b_email": wanted}).first())


def _customer(row: Row[Any] | None) -> Customer | None:
    if row is None:
        return None
    return Customer(
        id=CustomerId(row.id), name=row.name, email=row.email, language=_language(row.language),
        address=_address(row), tier=row.tier,
    )


def orders_of(connection: Connection, customer_id: str) -> list[Order]:
    """The customer's orders, newest first (as :func:`load_orders`)."""
    return _with_children(connection, connection.execute(_ORDERS_OF, {"b_customer": customer_id}))


def order_by_id(connection: Connection, order_id: str) -> Order | None:
    found = _with_children(connection, connection.execute(_ORDER, {"b_order": order_id}))
    return found[0] if found else None


def load_orders(connection: Connection, *where: Any) -> list[Order]:
    """Orders matching ``where`` (newest first), each with its lines, payments and refunds."""
    return _with_children(connection, connection.execute(_ORDERS.where(*where)))


def _with_children(connection: Connection, result: Result[Any]) -> list[Order]:
    rows = result.all()
    ids = [row.id for row in rows]
    if not ids:
        return []
    lines = _lines(connection, ids)
    payments = _children(connection, _PAYMENTS, ids, _payment)
    refunds = _children(connection, _REFUNDS, ids, _refund)
    return [
        _order(row, lines.of(row.id, row.language), payments[row.id], refunds[row.id])
        for row in rows
    ]


def names_of(
    connection: Connection, key: Column[str], ids: Sequence[str]
) -> dict[str, dict[str, str]]:
    """id -> language -> name; ``key`` is the id column of a names table (product or variant)."""
    table = key.table
    found: dict[str, dict[str, str]] = defaultdict(dict)
    query = select(key.label("id"), table.c.language, table.c.name).where(key.in_(set(ids)))
    for row in connection.execute(query):
        found[row.id][row.language] = row.name
    return found


def name_in(names: dict[str, str], language: str, fallback: str) -> str:
    """The name in ``language``, else in the shop's language, else ``fallback`` (an id)."""
    return names.get(language) or names.get(SHOP_LANGUAGE) or fallback


def _order(
    row: Row[Any], lines: list[OrderLine], payments: list[Payment], refunds: list[Refund]
) -> Order:
    return Order(
        id=OrderId(row.id), customer_id=CustomerId(row.customer_id),
        status=OrderStatus(row.status), created_at=utc(row.created_at),
        total=money(row.total_cents), currency=row.currency, lines=tuple(lines),
        shipping_address=_address(row), payment_method=row.payment_method,
        payments=tuple(payments), refunds=tuple(refunds), carrier=row.carrier,
        tracking_number=row.tracking_number,
        shipped_at=utc(row.shipped_at) if row.shipped_at else None,
        expected_delivery=row.expected_delivery,
        delivered_at=utc(row.delivered_at) if row.delivered_at else None,
    )


#: A row per order line and language its product is named in, with the variant's name in that
#: language when it has one (built once).
_LINES = (
    select(
        shop_order_lines, shop_variants.c.product_id, shop_product_names.c.language,
        shop_product_names.c.name.label("product_name"),
        shop_variant_names.c.name.label("variant_name"),
    )
    .join(shop_variants, shop_variants.c.id == shop_order_lines.c.variant_id)
    .outerjoin(shop_product_names,
               shop_product_names.c.product_id == shop_variants.c.product_id)
    .outerjoin(shop_variant_names,
               and_(shop_variant_names.c.variant_id == shop_order_lines.c.variant_id,
                    shop_variant_names.c.language == shop_product_names.c.language))
    .where(shop_order_lines.c.order_id.in_(bindparam("b_ids", expanding=True)))
    .order_by(shop_order_lines.c.order_id, shop_order_lines.c.line_no)
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Lines:
    """The lines of some orders with their names in every language Tandem speaks that the shop
    names these products in (a missing name reads as in the shop's language)."""

    languages: tuple[str, ...]
    named: dict[str, list[tuple[Row[Any], tuple[LineName, ...]]]]  # order id -> lines

    def of(self, order_id: str, language: str) -> list[OrderLine]:
        """An order's lines named in ``language``; in the shop's language when these lines
        have no names in it (none when they have neither)."""
        if language not in self.languages:
            if SHOP_LANGUAGE not in self.languages:
                return []
            language = SHOP_LANGUAGE
        return [
            OrderLine(
                product_id=row.product_id, variant_id=row.variant_id,
                product_name=name.product, variant_name=name.variant, quantity=row.quantity,
                unit_price=money(row.unit_price_cents), returned_quantity=row.returned_quantity,
                names=names,
            )
            for row, names in self.named.get(order_id, [])
            for name in names
            if name.language == language
        ]


def _lines(connection: Connection, ids: Sequence[str]) -> _Lines:
    lines: dict[tuple[str, int], Row[Any]] = {}
    named: dict[tuple[str, int], dict[str, tuple[str, str | None]]] = defaultdict(dict)
    for row in connection.execute(_LINES, {"b_ids": list(ids)}):
        key = (row.order_id, row.line_no)
        lines.setdefault(key, row)
        if row.language is not None:
            named[key][row.language] = (row.product_name, row.variant_name)
    spoken = {code for names in named.values() for code in names}
    # Only languages Tandem speaks, as over HTTP: French names appear once French is data too.
    languages = tuple(code for code in SUPPORTED_LANGUAGES if code in spoken) or (SHOP_LANGUAGE,)
    found: dict[str, list[tuple[Row[Any], tuple[LineName, ...]]]] = defaultdict(list)
    for key, row in lines.items():
        names = tuple(_line_name(code, named[key], row) for code in languages)
        found[row.order_id].append((row, names))
    return _Lines(languages, found)


def _line_name(code: str, names: dict[str, tuple[str, str | None]], row: Row[Any]) -> LineName:
    """The line's names in ``code``, each in the shop's language where ``code`` has none."""
    own, shops = names.get(code), names.get(SHOP_LANGUAGE)
    product = (own and own[0]) or (shops and shops[0]) or row.product_id
    variant = (own and own[1]) or (shops and shops[1]) or row.variant_id
    return LineName(code, product, variant)


#: Payments and refunds of some orders, oldest first (built once).
_PAYMENTS, _REFUNDS = (
    table.select()
    .where(table.c.order_id.in_(bindparam("b_ids", expanding=True)))
    .order_by(table.c.created_at, table.c.id)
    for table in (shop_payments, shop_refunds)
)


def _children(
    connection: Connection, query: Select[Any], ids: Sequence[str], build: Callable[[Row[Any]], T]
) -> dict[str, list[T]]:
    found: dict[str, list[T]] = defaultdict(list)
    for row in connection.execute(query, {"b_ids": list(ids)}):
        found[row.order_id].append(build(row))
    return found


def _payment(row: Row[Any]) -> Payment:
    return Payment(
        id=row.id, amount=money(row.amount_cents), method=row.method,
        status=PaymentStatus(row.status), created_at=utc(row.created_at),
    )


def _refund(row: Row[Any]) -> Refund:
    return Refund(
        id=row.id, amount=money(row.amount_cents), method=row.method,
        status=RefundStatus(row.status), created_at=utc(row.created_at),
        expected_at=row.expected_at,
    )


def _address(row: Row[Any]) -> Address:
    return Address(street=row.street, postcode=row.postcode, city=row.city, country=row.country)


def _language(code: str) -> Language:
    return code if code in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE
