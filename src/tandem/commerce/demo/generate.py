"""A deterministic demo shop: the same seed and day always give the same customers and orders.

``seed(engine)`` fills the ``shop_`` tables once (bulk inserts, well under a second on SQLite);
the personas in :mod:`tandem.commerce.demo.personas` are always part of it.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import astuple, dataclass

from sqlalchemy import Connection, Engine, delete, func, insert, select

from tandem.commerce.demo import catalogue as cat
from tandem.commerce.demo.histories import add_random_order
from tandem.commerce.demo.personas import PERSONA_STOCK, add_personas
from tandem.commerce.demo.rows import Row, ShopRows, at
from tandem.commerce.demo.tables import SHOP_TABLES, shop_idempotency, shop_orders
from tandem.storage.db import transaction
from tandem.storage.locks import serialise

SEED = 20_24_06
CUSTOMER_COUNT = 220
ORDER_COUNT = 1_200


@dataclass(frozen=True, slots=True)
class SeedSummary:
    created: bool  # False when the shop already held data and nothing was written
    customers: int
    products: int
    variants: int
    orders: int
    payments: int
    refunds: int
    orders_by_status: dict[str, int]


def seed(engine: Engine, today: dt.date | None = None, *, reset: bool = False) -> SeedSummary:
    """Fill the demo shop unless it holds data; ``reset`` first empties it and regenerates."""
    with transaction(engine) as connection:
        serialise(connection, "demo shop")  # two servers starting together seed it once
        if reset:
            connection.execute(delete(shop_idempotency))
            for table in reversed(SHOP_TABLES):
                connection.execute(delete(table))
        elif connection.execute(select(func.count()).select_from(shop_orders)).scalar_one():
            return _summary(connection, created=False)
        rows = generate(today or dt.datetime.now(dt.UTC).date())
        for table, data in zip(SHOP_TABLES, astuple(rows), strict=True):
            connection.execute(insert(table), data)
        return _summary(connection, created=True)


def generate(today: dt.date, seed: int = SEED) -> ShopRows:
    """All rows of the demo shop as of ``today``."""
    rng = random.Random(seed)
    rows = ShopRows()
    _add_catalogue(rows, rng)
    add_personas(rows, today)
    emails = {c["email"] for c in rows.customers}
    customers = [_customer(rng, f"C-{100_001 + n}", today, emails) for n in range(CUSTOMER_COUNT)]
    rows.customers.extend(customers)
    for n in range(ORDER_COUNT):
        add_random_order(rows, rng, today, f"TD-{100_001 + n}", rng.choice(customers))
    return rows


def _summary(connection: Connection, *, created: bool) -> SeedSummary:
    counts = [
        connection.execute(select(func.count()).select_from(table)).scalar_one()
        for table in SHOP_TABLES
    ]
    by_status = connection.execute(
        select(shop_orders.c.status, func.count()).group_by(shop_orders.c.status)
    )
    customers, products, variants, _names, _variant_names, orders, _lines, payments, refunds = (
        counts
    )
    return SeedSummary(
        created, customers, products, variants, orders, payments, refunds,
        dict(sorted((status, count) for status, count in by_status)),
    )


def _add_catalogue(rows: ShopRows, rng: random.Random) -> None:
    for product in cat.PRODUCTS:
        rows.products.append({"id": product.id, "category": product.category})
        rows.product_names.extend(
            {"product_id": product.id, "language": language, "name": name}
            for language, name in product.names.items()
        )
        for variant in cat.variants_of(product):
            stock = 0 if rng.random() < 0.12 else rng.randint(1, 40)
            rows.variants.append(
                {"id": variant.id, "product_id": product.id,
                 "price_eur_cents": variant.price_eur_cents,
                 "price_gbp_cents": variant.price_gbp_cents,
                 "stock": PERSONA_STOCK.get(variant.id, stock)}
            )
            rows.variant_names.extend(
                {"variant_id": variant.id, "language": language, "name": name}
                for language, name in variant.names.items()
            )


def _customer(rng: random.Random, customer_id: str, today: dt.date, emails: set[str]) -> Row:
    country = rng.choices(("NL", "GB", "BE"), (50, 32, 18))[0]
    spoken = cat.SPOKEN[country]  # a few English-speaking expats in the Netherlands too
    language = rng.choices(list(spoken), list(spoken.values()))[0]
    firsts, lasts = cat.NAMES_BY_LANGUAGE[language]
    first, last = rng.choice(firsts), rng.choice(lasts)
    street, postcode, city = _address(rng, country, language)
    return {
        "id": customer_id, "name": f"{first} {last}", "language": language,
        "email": _unique_email(f"{first}.{last}", cat.EMAIL_DOMAINS[country], emails),
        "street": street, "postcode": postcode, "city": city, "country": country,
        "tier": "gold" if rng.random() < 0.12 else "standard",
        "created_at": at(today, rng.randint(200, 900), rng.randint(7, 22), rng.randint(0, 59)),
    }


def _address(rng: random.Random, country: str, language: str) -> tuple[str, str, str]:
    """(street and number, postcode, city) in the country's own format; in Belgium in a region
    where ``language`` is spoken."""
    if country == "NL":
        city, (low, high) = rng.choice(list(cat.NL_CITIES.items()))
        letters = rng.choice(cat.NL_EXCLUDED_LETTERS)
        while letters in cat.NL_EXCLUDED_LETTERS:
            letters = "".join(rng.choices("ABCDEGHJKLMNPRSTVWXZ", k=2))
        street = f"{rng.choice(cat.NL_STREETS)} {rng.randint(1, 240)}"
        return street, f"{rng.randint(low, high)} {letters}", city
    if country == "BE":
        cities, streets = cat.BE_PLACES[language if language in cat.BE_PLACES else "nl"]
        city, codes = rng.choice(list(cities.items()))
        return f"{rng.choice(streets)} {rng.randint(1, 180)}", rng.choice(codes), city
    city, outward = rng.choice(list(cat.UK_CITIES.items()))
    inward = f"{rng.randint(0, 9)}{''.join(rng.choices(cat.UK_INWARD_LETTERS, k=2))}"
    street = f"{rng.randint(1, 160)} {rng.choice(cat.UK_STREETS)}"
    return street, f"{rng.choice(outward)} {inward}", city


def _unique_email(name: str, domain: str, taken: set[str]) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    local = ascii_name.lower().replace(" ", "").replace("'", "")
    email, number = f"{local}@{domain}", 1
    while email in taken:
        number += 1
        email = f"{local}{number}@{domain}"
    taken.add(email)
    return email
