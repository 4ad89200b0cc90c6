"""The desk's agent status and heartbeat, and a lead setting teams, languages and capacity.

A missing heartbeat makes an online agent away: the periodic job runs on a hand-made
timeline (the heartbeat moved back in time) and changes each agent exactly once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from conftest import DEMO_PASSWORD
from tandem.services.demo_agents import ensure_demo_agents
from tandem.services.jobs import periodic_jobs, run_job
from tandem.services.runtime import Runtime
from tandem.storage.conversations import now
from tandem.storage.db import transaction
from tandem.storage.tables import agents

STATUS = "/api/v1/agent/status"


def login(client: TestClient, email: str) -> dict[str, str]:
    response = client.post("/api/v1/agent/login", json={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


@pytest.fixture
def anna(runtime: Runtime, client: TestClient) -> dict[str, str]:
    ensure_demo_agents(runtime.engine, DEMO_PASSWORD)
    return login(client, "anna@tandem.example")


@pytest.fixture
def lisa(anna: dict[str, str], client: TestClient) -> dict[str, str]:
    return login(client, "lisa@tandem.example")


def error(response: Any, status: int) -> str:
    assert response.status_code == status, response.text
    message: str = response.json()["error"]["message"]
    return message


def test_that_an_agent_sets_their_status_and_a_bad_one_is_refused(
    client: TestClient, anna: dict[str, str]
) -> None:
    assert client.get(STATUS, headers=anna).json() == {"status": "offline"}
    for status in ("online", "away", "offline", "online"):
        assert client.put(STATUS, json={"status": status}, headers=anna).json() == {
            "status": status
        }
    assert client.get(STATUS, headers=anna).json() == {"status": "online"}
    assert "status" in error(client.put(STATUS, json={"status": "busy"}, headers=anna), 422)
    assert "status" in error(client.put(STATUS, json={}, headers=anna), 422)
    assert client.put(STATUS, json={"status": "online"}).status_code == 401


def test_that_a_missing_heartbeat_makes_an_online_agent_away_once(
    runtime: Runtime, client: TestClient, anna: dict[str, str], lisa: dict[str, str]
) -> None:
    client.put(STATUS, json={"status": "online"}, headers=anna)
    client.put(STATUS, json={"status": "online"}, headers=lisa)
    assert client.post("/api/v1/agent/heartbeat", headers=anna).json() == {"status": "online"}
    silent_since = now() - dt.timedelta(seconds=runtime.settings.away_after_seconds + 1)
    with transaction(runtime.engine) as connection:  # anna closed her browser long ago
        connection.execute(
            update(agents)
            .where(agents.c.email == "anna@tandem.example")
            .values(heartbeat_at=silent_since)
        )
    job = next(j for j in periodic_jobs(runtime.settings) if j.name == "agents-away")
    assert run_job(runtime, job)
    assert client.get(STATUS, headers=anna).json() == {"status": "away"}
    assert client.get(STATUS, headers=lisa).json() == {"status": "online"}
    assert job.run(runtime, lambda: False) == []  # a second run (another process) changes nothing
    # the console's next heartbeat learns it is away; the agent chooses to come back
    assert client.post("/api/v1/agent/heartbeat", headers=anna).json() == {"status": "away"}


def test_that_a_lead_sets_teams_languages_and_capacity(
    client: TestClient, anna: dict[str, str], lisa: dict[str, str]
) -> None:
    anna_id = client.get("/api/v1/agent/me", headers=anna).json()["id"]
    changed = client.patch(
        f"/api/v1/agents/{anna_id}",
        json={"teams": ["Payments", "general"], "languages": ["nl", "en"], "max_concurrent": 3},
        headers=lisa,
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["teams"], body["languages"], body["max_concurrent"], body["status"]) == (
        ["payments", "general"], ["nl", "en"], 3, "offline",
    )  # fmt: skip
    assert client.patch(
        f"/api/v1/agents/{anna_id}", json={"max_concurrent": 3}, headers=anna
    ).status_code == 403  # fmt: skip


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"teams": ["legal"]}, "teams"),
        ({"teams": []}, "teams"),
        ({"languages": ["xx"]}, "languages"),
        ({"languages": []}, "languages"),
        ({"max_concurrent": 0}, "max_concurrent"),
        ({"max_concurrent": 21}, "max_concurrent"),
        ({"status": "online"}, "status"),
    ],
)
def test_that_unknown_teams_languages_and_capacities_are_refused_naming_the_field(
    client: TestClient, anna: dict[str, str], lisa: dict[str, str], body: dict[str, Any], field: str
) -> None:
    anna_id = client.get("/api/v1/agent/me", headers=anna).json()["id"]
    assert field in error(client.patch(f"/api/v1/agents/{anna_id}", json=body, headers=lisa), 422)


def test_that_a_deactivated_agent_goes_offline(
    client: TestClient, anna: dict[str, str], lisa: dict[str, str]
) -> None:
    anna_id = client.get("/api/v1/agent/me", headers=anna).json()["id"]
    client.put(STATUS, json={"status": "online"}, headers=anna)
    off = client.patch(f"/api/v1/agents/{anna_id}", json={"active": False}, headers=lisa)
    assert off.json()["status"] == "offline"
