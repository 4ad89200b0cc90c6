"""Amounts as customers read them: "€59.95" in English, "€ 59,95" in Dutch."""

from __future__ import annotations

from decimal import Decimal

from tandem.answering.replies import Replies

_SIGNS = {"EUR": "€", "GBP": "£", "USD": "$"}


def money(replies: Replies, amount: Decimal, currency: str) -> str:
    text = f"{amount:,.2f}"
    if replies.language == "nl":
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
        return f"{_SIGNS.get(currency, currency)} {text}"
    sign = _SIGNS.get(currency)
    return f"{sign}{text}" if sign else f"{text} {currency}"
