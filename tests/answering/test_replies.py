"""Dates and amounts in replies are written as each language writes them (templates
`date_format` and `moment_format`, locale `money`), not in one word order for all."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest

from tandem.answering.flows.money import money
from tandem.answering.replies import replies
from tandem.types import Language

FRIDAY = dt.date(2026, 12, 4)


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("en", "Friday 4 December"),
        ("nl", "vrijdag 4 december"),
        ("de", "Freitag, 4. Dezember"),
        ("fr", "vendredi 4 décembre"),
    ],
)
def test_that_a_date_reads_as_the_language_writes_it(language: Language, written: str) -> None:
    assert replies(language).date(FRIDAY) == written


def test_that_a_moment_joins_date_and_time_in_the_language_with_the_time_zone() -> None:
    when = dt.datetime(2026, 12, 4, 10, 13, tzinfo=zoneinfo.ZoneInfo("Europe/Amsterdam"))
    assert replies("en").moment(when) == "Friday 4 December 10:13 CET"
    assert replies("de").moment(when) == "Freitag, 4. Dezember um 10:13 CET"
    assert replies("fr").moment(when) == "vendredi 4 décembre à 10:13 CET"


@pytest.mark.parametrize(
    ("language", "small", "large"),
    [
        ("en", "€49.95", "€1,249.95"),
        ("de", "49,95 €", "1.249,95 €"),
        ("fr", "49,95 €", "1\u202f249,95 €"),
    ],
)
def test_that_an_amount_reads_as_the_language_writes_it(
    language: Language, small: str, large: str
) -> None:
    assert money(replies(language), Decimal("49.95"), "EUR") == small
    assert money(replies(language), Decimal("1249.95"), "EUR") == large
