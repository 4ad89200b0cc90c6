"""`tandem capacity plan --week` on conversations played through the API: the history it
measured, the scenarios side by side, and a history too short said in words."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from conftest import DEMO_PASSWORD
from scenarios.chat import Chat, Desk
from tandem.cli import main
from tandem.config import get_settings
from tandem.services.demo_agents import ensure_demo_agents
from tandem.services.runtime import Runtime

PLAN = ["capacity", "plan", "--week", "--history-weeks", "1", "--json"]


@pytest.fixture
def on_this_database(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TANDEM_DATABASE_URL", runtime.engine.url.render_as_string(False))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_that_the_plan_learns_from_the_history_and_compares_the_scenarios(
    runtime: Runtime,
    client: TestClient,
    on_this_database: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ensure_demo_agents(runtime.engine, DEMO_PASSWORD)
    login = {"email": "anna@tandem.example", "password": DEMO_PASSWORD}
    anna = Desk(client, client.post("/api/v1/agent/login", json=login).json()["token"])
    handed = Chat(client, language="en")
    assert handed.say("I want to talk to a person")["state"] == "queued"
    assert anna.post(f"conversations/{handed.id}/take").status_code == 200
    assert anna.post(f"conversations/{handed.id}/close").status_code == 200
    Chat(client, language="en").say("what are your opening hours?")

    assert main([*PLAN, "--handle-minutes", "5", "--on-duty", "0"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["history"]["conversations_per_week"] == pytest.approx(2.0)
    assert sum(t["to_person"] for t in report["history"]["topics"].values()) == 1
    measured, off = report["scenarios"]
    assert (measured["name"], off["name"]) == ("as measured", "AI off")
    assert len(measured["intervals"]) == 336
    assert measured["person_share"] == pytest.approx(0.5)
    assert off["person_share"] == 1.0
    assert sum(i["to_people"] for i in off["intervals"]) == pytest.approx(2.0)
    assert off["peak_backlog"] == pytest.approx(2.0)  # nobody on duty: both wait
    assert off["extra_agent_hours"] >= 0

    assert main([*PLAN[:-1]]) == 2  # one handed over: too few for a handle time
    assert "set the handle time" in capsys.readouterr().err


def test_that_an_empty_history_or_a_bad_what_if_is_refused_clearly(
    runtime: Runtime, on_this_database: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(PLAN) == 2
    assert "no conversations in the history" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([*PLAN, "--what-if", "returns=2"])
    assert "TOPIC=SHARE" in capsys.readouterr().err
    assert main(["capacity", "backtest", "--weeks", "2"]) == 2
    assert "no conversations in the history" in capsys.readouterr().err
    assert main(["capacity", "backtest", "--weeks", "0"]) == 2
    assert "weeks must be from 1" in capsys.readouterr().err


def test_that_the_lead_api_gives_the_same_plan_and_refuses_agents_and_bad_input(
    runtime: Runtime, client: TestClient
) -> None:
    ensure_demo_agents(runtime.engine, DEMO_PASSWORD)
    tokens = {
        email: client.post(
            "/api/v1/agent/login", json={"email": email, "password": DEMO_PASSWORD}
        ).json()["token"]
        for email in ("anna@tandem.example", "lisa@tandem.example")
    }
    Chat(client, language="en").say("I want to talk to a person")
    url = "/api/v1/capacity/plan"
    lead = {"Authorization": f"Bearer {tokens['lisa@tandem.example']}"}
    params = {"history_weeks": 1, "handle_minutes": 6, "what_if": ["conversation=1"]}
    answer = client.get(url, params=params, headers=lead)
    assert answer.status_code == 200, answer.text
    names = [s["name"] for s in answer.json()["scenarios"]]
    assert names == ["as measured", "conversation to a person: 100%", "AI off"]
    agent = {"Authorization": f"Bearer {tokens['anna@tandem.example']}"}
    assert client.get(url, params=params, headers=agent).status_code == 403
    for bad, field in (
        ({"service_level": 1.5}, "service_level"),
        ({"what_if": "returns"}, "what_if"),
        ({"history_weeks": 0}, "history_weeks"),
    ):
        refused = client.get(url, params={**params, **bad}, headers=lead)
        assert refused.status_code == 422
        assert field in refused.json()["error"]["message"]


def test_that_a_schedule_and_the_concurrency_in_practice_come_into_the_plan(
    runtime: Runtime,
    client: TestClient,
    on_this_database: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ensure_demo_agents(runtime.engine, DEMO_PASSWORD)
    login = {"email": "anna@tandem.example", "password": DEMO_PASSWORD}
    anna = Desk(client, client.post("/api/v1/agent/login", json=login).json()["token"])
    both = [Chat(client, language="en") for _ in range(2)]
    for chat in both:
        assert chat.say("I want to talk to a person")["state"] == "queued"
    for chat in both:  # anna holds both at once
        assert anna.post(f"conversations/{chat.id}/take").status_code == 200
    for chat in both:
        assert anna.post(f"conversations/{chat.id}/close").status_code == 200
    Chat(client, language="en").say("what are your opening hours?")

    asked = ["capacity", "plan", "--history-weeks", "8", "--handle-minutes", "5", "--json"]
    assert main([*asked, "--schedule", "daily 00:00-24:00 1"]) == 0
    report = json.loads(capsys.readouterr().out)
    history = report["history"]
    # The history began minutes ago: averaged over what it covers, not over 8 empty weeks.
    assert history["weeks"] < 0.01
    assert history["conversations_per_week"] == pytest.approx(3.0)
    assert "of the 8 weeks asked" in report["notes"][0]
    assert "half hours are not in the history yet" in report["notes"][1]
    assert history["concurrency_in_practice"] > 1.0
    assert "2" in history["chat_minutes_by_concurrency"]
    measured = report["scenarios"][0]
    assert measured["concurrency"] == history["typical_chats_at_once"] in (1, 2)
    assert {i["on_duty"] for i in measured["intervals"]} == {1}

    assert main([*asked, "--schedule", "mon-fry 09:00-17:00 4"]) == 2
    assert "'fry' is not a day" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([*asked, "--schedule", "4", "--on-duty", "4"])
    assert "not allowed with argument" in capsys.readouterr().err

    lead = {"email": "lisa@tandem.example", "password": DEMO_PASSWORD}
    token = client.post("/api/v1/agent/login", json=lead).json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    url, params = "/api/v1/capacity/plan", {"handle_minutes": 5, "concurrency": 1}
    answer = client.get(url, params={**params, "schedule": "mon-fri 09:00-17:00 4"}, headers=auth)
    assert answer.status_code == 200, answer.text
    planned = answer.json()
    assert planned["agents_online_now"] >= 1  # lisa herself
    intervals = planned["scenarios"][0]["intervals"]
    assert [intervals[i]["on_duty"] for i in (17, 18, 33, 34)] == [0, 4, 4, 0]
    assert planned["scenarios"][0]["concurrency"] == 1
    doubled = client.get(url, params={**params, "arrivals_factor": 2}, headers=auth).json()
    for once, twice in zip(intervals, doubled["scenarios"][0]["intervals"], strict=True):
        assert twice["arrivals"] == pytest.approx(2 * once["arrivals"], abs=0.01)
    assert doubled["scenarios"][0]["arrivals_factor"] == 2
    for bad, message in (
        ({"arrivals_factor": 0}, "arrivals_factor"),
        ({"schedule": "mon 09:00-25:00 1"}, "25:00 is not a half hour"),
        ({"schedule": "4", "on_duty": 4}, "not both"),
        ({"schedule": "x" * 2001}, "schedule"),
    ):
        refused = client.get(url, params={**params, **bad}, headers=auth)
        assert refused.status_code == 422, refused.text
        assert message in refused.json()["error"]["message"]
