"""The suggested reply without an LLM: the assistant's own plan for the customer's question,
shown to agents, sent by the owner as is or edited, recorded with the actor
agent_on_behalf_of_ai; a plan that changes the shop is sent only with the change made."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import DEMO_PASSWORD, signed
from scenarios.chat import Chat
from tandem.services.demo_agents import ensure_demo_agents
from tandem.services.runtime import Runtime


def login(client: TestClient, email: str) -> dict[str, str]:
    response = client.post("/api/v1/agent/login", json={"email": email, "password": DEMO_PASSWORD})
    return {"Authorization": f"Bearer {response.json()['token']}"}


@pytest.fixture
def anna(runtime: Runtime, client: TestClient) -> dict[str, str]:
    ensure_demo_agents(runtime.engine, DEMO_PASSWORD)
    return login(client, "anna@tandem.example")


def desk(chat: Chat, what: str = "") -> str:
    return f"/api/v1/agent/conversations/{chat.id}{what}"


def handed_over(client: TestClient, anna: dict[str, str], *said: str) -> Chat:
    chat = Chat(client, **signed("james@example.com"))
    for text in said:
        chat.say(text)
    assert client.post(desk(chat, "/take"), headers=anna).status_code == 200
    return chat


def used(client: TestClient, anna: dict[str, str], chat: Chat) -> list[dict[str, Any]]:
    events = client.get(desk(chat), headers=anna).json()["events"]
    return [e for e in events if e["kind"] == "suggestion_used"]


def test_that_the_agent_sends_the_suggestion_edited_and_it_is_recorded_as_edited(
    client: TestClient, anna: dict[str, str]
) -> None:
    chat = handed_over(client, anna, "Where is my order TD-2002?", "I want to talk to a person")
    found = client.get(desk(chat, "/suggestion"), headers=anna).json()["suggestion"]
    assert "TD-2002" in found["text"] and found["action"] is None
    asked = next(m for m in client.get(desk(chat), headers=anna).json()["messages"]
                 if m["text"] == "Where is my order TD-2002?")  # fmt: skip
    assert found["message"] == asked["offset"]  # the question, not the request for a person
    edited = found["text"] + " I have asked the warehouse to hurry."
    sent = client.post(
        desk(chat, "/suggestion"), json={"message": found["message"], "text": edited}, headers=anna
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["edited"] is True and 0 < sent.json()["edit_size"] < 0.5
    [event] = used(client, anna, chat)
    assert (event["actor"], event["detail"]["edited"]) == ("agent_on_behalf_of_ai", True)
    seen = client.get(f"/api/v1/conversations/{chat.id}/messages", headers=chat.auth).json()
    assert seen["messages"][-1]["text"] == edited
    assert seen["messages"][-1]["author"] == "agent"


def test_that_an_unedited_suggestion_is_recorded_as_not_edited(
    client: TestClient, anna: dict[str, str]
) -> None:
    chat = handed_over(client, anna, "Where is my order TD-2002?", "I want to talk to a person")
    found = client.get(desk(chat, "/suggestion"), headers=anna).json()["suggestion"]
    same = {"message": found["message"], "text": found["text"]}  # sent back unchanged
    assert client.post(desk(chat, "/suggestion"), json=same, headers=anna).json()["edited"] is False
    assert [e["detail"]["edited"] for e in used(client, anna, chat)] == [False]
    twice = client.post(desk(chat, "/suggestion"), json=same, headers=anna)  # a double click
    assert twice.status_code == 409 and "sent already" in twice.text
    assert client.get(desk(chat, "/suggestion"), headers=anna).json()["suggestion"] is None


def test_that_a_suggested_shop_change_is_sent_only_with_the_change_made(
    runtime: Runtime, client: TestClient, anna: dict[str, str]
) -> None:
    chat = handed_over(client, anna, "Please cancel TD-2002", "no wait, I want to talk to a person")
    chat.say("yes")
    found = client.get(desk(chat, "/suggestion"), headers=anna).json()["suggestion"]
    assert (found["action"]["kind"], found["action"]["order_id"]) == ("cancel_order", "TD-2002")
    assert found["text"] == ""  # the confirmation is worded once the change is made
    plain = {"message": found["message"]}
    wordless = client.post(desk(chat, "/suggestion"), json=plain, headers=anna)
    assert wordless.status_code == 422 and "what to tell the customer" in wordless.text
    told = plain | {"text": "I have cancelled TD-2002 for you.", "perform_action": True}
    sent = client.post(desk(chat, "/suggestion"), json=told, headers=anna)
    assert sent.status_code == 201, sent.text
    assert sent.json()["performed"]["ok"] is True
    assert runtime.shop.order("TD-2002").status.value == "cancelled"  # type: ignore[arg-type]
    events = client.get(desk(chat), headers=anna).json()["events"]
    performed = [e for e in events if e["kind"] == "performed"]
    assert performed[-1]["actor"] == "agent_on_behalf_of_ai"
    assert used(client, anna, chat)[-1]["detail"]["action"] == "cancel_order"


def test_that_only_the_owner_sends_and_a_stale_suggestion_is_refused(
    client: TestClient, anna: dict[str, str]
) -> None:
    chat = handed_over(client, anna, "Where is my order TD-2002?", "I want to talk to a person")
    found = client.get(desk(chat, "/suggestion"), headers=anna).json()["suggestion"]
    ben = login(client, "ben@tandem.example")
    assert client.get(desk(chat, "/suggestion"), headers=ben).status_code == 200  # may look
    mine_only = client.post(
        desk(chat, "/suggestion"), json={"message": found["message"]}, headers=ben
    )
    assert mine_only.status_code == 409
    chat.say("Also, can I return TD-2001?")
    stale = client.post(desk(chat, "/suggestion"), json={"message": found["message"]}, headers=anna)
    assert stale.status_code == 409 and "wrote again" in stale.text
    assert used(client, anna, chat) == []
