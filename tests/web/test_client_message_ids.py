"""A retry after a lost response stores nothing twice: messages carry a client_message_id."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from scenarios.chat import Chat
from tandem.domain.conversation import Actor
from tandem.services import conversations
from tandem.services.runtime import Runtime
from tandem.storage.conversations import ConversationUnit
from tandem.storage.db import transaction

QUESTION = "How long does delivery to Belgium take?"


def send(chat: Chat, text: str, client_message_id: str) -> tuple[int, dict[str, Any]]:
    response = chat.client.post(
        f"/api/v1/conversations/{chat.id}/messages",
        json={"text": text, "client_message_id": client_message_id},
        headers=chat.auth,
    )
    body: dict[str, Any] = response.json()
    return response.status_code, body


def customer_texts(chat: Chat) -> list[str]:
    return [m["text"] for m in chat.messages() if m["author"] == "customer"]


def test_that_a_retry_with_the_same_id_stores_once_and_answers_as_the_first_time(
    client: TestClient,
) -> None:
    chat = Chat(client, language="en")
    first = send(chat, QUESTION, "3f2c1d9e-0b7a-4c1e-9a51-6b2f7d1e8c44")
    again = send(chat, QUESTION, "3f2c1d9e-0b7a-4c1e-9a51-6b2f7d1e8c44")
    assert first[0] == again[0] == 200
    assert again[1] == first[1]
    assert len(first[1]["messages"]) >= 2  # the message and the AI's answer
    assert customer_texts(chat) == [QUESTION]


def test_that_the_same_id_in_another_conversation_is_another_message(client: TestClient) -> None:
    one, two = Chat(client, language="en"), Chat(client, language="en")
    assert send(one, QUESTION, "m-1")[0] == send(two, QUESTION, "m-1")[0] == 200
    assert customer_texts(one) == customer_texts(two) == [QUESTION]


def test_that_identical_retries_at_the_same_moment_store_once(client: TestClient) -> None:
    chat = Chat(client, language="en")
    together = threading.Barrier(6)
    answers: list[tuple[int, dict[str, Any]]] = []

    def retry() -> None:
        together.wait()
        answers.append(send(chat, QUESTION, "same-moment"))

    threads = [threading.Thread(target=retry) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [status for status, _ in answers] == [200] * 6
    assert len({tuple(m["id"] for m in body["messages"]) for _, body in answers}) == 1
    assert customer_texts(chat) == [QUESTION]
    assert [m["author"] for m in chat.messages()] == ["ai", "customer", "ai"]  # answered once


def test_that_a_retry_racing_the_first_store_gets_the_stored_message(
    client: TestClient, runtime: Runtime
) -> None:
    """The retry looks before the first store commits, then collides with it (unique index)."""
    chat = Chat(client, language="en")
    answers: list[tuple[int, dict[str, Any]]] = []
    retry = threading.Thread(target=lambda: answers.append(send(chat, QUESTION, "raced")))
    with transaction(runtime.engine) as connection:  # the first request, storing right now
        unit = ConversationUnit.load(connection, chat.id)
        stored = unit.say(Actor.CUSTOMER, QUESTION, client_message_id="raced")
        retry.start()
        time.sleep(1.0)  # the retry has looked (nothing committed yet) and waits for the lock
    retry.join()
    [(status, body)] = answers
    assert status == 200, body
    assert body["messages"][0]["id"] == stored.id
    assert customer_texts(chat) == [QUESTION]


def test_that_a_retry_of_a_message_whose_turn_never_ran_gets_its_answer(
    client: TestClient, runtime: Runtime
) -> None:
    chat = Chat(client, language="en")
    # The first request stored the message and its process died before the AI's turn.
    stored, _ = conversations.store_customer_message(runtime, chat.id, chat.token, QUESTION, "lost")
    status, body = send(chat, QUESTION, "lost")
    assert status == 200
    assert body["messages"][0]["id"] == stored.id
    assert "deliver" in body["messages"][-1]["text"].lower()
    assert [m["author"] for m in chat.messages()] == ["ai", "customer", "ai"]


@pytest.mark.parametrize("bad", ["", "x" * 65, "has space", "naïve", "a/b", "new\nline"])
def test_that_an_unusable_client_message_id_is_refused_with_422(
    client: TestClient, bad: str
) -> None:
    chat = Chat(client, language="en")
    status, body = send(chat, QUESTION, bad)
    assert status == 422, body
    assert "client_message_id" in body["error"]["message"]
    assert customer_texts(chat) == []


def test_that_the_service_refuses_an_unusable_client_message_id_too(
    client: TestClient, runtime: Runtime
) -> None:
    chat = Chat(client, language="en")
    with pytest.raises(conversations.InvalidInput):
        conversations.post_customer_message(runtime, chat.id, chat.token, QUESTION, False, "a b")
