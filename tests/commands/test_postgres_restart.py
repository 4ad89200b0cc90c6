"""PostgreSQL restarted under load, and Redis lost, with a real `tandem serve` process.

The database is a cluster of the test's own (tests/own_postgres.py): the shared server other
tests use is never stopped. Customers write from several threads, retrying a refused message
with the same client_message_id as a widget does; meanwhile PostgreSQL is stopped (fast:
every session ended, as an operator's restart or a failover does), left down a few seconds
and started again (also after an immediate stop, as a crash); with two worker processes,
each of them (named by the X-Tandem-Process header) answers customers before the outage and
again after it. Every request must end within
its timeout with a success or a clean 503 (Retry-After, a JSON error), never a 500; every
acknowledged message is stored once and every stored one is answered (no partial writes); an
open event stream stays open and delivers every message; /readyz says 503 while the database
is down and 200 again after, without restarting the server; /healthz stays 200 throughout.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from commands.test_serve_processes import (
    TEXTS,
    ChatRef,
    conversation,
    is_stuck,
    open_chats,
    send,
    unanswered_now,
    wait_for_recovery,
)
from conftest import MODEL_DIR
from live_server import Served, serve
from own_postgres import OwnPostgres, own_postgres  # noqa: F401 (a fixture)
from tandem.storage.db import make_engine, reading
from tandem.storage.tables import messages
from web.test_live_updates import OwnRedis, own_redis  # noqa: F401 (a fixture)

pytestmark = pytest.mark.postgres

CUSTOMERS = 6
ACKNOWLEDGED_BEFORE_RESTART = 2 * CUSTOMERS
OUTAGE_SECONDS = 5.0
REQUEST_TIMEOUT_SECONDS = 30.0
RECOVERY_TIMEOUT_SECONDS = 30.0
PROBE_EVERY_SECONDS = 0.1


@dataclass
class Attempt:
    chat: int
    text: str
    client_message_id: str
    started: float
    ended: float
    status: int | None  # None: no answer (a transport error or the timeout)
    code: str = ""
    retry_after: str | None = None
    process: str = ""  # the server process that answered (X-Tandem-Process)


@dataclass
class Load:
    """Customers writing until told to stop; a refused message is sent again (same id)."""

    base_url: str
    chats: list[ChatRef]
    attempts: list[Attempt] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> None:
        for index in range(len(self.chats)):
            thread = threading.Thread(target=self._customer, args=(index,), daemon=True)
            self.threads.append(thread)
            thread.start()

    def _customer(self, index: int) -> None:
        for n in itertools.count():
            text = f"{TEXTS[(index + n) % len(TEXTS)]} ({index}.{n})"
            while not self.stop.is_set():
                attempt = self._send(index, text, f"restart-{index}-{n}")
                self.attempts.append(attempt)
                if attempt.status == 200:
                    break
                time.sleep(0.2)  # shorter than Retry-After: more requests meet the outage
            if self.stop.is_set():
                return

    def _send(self, index: int, text: str, client_message_id: str) -> Attempt:
        started = time.monotonic()
        try:
            answer = send(self.base_url, self.chats[index], text, client_message_id)
        except httpx.HTTPError:
            return Attempt(index, text, client_message_id, started, time.monotonic(), None)
        code = answer.json().get("error", {}).get("code", "") if answer.status_code >= 400 else ""
        return Attempt(
            index,
            text,
            client_message_id,
            started,
            time.monotonic(),
            answer.status_code,
            code,
            answer.headers.get("Retry-After"),
            answer.headers.get("X-Tandem-Process", ""),
        )

    def acknowledged(self, after: float = 0.0) -> list[Attempt]:
        return [a for a in self.attempts if a.status == 200 and a.started >= after]

    def processes(self, after: float = 0.0, before: float = float("inf")) -> set[str]:
        """The server processes that answered a customer's message 200 in that time."""
        return {a.process for a in self.acknowledged(after) if a.started < before}

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(REQUEST_TIMEOUT_SECONDS + 5)
        assert not any(thread.is_alive() for thread in self.threads), "a request hung"


@dataclass
class Probes:
    """/readyz and /healthz asked every PROBE_EVERY_SECONDS: (asked, answered, readyz status,
    its database check, healthz status)."""

    base_url: str
    seen: list[tuple[float, float, int | None, str, int | None]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self._loop, daemon=True)
        thread.start()
        return thread

    def _loop(self) -> None:
        while not self.stop.wait(PROBE_EVERY_SECONDS):
            at = time.monotonic()
            ready, database = _get(f"{self.base_url}/readyz")
            answered = time.monotonic()
            alive, _ = _get(f"{self.base_url}/healthz")
            self.seen.append((at, answered, ready, database, alive))


@dataclass
class Listener:
    """One customer's event stream, opened once before the outage: the message ids it
    delivers, and how it ended (it should not, until the test closes it)."""

    base_url: str
    chat: ChatRef
    ids: list[int] = field(default_factory=list)
    opened: threading.Event = field(default_factory=threading.Event)
    ended: str = ""
    closing: bool = False
    response: httpx.Response | None = None

    def start(self) -> None:
        threading.Thread(target=self._listen, daemon=True).start()
        assert self.opened.wait(REQUEST_TIMEOUT_SECONDS), "the stream did not open"

    def _listen(self) -> None:
        url = f"{self.base_url}/api/v1/conversations/{self.chat.id}/stream"
        params = {"token": self.chat.token, "after": 0}
        try:
            with httpx.stream("GET", url, params=params, timeout=None) as stream:
                self.response = stream
                for line in stream.iter_lines():
                    if line.startswith('data: {"state"'):
                        self.opened.set()
                    if line.startswith('data: {"id"'):
                        self.ids.append(json.loads(line.removeprefix("data: "))["id"])
            self.ended = "the server ended the stream"
        except Exception as error:  # a cut connection; the test's own close is not a failure
            self.ended = "" if self.closing else f"cut: {type(error).__name__}"

    def close(self) -> None:
        self.closing = True
        if self.response is not None:
            self.response.close()


def _get(url: str) -> tuple[int | None, str]:
    try:
        answer = httpx.get(url, timeout=5.0)
    except httpx.HTTPError:
        return None, ""
    return answer.status_code, str(answer.json().get("database", ""))


def _settings(database_url: str) -> dict[str, str]:
    return {
        "TANDEM_DATABASE_URL": database_url,
        "TANDEM_SHOP_DATABASE_URL": database_url,
        "TANDEM_DEMO": "true",
        "TANDEM_DEMO_PASSWORD": "postgres-restart-test",
        "TANDEM_DEMO_HISTORY": "false",
        "TANDEM_MODEL_DIR": str(MODEL_DIR),
        "TANDEM_LOG_LEVEL": "warning",
        "TANDEM_RECOVERY_GRACE_SECONDS": "1",
        "TANDEM_RECOVERY_INTERVAL_SECONDS": "0.5",
    }


def _unhandled_customer_messages(url: str) -> int:
    engine = make_engine(url)
    try:
        with reading(engine) as connection:
            return int(
                connection.execute(
                    select(func.count()).where(
                        messages.c.author == "customer", messages.c.handled_at.is_(None)
                    )
                ).scalar_one()
            )
    finally:
        engine.dispose()


def _wait(
    condition: Callable[[], bool], what: str, timeout: float = RECOVERY_TIMEOUT_SECONDS
) -> float:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)
    return time.monotonic()


# An operator's restart and a crash, on one process; a crash under two worker processes (each
# with its own connection pool and background jobs, requests spread over both by the kernel).
@pytest.mark.parametrize(
    ("mode", "workers"), [("fast", 1), ("immediate", 1), ("immediate", 2)]
)
def test_that_a_postgresql_restart_under_load_fails_requests_cleanly_and_the_server_recovers(
    own_postgres: OwnPostgres,  # noqa: F811
    tmp_path: Path,
    mode: str,
    workers: int,
) -> None:
    server = serve(tmp_path, _settings(own_postgres.url), "restart", "--workers", str(workers))
    try:
        _restart_under_load(own_postgres, server, mode, workers)
    finally:
        server.stop()
    log = server.log.read_text()
    assert "Traceback" not in log, log  # no 500, no broken stream, no failing job


def _restart_under_load(cluster: OwnPostgres, server: Served, mode: str, workers: int) -> None:
    server.wait_until_up()
    chats = open_chats(server.base_url, CUSTOMERS)
    load, probes = Load(server.base_url, chats), Probes(server.base_url)
    listener = Listener(server.base_url, chats[0])
    listener.start()
    probes.start()
    load.start()
    _wait(
        lambda: len(load.acknowledged()) >= ACKNOWLEDGED_BEFORE_RESTART
        and len(load.processes()) == workers,
        "not every server process answered under load",
    )

    down = time.monotonic()
    cluster.stop(mode)
    stopped = time.monotonic()
    _wait(
        lambda: any(a.status == 503 for a in load.attempts if a.started >= down),
        "no request met the outage",
        timeout=OUTAGE_SECONDS * 5,
    )
    time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - stopped)))
    starting = time.monotonic()
    cluster.start()
    up = time.monotonic()
    ready_again = _wait(
        lambda: any(at > up and ready == 200 for at, _, ready, _, _ in probes.seen),
        "/readyz did not say ready again",
    )
    answering_again = _wait(
        lambda: {a.chat for a in load.acknowledged(after=up)} == set(range(CUSTOMERS)),
        "not every customer was answered again after the restart",
    )
    every_process_again = _wait(
        lambda: len(load.processes(after=up)) == workers,
        "not every server process answered again after the restart",
    )
    load.finish()
    probes.stop.set()
    first_chat = [m["id"] for m in conversation(server.base_url, chats[0])["messages"]]
    _wait(lambda: listener.ids == first_chat or bool(listener.ended), "the stream fell behind")
    listener.close()
    assert listener.ended == ""  # the stream stayed open through the outage...
    assert listener.ids == first_chat  # ...and delivered every message, in order, once

    before, after = load.processes(before=down), load.processes(after=up)
    assert len(before) == workers and after == before and "" not in before  # each, by name

    answers = [a.status for a in load.attempts]
    assert set(answers) <= {200, 503}, sorted(set(map(str, answers)))  # no 500, none hung
    refused = [a for a in load.attempts if a.status == 503]
    assert refused and all(
        a.code == "database_unavailable" and a.retry_after == "2" for a in refused
    ), refused
    assert all(down <= a.ended for a in refused), "a 503 before the database went down"
    in_flight = [a for a in refused if a.started < down]

    during = [(ready, db) for at, end, ready, db, _ in probes.seen if stopped < at < end < starting]
    assert during and all(ready == 503 and db == "failed" for ready, db in during), probes.seen
    assert all(alive == 200 for *_, alive in probes.seen)  # alive throughout
    assert probes.seen[-1][2] == 200

    bodies = wait_for_recovery(server.base_url, chats)
    assert [body["id"] for body in bodies if is_stuck(body)] == []
    stored = [m["text"] for body in bodies for m in body["messages"] if m["author"] == "customer"]
    acknowledged = {a.text for a in load.acknowledged()}
    assert sorted(acknowledged - set(stored)) == []  # every acknowledged message is stored
    assert len(stored) == len(set(stored))  # none twice, retries included
    assert unanswered_now(cluster.url) == 0
    assert _unhandled_customer_messages(cluster.url) == 0  # every stored one went through a turn
    slowest_probe = max(end - at for at, end, *_ in probes.seen)
    handed_over = sum(body["state"] != "ai" for body in bodies)
    per_process = " + ".join(map(str, Counter(a.process for a in load.acknowledged()).values()))

    print(
        f"\n{mode}, {workers} process(es): outage {up - down:.1f} s (stopping "
        f"{stopped - down:.1f} s, starting "
        f"{up - starting:.1f} s); {len(load.attempts)} requests: {len(load.acknowledged())} "
        f"answered 200 ({per_process} by process), {len(refused)} refused 503 "
        f"({len(in_flight)} of them in flight when it stopped), 0 other; "
        f"/readyz 503 x{len(during)} while down, 200 again "
        f"{ready_again - up:.1f} s after the start; every customer answered again "
        f"{answering_again - up:.1f} s after the start, by each of the {workers} process(es) "
        f"{every_process_again - up:.1f} s after; {handed_over} of {CUSTOMERS} "
        f"conversations handed to a person; slowest /readyz {slowest_probe:.1f} s"
    )


def test_that_a_server_that_loses_redis_is_not_ready_and_becomes_ready_again_by_itself(
    own_postgres: OwnPostgres,  # noqa: F811
    own_redis: OwnRedis,  # noqa: F811
    tmp_path: Path,
) -> None:
    settings = {**_settings(own_postgres.url), "TANDEM_REDIS_URL": own_redis.url}
    server = serve(tmp_path, settings, "redis")
    try:
        server.wait_until_up()
        readyz = f"{server.base_url}/readyz"
        assert httpx.get(readyz).json()["redis"] == "ok"
        own_redis.stop()
        away = httpx.get(readyz, timeout=10.0)
        assert (away.status_code, away.json()["redis"]) == (503, "failed")
        assert httpx.get(f"{server.base_url}/healthz").status_code == 200
        [chat] = open_chats(server.base_url, 1)  # customers are still answered meanwhile
        answer = send(server.base_url, chat, TEXTS[0], "without-redis")
        assert answer.status_code == 200, answer.text
        own_redis.start()
        _wait(lambda: httpx.get(readyz, timeout=10.0).status_code == 200, "not ready again")
        assert httpx.get(readyz).json()["redis"] == "ok"
    finally:
        server.stop()
