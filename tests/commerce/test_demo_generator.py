import re
from collections import Counter

from sqlalchemy import Engine, func, select

from tandem.commerce.addresses import normalise_postcode
from tandem.commerce.demo.generate import generate, seed
from tandem.commerce.demo.tables import shop_orders
from tandem.commerce.model import OrderStatus

from .conftest import TODAY


def test_that_the_generator_makes_enough_customers_and_orders_in_every_status() -> None:
    rows = generate(TODAY)
    statuses = Counter(order["status"] for order in rows.orders)
    assert len(rows.customers) >= 200
    assert len(rows.orders) >= 1000
    assert set(statuses) == {s.value for s in OrderStatus}
    assert all(count >= 50 for count in statuses.values())


def test_that_generated_payments_include_failed_and_double_charged_ones() -> None:
    rows = generate(TODAY)
    paid = Counter(p["order_id"] for p in rows.payments if p["status"] == "paid")
    assert sum(1 for p in rows.payments if p["status"] == "failed") >= 20
    assert sum(1 for count in paid.values() if count > 1) >= 5


def test_that_shipped_orders_have_a_carrier_tracking_number_and_expected_date() -> None:
    shipped = [o for o in generate(TODAY).orders if o["status"] == "shipped"]
    assert all(o["carrier"] and o["tracking_number"] and o["expected_delivery"] for o in shipped)


def test_that_customers_have_valid_dutch_belgian_and_uk_postcodes() -> None:
    customers = generate(TODAY).customers
    assert {c["country"] for c in customers} == {"NL", "BE", "GB"}
    assert {c["language"] for c in customers} == {"nl", "en", "de", "fr"}
    assert all(normalise_postcode(c["country"], c["postcode"]) == c["postcode"] for c in customers)
    assert len({c["email"] for c in customers}) == len(customers)


def test_that_generated_order_ids_never_collide_with_the_personas() -> None:
    ids = [o["id"] for o in generate(TODAY).orders]
    generated = [i for i in ids if not re.fullmatch(r"TD-[1-4]00[1-4]", i)]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"TD-1\d{5}", i) for i in generated)


def test_that_the_same_seed_and_day_give_the_same_shop() -> None:
    assert generate(TODAY) == generate(TODAY)
    assert generate(TODAY, seed=1).orders != generate(TODAY).orders


def test_that_seeding_twice_changes_nothing_and_reset_regenerates(engine: Engine) -> None:
    first = seed(engine, TODAY)
    again = seed(engine, TODAY)
    reset = seed(engine, TODAY, reset=True)
    assert first.created and not again.created and reset.created
    assert first.orders == again.orders == reset.orders >= 1000
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(shop_orders)).scalar_one()
    assert count == first.orders


def test_that_german_and_french_speakers_live_where_belgium_speaks_their_language() -> None:
    customers = [c for c in generate(TODAY).customers if c["language"] in ("de", "fr")]
    regions = {"de": {"Eupen", "Sankt Vith", "Kelmis"}, "fr": {"Bruxelles", "Liège", "Namur",
                                                              "Charleroi", "Mons"}}
    assert sum(c["language"] == "de" for c in customers) >= 3
    assert sum(c["language"] == "fr" for c in customers) >= 10
    assert all(c["country"] == "BE" and c["city"] in regions[c["language"]] for c in customers)


def test_that_every_product_and_variant_is_named_in_dutch_english_german_and_french() -> None:
    rows = generate(TODAY)
    for table, key, count in ((rows.product_names, "product_id", len(rows.products)),
                              (rows.variant_names, "variant_id", len(rows.variants))):
        by_language = Counter(row["language"] for row in table)
        assert by_language == {language: count for language in ("en", "nl", "de", "fr")}
        assert len({(row[key], row["language"]) for row in table}) == len(table)
    german = {r["variant_id"]: r["name"] for r in rows.variant_names if r["language"] == "de"}
    french = {r["product_id"]: r["name"] for r in rows.product_names if r["language"] == "fr"}
    assert (german["hoodie-m-grey"], german["candle-fig"]) == ("M / grau", "Feige")
    assert french["raincoat"] == "Veste de pluie"
