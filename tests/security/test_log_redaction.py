"""No token, email address or payment detail reaches a log line; SQL errors show no parameters."""

import io
import logging
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine, insert
from sqlalchemy.exc import IntegrityError
from uvicorn.logging import AccessFormatter

from tandem import logs
from tandem.security.log_redaction import RedactingFilter, scrub
from tandem.services.runtime import Runtime
from tandem.storage.conversations import now
from tandem.storage.tables import agents, messages
from tandem.web.app import create_app

#: uvicorn (re)configures these, and the root logger, on start.
UVICORN_LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access")


@pytest.mark.parametrize(
    ("line", "clean"),
    [
        (
            '127.0.0.1:5 - "GET /api/v1/conversations/c1/stream?token=abc-DEF_1&after=3 HTTP/1.1"',
            '127.0.0.1:5 - "GET /api/v1/conversations/c1/stream?token=[redacted]&after=3 HTTP/1.1"',
        ),
        ("/x?after=1&access_token=s3cr3t", "/x?after=1&access_token=[redacted]"),
        ("Authorization: Bearer eyJ.abc-1", "Authorization: Bearer [redacted]"),
        ("login failed for Anna.B+x@Tandem.example", "login failed for [email]"),
        ("/login?email=anna%40tandem.example", "/login?email=[email]"),
        (
            "card 4242 4242 4242 4242, iban NL91ABNA0417164300",
            "card [card •••• 4242], iban [IBAN NL•• •••• 4300]",
        ),
        ("conversation 1c9e-42 closed after 3 turns", "conversation 1c9e-42 closed after 3 turns"),
    ],
)
def test_that_a_log_line_is_scrubbed(line: str, clean: str) -> None:
    assert scrub(line) == clean


def record_of(message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("tandem.test", logging.INFO, __file__, 1, message, args, None)


def test_that_the_filter_keeps_the_shape_of_the_arguments() -> None:
    record = record_of('%s - "%s %s HTTP/%s" %d', "1.2.3.4:5", "GET", "/s?token=t0k", "1.1", 200)
    assert RedactingFilter().filter(record)
    assert record.args == ("1.2.3.4:5", "GET", "/s?token=[redacted]", "1.1", 200)


@pytest.fixture
def uvicorn_logging() -> Iterator[None]:
    """uvicorn configures its loggers on start; put them back as they were afterwards."""
    saved = {
        name: (logger.handlers[:], logger.filters[:], logger.level, logger.propagate)
        for name in UVICORN_LOGGERS
        if (logger := logging.getLogger(name))
    }
    yield
    for name, (handlers, filters, level, propagate) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers[:], logger.filters[:] = handlers, filters
        logger.setLevel(level)
        logger.propagate = propagate


def test_that_the_access_log_line_of_a_stream_request_holds_no_token(
    runtime: Runtime, uvicorn_logging: None
) -> None:
    """A real uvicorn server, configured as `tandem serve` does, serving the real app."""
    config = uvicorn.Config(
        create_app(runtime.settings, runtime),
        log_config=logs.config("info", "json"),
        log_level="info",
        timeout_graceful_shutdown=2,
    )
    lines = io.StringIO()
    capture = logging.StreamHandler(lines)
    capture.setFormatter(AccessFormatter('"%(request_line)s" %(status_code)s', use_colors=False))
    logging.getLogger("uvicorn.access").addHandler(capture)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    base = f"http://127.0.0.1:{listener.getsockname()[1]}/api/v1/conversations"
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]})
    thread.start()
    try:
        while not server.started:
            time.sleep(0.02)
        started = httpx.post(base, json={"language": "en"}).json()
        token = started["token"]
        url = f"{base}/{started['id']}/stream"
        with httpx.stream("GET", url, params={"token": token, "after": 0}) as stream:
            next(stream.iter_lines())  # the greeting arrives: the request was logged
    finally:
        server.should_exit = True
        thread.join(10)
        listener.close()
    logged = lines.getvalue()
    assert f'/{started["id"]}/stream?token=[redacted]&after=0 HTTP/1.1" 200' in logged
    assert token not in logged


def test_that_an_sql_error_shows_no_parameters(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    values = {
        "conversation_id": "no-such-conversation",
        "offset": 1,
        "author": "customer",
        "text": "my secret words",
        "created_at": now(),
    }
    with pytest.raises(IntegrityError) as raised, engine.begin() as connection:
        connection.execute(insert(messages).values(**values))
    logging.getLogger("tandem.web.errors").error("unexpected error", exc_info=raised.value)
    assert "SQL parameters hidden" in caplog.text
    assert "my secret words" not in caplog.text


def test_that_an_email_in_a_database_error_never_reaches_the_log(engine: Engine) -> None:
    """PostgreSQL names the duplicate value itself (DETAIL: Key (email)=(...)); the filter on
    every handler takes it out."""
    row = {"name": "A", "password_hash": "x", "role": "agent", "created_at": now()}
    with engine.begin() as connection:
        connection.execute(insert(agents).values(id="a1", email="anna@tandem.example", **row))
    with pytest.raises(IntegrityError) as raised, engine.begin() as connection:
        connection.execute(insert(agents).values(id="a2", email="anna@tandem.example", **row))
    output = io.StringIO()
    logger = logging.Logger("tandem.test")
    handler = logging.StreamHandler(output)
    handler.addFilter(RedactingFilter())  # as on `tandem serve`'s handler (tandem.logs)
    logger.addHandler(handler)
    logger.error("could not add agent anna@tandem.example", exc_info=raised.value)
    assert "IntegrityError" in output.getvalue()
    assert "anna@tandem.example" not in output.getvalue()
    assert "could not add agent [email]" in output.getvalue()
