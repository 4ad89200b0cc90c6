"""How Tandem writes its log: one line per record, JSON (default) or text, each carrying the
request id of the HTTP request it belongs to, and scrubbed of tokens, email addresses and
payment details (:mod:`tandem.security.log_redaction`) before any handler writes it.

Message texts are never logged at info level: the code logs ids, codes and durations only.
"""

from __future__ import annotations

import contextvars
import json
import logging
import logging.config
from datetime import UTC, datetime
from typing import Any, Literal

from tandem.security.log_redaction import RedactingFilter

LogFormat = Literal["json", "text"]

#: The id of the request being served (set by web.request_ids), or None outside a request.
request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

#: uvicorn's access records carry these arguments, in this order.
_ACCESS_FIELDS = ("client", "method", "path", "http_version", "status")


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record (``record.request_id``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id (and, for uvicorn's
    access log, client, method, path and status as fields of their own)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        if record.name == "uvicorn.access" and isinstance(record.args, tuple):
            entry.update(zip(_ACCESS_FIELDS, record.args, strict=False))
        if record.exc_info:
            entry["error"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def config(level: str, fmt: LogFormat) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for Tandem and uvicorn: one stderr handler, filtered."""
    text = "%(levelname)s %(name)s [%(request_id)s]: %(message)s"
    formatter: dict[str, Any] = (
        {"()": JsonFormatter} if fmt == "json" else {"format": text}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": RequestIdFilter},
            "redact": {"()": RedactingFilter},
        },
        "formatters": {"tandem": formatter},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "tandem",
                "filters": ["request_id", "redact"],
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": level.upper(), "handlers": ["stderr"]},
        # On uvicorn's loggers too: a record is scrubbed before any handler sees it, even one
        # added later to that logger.
        "loggers": {
            name: {"level": level.upper(), "handlers": [], "propagate": True,
                   "filters": ["request_id", "redact"]}
            for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
        },
    }


def configure(level: str, fmt: LogFormat) -> dict[str, Any]:
    """Apply :func:`config` now (start-up lines too) and return it for uvicorn's workers."""
    settings = config(level, fmt)
    logging.config.dictConfig(settings)
    return settings
