"""Checks on text that people send, shared by the customer and agent paths."""

from __future__ import annotations

import re

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


#: A client's id for one message: 1 to 64 letters, digits and ``. _ : -`` (a UUID fits).
CLIENT_MESSAGE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def clean_client_message_id(value: str) -> str:
    if not CLIENT_MESSAGE_ID.fullmatch(value):
        raise InvalidInput(
            "client_message_id must be 1 to 64 letters, digits, '.', '_', ':' or '-'"
        )
    return value
