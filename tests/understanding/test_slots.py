import datetime as dt
from decimal import Decimal

import pytest

from tandem.security.redaction import redact
from tandem.understanding.catalogue import load_catalogue
from tandem.understanding.result import Context, Slots
from tandem.understanding.slots import SlotExtractor

WEDNESDAY = dt.date(2026, 3, 18)
PRODUCTS = (("P-1", "Blue Rain Jacket"), ("P-2", "Leather Boots"), ("P-3", "Desk Lamp"))


@pytest.fixture(scope="module")
def extractor() -> SlotExtractor:
    return SlotExtractor(load_catalogue())


def slots(extractor: SlotExtractor, text: str) -> Slots:
    return extractor.extract(text, Context(today=WEDNESDAY, known_products=PRODUCTS))


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("waar is TD-1001?", ("TD-1001",)),
        ("td1001 en TD 1002", ("TD-1001", "TD-1002")),
        ("order #1003 please", ("TD-1003",)),
        ("bestelling 1004 is kwijt", ("TD-1004",)),
        ("my order number is 1005", ("TD-1005",)),
        ("mon numéro de commande est 1005", ("TD-1005",)),
        ("commande n° 1002 svp", ("TD-1002",)),
        ("I paid 1006 times", ()),
    ],
)
def test_that_order_numbers_are_normalised(
    extractor: SlotExtractor, text: str, ids: tuple[str, ...]
) -> None:
    assert slots(extractor, text).order_ids == ids


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("mijn postcode is 1012 AB", ("1012 AB",)),
        ("1012ab", ("1012 AB",)),
        ("ship to SW1A 1AA please", ("SW1A 1AA",)),
        ("postcode m11ae", ("M1 1AE",)),
        ("in 2024 is het misgegaan", ()),
    ],
)
def test_that_dutch_and_british_postcodes_are_found(
    extractor: SlotExtractor, text: str, codes: tuple[str, ...]
) -> None:
    assert slots(extractor, text).postcodes == codes


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("TD-4001, 75011", ("75011",)),  # next to the order number, not shaped like one
        ("4700 / TD-3001", ("4700",)),
        ("claire@example.fr 4000", ("4000",)),
        ("code postal 4000", ("4000",)),  # named by a detail word of the catalogue
        ("PLZ: 4700 und TD-3001", ("4700",)),
        ("TD-1001, 1012 AB", ("1012 AB",)),  # a Dutch one stays one
        ("TD-1001 in 2024", ()),
        ("ik betaalde 4000 euro voor TD-1001", ()),
        ("TD-1001 2024-05-01", ()),
        ("TD-1001 12:30", ()),
        ("4000", ()),  # a bare number alone may be an order number without its prefix
    ],
)
def test_that_numeric_postcodes_are_read_only_where_nothing_else_is_meant(
    extractor: SlotExtractor, text: str, codes: tuple[str, ...]
) -> None:
    assert slots(extractor, text).postcodes == codes


def test_that_a_numeric_postcode_is_masked_with_the_order_number(extractor: SlotExtractor) -> None:
    assert extractor.mask("annulez TD-4002, 4000") == "annulez"
    assert extractor.mask("code postal 4000 svp") == "svp"


@pytest.mark.parametrize(
    ("text", "amounts"),
    [
        ("ik betaalde € 49,95", (Decimal("49.95"),)),
        ("charged £12.50 twice", (Decimal("12.50"),)),
        ("49.95 euro", (Decimal("49.95"),)),
        ("€1.234,56 en $1,250.00", (Decimal("1234.56"), Decimal("1250.00"))),
        ("I ordered 3 shirts", ()),
    ],
)
def test_that_amounts_need_a_currency_and_read_both_decimal_marks(
    extractor: SlotExtractor, text: str, amounts: tuple[Decimal, ...]
) -> None:
    assert slots(extractor, text).amounts == amounts


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("gisteren besteld", dt.date(2026, 3, 17)),
        ("vandaag", WEDNESDAY),
        ("eergisteren", dt.date(2026, 3, 16)),
        ("I ordered yesterday", dt.date(2026, 3, 17)),
        ("last Monday", dt.date(2026, 3, 16)),
        ("afgelopen maandag", dt.date(2026, 3, 16)),
        ("last Wednesday", dt.date(2026, 3, 11)),
        ("3 dagen geleden", dt.date(2026, 3, 15)),
        ("two weeks ago", dt.date(2026, 3, 4)),
        ("op 2026-03-01", dt.date(2026, 3, 1)),
        ("12 maart", dt.date(2026, 3, 12)),
        ("on March 12", dt.date(2026, 3, 12)),
        ("13 december", dt.date(2025, 12, 13)),
        ("31/12/2025", dt.date(2025, 12, 31)),
        ("commandé aujourd'hui", WEDNESDAY),
        ("reçu hier soir", dt.date(2026, 3, 17)),
        ("avant-hier", dt.date(2026, 3, 16)),
        ("il y a 3 jours", dt.date(2026, 3, 15)),
        ("il y a deux semaines", dt.date(2026, 3, 4)),
        ("lundi dernier", dt.date(2026, 3, 16)),
        ("le 12 mars", dt.date(2026, 3, 12)),
        ("le 13 décembre", dt.date(2025, 12, 13)),
    ],
)
def test_that_absolute_and_relative_dates_are_resolved(
    extractor: SlotExtractor, text: str, date: dt.date
) -> None:
    assert slots(extractor, text).dates == (date,)


def test_that_emails_are_found_in_lower_case(extractor: SlotExtractor) -> None:
    assert slots(extractor, "mail Jan.Jansen@Example.nl aub").emails == ("jan.jansen@example.nl",)


@pytest.mark.parametrize(
    ("text", "products"),
    [
        ("my rain jacket leaks", ("P-1",)),
        ("de leren boots zijn kapot", ("P-2",)),
        ("the lamp broke", ("P-3",)),
        ("P-2 is broken", ("P-2",)),
        ("where is my order", ()),
    ],
)
def test_that_products_are_matched_against_the_customers_own(
    extractor: SlotExtractor, text: str, products: tuple[str, ...]
) -> None:
    assert slots(extractor, text).product_refs == products


@pytest.mark.parametrize(
    "text",
    [
        "bestelling 4242 4242 4242 4242 kapot, cvv 123",
        "order NL91 ABNA 0417 1643 00 postcode",
        "refund € GB82 WEST 1234 5698 7654 32 on 4111-1111-1111-1111",
    ],
)
def test_that_masked_payment_details_read_as_no_order_postcode_amount_or_date(
    extractor: SlotExtractor, text: str
) -> None:
    masked = redact(text).text
    assert "•" in masked
    found = slots(extractor, masked)
    assert (found.order_ids, found.postcodes, found.amounts, found.dates) == ((), (), (), ())
    assert "•" not in extractor.mask(masked)  # intent is read from the words around them


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("cancel it, postcode is 1012 AB", "cancel it,"),
        ("annuleer hem, e-mailadres: emma@example.nl", "annuleer hem,"),
        ("Bitte storniere TD-1003, Postleitzahl 1012 AB", "Bitte storniere ,"),
        ("Annulez la commande TD-1003, code postal 1012 AB", "Annulez la commande ,"),
        ("mon adresse mail est emma@example.nl", "mon"),
        ("the postcode is wrong", "the postcode is wrong"),
    ],
)
def test_that_the_catalogues_detail_words_are_masked_with_the_detail_they_name(
    extractor: SlotExtractor, text: str, masked: str
) -> None:
    assert extractor.mask(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "where are TD-1001 and 1002?",
        "where are TD-1001, 1002",
        "TD-1001 1002",
        "my orders 1001 and 1002",
        "waar zijn TD-1001 en 1002?",
        "bestellingen 1001 en 1002",
        "wo sind TD-1001 und 1002?",
        "Bestellungen 1001 und 1002",
        "où en sont TD-1001 et 1002 ?",
        "mes commandes 1001 et 1002",
        "TD-1001 / 1002",
    ],
)
def test_that_a_bare_number_listed_after_an_order_number_is_a_second_order(
    extractor: SlotExtractor, text: str
) -> None:
    found = slots(extractor, text)
    assert found.order_ids == ("TD-1001", "TD-1002")
    assert found.postcodes == ()
    assert found.order_or_postcode == ("1002",)  # while a postcode is awaited, it may be one


@pytest.mark.parametrize(
    ("text", "ids", "codes"),
    [
        ("TD-1001, 1002 en 1003", ("TD-1001", "TD-1002", "TD-1003"), ()),
        ("TD-4001, 4000", ("TD-4001", "TD-4000"), ()),  # a postcode only when one is awaited
        ("TD-4001, 75011", ("TD-4001",), ("75011",)),  # not an order number's shape: a postcode
        ("TD-1001 et code postal 4000", ("TD-1001",), ("4000",)),  # named: a postcode
        ("TD-1001 und PLZ 4700", ("TD-1001",), ("4700",)),
        ("TD-1001 and 1012 AB", ("TD-1001",), ("1012 AB",)),  # a Dutch postcode stays one
        ("TD-1001 in 2024", ("TD-1001",), ()),
        ("TD-1001 2024-05-01", ("TD-1001",), ()),
        ("TD-1001 and 1002 euro", ("TD-1001",), ()),
        ("4700 / TD-3001", ("TD-3001",), ("4700",)),  # before the order number: a postcode
    ],
)
def test_that_only_numbers_shaped_like_the_order_number_are_listed_orders(
    extractor: SlotExtractor, text: str, ids: tuple[str, ...], codes: tuple[str, ...]
) -> None:
    found = slots(extractor, text)
    assert (found.order_ids, found.postcodes) == (ids, codes)


@pytest.mark.parametrize(
    "text",
    ["le 1er décembre", "le premier décembre", "am 1. Dezember", "am ersten Dezember",
     "on 1st December", "on December 1st", "op 1e december", "de eerste december"],
)  # fmt: skip
def test_that_the_first_of_the_month_is_read_as_a_date_in_every_language(
    extractor: SlotExtractor, text: str
) -> None:
    assert slots(extractor, f"mon colis était attendu {text}").dates == (dt.date(2025, 12, 1),)


@pytest.mark.parametrize(("text", "maybe"), [("4000", ("4000",)), (" 75011. ", ("75011",)),
                                             ("4000 euro", ()), ("in 2024", ()), ("123", ())])
def test_that_a_message_of_only_a_postcode_shaped_number_may_be_a_postcode(
    extractor: SlotExtractor, text: str, maybe: tuple[str, ...]
) -> None:
    found = slots(extractor, text)
    assert found.order_or_postcode == maybe and found.postcodes == ()
