"""Amounts as customers read them: "€59.95" in English, "€ 59,95" in Dutch (locales/<code>.yaml,
section `money`)."""

from __future__ import annotations

from decimal import Decimal

from tandem.answering.replies import Replies
from tandem.languages import locale

_SIGNS = {"EUR": "€", "GBP": "£", "USD": "$"}


def money(replies: Replies, amount: Decimal, currency: str) -> str:
    return amount_in(replies.language, amount, currency)


def amount_in(language: str, amount: Decimal, currency: str) -> str:
    """The amount as written in ``language`` (a language Tandem speaks)."""
    style = locale(language).money
    grouped = f"{amount:,.2f}".replace(",", "\0").replace(".", style["decimal"])
    text = grouped.replace("\0", style["thousands"])
    sign = _SIGNS.get(currency)
    if sign:
        return style["pattern"].format(sign=sign, amount=text)
    return style["code_pattern"].format(currency=currency, amount=text)
