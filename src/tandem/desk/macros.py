"""Canned replies (macros): the placeholders a macro may use, and filling them in (pure)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from tandem.domain.errors import InvalidInput
from tandem.languages import locale
from tandem.types import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES

#: Every placeholder a macro may use, and what it becomes.
PLACEHOLDERS: dict[str, str] = {
    "customer_name": "the customer's full name",
    "first_name": "the customer's first name",
    "order_id": "the order the conversation is about",
    "order_status": "that order's status",
    "agent_name": "the name of the agent sending it",
}

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
    code = language if language in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE
    fallback = locale(code).placeholders  # the `placeholders` of locales/<code>.yaml

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        value = values.get(name)
        if value:
            return value
        return fallback.get(name, match.group(0))

    return _PLACEHOLDER.sub(one, text)
