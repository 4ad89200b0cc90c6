"""Row builders shared by the personas and the generator, so both follow the same shape."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from tandem.commerce.demo.catalogue import VARIANTS

Row = dict[str, Any]

#: Days a refund takes to reach the customer, counted in business days.
REFUND_BUSINESS_DAYS = 5


@dataclass(slots=True)
class ShopRows:
    """Everything to insert, per table, in insertion order."""

    customers: list[Row] = field(default_factory=list)
    products: list[Row] = field(default_factory=list)
    variants: list[Row] = field(default_factory=list)
    product_names: list[Row] = field(default_factory=list)
    variant_names: list[Row] = field(default_factory=list)
    orders: list[Row] = field(default_factory=list)
    lines: list[Row] = field(default_factory=list)
    payments: list[Row] = field(default_factory=list)
    refunds: list[Row] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Shipment:
    carrier: str
    tracking_number: str
    shipped_at: dt.datetime
    expected_delivery: dt.date


def at(today: dt.date, days_ago: int, hour: int, minute: int = 0) -> dt.datetime:
    """A UTC moment ``days_ago`` days before ``today`` at hour:minute."""
    day = today - dt.timedelta(days=days_ago)
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC)


def add_business_days(day: dt.date, days: int) -> dt.date:
    while days > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def currency_of(country: str) -> str:
    return "GBP" if country == "GB" else "EUR"


def add_order(
    rows: ShopRows,
    order_id: str,
    customer: Row,
    status: str,
    created_at: dt.datetime,
    items: list[tuple[str, int]],
    method: str,
    shipment: Shipment | None = None,
) -> Row:
    """Append an order and its lines (``items`` are (variant id, quantity)); returns the order."""
    currency = currency_of(customer["country"])
    total = 0
    for line_no, (variant_id, quantity) in enumerate(items, start=1):
        price = VARIANTS[variant_id].price_cents(currency)
        total += price * quantity
        rows.lines.append(
            {"order_id": order_id, "line_no": line_no, "variant_id": variant_id,
             "quantity": quantity, "returned_quantity": 0, "unit_price_cents": price}
        )
    order: Row = {
        "id": order_id, "customer_id": customer["id"], "status": status,
        "created_at": created_at, "total_cents": total, "currency": currency,
        "street": customer["street"], "postcode": customer["postcode"],
        "city": customer["city"], "country": customer["country"], "payment_method": method,
        "carrier": shipment.carrier if shipment else None,
        "tracking_number": shipment.tracking_number if shipment else None,
        "shipped_at": shipment.shipped_at if shipment else None,
        "expected_delivery": shipment.expected_delivery if shipment else None,
        "delivered_at": None, "cancelled_at": None,
    }
    rows.orders.append(order)
    return order


def add_payment(
    rows: ShopRows, order: Row, status: str, created_at: dt.datetime, number: int = 1
) -> None:
    """Append the order's ``number``-th payment attempt, for its full total."""
    rows.payments.append(
        {"id": f"PAY-{order['id'][3:]}-{number}", "order_id": order["id"],
         "amount_cents": order["total_cents"], "method": order["payment_method"],
         "status": status, "created_at": created_at}
    )


def add_refund(
    rows: ShopRows, order: Row, status: str, created_at: dt.datetime, reason: str
) -> None:
    """Refund the whole order to its payment method."""
    rows.refunds.append(
        {"id": f"RF-{order['id'][3:]}-1", "order_id": order["id"],
         "amount_cents": order["total_cents"], "method": order["payment_method"],
         "status": status, "reason": reason, "created_at": created_at,
         "expected_at": add_business_days(created_at.date(), REFUND_BUSINESS_DAYS)}
    )
