"""Picking items of an order: "only", "not"/"except", quantities and "all", in Dutch, English
and German (the words are data: `words.items` in locales/<code>.yaml)."""

import datetime as dt
from decimal import Decimal

import pytest

from tandem.answering.flows.items import picks_items, selected, wanted_variant
from tandem.commerce.model import Address, Order, OrderLine, OrderStatus
from tandem.types import CustomerId, OrderId

HOODIE = OrderLine("hoodie", "hoodie-m-grey", "Hoodie", "M / grey", 1, Decimal("59.95"))
SOCKS = OrderLine(
    "socks", "socks-36-40-grey", "Merinowollen sokken (3 paar)", "36-40 / grey", 2, Decimal("14.95")
)
MUG = OrderLine("mug", "mug-ochre", "Stenen mok", "ochre", 2, Decimal("12.50"))
HOME = Address("Damrak 1", "1012 AB", "Amsterdam", "NL")
ORDER = Order(
    OrderId("TD-1002"), CustomerId("c1"), OrderStatus.DELIVERED, dt.datetime(2026, 11, 20),
    Decimal("89.85"), "EUR", (HOODIE, SOCKS, MUG), HOME, "paypal", (), (),
)  # fmt: skip


def picked(text: str) -> dict[str, int | None]:
    return {wanted.line.product_id: wanted.quantity for wanted in selected(text, ORDER)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ik wil alleen de hoodie terugsturen, niet de sokken", {"hoodie": None}),
        ("only the hoodie please", {"hoodie": None}),
        ("the hoodie, not the socks", {"hoodie": None}),
        ("everything except the socks", {"hoodie": None, "mug": None}),
        ("alles behalve de sokken", {"hoodie": None, "mug": None}),
        ("alles terug zonder de mok en de sokken", {"hoodie": None}),
        ("de sokken niet, de rest wel", {"hoodie": None, "mug": None}),
        ("I'd like to return everything", {"hoodie": None, "socks": None, "mug": None}),
        ("allebei de sokken en de hoodie", {"hoodie": None, "socks": None}),
        ("1 pair of socks and the hoodie", {"hoodie": None, "socks": 1}),
        ("twee sokken", {"socks": 2}),
        ("the hoodie doesn't fit, I want to return it", {"hoodie": None}),
        ("de sokken passen niet", {"socks": None}),
        ("I want to return my order", {}),
    ],
)
def test_that_a_message_selects_the_items_it_picks(
    text: str, expected: dict[str, int | None]
) -> None:
    assert picked(text) == expected


@pytest.mark.parametrize(
    ("text", "picks"),
    [
        ("alleen de hoodie", True),
        ("nee, ik wil mijn geld terug voor de hoodie", False),
        ("not the socks", True),
        ("the mug", True),
        ("I would like to exchange the hoodie for another size please", False),
        ("ja", False),
        ("where is my order TD-1001", False),
    ],
)
def test_that_a_pick_of_items_is_told_from_a_new_request(text: str, picks: bool) -> None:
    assert picks_items(text, ORDER) is picks


def test_that_one_of_the_two_is_one() -> None:
    two = OrderLine("raincoat", "raincoat-l-ochre", "Rain jacket", "L", 2, Decimal("101.95"))
    order = Order(
        OrderId("TD-9"), CustomerId("c1"), OrderStatus.DELIVERED, dt.datetime(2026, 11, 20),
        Decimal("203.90"), "EUR", (two,), HOME, "card", (), (),
    )  # fmt: skip
    for text in ("one of the two rain jackets", "één van de twee rain jackets", "1 jacket"):
        assert [w.quantity for w in selected(text, order)] == [1], text


JACKET = OrderLine("raincoat", "raincoat-l-navy", "Regenjacke", "L / marineblau", 1,
                   Decimal("119.00"))  # fmt: skip
SCARF = OrderLine("scarf", "scarf-grey", "Strickschal", "grau", 1, Decimal("34.95"))
GERMAN = Order(
    OrderId("TD-3002"), CustomerId("C-3001"), OrderStatus.DELIVERED, dt.datetime(2026, 11, 20),
    Decimal("153.95"), "EUR", (JACKET, SCARF), HOME, "klarna", (), (),
)  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ich möchte nur die Regenjacke zurückschicken, nicht den Schal", {"raincoat": None}),
        ("alles außer dem Strickschal", {"raincoat": None}),
        ("die Regenjacke ja, aber den Schal behalte ich", {"raincoat": None}),
        ("ich schicke beides zurück", {"raincoat": None, "scarf": None}),
        ("den Strickschal nicht", {"raincoat": None}),
    ],
)
def test_that_german_words_pick_items_as_the_locale_lists_them(
    text: str, expected: dict[str, int | None]
) -> None:
    assert {w.line.product_id: w.quantity for w in selected(text, GERMAN)} == expected


def test_that_a_german_pick_is_told_from_a_new_request() -> None:
    assert picks_items("nur die Regenjacke", GERMAN)
    assert picks_items("den Strickschal nicht", GERMAN)
    assert not picks_items("nein, ich möchte mein Geld für die Regenjacke zurück", GERMAN)


def test_that_a_german_size_word_finds_the_variant() -> None:
    variants = [("raincoat-m-navy", "M / marineblau", True), ("raincoat-l-navy", "L / marineblau",
                                                                True)]  # fmt: skip
    assert wanted_variant("lieber in mittel", variants) == [variants[0]]
    assert wanted_variant("Größe M bitte", variants) == [variants[0]]
