"""Log lines never hold a token, an email address or a payment detail.

A :class:`RedactingFilter` rewrites each record before it is written: ``token=`` values (the
customer's stream URL ``…/stream?token=…`` in uvicorn's access log, or any other
``…token=`` anywhere in a line), ``Bearer`` credentials, email addresses, and the card numbers,
CVVs and IBANs of :mod:`tandem.security.redaction`, in the message, its arguments (keeping their
shape: uvicorn's access formatter unpacks them) and the formatted traceback. ``tandem serve``
puts it on its handler and on uvicorn's loggers (:mod:`tandem.logs`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

from tandem.security.redaction import redact

HIDDEN_TOKEN = "[redacted]"
HIDDEN_EMAIL = "[email]"

_TOKEN = re.compile(r"(\b\w*token=)[^&\s\"'#;,]+", re.IGNORECASE)
_BEARER = re.compile(r"(\bBearer\s+)[\w.~+/=-]+", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+(?:@|%40)[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
_TRACEBACKS = logging.Formatter()


def scrub(text: str) -> str:
    """``text`` without tokens, credentials, email addresses or payment details."""
    text = _TOKEN.sub(rf"\g<1>{HIDDEN_TOKEN}", text)
    text = _BEARER.sub(rf"\g<1>{HIDDEN_TOKEN}", text)
    text = _EMAIL.sub(HIDDEN_EMAIL, text)
    return redact(text).text


class RedactingFilter(logging.Filter):
    """Scrubs a record in place; it never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(str(record.msg))
        if isinstance(record.args, tuple):
            record.args = tuple(_scrubbed(value) for value in record.args)
        elif isinstance(record.args, Mapping):
            record.args = {key: _scrubbed(value) for key, value in record.args.items()}
        if record.exc_info and not record.exc_text:
            record.exc_text = scrub(_TRACEBACKS.formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


def _scrubbed(value: object) -> object:
    """A log argument without secrets; numbers and unchanged values keep their type."""
    if value is None or isinstance(value, int | float):
        return value
    text = str(value)
    cleaned = scrub(text)
    return value if cleaned == text else cleaned
