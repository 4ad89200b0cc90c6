"""The always-present demo customers, whose orders each show one situation (README lists them).

Dates are relative to ``today``, so "delivered 5 days ago" stays true whenever the demo is seeded.
"""

from __future__ import annotations

import datetime as dt

from tandem.commerce.demo.rows import (
    Row,
    Shipment,
    ShopRows,
    add_order,
    add_payment,
    add_refund,
    at,
)

EMMA: Row = {
    "id": "C-1001",
    "name": "Emma de Vries",
    "email": "emma@example.nl",
    "language": "nl",
    "street": "Warmoesstraat 14",
    "postcode": "1012 AB",
    "city": "Amsterdam",
    "country": "NL",
    "tier": "standard",
}
JAMES: Row = {
    "id": "C-2001",
    "name": "James Miller",
    "email": "james@example.com",
    "language": "en",
    "street": "12 Buckingham Gate",
    "postcode": "SW1A 1AA",
    "city": "London",
    "country": "GB",
    "tier": "gold",
}

#: Stock the persona stories rely on: an exchange that works and one that cannot.
PERSONA_STOCK = {
    "hoodie-l-grey": 8,
    "hoodie-xl-green": 0,
    "sneakers-40-white": 5,
    "sneakers-41-white": 0,
    "boots-44-brown": 3,
}


def add_personas(rows: ShopRows, today: dt.date) -> None:
    for customer in (EMMA, JAMES):
        rows.customers.append({**customer, "created_at": at(today, 400, 10)})
    _emma(rows, today)
    _james(rows, today)


def _emma(rows: ShopRows, today: dt.date) -> None:
    shipped = Shipment("PostNL", "3SDEMO1001001", at(today, 1, 16, 5), today + dt.timedelta(1))
    order = add_order(
        rows,
        "TD-1001",
        EMMA,
        "shipped",
        at(today, 2, 10, 24),
        [("raincoat-m-ochre", 1)],
        "ideal",
        shipped,
    )
    add_payment(rows, order, "paid", order["created_at"])

    shipped = Shipment("PostNL", "3SDEMO1002002", at(today, 7, 15, 30), today - dt.timedelta(5))
    order = add_order(
        rows,
        "TD-1002",
        EMMA,
        "delivered",
        at(today, 8, 19, 12),
        [("hoodie-m-grey", 1), ("socks-36-40-grey", 2)],
        "paypal",
        shipped,
    )
    order["delivered_at"] = at(today, 5, 11, 47)
    add_payment(rows, order, "paid", order["created_at"])

    order = add_order(
        rows,
        "TD-1003",
        EMMA,
        "pending",
        at(today, 1, 21, 35),
        [("sneakers-39-white", 1)],
        "klarna",
    )
    add_payment(rows, order, "pending", order["created_at"])

    order = add_order(
        rows,
        "TD-1004",
        EMMA,
        "processing",
        at(today, 1, 9, 2),
        [("backpack-sand", 1), ("mug-ochre", 2)],
        "ideal",
    )
    add_payment(rows, order, "paid", order["created_at"])
    add_payment(rows, order, "paid", at(today, 1, 9, 4), number=2)  # charged twice


def _james(rows: ShopRows, today: dt.date) -> None:
    shipped = Shipment("Royal Mail", "RD200100001GB", at(today, 44, 15), today - dt.timedelta(40))
    order = add_order(
        rows,
        "TD-2001",
        JAMES,
        "delivered",
        at(today, 45, 14, 10),
        [("boots-43-brown", 1)],
        "card",
        shipped,
    )
    order["delivered_at"] = at(today, 40, 12, 30)
    add_payment(rows, order, "paid", order["created_at"])

    order = add_order(
        rows,
        "TD-2002",
        JAMES,
        "processing",
        at(today, 1, 16, 45),
        [("shirt-l-blue", 1), ("tshirt-l-navy", 2)],
        "card",
    )
    add_payment(rows, order, "paid", order["created_at"])

    shipped = Shipment("DPD", "15502003000001", at(today, 19, 14), today - dt.timedelta(16))
    order = add_order(
        rows,
        "TD-2003",
        JAMES,
        "returned",
        at(today, 20, 8, 55),
        [("earbuds-black", 1)],
        "paypal",
        shipped,
    )
    order["delivered_at"] = at(today, 16, 10, 20)
    rows.lines[-1]["returned_quantity"] = 1
    add_payment(rows, order, "paid", order["created_at"])
    add_refund(rows, order, "on_its_way", at(today, 3, 10), "Returned: does not fit well")
