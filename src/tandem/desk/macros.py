"""Canned replies (macros): the placeholders a macro may use, and filling them in (pure)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from tandem.domain.errors import InvalidInput

#: Every placeholder a macro may use, and what it becomes.
PLACEHOLDERS: dict[str, str] = {
    "customer_name": "the customer's full name",
    "first_name": "the customer's first name",
    "order_id": "the order the conversation is about",
    "order_status": "that order's status",
    "agent_name": "the name of the agent sending it",
}

#: What a placeholder becomes when the conversation does not know it, per language.
UNKNOWN: dict[str, dict[str, str]] = {
    "en": {"customer_name": "there", "first_name": "there", "order_id": "your order",
           "order_status": "being checked", "agent_name": "our team"},
    "nl": {"customer_name": "daar", "first_name": "daar", "order_id": "je bestelling",
           "order_status": "in behandeling", "agent_name": "ons team"},
}  # fmt: skip

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def placeholders(text: str) -> list[str]:
    return [match.group(1) for match in _PLACEHOLDER.finditer(text)]


def check_text(text: str) -> str:
    """The macro's text, or InvalidInput naming the first unknown placeholder."""
    for name in placeholders(text):
        if name not in PLACEHOLDERS:
            known = ", ".join("{" + key + "}" for key in PLACEHOLDERS)
            raise InvalidInput(f"text: unknown placeholder {{{name}}}; known: {known}")
    return text


def fill(text: str, values: Mapping[str, str | None], language: str) -> str:
    """The text with each placeholder replaced: the conversation's value, else a neutral
    wording in the conversation's language."""
    fallback = UNKNOWN.get(language, UNKNOWN["en"])

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        value = values.get(name)
        if value:
            return value
        return fallback.get(name, match.group(0))

    return _PLACEHOLDER.sub(one, text)
