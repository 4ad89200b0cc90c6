"""Dates, amounts and an order's lines in replies are written as each language writes them
(templates `date_format`, `moment_format`, `days` and `order_line`, locale `money`), not in one
word order, or with English words, for all."""

import dataclasses
import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest

from tandem.answering.flows.base import line_name, order_items, recent_orders
from tandem.answering.flows.money import money
from tandem.answering.replies import replies
from tandem.commerce.model import Address, Order, OrderLine, OrderStatus
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
        ("nl", "€ 49,95", "€ 1.249,95"),
        ("de", "49,95 €", "1.249,95 €"),
        ("fr", "49,95 €", "1\u202f249,95 €"),
    ],
)
def test_that_an_amount_reads_as_the_language_writes_it(
    language: Language, small: str, large: str
) -> None:
    assert money(replies(language), Decimal("49.95"), "EUR") == small
    assert money(replies(language), Decimal("1249.95"), "EUR") == large


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("en", "Tuesday 1 December"),
        ("nl", "dinsdag 1 december"),
        ("de", "Dienstag, 1. Dezember"),
        ("fr", "mardi 1er décembre"),
    ],
)
def test_that_the_first_of_the_month_reads_as_the_language_writes_it(
    language: Language, written: str
) -> None:
    assert replies(language).date(dt.date(2026, 12, 1)) == written
    assert replies(language).date(dt.date(2026, 12, 2)).count(" 2") == 1  # only the 1st differs


EARBUDS = OrderLine("earbuds", "earbuds-white", "Écouteurs sans fil", "blanc", 1, Decimal("59"))
SOCKS = OrderLine("socks", "socks-36-40-grey", "Socks", "36-40 / grey", 2, Decimal("9.95"))


@pytest.mark.parametrize(
    ("language", "joined", "times"),
    # French: many product names hold "en" already ("Chemise en lin"), so a dash
    [("en", "in", "x"), ("nl", "in", "x"), ("de", "in", "x"), ("fr", "\u2013", "\u00d7")],
)
def test_that_a_product_and_its_variant_are_joined_in_the_replies_language(
    language: Language, joined: str, times: str
) -> None:
    text = replies(language)
    assert line_name(text, EARBUDS) == f"Écouteurs sans fil {joined} blanc"
    order = Order(
        id="TD-1", customer_id="C-1", status=OrderStatus.SHIPPED,
        created_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC), lines=(EARBUDS, SOCKS),
        total=Decimal("78.90"), currency="EUR", payment_method="ideal",
        shipping_address=Address("Rue 1", "4000", "Liège", "BE"), payments=(), refunds=(),
    )  # fmt: skip
    assert order_items(text, order) == (
        f"Écouteurs sans fil {joined} blanc, 2 {times} Socks {joined} 36-40 / grey"
    )
    colon, semicolon = (" :", " ;") if language == "fr" else (":", ";")  # French spacing
    later = dataclasses.replace(order, id="TD-2", created_at=order.created_at + dt.timedelta(1))
    assert recent_orders(text, [order, later]).startswith(
        f"TD-2{colon} Écouteurs sans fil {joined} blanc, 2 {times} Socks {joined} 36-40 / grey"
        f"{semicolon} TD-1{colon} Écouteurs"
    )
