"""The customer is typing: the widget's signal (POST /api/v1/conversations/{id}/typing, the
conversation's own token) reaches the agent who owns the conversation and leads through the
console's message poll, for a few seconds, and ends when the customer's message arrives."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from conftest import DEMO_PASSWORD
from scenarios.chat import Chat
from tandem.domain.conversation import Actor
from tandem.services.customer_typing import SHOWN_SECONDS, is_typing
from tandem.services.demo_agents import ensure_demo_agents
from tandem.services.runtime import Runtime
from tandem.storage.conversations import MessageRecord
from tandem.storage.db import reading, transaction
from tandem.storage.tables import conversations


def login(client: TestClient, email: str, status: str) -> dict[str, str]:
    response = client.post("/api/v1/agent/login", json={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.text
    auth = {"Authorization": f"Bearer {response.json()['token']}"}
    assert client.put("/api/v1/agent/status", json={"status": status}, headers=auth).is_success
    return auth


def typing_seen(client: TestClient, chat: Chat, auth: dict[str, str]) -> bool:
    response = client.get(f"/api/v1/agent/conversations/{chat.id}/messages", headers=auth)
    assert response.status_code == 200, response.text
    seen: bool = response.json()["customer_typing"]
    return seen


def typing_at(runtime: Runtime, chat: Chat) -> dt.datetime | None:
    with reading(runtime.engine) as connection:
        found: dt.datetime | None = connection.execute(
            select(conversations.c.customer_typing_at).where(conversations.c.id == chat.id)
        ).scalar()
    return found


def test_that_the_owner_and_leads_see_the_customer_typing_until_the_message_arrives(
    runtime: Runtime, client: TestClient
) -> None:
    ensure_demo_agents(runtime.engine, DEMO_PASSWORD)
    ben = login(client, "ben@tandem.example", "offline")
    lisa = login(client, "lisa@tandem.example", "away")
    anna = login(client, "anna@tandem.example", "online")
    chat = Chat(client, language="en")
    chat.say("I want to talk to a person")
    assert client.post(f"/api/v1/agent/conversations/{chat.id}/take", headers=anna).is_success
    assert not typing_seen(client, chat, anna)

    signal = client.post(f"/api/v1/conversations/{chat.id}/typing", headers=chat.auth)
    assert (signal.status_code, signal.content) == (204, b"")
    assert typing_seen(client, chat, anna)
    assert typing_seen(client, chat, lisa)  # a lead
    assert not typing_seen(client, chat, ben)  # an agent who does not own it

    chat.say("It is order 1001, the parcel never came")
    assert not typing_seen(client, chat, anna)  # the message arrived: the indicator ends

    client.post(f"/api/v1/conversations/{chat.id}/typing", headers=chat.auth)
    assert typing_seen(client, chat, anna)
    with transaction(runtime.engine) as connection:  # the last signal is older than the window
        old = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=SHOWN_SECONDS + 1)
        connection.execute(
            update(conversations)
            .where(conversations.c.id == chat.id)
            .values(customer_typing_at=old)
        )
    assert not typing_seen(client, chat, anna)


def test_that_a_flood_of_signals_writes_once(runtime: Runtime, client: TestClient) -> None:
    chat = Chat(client, language="en")
    chat.say("I want to talk to a person")
    url = f"/api/v1/conversations/{chat.id}/typing"
    assert client.post(url, headers=chat.auth).status_code == 204
    first = typing_at(runtime, chat)
    assert first is not None
    for _ in range(20):
        assert client.post(url, headers=chat.auth).status_code == 204
    assert typing_at(runtime, chat) == first


def test_that_only_the_conversations_own_token_may_signal(
    runtime: Runtime, client: TestClient
) -> None:
    mine, other = Chat(client, language="en"), Chat(client, language="en")
    url = f"/api/v1/conversations/{mine.id}/typing"
    cases = {
        "another conversation's token": (other.auth, url, 401),
        "no token": ({}, url, 401),
        "a made-up token": ({"Authorization": "Bearer not-a-token"}, url, 401),
        "an unknown conversation": (
            mine.auth, "/api/v1/conversations/00000000-0000-4000-8000-000000000000/typing", 404,
        ),
        "an id longer than its column": (
            mine.auth, f"/api/v1/conversations/{'x' * 80}/typing", 422,
        ),
    }  # fmt: skip
    for name, (headers, path, status) in cases.items():
        response = client.post(path, headers=headers)
        assert response.status_code == status, name
        assert response.json()["error"]["code"], name
    assert typing_at(runtime, mine) is None  # nothing was stored by the refused calls


def test_that_a_closed_conversation_ignores_the_signal(
    runtime: Runtime, client: TestClient
) -> None:
    chat = Chat(client, language="en")
    assert client.post(f"/api/v1/conversations/{chat.id}/close", headers=chat.auth).is_success
    signal = client.post(f"/api/v1/conversations/{chat.id}/typing", headers=chat.auth)
    assert signal.status_code == 204
    assert typing_at(runtime, chat) is None


def test_that_typing_ends_with_the_window_or_the_next_customer_message() -> None:
    at = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
    since = at - dt.timedelta(seconds=2)

    def message(author: Actor, seconds_after: float) -> MessageRecord:
        moment = since + dt.timedelta(seconds=seconds_after)
        return MessageRecord(1, 1, author, None, "hi", moment)

    assert is_typing(since, [], at)
    assert is_typing(since.replace(tzinfo=None), [], at)  # SQLite gives it back without a zone
    assert not is_typing(None, [], at)
    assert not is_typing(at - dt.timedelta(seconds=SHOWN_SECONDS + 0.1), [], at)
    assert is_typing(since, [message(Actor.CUSTOMER, -1)], at)  # an earlier message
    assert is_typing(since, [message(Actor.AGENT, 1)], at)  # the agent's reply: still typing
    assert not is_typing(since, [message(Actor.CUSTOMER, 1)], at)
