"""Random but plausible order histories: each status gets the dates, payments and refunds it has.

Every date lies before ``today`` (midnight UTC), so a freshly seeded shop never shows the future.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from tandem.commerce.demo import catalogue as cat
from tandem.commerce.demo.rows import (
    Row,
    Shipment,
    ShopRows,
    add_order,
    add_payment,
    add_refund,
    at,
)
from tandem.commerce.model import PAYMENT_METHODS

STATUS_WEIGHTS = {
    "pending": 7,
    "processing": 8,
    "shipped": 12,
    "delivered": 50,
    "cancelled": 10,
    "returned": 13,
}
METHOD_WEIGHTS = {"NL": (55, 10, 20, 15), "BE": (10, 45, 30, 15), "GB": (0, 60, 30, 10)}
RETURN_REASONS = ("Does not fit", "Not as pictured", "Changed my mind", "Arrived damaged")


def add_random_order(
    rows: ShopRows, rng: random.Random, today: dt.date, order_id: str, customer: Row
) -> None:
    status = rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0]
    method = rng.choices(PAYMENT_METHODS, METHOD_WEIGHTS[customer["country"]])[0]
    _STORIES[status](rows, rng, today, order_id, customer, method)


def _pending(
    rows: ShopRows, rng: random.Random, today: dt.date, order_id: str, customer: Row, method: str
) -> None:
    created = _moment(rng, today, 1)
    order = add_order(rows, order_id, customer, "pending", created, _items(rng), method)
    failed = method != "klarna" and rng.random() < 0.25  # waiting for the customer to retry
    add_payment(rows, order, "failed" if failed else "pending", order["created_at"])


def _processing(
    rows: ShopRows, rng: random.Random, today: dt.date, order_id: str, customer: Row, method: str
) -> None:
    created = _moment(rng, today, rng.randint(1, 2))
    order = add_order(rows, order_id, customer, "processing", created, _items(rng), method)
    _pay(rows, rng, order)


def _shipped(
    rows: ShopRows, rng: random.Random, today: dt.date, order_id: str, customer: Row, method: str
) -> None:
    transit = cat.TRANSIT_DAYS[customer["country"]]
    shipped_ago = rng.randint(1, transit + (1 if rng.random() < 0.1 else 0))  # a few run late
    shipment = _shipment(rng, today, customer["country"], shipped_ago)
    created = _moment(rng, today, shipped_ago + 1)
    order = add_order(rows, order_id, customer, "shipped", created, _items(rng), method, shipment)
    _pay(rows, rng, order)


def _delivered(
    rows: ShopRows, rng: random.Random, today: dt.date, order_id: str, customer: Row, method: str
) -> None:
    _add_delivered(rows, rng, today, order_id, customer, method, rng.randint(1, 180))


def _returned(
    rows: ShopRows, rng: random.Random, today: dt.date, order_id: str, customer: Row, method: str
) -> None:
    delivered_ago = rng.randint(3, 180)
    order = _add_delivered(rows, rng, today, order_id, customer, method, delivered_ago)
    order["status"] = "returned"
    for line in rows.lines[-3:]:  # an order has at most three lines
        if line["order_id"] == order_id:
            line["returned_quantity"] = line["quantity"]
    requested = at(today, rng.randint(1, min(delivered_ago - 1, 28)), rng.randint(8, 20))
    add_refund(rows, order, "on_its_way", requested, rng.choice(RETURN_REASONS))
    _settle_refund(rows, today)


def _cancelled(
    rows: ShopRows, rng: random.Random, today: dt.date, order_id: str, customer: Row, method: str
) -> None:
    created = _moment(rng, today, rng.randint(1, 180))
    order = add_order(rows, order_id, customer, "cancelled", created, _items(rng), method)
    order["cancelled_at"] = created + dt.timedelta(hours=rng.randint(1, 20))
    if method == "klarna":
        return  # nothing was charged
    if rng.random() < 0.2:  # cancelled because the payment never went through
        add_payment(rows, order, "failed", created)
        return
    add_payment(rows, order, "refunded", created)
    add_refund(rows, order, "on_its_way", order["cancelled_at"], "Order cancelled")
    _settle_refund(rows, today)


_Story = Callable[[ShopRows, random.Random, dt.date, str, Row, str], None]
_STORIES: dict[str, _Story] = {
    "pending": _pending,
    "processing": _processing,
    "shipped": _shipped,
    "delivered": _delivered,
    "cancelled": _cancelled,
    "returned": _returned,
}


def _add_delivered(
    rows: ShopRows,
    rng: random.Random,
    today: dt.date,
    order_id: str,
    customer: Row,
    method: str,
    delivered_ago: int,
) -> Row:
    transit = cat.TRANSIT_DAYS[customer["country"]]
    shipment = _shipment(rng, today, customer["country"], delivered_ago + transit)
    created = _moment(rng, today, delivered_ago + transit + 1)
    order = add_order(rows, order_id, customer, "delivered", created, _items(rng), method, shipment)
    order["delivered_at"] = at(today, delivered_ago, rng.randint(9, 18), rng.randint(0, 59))
    _pay(rows, rng, order)
    return order


def _pay(rows: ShopRows, rng: random.Random, order: Row) -> None:
    """One payment, sometimes after a failed attempt, rarely charged twice."""
    created: dt.datetime = order["created_at"]
    roll = rng.random()
    if roll < 0.06:
        add_payment(rows, order, "failed", created)
        add_payment(rows, order, "paid", created + dt.timedelta(minutes=3), number=2)
    elif roll < 0.075:
        add_payment(rows, order, "paid", created)
        add_payment(rows, order, "paid", created + dt.timedelta(minutes=1), number=2)
    else:
        add_payment(rows, order, "paid", created)


def _settle_refund(rows: ShopRows, today: dt.date) -> None:
    """Mark the last refund (and its payment) paid once its expected date has passed."""
    refund = rows.refunds[-1]
    if refund["expected_at"] < today:
        refund["status"] = "paid"
        for payment in rows.payments[-2:]:
            if payment["order_id"] == refund["order_id"] and payment["status"] == "paid":
                payment["status"] = "refunded"


def _moment(rng: random.Random, today: dt.date, days_ago: int) -> dt.datetime:
    return at(today, days_ago, rng.randint(7, 23), rng.randint(0, 59))


def _items(rng: random.Random) -> list[tuple[str, int]]:
    count = rng.choices((1, 2, 3), (60, 30, 10))[0]
    variant_ids = rng.sample(sorted(cat.VARIANTS), count)
    return [(v, rng.choices((1, 2, 3), (85, 12, 3))[0]) for v in variant_ids]


def _tracking_number(rng: random.Random, carrier: str) -> str:
    digits = "".join(rng.choices("0123456789", k=14))
    if carrier == "PostNL":
        return "3S" + "".join(rng.choices("ABCDEFGHJKLMNPRSTVWXZ", k=4)) + digits[:7]
    if carrier == "Royal Mail":
        return "".join(rng.choices("ABCDEFGHJKLMNPRSTVWXZ", k=2)) + digits[:9] + "GB"
    if carrier == "DHL":
        return "JVGL" + digits[:10]
    return digits  # DPD and bpost use numeric parcel numbers


def _shipment(rng: random.Random, today: dt.date, country: str, shipped_days_ago: int) -> Shipment:
    carrier = rng.choice(cat.CARRIERS[country])
    shipped_at = at(today, shipped_days_ago, rng.randint(14, 19), rng.randint(0, 59))
    expected = shipped_at.date() + dt.timedelta(days=cat.TRANSIT_DAYS[country])
    return Shipment(carrier, _tracking_number(rng, carrier), shipped_at, expected)
