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
    "id": "C-1001", "name": "Emma de Vries", "email": "emma@example.nl", "language": "nl",
    "street": "Warmoesstraat 14", "postcode": "1012 AB", "city": "Amsterdam", "country": "NL",
    "tier": "standard",
}
JAMES: Row = {
    "id": "C-2001", "name": "James Miller", "email": "james@example.com", "language": "en",
    "street": "12 Buckingham Gate", "postcode": "SW1A 1AA", "city": "London", "country": "GB",
    "tier": "gold",
}
LUKAS: Row = {
    "id": "C-3001", "name": "Lukas Schmitz", "email": "lukas@example.de", "language": "de",
    "street": "Gospertstraße 21", "postcode": "4700", "city": "Eupen", "country": "BE",
    "tier": "standard",
}
CLAIRE: Row = {
    "id": "C-4001", "name": "Claire Dubois", "email": "claire@example.fr", "language": "fr",
    "street": "Rue des Carmes 8", "postcode": "4000", "city": "Liège", "country": "BE",
    "tier": "standard",
}
PERSONAS = (EMMA, JAMES, LUKAS, CLAIRE)
#: customer id -> (first, last) of the persona's orders, for pages and texts that list them.
PERSONA_ORDERS = {
    "C-1001": ("TD-1001", "TD-1004"),
    "C-2001": ("TD-2001", "TD-2003"),
    "C-3001": ("TD-3001", "TD-3003"),
    "C-4001": ("TD-4001", "TD-4003"),
}

#: Stock the persona stories rely on: an exchange that works and one that cannot.
PERSONA_STOCK = {
    "hoodie-l-grey": 8,
    "hoodie-xl-green": 0,
    "sneakers-40-white": 5,
    "sneakers-41-white": 0,
    "boots-44-brown": 3,
    "raincoat-m-navy": 4,  # Lukas's rain jacket one size smaller
}

def add_personas(rows: ShopRows, today: dt.date) -> None:
    for customer in PERSONAS:
        rows.customers.append({**customer, "created_at": at(today, 400, 10)})
    _emma(rows, today)
    _james(rows, today)
    _lukas(rows, today)
    _claire(rows, today)


def _emma(rows: ShopRows, today: dt.date) -> None:
    shipped = Shipment("PostNL", "3SDEMO1001001", at(today, 1, 16, 5), today + dt.timedelta(1))
    order = add_order(
        rows, "TD-1001", EMMA, "shipped", at(today, 2, 10, 24), [("raincoat-m-ochre", 1)],
        "ideal", shipped,
    )
    add_payment(rows, order, "paid", order["created_at"])

    shipped = Shipment("PostNL", "3SDEMO1002002", at(today, 7, 15, 30), today - dt.timedelta(5))
    order = add_order(
        rows, "TD-1002", EMMA, "delivered", at(today, 8, 19, 12),
        [("hoodie-m-grey", 1), ("socks-36-40-grey", 2)], "paypal", shipped,
    )
    order["delivered_at"] = at(today, 5, 11, 47)
    add_payment(rows, order, "paid", order["created_at"])

    order = add_order(
        rows, "TD-1003", EMMA, "pending", at(today, 1, 21, 35), [("sneakers-39-white", 1)],
        "klarna",
    )
    add_payment(rows, order, "pending", order["created_at"])

    order = add_order(
        rows, "TD-1004", EMMA, "processing", at(today, 1, 9, 2),
        [("backpack-sand", 1), ("mug-ochre", 2)], "ideal",
    )
    add_payment(rows, order, "paid", order["created_at"])
    add_payment(rows, order, "paid", at(today, 1, 9, 4), number=2)  # charged twice


def _james(rows: ShopRows, today: dt.date) -> None:
    shipped = Shipment("Royal Mail", "RD200100001GB", at(today, 44, 15), today - dt.timedelta(40))
    order = add_order(
        rows, "TD-2001", JAMES, "delivered", at(today, 45, 14, 10), [("boots-43-brown", 1)],
        "card", shipped,
    )
    order["delivered_at"] = at(today, 40, 12, 30)
    add_payment(rows, order, "paid", order["created_at"])

    order = add_order(
        rows, "TD-2002", JAMES, "processing", at(today, 1, 16, 45),
        [("shirt-l-blue", 1), ("tshirt-l-navy", 2)], "card",
    )
    add_payment(rows, order, "paid", order["created_at"])

    shipped = Shipment("DPD", "15502003000001", at(today, 19, 14), today - dt.timedelta(16))
    order = add_order(
        rows, "TD-2003", JAMES, "returned", at(today, 20, 8, 55), [("earbuds-black", 1)],
        "paypal", shipped,
    )
    order["delivered_at"] = at(today, 16, 10, 20)
    rows.lines[-1]["returned_quantity"] = 1
    add_payment(rows, order, "paid", order["created_at"])
    add_refund(rows, order, "on_its_way", at(today, 3, 10), "Returned: does not fit well")


def _lukas(rows: ShopRows, today: dt.date) -> None:
    shipped = Shipment("bpost", "323299163001", at(today, 1, 17, 10), today + dt.timedelta(1))
    order = add_order(
        rows, "TD-3001", LUKAS, "shipped", at(today, 2, 20, 5), [("boots-42-black", 1)], "card",
        shipped,
    )
    add_payment(rows, order, "paid", order["created_at"])

    shipped = Shipment("bpost", "323299163002", at(today, 6, 16), today - dt.timedelta(4))
    order = add_order(
        rows, "TD-3002", LUKAS, "delivered", at(today, 7, 9, 40),
        [("raincoat-l-navy", 1), ("scarf-grey", 1)], "klarna", shipped,
    )
    order["delivered_at"] = at(today, 4, 13, 15)
    add_payment(rows, order, "paid", order["created_at"])

    order = add_order(
        rows, "TD-3003", LUKAS, "processing", at(today, 1, 8, 30), [("duvet-200x220-white", 1)],
        "paypal",
    )
    add_payment(rows, order, "paid", order["created_at"])


def _claire(rows: ShopRows, today: dt.date) -> None:
    shipped = Shipment("DHL", "JJD000400100001", at(today, 12, 15), today - dt.timedelta(10))
    order = add_order(
        rows, "TD-4001", CLAIRE, "delivered", at(today, 13, 11, 5),
        [("shirt-m-sand", 1), ("towel-green", 2)], "card", shipped,
    )
    order["delivered_at"] = at(today, 10, 10, 45)
    add_payment(rows, order, "paid", order["created_at"])

    order = add_order(
        rows, "TD-4002", CLAIRE, "pending", at(today, 1, 7, 50), [("candle-lavender", 3)],
        "card",
    )
    add_payment(rows, order, "failed", order["created_at"])  # waiting for her to pay again

    shipped = Shipment("bpost", "323299164003", at(today, 2, 16, 20), today)
    order = add_order(
        rows, "TD-4003", CLAIRE, "shipped", at(today, 3, 19), [("earbuds-white", 1)], "paypal",
        shipped,
    )
    add_payment(rows, order, "paid", order["created_at"])
