"""The lead API through HTTP: leads check, save, activate and roll back; agents get 403."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from conftest import DEMO_PASSWORD
from tandem.domain.policy import DEFAULT_POLICY
from tandem.services.demo_agents import ensure_demo_agents
from tandem.services.runtime import Runtime

DEFAULT = DEFAULT_POLICY.read_text("utf-8")
STRICTER = DEFAULT.replace("confidence < 0.6 || frustration >= 0.45", "confidence < 0.7")
BROKEN = DEFAULT.replace("reason: double_charge", "reason: charged_twice")
BROKEN_LINE = DEFAULT[: DEFAULT.index("reason: double_charge")].count("\n") + 1


def login(client: TestClient, email: str) -> dict[str, str]:
    response = client.post("/api/v1/agent/login", json={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


@pytest.fixture
def lead(runtime: Runtime, client: TestClient) -> dict[str, str]:
    ensure_demo_agents(runtime.engine, DEMO_PASSWORD)
    return login(client, "lisa@tandem.example")


def test_that_a_lead_sees_the_shipped_default_as_the_active_version(
    client: TestClient, lead: dict[str, str]
) -> None:
    history = client.get("/api/v1/policies", headers=lead).json()
    assert history["active"] == 1
    assert [v["version"] for v in history["versions"]] == [1]
    assert history["activations"][0]["activated_by"] is None
    assert client.get("/api/v1/policies/1", headers=lead).json()["text"] == DEFAULT


def test_that_a_saved_version_is_activated_and_rolled_back(
    client: TestClient, lead: dict[str, str]
) -> None:
    saved = client.post(
        "/api/v1/policies", json={"text": STRICTER, "note": "stricter"}, headers=lead
    )
    assert saved.status_code == 201, saved.text
    assert saved.json() == {"version": 2, "active": False}
    activated = client.post("/api/v1/policies/2/activate", headers=lead).json()
    assert activated["active"] == 2
    assert activated["activations"][0]["activated_by"] is not None
    assert client.post("/api/v1/policies/rollback", headers=lead).json()["active"] == 1


def test_that_saving_with_activate_makes_it_active_at_once(
    client: TestClient, lead: dict[str, str]
) -> None:
    saved = client.post("/api/v1/policies", json={"text": STRICTER, "activate": True}, headers=lead)
    assert saved.json() == {"version": 2, "active": True}
    assert client.get("/api/v1/policies", headers=lead).json()["active"] == 2


def test_that_an_invalid_policy_answers_422_with_each_problem_and_its_line(
    client: TestClient, lead: dict[str, str]
) -> None:
    response = client.post(
        "/api/v1/policies", json={"text": BROKEN, "activate": True}, headers=lead
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_policy"
    [problem] = error["problems"]
    assert problem["line"] == BROKEN_LINE
    assert "charged_twice" in problem["message"]
    assert client.get("/api/v1/policies", headers=lead).json()["active"] == 1


def test_that_checking_lists_problems_without_storing_anything(
    client: TestClient, lead: dict[str, str]
) -> None:
    checked = client.post("/api/v1/policies/check", json={"text": BROKEN}, headers=lead).json()
    assert checked["valid"] is False
    assert [p["line"] for p in checked["problems"]] == [BROKEN_LINE]
    fine = client.post("/api/v1/policies/check", json={"text": DEFAULT}, headers=lead).json()
    assert fine == {"valid": True, "problems": []}
    assert len(client.get("/api/v1/policies", headers=lead).json()["versions"]) == 1


def test_that_an_agent_who_is_not_a_lead_gets_403_everywhere(
    client: TestClient, agent_token: str
) -> None:
    agent = {"Authorization": f"Bearer {agent_token}"}
    calls = [
        client.get("/api/v1/policies", headers=agent),
        client.get("/api/v1/policies/1", headers=agent),
        client.post("/api/v1/policies/check", json={"text": DEFAULT}, headers=agent),
        client.post("/api/v1/policies", json={"text": STRICTER}, headers=agent),
        client.post("/api/v1/policies/1/activate", headers=agent),
        client.post("/api/v1/policies/rollback", headers=agent),
    ]
    assert [call.status_code for call in calls] == [403] * len(calls)
    assert calls[0].json()["error"]["code"] == "forbidden"


def test_that_without_a_login_the_policy_api_answers_401(client: TestClient) -> None:
    assert client.get("/api/v1/policies").status_code == 401


def test_that_unknown_versions_and_nothing_to_roll_back_are_404_and_409(
    client: TestClient, lead: dict[str, str]
) -> None:
    assert client.get("/api/v1/policies/7", headers=lead).status_code == 404
    assert client.post("/api/v1/policies/7/activate", headers=lead).status_code == 404
    assert client.post("/api/v1/policies/rollback", headers=lead).status_code == 409


def test_that_the_policy_api_is_documented_in_openapi(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/v1/policies", "/api/v1/policies/check", "/api/v1/policies/rollback"} <= set(paths)
    assert "422" in paths["/api/v1/policies"]["post"]["responses"]


def test_that_the_policy_page_is_served_with_its_script(client: TestClient) -> None:
    page = client.get("/console/policy")
    assert page.status_code == 200
    assert "static/policy.js" in page.text
    assert client.get("/static/policy.js").status_code == 200
