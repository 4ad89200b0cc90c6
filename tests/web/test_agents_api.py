"""The lead API for agent accounts through HTTP: create, list, change, deactivate, new password.

Deactivating and a new password end the agent's sessions at once; the last lead stays a lead;
every refusal answers the documented error body, naming the field for a 422.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import DEMO_PASSWORD
from tandem.services.demo_agents import ensure_demo_agents
from tandem.services.runtime import Runtime

AGENTS = "/api/v1/agents"
NEW = {"email": "Nora@Tandem.Example ", "name": "Nora  Jansen", "password": "nora-password-1"}


def login(client: TestClient, email: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
    response = client.post("/api/v1/agent/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


@pytest.fixture
def lead(runtime: Runtime, client: TestClient) -> dict[str, str]:
    ensure_demo_agents(runtime.engine, DEMO_PASSWORD)
    return login(client, "lisa@tandem.example")


def error(response: Any, status: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"])
    message: str = body["error"]["message"]
    return message


def test_that_a_lead_creates_an_agent_who_can_then_log_in(
    client: TestClient, lead: dict[str, str]
) -> None:
    created = client.post(AGENTS, json=NEW, headers=lead)
    assert created.status_code == 201, created.text
    made = created.json()
    assert (made["email"], made["name"], made["role"], made["active"]) == (
        "nora@tandem.example", "Nora Jansen", "agent", True,
    )  # fmt: skip
    assert "password" not in created.text and "hash" not in created.text
    listed = client.get(AGENTS, headers=lead).json()["agents"]
    assert "nora@tandem.example" in [a["email"] for a in listed]
    me = client.get(
        "/api/v1/agent/me", headers=login(client, "nora@tandem.example", NEW["password"])
    )
    assert me.json()["role"] == "agent"
    again = client.post(AGENTS, json=NEW, headers=lead)
    assert "already exists" in error(again, 409)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**NEW, "email": "not-an-address"}, "email"),
        ({**NEW, "password": "short"}, "password"),
        ({**NEW, "password": "x" * 257}, "password"),
        ({**NEW, "role": "boss"}, "role"),
        ({**NEW, "name": "   "}, "name"),
        ({**NEW, "admin": True}, "admin"),
        ({"email": NEW["email"], "name": NEW["name"]}, "password"),
    ],
)
def test_that_an_invalid_new_agent_is_refused_naming_the_field(
    client: TestClient, lead: dict[str, str], body: dict[str, Any], field: str
) -> None:
    assert field in error(client.post(AGENTS, json=body, headers=lead), 422)


def test_that_an_agent_gets_403_from_every_lead_operation_even_with_a_bad_body(
    client: TestClient, lead: dict[str, str]
) -> None:
    anna = login(client, "anna@tandem.example")
    lisa_id = client.get("/api/v1/agent/me", headers=lead).json()["id"]
    for method, path, body in (
        ("GET", AGENTS, None),
        ("POST", AGENTS, {"email": "x"}),
        ("PATCH", f"{AGENTS}/{lisa_id}", {"active": False}),
        ("POST", f"{AGENTS}/{lisa_id}/reset-password", {"password": "anna-owns-lisa-now"}),
    ):
        answer = client.request(method, path, json=body, headers=anna)
        assert "lead" in error(answer, 403), (method, path)
    assert client.get("/api/v1/agent/me", headers=lead).status_code == 200  # nothing changed


def test_that_deactivating_ends_the_sessions_and_stops_the_login(
    client: TestClient, lead: dict[str, str]
) -> None:
    ben = login(client, "ben@tandem.example")
    ben_id = client.get("/api/v1/agent/me", headers=ben).json()["id"]
    changed = client.patch(f"{AGENTS}/{ben_id}", json={"active": False}, headers=lead)
    assert changed.status_code == 200 and changed.json()["active"] is False
    error(client.get("/api/v1/agent/queue", headers=ben), 401)
    refused = client.post(
        "/api/v1/agent/login", json={"email": "ben@tandem.example", "password": DEMO_PASSWORD}
    )
    error(refused, 401)
    back = client.patch(f"{AGENTS}/{ben_id}", json={"active": True, "role": "lead"}, headers=lead)
    assert (back.json()["active"], back.json()["role"]) == (True, "lead")
    assert login(client, "ben@tandem.example")


def test_that_the_last_lead_stays_a_lead_and_nobody_deactivates_themselves(
    client: TestClient, lead: dict[str, str]
) -> None:
    lisa_id = client.get("/api/v1/agent/me", headers=lead).json()["id"]
    demoted = client.patch(f"{AGENTS}/{lisa_id}", json={"role": "agent"}, headers=lead)
    assert "last active lead" in error(demoted, 409)
    ben_id = next(
        a["id"]
        for a in client.get(AGENTS, headers=lead).json()["agents"]
        if a["name"] == "Ben Carter"
    )
    client.patch(f"{AGENTS}/{ben_id}", json={"role": "lead"}, headers=lead)
    itself = client.patch(f"{AGENTS}/{lisa_id}", json={"active": False}, headers=lead)
    assert "your own account" in error(itself, 409)
    assert (
        client.patch(f"{AGENTS}/{lisa_id}", json={"role": "agent"}, headers=lead).status_code == 200
    )
    error(client.get(AGENTS, headers=lead), 403)  # the same session, now an agent's


def test_that_a_new_password_ends_the_old_sessions(
    client: TestClient, lead: dict[str, str]
) -> None:
    anna = login(client, "anna@tandem.example")
    anna_id = client.get("/api/v1/agent/me", headers=anna).json()["id"]
    path = f"{AGENTS}/{anna_id}/reset-password"
    assert "password" in error(client.post(path, json={"password": "short"}, headers=lead), 422)
    reset = client.post(path, json={"password": "anna-new-password"}, headers=lead)
    assert reset.status_code == 200, reset.text
    error(client.get("/api/v1/agent/me", headers=anna), 401)
    assert login(client, "anna@tandem.example", "anna-new-password")


def test_that_an_unknown_agent_or_an_empty_change_is_refused(
    client: TestClient, lead: dict[str, str]
) -> None:
    unknown = f"{AGENTS}/00000000-0000-0000-0000-000000000000"
    error(client.patch(unknown, json={"name": "X"}, headers=lead), 404)
    error(
        client.post(f"{unknown}/reset-password", json={"password": "long-enough"}, headers=lead),
        404,
    )
    error(client.patch(f"{AGENTS}/{'x' * 37}", json={"name": "X"}, headers=lead), 422)
    lisa_id = client.get("/api/v1/agent/me", headers=lead).json()["id"]
    assert "at least one" in error(client.patch(f"{AGENTS}/{lisa_id}", json={}, headers=lead), 422)


def test_that_taking_a_conversation_you_own_answers_the_same_and_another_agent_is_told_who(
    client: TestClient, lead: dict[str, str]
) -> None:
    started = client.post("/api/v1/conversations", json={"language": "en"}).json()
    client.post(
        f"/api/v1/conversations/{started['id']}/messages",
        json={"text": "a person please", "request_human": True},
        headers={"Authorization": f"Bearer {started['token']}"},
    )
    anna = login(client, "anna@tandem.example")
    take = f"/api/v1/agent/conversations/{started['id']}/take"
    first = client.post(take, headers=anna)
    second = client.post(take, headers=anna)
    assert first.status_code == second.status_code == 200, second.text
    assert first.json() == second.json()  # no second "joined" message, no second event
    ben = login(client, "ben@tandem.example")
    refused = client.post(take, headers=ben)
    assert error(refused, 409) == "Anna de Jong already took this conversation"
    assert refused.json()["error"]["code"] == "not_owner"


def test_that_the_console_is_told_drafts_are_off_and_the_shop_time_zone(
    client: TestClient, lead: dict[str, str]
) -> None:
    settings = client.get("/api/v1/agent/settings", headers=lead).json()
    assert settings["drafts_available"] is False
    assert "TANDEM_LLM_URL" in settings["drafts_unavailable_reason"]
    assert settings["timezone"] == "Europe/Amsterdam"
