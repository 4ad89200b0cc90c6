"""Card numbers, CVVs and IBANs are found and masked; order numbers, phone numbers, postcodes,
amounts and dates are left alone."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tandem.security.redaction import (
    IBAN_LENGTHS,
    Redacted,
    Sensitive,
    iban_valid,
    luhn_valid,
    redact,
)

#: Published test numbers of the card schemes (all pass Luhn).
CARDS = [
    "4242 4242 4242 4242",  # Visa
    "4111-1111-1111-1111",  # Visa, dashes
    "5555555555554444",  # Mastercard, one block
    "3782 822463 10005",  # American Express, 4-6-5
    "6011 1111 1111 1117",  # Discover
    "3056 9309 0259 04",  # Diners, 14 digits
    "4222222222222",  # Visa, 13 digits
    "4222 2222 2222 2",  # the same, in fours
    "4000 0000 0000 0000 006",  # 19 digits
]

#: Published example IBANs, one per country.
IBANS = [
    "NL91 ABNA 0417 1643 00",
    "DE89 3704 0044 0532 0130 00",
    "GB82 WEST 1234 5698 7654 32",
    "BE68 5390 0754 7034",
    "FR14 2004 1010 0505 0001 3M02 606",
    "ES91 2100 0418 4502 0005 1332",
    "IT60 X054 2811 1010 0000 0123 456",
    "NO93 8601 1117 947",
    "CH93 0076 2011 6238 5295 7",
    "AT61 1904 3002 3457 3201",
]


def check_digit(body: str) -> str:
    """The digit that makes ``body + digit`` pass Luhn."""
    return next(d for d in "0123456789" if luhn_valid(body + d))


def test_that_the_test_numbers_are_what_they_claim() -> None:
    assert all(luhn_valid(re.sub(r"\D", "", card)) for card in CARDS)
    assert all(iban_valid(iban) for iban in IBANS)
    assert {len(re.sub(r"\D", "", card)) for card in CARDS} == {13, 14, 15, 16, 19}


@pytest.mark.parametrize("card", CARDS)
def test_that_a_card_number_is_masked_to_its_last_four_digits(card: str) -> None:
    digits = re.sub(r"\D", "", card)
    masked = redact(f"mijn kaart is {card}, graag terugbetalen")
    assert masked.text == f"mijn kaart is [card •••• {digits[-4:]}], graag terugbetalen"
    assert masked.found == (Sensitive.CARD,)


@pytest.mark.parametrize(
    "number",
    [
        "4242 4242 4242 4241",  # fails Luhn
        "4242 4242 4242",  # 12 digits
        "42424242424242424242",  # 20 digits in one block
        "0000 0000 0000 0000",  # passes Luhn, but no card starts with 0
    ],
)
def test_that_a_number_that_is_no_card_number_stays(number: str) -> None:
    assert redact(f"nummer {number} graag").text == f"nummer {number} graag"


@pytest.mark.parametrize(
    "text",
    [
        "waar is TD-1003? en TD-1004, TD1005, #1006 en bestelling 1007",
        "postcode 1012 AB, 1012ab, SW1A 1AA",
        "bel me op 06-12345678, +31 6 1234 5678, 0031 6 1234 5678 of +44 20 7946 0958",
        "I paid € 1.234,56 and £1,250.00, then 49.95 euro",
        "on 2024-05-01, 01/05/2024, 31-12-2025 and 2025 2026",
        "tracking 3SDEVC1234567890123 and 1Z999AA10123456784",
        "1234567812345670abc",  # glued to letters (Luhn valid)
        "2.4242424242424242",  # a decimal fraction (Luhn valid digits)
    ],
)
def test_that_order_numbers_postcodes_phone_numbers_amounts_and_dates_stay(text: str) -> None:
    assert redact(text) == Redacted(text, ())


def test_that_a_card_typed_with_its_expiry_and_cvv_is_masked_and_they_are_named() -> None:
    masked = redact("4242 4242 4242 4242 12/27 cvv 123")
    assert masked.text == "[card •••• 4242] 12/27 cvv [•••]"
    assert masked.found == (Sensitive.CARD, Sensitive.CVV)


def test_that_an_order_number_next_to_a_card_number_stays() -> None:
    assert redact("TD-1003 4111 1111 1111 1111").text == "TD-1003 [card •••• 1111]"


@pytest.mark.parametrize("iban", IBANS)
def test_that_an_iban_is_masked_with_or_without_spaces(iban: str) -> None:
    compact = iban.replace(" ", "")
    expected = f"[IBAN {compact[:2]}•• •••• {compact[-4:]}]"
    for written in (iban, compact, compact.lower()):
        masked = redact(f"refund to {written} please")
        assert masked.text == f"refund to {expected} please"
        assert masked.found == (Sensitive.IBAN,)


@pytest.mark.parametrize(
    "text",
    [
        "NL92 ABNA 0417 1643 00",  # wrong check digits
        "NL91 ABNA 0417 1643 01",  # one digit off
        "NL91 ABNA 0417 1643 0",  # too short for NL
        "NL91 ABNA 0417 1643 001",  # too long for NL
        "QQ91 ABNA 0417 1643 00",  # no such country
        "XNL91ABNA0417164300",  # glued to a letter
    ],
)
def test_that_an_iban_failing_its_checks_stays(text: str) -> None:
    assert redact(text).text == text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("cvv 123", "cvv [•••]"),
        ("CVC: 1234", "CVC: [•••]"),
        ("mijn cvv-code is 789", "mijn cvv-code is [•••]"),
        ("cvv2 = 321", "cvv2 = [•••]"),
        ("beveiligingscode 123", "beveiligingscode [•••]"),
        ("de veiligheidscode is: 456", "de veiligheidscode is: [•••]"),
        ("security code 999", "security code [•••]"),
        ("card verification value 111", "card verification value [•••]"),
    ],
)
def test_that_a_cvv_is_masked_when_named(text: str, masked: str) -> None:
    assert redact(text) == Redacted(masked, (Sensitive.CVV,))


@pytest.mark.parametrize(
    "text", ["123", "code 123", "ik wil er 3 van artikel 123", "cvv 12", "cvv 12345", "cvv123abc"]
)
def test_that_three_or_four_digits_without_their_name_stay(text: str) -> None:
    assert redact(text).text == text


def test_that_masking_twice_changes_nothing() -> None:
    once = redact(f"{CARDS[0]} cvv 123 {IBANS[0]}").text
    assert redact(once).text == once and redact(once).found == ()


card_bodies = st.integers(min_value=12, max_value=18).flatmap(
    lambda length: st.text("0123456789", min_size=length, max_size=length).filter(
        lambda body: body[0] != "0"
    )
)
separators = st.sampled_from(["", " ", "-"])
words = st.text(st.characters(codec="utf-8", exclude_categories=("Nd", "Cs")), max_size=20)


def grouped(digits: str, separator: str) -> str:
    return separator.join(digits[i : i + 4] for i in range(0, len(digits), 4))


@given(card_bodies, separators, words, words)
def test_that_any_luhn_valid_card_number_in_text_is_masked(
    body: str, separator: str, before: str, after: str
) -> None:
    digits = body + check_digit(body)
    digits_text = grouped(digits, separator)
    masked = redact(f"{before} {digits_text} {after}")
    assert f"[card •••• {digits[-4:]}]" in masked.text
    assert digits_text not in masked.text and Sensitive.CARD in masked.found


@given(card_bodies, separators)
def test_that_a_card_number_failing_luhn_is_never_masked(body: str, separator: str) -> None:
    number = body + next(d for d in "0123456789" if not luhn_valid(body + d))
    # Beyond 16 digits in fours, a part of 13 or more may itself be a valid card number.
    text = f"nummer {grouped(number, separator if len(number) <= 16 else '')}."
    assert redact(text).text == text


@given(st.sampled_from(IBANS), st.data())
def test_that_an_iban_with_any_one_character_changed_is_never_masked(
    iban: str, data: st.DataObject
) -> None:
    compact = iban.replace(" ", "")
    where = data.draw(st.integers(min_value=2, max_value=len(compact) - 1))
    alphabet = "0123456789" if compact[where].isdigit() else "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    other = data.draw(st.sampled_from(alphabet).filter(lambda c: c != compact[where]))
    changed = compact[:where] + other + compact[where + 1 :]
    assert redact(changed).text == changed


@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200))
def test_that_redacting_any_text_is_stable_and_reports_what_it_changed(text: str) -> None:
    once = redact(text)
    assert redact(once.text).text == once.text
    assert bool(once.found) == (once.text != text)


def test_that_every_country_length_is_plausible() -> None:
    assert all(15 <= length <= 34 for length in IBAN_LENGTHS.values())
