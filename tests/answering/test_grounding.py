"""The grounding check: every concrete detail in a generated text must come from its sources."""

from __future__ import annotations

import pytest

from tandem.answering.grounding import is_grounded, ungrounded, vocabulary

SOURCE = (
    "Order TD-1001: 2 x Linen shirt (L), total € 59,95, shipped with PostNL 3SABC1234567, "
    "expected Tuesday 4 March. Questions: help@shop.example or https://shop.example/help."
)


@pytest.mark.parametrize(
    "text",
    [
        "Good news: TD-1001 is on its way with PostNL (3SABC1234567)!",
        "Your two shirts (59.95 euro) arrive on Tuesday 4 March.",  # two = 2, 59.95 = 59,95
        "It should arrive Tuesday, 4 March; total €59,95.",
        "Mail help@shop.example or see https://shop.example/help.",
        "Your 2x Linen shirt order td-1001 is on its way.",
        "Thank you for your patience, we are on it.",  # no details at all
    ],
)
def test_that_a_text_stating_only_source_details_is_grounded(text: str) -> None:
    assert is_grounded(text, [SOURCE], vocabulary("en"))


@pytest.mark.parametrize(
    ("text", "invented"),
    [
        ("Your order TD-1002 has shipped.", ["TD-1002"]),
        ("You will get € 10 back.", ["10"]),
        ("Total €59,90.", ["59,90"]),
        ("It arrives Wednesday 5 March.", ["5", "Wednesday"]),
        ("It arrives Tuesday 4 April.", ["April"]),
        ("It arrives today.", ["today"]),
        ("Track it: 3SABC7654321.", ["3SABC7654321"]),
        ("See https://evil.example/pay for details.", ["https://evil.example/pay"]),
        ("Write to refunds@shop.example.", ["refunds@shop.example"]),
        ("You ordered three shirts.", ["three"]),
        ("Call us on 020 123 4567.", ["020", "123", "4567"]),
        ("It is your 3rd order.", ["3rd"]),
    ],
)
def test_that_every_invented_detail_is_named(text: str, invented: list[str]) -> None:
    assert ungrounded(text, [SOURCE], vocabulary("en")) == invented


def test_that_numbers_inside_a_code_do_not_ground_a_bare_number() -> None:
    assert ungrounded("Refund in 3 days.", ["Tracking 3SABC1234567"]) == ["3"]


@pytest.mark.parametrize(
    ("text", "source", "grounded"),
    [
        ("€ 1.000", "EUR 1,000", True),  # Dutch and English thousands
        ("€ 1.250,50", "1250.5 EUR", True),
        ("12,5", "12.50", True),
        ("12,5", "125", False),
        ("op 03-04", "op 3 april", False),  # "april" is no digit, the month digit 04 invented
    ],
)
def test_that_numbers_compare_by_value_whatever_their_separators(
    text: str, source: str, grounded: bool
) -> None:
    assert is_grounded(text, [source], vocabulary("nl")) is grounded


def test_that_dutch_date_words_and_number_words_count() -> None:
    words = vocabulary("nl")
    source = "Bestelling TD-1001 komt dinsdag 4 maart, twee pakketten."

    assert ungrounded("Je twee pakketten komen dinsdag 4 maart.", [source], words) == []
    assert ungrounded("Je drie pakketten komen woensdag.", [source], words) == [
        "drie",
        "woensdag",
    ]


def test_that_one_written_as_a_word_is_read_as_an_article() -> None:
    assert is_grounded("Ik heb een vraag over één pakket.", ["TD-1001"], vocabulary("nl"))
