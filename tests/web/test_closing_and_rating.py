"""Who may close, and when a customer may rate: an agent closes only what they own (a lead any),
and a conversation is rated once, after it is closed."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import DEMO_PASSWORD
from scenarios.chat import Chat, Desk
from tandem.services.demo_agents import ensure_demo_agents
from tandem.services.runtime import Runtime


def _desk(client: TestClient, email: str) -> Desk:
    response = client.post("/api/v1/agent/login", json={"email": email, "password": DEMO_PASSWORD})
    return Desk(client, response.json()["token"])


@pytest.fixture
def team(runtime: Runtime, client: TestClient) -> dict[str, Desk]:
    ensure_demo_agents(runtime.engine, DEMO_PASSWORD)
    names = {"anna": "anna@tandem.example", "ben": "ben@tandem.example"}
    return {
        name: _desk(client, email)
        for name, email in {**names, "lisa": "lisa@tandem.example"}.items()
    }


def _state(desk: Desk, chat: Chat) -> Any:
    return desk.client.get(f"/api/v1/agent/conversations/{chat.id}", headers=desk.headers).json()


def test_that_an_agent_cannot_close_a_conversation_another_agent_owns(
    client: TestClient, team: dict[str, Desk]
) -> None:
    chat = Chat(client, language="en")
    chat.say("I want to talk to a person")
    assert team["anna"].post(f"conversations/{chat.id}/take").status_code == 200
    refused = team["ben"].post(f"conversations/{chat.id}/close")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"
    detail = _state(team["anna"], chat)
    assert detail["state"] == "human" and detail["agent"]["name"] == "Anna de Jong"
    assert chat.say("are you there?")["state"] == "human"  # nothing changed for the customer


def test_that_an_agent_cannot_close_a_waiting_conversation_but_a_lead_can(
    client: TestClient, team: dict[str, Desk]
) -> None:
    chat = Chat(client, language="en")
    chat.say("I want to talk to a person")
    assert team["anna"].post(f"conversations/{chat.id}/close").status_code == 403
    assert _state(team["anna"], chat)["state"] == "queued"
    closed = team["lisa"].post(f"conversations/{chat.id}/close")
    assert closed.status_code == 200 and closed.json()["state"] == "closed"


def test_that_a_lead_can_close_a_conversation_an_agent_owns(
    client: TestClient, team: dict[str, Desk]
) -> None:
    chat = Chat(client, language="en")
    chat.say("I want to talk to a person")
    team["anna"].post(f"conversations/{chat.id}/take")
    closed = team["lisa"].post(f"conversations/{chat.id}/close")
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    again = team["anna"].post(f"conversations/{chat.id}/close")
    assert again.status_code == 409  # closed already, for everyone


def test_that_an_open_conversation_cannot_be_rated(
    client: TestClient, team: dict[str, Desk]
) -> None:
    chat = Chat(client, language="en")
    url, rating = f"/api/v1/conversations/{chat.id}/rating", {"score": 5}
    early = client.post(url, json=rating, headers=chat.auth)
    assert early.status_code == 409
    assert "closed" in early.json()["error"]["message"]
    chat.say("I want to talk to a person")
    team["anna"].post(f"conversations/{chat.id}/take")
    assert client.post(url, json=rating, headers=chat.auth).status_code == 409  # with a person
    team["anna"].post(f"conversations/{chat.id}/close")
    assert client.post(url, json=rating, headers=chat.auth).status_code == 201
    assert client.post(url, json=rating, headers=chat.auth).status_code == 409  # once
