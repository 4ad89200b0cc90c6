"""Checks on text that people send, shared by the customer and agent paths."""

from __future__ import annotations

from tandem.domain.errors import InvalidInput


def clean_text(text: str, max_chars: int) -> str:
    """The text to store, or InvalidInput saying clearly what is wrong with it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput("the message is not valid UTF-8 text") from None
    if "\x00" in text:
        raise InvalidInput("the message contains a NUL character")
    if not text.strip():
        raise InvalidInput("the message is empty")
    if len(text) > max_chars:
        raise InvalidInput(f"the message is longer than {max_chars} characters ({len(text)})")
    return text.strip()
