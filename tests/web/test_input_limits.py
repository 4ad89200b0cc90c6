"""Inputs the databases or the server cannot take get a clear 4xx, never a 500.

Numbers beyond what an INTEGER column holds (32 bits on PostgreSQL, 64 on SQLite), NUL
characters (PostgreSQL refuses them in text), ids longer than their column, and bodies over
TANDEM_MAX_BODY_BYTES, which are refused before they are read.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import anyio
import pytest
import uvicorn
from fastapi.testclient import TestClient
from starlette.types import Message

from conftest import DEMO_PASSWORD
from scenarios.chat import Chat
from tandem.services.demo_agents import ensure_demo_agents
from tandem.services.runtime import Runtime
from tandem.web.app import create_app

HUGE = [2**31, 2**63, 2**64 + 1]  # past PostgreSQL's INTEGER, SQLite's, and any 64-bit number
LIMIT = 65536


def _lead(runtime: Runtime, client: TestClient) -> dict[str, str]:
    ensure_demo_agents(runtime.engine, DEMO_PASSWORD)
    response = client.post(
        "/api/v1/agent/login", json={"email": "lisa@tandem.example", "password": DEMO_PASSWORD}
    )
    return {"Authorization": f"Bearer {response.json()['token']}"}


def _refused(response: object, *words: str) -> None:
    status = getattr(response, "status_code", None)
    body = response.json()  # type: ignore[attr-defined]
    assert status == 422, body
    assert body["error"]["code"] == "invalid_input"
    for word in words:
        assert word in body["error"]["message"], body


def test_that_an_offset_beyond_a_database_integer_is_refused(
    runtime: Runtime, client: TestClient, agent_token: str
) -> None:
    chat = Chat(client, language="en")
    agent = {"Authorization": f"Bearer {agent_token}"}
    for after in HUGE:
        for path, headers, query in (
            (f"/api/v1/conversations/{chat.id}/messages", chat.auth, ""),
            (f"/api/v1/conversations/{chat.id}/stream", {}, f"&token={chat.token}"),
            (f"/api/v1/agent/conversations/{chat.id}/messages", agent, ""),
        ):
            _refused(client.get(f"{path}?after={after}{query}", headers=headers), "after")
    assert len(chat.messages(after=0)) == 1  # the greeting; the server keeps working


def test_that_a_policy_version_beyond_a_database_integer_is_refused(
    runtime: Runtime, client: TestClient
) -> None:
    lead = _lead(runtime, client)
    for version in HUGE:
        _refused(client.get(f"/api/v1/policies/{version}", headers=lead), "version")
        _refused(client.post(f"/api/v1/policies/{version}/activate", headers=lead), "version")
    assert client.get("/api/v1/policies", headers=lead).json()["active"] == 1


def test_that_a_nul_character_in_an_email_is_refused(runtime: Runtime, client: TestClient) -> None:
    started = client.post("/api/v1/conversations", json={"customer_email": "emma@example.nl\x00"})
    _refused(started, "customer_email", "NUL")
    ensure_demo_agents(runtime.engine, DEMO_PASSWORD)
    login = {"email": "anna@tandem.example\x00", "password": DEMO_PASSWORD}
    _refused(client.post("/api/v1/agent/login", json=login), "email", "NUL")


def test_that_a_nul_character_in_a_conversation_id_or_token_is_refused(
    client: TestClient, agent_token: str
) -> None:
    chat = Chat(client, language="en")
    agent = {"Authorization": f"Bearer {agent_token}"}
    bad = f"{chat.id[:-1]}%00"
    _refused(client.get(f"/api/v1/conversations/{bad}/messages", headers=chat.auth), "NUL")
    sent = client.post(
        f"/api/v1/conversations/{bad}/messages", json={"text": "hi"}, headers=chat.auth
    )
    _refused(sent, "conversation_id", "NUL")
    _refused(client.get(f"/api/v1/agent/conversations/{bad}", headers=agent), "NUL")
    _refused(client.post(f"/api/v1/agent/conversations/{bad}/take", headers=agent), "NUL")
    stream = client.get(f"/api/v1/conversations/{chat.id}/stream?token=%00")
    _refused(stream, "token", "NUL")


def test_that_a_nul_character_in_any_text_is_refused(
    runtime: Runtime, client: TestClient, agent_token: str
) -> None:
    chat = Chat(client, language="en")
    rating = {"score": 4, "comment": "fine\x00"}
    rated = client.post(f"/api/v1/conversations/{chat.id}/rating", json=rating, headers=chat.auth)
    _refused(rated, "comment", "NUL")
    lead = _lead(runtime, client)
    policy = client.get("/api/v1/policies/1", headers=lead).json()["text"]
    saved = client.post("/api/v1/policies", json={"text": policy, "note": "a\x00b"}, headers=lead)
    _refused(saved, "note", "NUL")
    checked = client.post("/api/v1/policies/check", json={"text": "a\x00"}, headers=lead)
    _refused(checked, "text", "NUL")
    assert client.get("/api/v1/policies", headers=lead).json()["active"] == 1


def test_that_a_conversation_id_longer_than_its_column_is_refused(client: TestClient) -> None:
    chat = Chat(client, language="en")
    long_id = chat.id + "0"
    response = client.get(f"/api/v1/conversations/{long_id}/messages", headers=chat.auth)
    _refused(response, "conversation_id", "36")


def test_that_a_body_just_under_the_limit_is_read_and_one_over_is_refused(
    client: TestClient,
) -> None:
    chat = Chat(client, language="en")
    url = f"/api/v1/conversations/{chat.id}/messages"
    under = b'{"text": "' + b"a" * (LIMIT - 12) + b'"}'
    over = b'{"text": "' + b"a" * (LIMIT - 11) + b'"}'
    headers = {**chat.auth, "Content-Type": "application/json"}
    assert len(under) == LIMIT and len(over) == LIMIT + 1
    assert client.post(url, content=under, headers=headers).status_code == 422  # > 4000 chars
    refused = client.post(url, content=over, headers=headers)
    assert refused.status_code == 413
    assert refused.json()["error"]["code"] == "body_too_large"
    assert str(LIMIT) in refused.json()["error"]["message"]


def test_that_a_streamed_body_is_cut_off_at_the_limit_without_reading_the_rest(
    client: TestClient,
) -> None:
    """A chunked body (no Content-Length) of 100 MB: the app reads 64 kB and answers 413."""
    chat = Chat(client, language="en")
    chunk, chunks = b"a" * 1024, 100 * 1024
    pulled = 0

    async def receive() -> Message:
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": chunk, "more_body": pulled < chunks}

    answers: list[Message] = []

    async def send(message: Message) -> None:
        answers.append(message)

    path = f"/api/v1/conversations/{chat.id}/messages"
    headers = [(b"content-type", b"application/json")]
    headers.append((b"authorization", f"Bearer {chat.token}".encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    anyio.run(client.app, scope, receive, send)  # type: ignore[arg-type]
    assert answers[0]["status"] == 413
    assert pulled == LIMIT // len(chunk) + 1  # 65 kB of 100 MB were read
    assert len(chat.messages()) == 1  # nothing was stored


READ_SECONDS = 1.0


@pytest.fixture
def served(runtime: Runtime) -> Iterator[int]:
    """The app behind a real uvicorn on a free port, in a thread; request bodies must arrive
    within a second."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    settings = runtime.settings.model_copy(update={"request_read_seconds": READ_SECONDS})
    config = uvicorn.Config(
        create_app(settings, runtime), port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield port
    server.should_exit = True
    thread.join(timeout=10)


def test_that_a_100_mb_body_is_refused_before_it_is_sent(served: int) -> None:
    """Over a real socket: the client announces 100 MB, sends 16 kB, and gets 413 at once."""
    announced, sent = 100 * 1024 * 1024, b"{" + b"a" * 16383
    head = (
        "POST /api/v1/conversations HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: application/json\r\nContent-Length: {announced}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", served), timeout=10) as connection:
        connection.sendall(head + sent)
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.endswith(b"}"):
            part = connection.recv(65536)
            if not part:
                break
            answer += part
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b'"code": "body_too_large"' in answer


def test_that_a_slow_client_is_timed_out_without_holding_up_the_conversation(
    served: int, client: TestClient
) -> None:
    """A slow-loris sends half of a message to a conversation and stalls: the customer's other
    tab writes to the same conversation and is answered at once; the slow one gets 408 after
    the read deadline, and nothing of it is stored."""
    chat = Chat(client, language="en")
    body = b'{"text": "where is my order TD-1002, I have been waiting for a long time"}'
    head = (
        f"POST /api/v1/conversations/{chat.id}/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {chat.token}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", served), timeout=10) as slow:
        slow.sendall(head + body[:20])
        began = time.monotonic()
        answer = chat.say("Can I pay with PayPal?")  # the other tab, meanwhile: answered
        assert answer["messages"][-1]["author"] == "ai"
        reply = b""
        while not reply.endswith(b"}"):
            part = slow.recv(65536)
            if not part:
                break
            reply += part
        waited = time.monotonic() - began
    assert reply.startswith(b"HTTP/1.1 408"), reply[:200]
    assert b'"code": "request_timeout"' in reply
    assert waited >= READ_SECONDS * 0.9  # the deadline, not an earlier error
    texts = [m["text"] for m in chat.messages() if m["author"] == "customer"]
    assert texts == ["Can I pay with PayPal?"]
