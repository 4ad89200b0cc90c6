"""Internal notes, transfers and hand-back with a note, through the real API: a note never
reaches the customer, a transfer to a team nobody online serves waits (and the agent is told),
a transfer to a colleague needs them online with room."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import DEMO_PASSWORD
from scenarios.chat import Chat
from tandem.services.demo_agents import ensure_demo_agents
from tandem.services.runtime import Runtime

SECRET_NOTE = "Between us: refund approved by Lisa, check IBAN NL91ABNA0417164300"


def login(client: TestClient, email: str, status: str = "online") -> dict[str, str]:
    response = client.post("/api/v1/agent/login", json={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.text
    auth = {"Authorization": f"Bearer {response.json()['token']}"}
    client.put("/api/v1/agent/status", json={"status": status}, headers=auth)
    return auth


@pytest.fixture
def anna(runtime: Runtime, client: TestClient) -> dict[str, str]:
    ensure_demo_agents(runtime.engine, DEMO_PASSWORD)
    return login(client, "anna@tandem.example")


def agent_id(client: TestClient, auth: dict[str, str]) -> str:
    found: str = client.get("/api/v1/agent/me", headers=auth).json()["id"]
    return found


def assigned_to_anna(client: TestClient, anna: dict[str, str], language: str = "en") -> Chat:
    chat = Chat(client, language=language)
    chat.say("I want to talk to a person")
    taken = client.post(path(chat, "take"), headers=anna)  # assigned to her already, or now
    assert taken.status_code == 200, taken.text
    return chat


def path(chat: Chat, action: str) -> str:
    return f"/api/v1/agent/conversations/{chat.id}/{action}"


def customer_sees(client: TestClient, chat: Chat) -> str:
    """Everything the customer's API answers about the conversation, as one text."""
    seen = [
        client.get(f"/api/v1/conversations/{chat.id}", headers=chat.auth).text,
        client.get(f"/api/v1/conversations/{chat.id}/messages", headers=chat.auth).text,
    ]
    return "\n".join(seen)


def notes(detail: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["detail"] for e in detail["events"] if e["kind"] == "note"]


def test_that_an_internal_note_is_kept_masked_for_agents_and_never_reaches_the_customer(
    client: TestClient, anna: dict[str, str]
) -> None:
    chat = assigned_to_anna(client, anna)
    added = client.post(path(chat, "notes"), json={"text": SECRET_NOTE}, headers=anna)
    assert added.status_code == 201, added.text
    [note] = notes(added.json())
    assert note["text"].startswith("Between us: refund approved by Lisa")
    assert "NL91ABNA0417164300" not in note["text"]  # masked like any message
    assert "refund approved" not in customer_sees(client, chat)
    empty = client.post(path(chat, "notes"), json={"text": "  "}, headers=anna)
    assert empty.status_code == 422
    assert client.post(path(chat, "notes"), json={"text": SECRET_NOTE}).status_code == 401


def test_that_a_transfer_to_a_team_nobody_online_serves_waits_and_the_agent_is_told(
    client: TestClient, anna: dict[str, str]
) -> None:
    chat = assigned_to_anna(client, anna)
    moved = client.post(
        path(chat, "transfer"),
        json={"team": "payments", "note": "Double charge, needs the payments team"},
        headers=anna,
    )
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert body["waiting"] is True
    assert "nobody in payments" in body["told"]
    detail = body["conversation"]
    assert detail["state"] == "queued"
    assert notes(detail)[-1]["transfer_to"] == "team:payments"
    queue = client.get("/api/v1/agent/queue", headers=anna).json()["conversations"]
    assert [(c["id"], c["team"]) for c in queue] == [(chat.id, "payments")]
    where = client.get(f"/api/v1/conversations/{chat.id}", headers=chat.auth).json()
    assert (where["state"], where["queue_position"]) == ("queued", 1)
    assert "payments team" not in customer_sees(client, chat)


def test_that_a_transfer_to_a_team_reaches_someone_online_in_it(
    runtime: Runtime, client: TestClient, anna: dict[str, str]
) -> None:
    lisa = login(client, "lisa@tandem.example")
    lisa_id = agent_id(client, lisa)
    changed = client.patch(f"/api/v1/agents/{lisa_id}", json={"teams": ["payments"]}, headers=lisa)
    assert changed.status_code == 200, changed.text
    chat = assigned_to_anna(client, anna)
    moved = client.post(
        path(chat, "transfer"),
        json={"team": "payments", "note": "Card charged twice"},
        headers=anna,
    )
    body = moved.json()
    assert (body["waiting"], body["conversation"]["agent"]["name"]) == (False, "Lisa Bakker")
    assert "Lisa Bakker has it now" in body["told"]


def test_that_a_transfer_to_a_colleague_needs_them_online_with_room(
    client: TestClient, anna: dict[str, str]
) -> None:
    ben = login(client, "ben@tandem.example", status="away")
    ben_id = agent_id(client, ben)
    chat = assigned_to_anna(client, anna)
    to_ben = {"agent_id": ben_id, "note": "Ben knows this customer"}
    away = client.post(path(chat, "transfer"), json=to_ben, headers=anna)
    assert away.status_code == 409 and "Ben Carter is away" in away.text
    client.put("/api/v1/agent/status", json={"status": "online"}, headers=ben)
    moved = client.post(path(chat, "transfer"), json=to_ben, headers=anna)
    assert moved.status_code == 200, moved.text
    detail = moved.json()["conversation"]
    assert (detail["state"], detail["agent"]["name"]) == ("human", "Ben Carter")
    assert [e["kind"] for e in detail["events"]][-3:] == ["note", "returned", "taken"]
    assert client.get(path(chat, "messages"), headers=ben).json()["messages"][-1]["text"] == (
        "Ben Carter has joined the conversation."
    )
    again = client.post(path(chat, "transfer"), json=to_ben, headers=anna)
    assert again.status_code == 409  # anna no longer owns it


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ({"team": "wizards", "note": "x"}, "unknown team 'wizards'"),
        ({"agent_id": "no-such-agent", "note": "x"}, "agent_id"),
        ({"team": "payments", "agent_id": "x", "note": "x"}, "either a team or an agent_id"),
        ({"note": "x"}, "either a team or an agent_id"),
        ({"team": "payments"}, "note"),
        ({"team": "payments", "note": " "}, "note"),
    ],
)
def test_that_a_bad_transfer_is_refused_naming_the_problem(
    client: TestClient, anna: dict[str, str], body: dict[str, str], names: str
) -> None:
    chat = assigned_to_anna(client, anna)
    refused = client.post(path(chat, "transfer"), json=body, headers=anna)
    assert refused.status_code == 422, refused.text
    assert names in refused.text
    assert client.get(path(chat, ""), headers=anna).json()["state"] == "human"


def test_that_a_hand_back_with_a_note_keeps_the_note_from_the_customer(
    client: TestClient, anna: dict[str, str]
) -> None:
    chat = assigned_to_anna(client, anna)
    handed = client.post(
        path(chat, "hand-back"),
        json={"note": "Answered the refund question; AI can close"},
        headers=anna,
    )
    assert handed.status_code == 200, handed.text
    detail = handed.json()
    assert detail["state"] == "ai"
    assert notes(detail)[-1] == {
        "text": "Answered the refund question; AI can close", "handed_back": "ai",
    }  # fmt: skip
    assert "Answered the refund question" not in customer_sees(client, chat)
    plain = assigned_to_anna(client, anna)
    assert client.post(path(plain, "hand-back"), headers=anna).json()["state"] == "ai"
