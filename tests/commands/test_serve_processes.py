"""`tandem serve` as real processes: kill -9 under load, and two servers starting together.

Customers write from several threads; the server is killed with SIGKILL mid-load (requests
cut between storing a message and the AI's turn), then started again on the same database.
Every message that was acknowledged (2xx) must be stored, once; after the recovery job no
conversation may be left with the customer's message unanswered; and a retry of a message
whose response was lost (same client_message_id) stores nothing twice.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from conftest import MODEL_DIR
from live_server import Served, serve
from tandem.domain.conversation import EventKind
from tandem.services.runtime import Understands
from tandem.storage.conversations import now
from tandem.storage.db import make_engine, reading
from tandem.storage.tables import events, messages
from tandem.storage.unanswered import unanswered_conversations

CUSTOMERS = 6
TEXTS = (
    "How long does delivery to Belgium take?",
    "Wat zijn jullie openingstijden?",
    "Can I pay with PayPal?",
    "Hoe kan ik iets retourneren?",
    "Where is my order TD-2002?",
    "Wanneer krijg ik mijn geld terug?",
)
ACKNOWLEDGED_BEFORE_KILL = 2 * CUSTOMERS
RECOVERY_TIMEOUT_SECONDS = 20.0


@dataclass
class Sent:
    chat: int
    text: str
    client_message_id: str
    acknowledged: bool


@dataclass(frozen=True)
class ChatRef:
    id: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
def settings(fresh_database_url: str, tmp_path: Path, understander: Understands) -> dict[str, str]:
    """A fresh database; the understanding models the test session trained (not retrained)."""
    postgres = fresh_database_url.startswith("postgresql")
    return {
        "TANDEM_DATABASE_URL": fresh_database_url,
        "TANDEM_SHOP_DATABASE_URL": fresh_database_url if postgres else f"sqlite:///{tmp_path}/s",
        "TANDEM_DEMO": "true",
        "TANDEM_DEMO_PASSWORD": "serve-process-test",
        "TANDEM_DEMO_HISTORY": "false",
        "TANDEM_MODEL_DIR": str(MODEL_DIR),
        "TANDEM_LOG_LEVEL": "warning",
        "TANDEM_RECOVERY_GRACE_SECONDS": "1",
        "TANDEM_RECOVERY_INTERVAL_SECONDS": "0.5",
    }


@pytest.fixture
def servers() -> Iterator[list[Served]]:
    started: list[Served] = []
    yield started
    for server in started:
        server.stop()


def open_chats(base_url: str, count: int) -> list[ChatRef]:
    chats = []
    for _ in range(count):
        response = httpx.post(f"{base_url}/api/v1/conversations", json={"language": "en"})
        assert response.status_code == 201, response.text
        chats.append(ChatRef(response.json()["id"], response.json()["token"]))
    return chats


def send(base_url: str, chat: ChatRef, text: str, client_message_id: str) -> httpx.Response:
    return httpx.post(
        f"{base_url}/api/v1/conversations/{chat.id}/messages",
        json={"text": text, "client_message_id": client_message_id},
        headers=chat.auth,
        timeout=30.0,
    )


def write_until_cut_off(base_url: str, chats: list[ChatRef], sent: list[Sent]) -> None:
    """Each customer writes one message after another until a request fails."""
    threads = [
        threading.Thread(target=_customer, args=(base_url, chats[i], i, sent), daemon=True)
        for i in range(len(chats))
    ]
    for thread in threads:
        thread.start()


def _customer(base_url: str, chat: ChatRef, index: int, sent: list[Sent]) -> None:
    for n in itertools.count():
        text = f"{TEXTS[(index + n) % len(TEXTS)]} ({index}.{n})"
        client_message_id = f"kill-{index}-{n}"
        try:
            ok = send(base_url, chat, text, client_message_id).is_success
        except httpx.HTTPError:
            ok = False
        sent.append(Sent(index, text, client_message_id, ok))
        if not ok:
            return


def conversation(base_url: str, chat: ChatRef) -> dict[str, Any]:
    response = httpx.get(f"{base_url}/api/v1/conversations/{chat.id}/messages", headers=chat.auth)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def is_stuck(body: dict[str, Any]) -> bool:
    """The AI owns it and the customer's message is the last word: nobody answered it."""
    return bool(body["state"] == "ai" and body["messages"][-1]["author"] == "customer")


def wait_for_recovery(base_url: str, chats: list[ChatRef]) -> list[dict[str, Any]]:
    deadline = time.monotonic() + RECOVERY_TIMEOUT_SECONDS
    while True:
        bodies = [conversation(base_url, chat) for chat in chats]
        if not any(map(is_stuck, bodies)) or time.monotonic() > deadline:
            return bodies
        time.sleep(0.3)


def unanswered_now(url: str) -> int:
    engine = make_engine(url)
    try:
        with reading(engine) as connection:
            return len(unanswered_conversations(connection, now(), 10_000))
    finally:
        engine.dispose()


def test_that_after_kill_9_under_load_nothing_acknowledged_is_lost_and_nothing_stays_unanswered(
    settings: dict[str, str], tmp_path: Path, servers: list[Served]
) -> None:
    began = time.monotonic()
    servers.append(first := serve(tmp_path, settings, "first"))
    first.wait_until_up()
    up = time.monotonic()
    chats = open_chats(first.base_url, CUSTOMERS)
    sent: list[Sent] = []
    write_until_cut_off(first.base_url, chats, sent)
    deadline = time.monotonic() + 20
    while sum(s.acknowledged for s in sent) < ACKNOWLEDGED_BEFORE_KILL:
        assert time.monotonic() < deadline, "the server did not answer under load"
        time.sleep(0.01)
    first.kill()
    killed = time.monotonic()
    while len([s for s in sent if not s.acknowledged]) < CUSTOMERS:  # every customer cut off
        assert time.monotonic() < killed + 40, "a customer's request never ended"
        time.sleep(0.01)
    left_unanswered = unanswered_now(settings["TANDEM_DATABASE_URL"])

    servers.append(again := serve(tmp_path, settings, "restarted"))
    again.wait_until_up()
    up_again = time.monotonic()
    bodies = wait_for_recovery(again.base_url, chats)
    recovered = time.monotonic()
    assert [body["state"] for body in bodies if is_stuck(body)] == []
    stored = [m["text"] for body in bodies for m in body["messages"] if m["author"] == "customer"]
    acknowledged = [s.text for s in sent if s.acknowledged]
    assert [text for text in acknowledged if text not in stored] == []  # nothing lost
    assert len(stored) == len(set(stored))  # nothing stored twice

    for cut_off in (s for s in sent if not s.acknowledged):  # the customer sends it again
        retry = send(again.base_url, chats[cut_off.chat], cut_off.text, cut_off.client_message_id)
        assert retry.status_code == 200, retry.text
    bodies = [conversation(again.base_url, chat) for chat in chats]
    stored = [m["text"] for body in bodies for m in body["messages"] if m["author"] == "customer"]
    assert sorted(stored) == sorted(s.text for s in sent)  # each message exactly once
    assert not any(map(is_stuck, bodies))
    print(
        f"\n{len(acknowledged)} acknowledged, {len(sent) - len(acknowledged)} cut off, "
        f"{left_unanswered} conversations left unanswered by the kill, 0 after recovery; "
        f"seconds: start {up - began:.1f}, load {killed - up:.1f}, restart "
        f"{up_again - killed:.1f}, recovery seen {recovered - up_again:.1f}"
    )


def test_that_two_servers_starting_together_on_a_fresh_postgresql_database_both_come_up(
    settings: dict[str, str], tmp_path: Path, servers: list[Served]
) -> None:
    if not settings["TANDEM_DATABASE_URL"].startswith("postgresql"):
        pytest.skip("SQLite runs one server process")
    servers.extend([serve(tmp_path, settings, "one"), serve(tmp_path, settings, "two")])
    for server in servers:
        server.wait_until_up()
    for server in servers:
        [chat] = open_chats(server.base_url, 1)
        answer = send(server.base_url, chat, TEXTS[0], "first")
        assert answer.status_code == 200, answer.text
        assert answer.json()["messages"][-1]["author"] == "ai"


def test_that_two_worker_processes_answer_and_stop_gracefully(
    settings: dict[str, str], tmp_path: Path, servers: list[Served]
) -> None:
    if not settings["TANDEM_DATABASE_URL"].startswith("postgresql"):
        pytest.skip("--workers above 1 needs PostgreSQL")
    server = serve(tmp_path, settings, "workers", "--workers", "2")
    servers.append(server)
    server.wait_until_up()
    assert len(worker_pids(server.process.pid)) == 2
    assert httpx.get(f"{server.base_url}/readyz").json()["status"] == "ready"
    for number, chat in enumerate(open_chats(server.base_url, 4)):
        answer = send(server.base_url, chat, TEXTS[number], "first")
        assert answer.status_code == 200, answer.text
        assert answer.json()["messages"][-1]["author"] == "ai"
    server.process.terminate()
    assert server.process.wait(timeout=30) == 0


def worker_pids(parent: int) -> list[int]:
    """The worker processes uvicorn's supervisor started (read from /proc; multiprocessing's
    resource tracker is a child too, but not a worker)."""
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    return [
        int(pid)
        for pid in children
        if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]


def test_that_one_customer_writing_from_two_tabs_on_two_processes_is_answered_once_per_message(
    settings: dict[str, str], tmp_path: Path, servers: list[Served]
) -> None:
    """Two server processes on one PostgreSQL database; the same customer posts from two tabs,
    each tab talking to another process, at the same moment."""
    if not settings["TANDEM_DATABASE_URL"].startswith("postgresql"):
        pytest.skip("SQLite runs one server process")
    servers.extend([serve(tmp_path, settings, "tab-a"), serve(tmp_path, settings, "tab-b")])
    for server in servers:
        server.wait_until_up()
    [chat] = open_chats(servers[0].base_url, 1)
    statuses: list[int] = []
    start = threading.Barrier(2)

    def tab(name: str, server: Served) -> None:
        start.wait()
        for n in range(4):
            text = f"{TEXTS[n % len(TEXTS)]} ({name}{n})"
            statuses.append(send(server.base_url, chat, text, f"{name}-{n}").status_code)

    tabs = [threading.Thread(target=tab, args=(n, s)) for n, s in zip("ab", servers, strict=True)]
    for thread in tabs:
        thread.start()
    for thread in tabs:
        thread.join(timeout=60)
    assert statuses == [200] * 8

    body = conversation(servers[1].base_url, chat)
    offsets = [m["offset"] for m in body["messages"]]
    assert offsets == sorted(set(offsets))  # unique and in order
    customer = [m for m in body["messages"] if m["author"] == "customer"]
    assert len(customer) == 8 and not is_stuck(body)
    engine = make_engine(settings["TANDEM_DATABASE_URL"])
    try:
        with reading(engine) as connection:
            handled = connection.execute(
                select(func.count()).where(
                    messages.c.conversation_id == chat.id,
                    messages.c.author == "customer",
                    messages.c.handled_at.is_not(None),
                )
            ).scalar_one()
            decided = connection.execute(
                select(func.count()).where(
                    events.c.conversation_id == chat.id, events.c.kind == EventKind.DECIDED.value
                )
            ).scalar_one()
    finally:
        engine.dispose()
    assert handled == 8  # every message went through a turn...
    assert decided == 8  # ...exactly once
