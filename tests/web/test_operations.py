"""The probes a process manager uses, the request id that ties a report to the log, a database
that is away, and the JSON log lines `tandem serve` writes."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import os
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from tandem import logs
from tandem.commands.serve import workers_problem
from tandem.config import Settings
from tandem.services.runtime import Runtime
from tandem.web.app import create_app

#: Nothing listens here: connecting fails at once.
CLOSED_PORT_URL = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere"


def test_that_a_live_process_is_healthy_and_ready(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ready",
        "database": "ok",
        "redis": "not configured",
        "models": "ok",
    }


def test_that_readiness_fails_with_503_when_the_database_or_redis_is_away(
    runtime: Runtime,
) -> None:
    settings = runtime.settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    away = Runtime(**{**runtime.__dict__, "settings": settings,
                      "engine": create_engine(CLOSED_PORT_URL)})
    with TestClient(create_app(settings, away)) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json() == {
            "status": "unavailable",
            "database": "failed",
            "redis": "failed",
            "models": "ok",
        }
        assert client.get("/healthz").status_code == 200  # alive, just not ready


def test_that_a_request_while_the_database_is_away_gets_503_with_retry_after(
    runtime: Runtime,
) -> None:
    away = Runtime(**{**runtime.__dict__, "engine": create_engine(CLOSED_PORT_URL)})
    with TestClient(create_app(runtime.settings, away)) as client:
        answer = client.post("/api/v1/conversations", json={"language": "en"})
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "2"
    assert answer.json()["error"]["code"] == "database_unavailable"


def test_that_every_answer_carries_a_request_id_and_keeps_a_sane_one_given(
    client: TestClient,
) -> None:
    made = client.get("/healthz").headers["X-Request-ID"]
    assert len(made) == 32
    assert client.get("/healthz", headers={"X-Request-ID": "lb-42.a_b"}).headers[
        "X-Request-ID"
    ] == "lb-42.a_b"
    forged = client.get("/healthz", headers={"X-Request-ID": "x\tinjected log line " * 9})
    assert "injected" not in forged.headers["X-Request-ID"]


def test_that_every_answer_names_its_process_with_an_opaque_id(client: TestClient) -> None:
    names = {client.get(path).headers["X-Tandem-Process"] for path in ("/healthz", "/nowhere")}
    assert len(names) == 1  # one process, one name, on every answer (an error's too)
    [name] = names
    assert re.fullmatch("[0-9a-f]{8}", name) and name != str(os.getpid())


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """The root logger configured as `tandem serve` does, writing into a buffer."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    logging.config.dictConfig(logs.config("info", "json"))
    output = io.StringIO()
    root.handlers[0].setStream(output)  # type: ignore[attr-defined]
    yield output
    root.handlers[:], _ = saved
    root.setLevel(saved[1])


def test_that_a_log_line_is_one_json_object_with_the_request_id_and_nothing_secret(
    json_log: io.StringIO,
) -> None:
    logs.request_id.set("req-8")
    logging.getLogger("tandem.test").info("customer anna@shop.example asked about %s", "TD-1")
    logs.request_id.set(None)
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    [line] = [line for line in lines if line["logger"] == "tandem.test"]
    assert line["level"] == "info"
    assert line["request_id"] == "req-8"
    assert line["message"] == "customer [email] asked about TD-1"


@pytest.mark.parametrize(
    ("workers", "database_url", "problem"),
    [
        (0, "postgresql+psycopg://u@h/db", "between 1 and 8"),
        (9, "postgresql+psycopg://u@h/db", "between 1 and 8"),
        (2, "sqlite:///var/tandem.db", "needs PostgreSQL"),
        (1, "sqlite:///var/tandem.db", None),
        (8, "postgresql+psycopg://u@h/db", None),
    ],
)
def test_that_a_worker_count_that_cannot_run_is_refused_with_the_reason(
    workers: int, database_url: str, problem: str | None
) -> None:
    found = workers_problem(workers, Settings(database_url=database_url), cores=2)
    assert (found is None) if problem is None else (problem in (found or ""))
