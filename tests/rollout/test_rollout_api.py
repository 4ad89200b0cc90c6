"""The roll-out API and CLI: leads change modes with a note; bad input changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import DEMO_PASSWORD
from tandem.cli import main
from tandem.config import get_settings
from tandem.services.demo_agents import ensure_demo_agents
from tandem.services.runtime import Runtime


def login(client: TestClient, email: str) -> dict[str, str]:
    response = client.post("/api/v1/agent/login", json={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


@pytest.fixture
def lead(runtime: Runtime, client: TestClient) -> dict[str, str]:
    ensure_demo_agents(runtime.engine, DEMO_PASSWORD)
    return login(client, "lisa@tandem.example")


def modes(client: TestClient, headers: dict[str, str]) -> dict[str, tuple[str, int | None]]:
    body: list[dict[str, Any]] = client.get("/api/v1/rollout/topics", headers=headers).json()
    return {t["topic"]: (t["mode"], t["percent"]) for t in body}


def test_that_a_lead_changes_a_mode_and_kills_with_a_history(
    client: TestClient, lead: dict[str, str]
) -> None:
    assert set(modes(client, lead).values()) == {("on", None)}
    body = {"mode": "pilot", "percent": 30, "note": "first pilot"}
    changed = client.put("/api/v1/rollout/topics/refunds", json=body, headers=lead)
    assert changed.status_code == 200, changed.text
    assert modes(client, lead)["refunds"] == ("pilot", 30)
    killed = client.post("/api/v1/rollout/kill", json={"note": "incident"}, headers=lead)
    assert {t["mode"] for t in killed.json()} == {"off"}
    history = client.get("/api/v1/rollout/history", headers=lead).json()
    assert history[-1]["note"] == "first pilot" and history[-1]["previous_mode"] == "on"
    assert history[-1]["changed_by"] is not None and not history[-1]["automatic"]
    assert history[0]["note"] == "incident"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("weather", {"mode": "off", "note": "x"}, "topic"),  # 404: no such topic
        ("refunds", {"mode": "sometimes", "note": "x"}, "mode"),
        ("refunds", {"mode": "pilot", "note": "x"}, "percent"),
        ("refunds", {"mode": "pilot", "percent": 101, "note": "x"}, "percent"),
        ("refunds", {"mode": "pilot", "percent": -5, "note": "x"}, "percent"),
        ("refunds", {"mode": "off"}, "note"),
        ("refunds", {"mode": "off", "note": "   "}, "note"),
        ("refunds", {"mode": "off", "percent": 30, "note": "x"}, "percent"),
        ("refunds", {"mode": "pilot", "percent": 12.5, "note": "x"}, "percent"),
        ("refunds", {"mode": "pilot", "percent": "half", "note": "x"}, "percent"),
        ("refunds", {"mode": "ON", "note": "x"}, "mode"),
        ("refunds", {"percent": 20, "note": "x"}, "mode"),
        ("refunds", {"mode": "off", "note": "x" * 501}, "note"),
    ],
)
def test_that_a_refused_change_names_its_field_and_changes_nothing(
    client: TestClient, lead: dict[str, str], path: str, body: dict[str, Any], field: str
) -> None:
    before = modes(client, lead)
    response = client.put(f"/api/v1/rollout/topics/{path}", json=body, headers=lead)
    assert response.status_code == (404 if path == "weather" else 422), response.text
    assert field in response.json()["error"]["message"]
    assert modes(client, lead) == before
    assert client.get("/api/v1/rollout/history", headers=lead).json() == []  # nothing recorded


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"topic": "weather", "note": "x"}, "topic"),
        ({"topic": "refunds"}, "note"),
        ({"note": ""}, "note"),
        ({"topic": 7, "note": "x"}, "topic"),
    ],
)
def test_that_a_refused_kill_names_its_field_and_changes_nothing(
    client: TestClient, lead: dict[str, str], body: dict[str, Any], field: str
) -> None:
    before = modes(client, lead)
    killed = client.post("/api/v1/rollout/kill", json=body, headers=lead)
    assert killed.status_code == 422 and field in killed.json()["error"]["message"]
    assert modes(client, lead) == before
    assert client.get("/api/v1/rollout/history", headers=lead).json() == []


def test_that_a_body_that_is_not_json_is_refused(client: TestClient, lead: dict[str, str]) -> None:
    before = modes(client, lead)
    headers = {**lead, "Content-Type": "application/json"}
    response = client.put("/api/v1/rollout/topics/refunds", content=b"{mode: off", headers=headers)
    assert 400 <= response.status_code < 500 and "error" in response.json()
    assert modes(client, lead) == before


def test_that_an_agent_may_not_change_modes(
    client: TestClient, lead: dict[str, str], agent_token: str
) -> None:
    agent = {"Authorization": f"Bearer {agent_token}"}
    body = {"mode": "off", "note": "not mine to decide"}
    assert client.put("/api/v1/rollout/topics/refunds", json=body, headers=agent).status_code == 403
    assert client.post("/api/v1/rollout/kill", json=body, headers=agent).status_code == 403
    for path in ("topics", "history", "evaluation", "topics/refunds/impact"):
        assert client.get(f"/api/v1/rollout/{path}", headers=agent).status_code == 403
    assert client.put("/api/v1/rollout/topics/refunds", json=body).status_code == 401
    assert modes(client, lead)["refunds"] == ("on", None)
    assert client.get("/api/v1/rollout/history", headers=lead).json() == []


def test_that_the_api_is_documented_with_its_error_bodies(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    put = paths["/api/v1/rollout/topics/{topic}"]["put"]
    assert {"401", "403", "422"} <= set(put["responses"])
    assert put["responses"]["403"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "ErrorBody"
    )
    assert {"/api/v1/rollout/kill", "/api/v1/rollout/history"} <= set(paths)


@pytest.fixture
def database(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    monkeypatch.setenv("TANDEM_DATABASE_URL", runtime.settings.database_url)
    get_settings.cache_clear()
    yield runtime
    get_settings.cache_clear()


def test_that_the_cli_sets_kills_lists_and_evaluates(
    database: Runtime, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["rollout", "set", "refunds", "pilot", "--percent", "20", "--note", "try"]) == 0
    assert main(["rollout", "set", "refunds", "pilot", "--note", "no percent"]) == 2
    assert "percent" in capsys.readouterr().err
    assert main(["rollout", "set", "refunds", "pilot", "--percent", "140", "--note", "x"]) == 2
    assert "percent" in capsys.readouterr().err
    assert main(["rollout", "set", "refunds", "on", "--note", "  "]) == 2
    assert "note" in capsys.readouterr().err
    assert main(["rollout", "off", "--all", "--note", "incident"]) == 0
    assert main(["rollout", "list"]) == 0
    listed = capsys.readouterr().out
    assert "refunds            off" in listed and "pilot 20% -> off (system): incident" in listed
    assert main(["rollout", "evaluate"]) == 0
    assert "held" in capsys.readouterr().out
