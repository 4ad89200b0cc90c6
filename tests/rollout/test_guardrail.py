"""The guardrail steps a topic back on a generated history where the AI is clearly worse, and
holds it where the AI and the people are equal; promotion is never automatic."""

from __future__ import annotations

import datetime as dt
import math
import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from conftest import DEMO_PASSWORD
from rollout_history import GOOD, WORSE, history
from tandem.cli import main
from tandem.config import get_settings
from tandem.domain.rollout import Mode, Setting
from tandem.domain.rollout_guard import CSAT, METRICS, RECONTACT, Sample, check
from tandem.services import rollout
from tandem.services.demo_agents import ensure_demo_agents
from tandem.services.jobs import periodic_jobs, run_job
from tandem.services.rollout_evaluation import evaluate
from tandem.services.runtime import Runtime
from tandem.storage.conversations import now, written_at
from tandem.storage.db import reading


def test_that_a_pilot_clearly_worse_than_its_control_group_steps_back_to_shadow(
    engine: Engine,
) -> None:
    rollout.change(engine, ["refunds"], Setting(Mode.PILOT, 50), "pilot", None)
    history(engine, "refunds", None, WORSE, back=0.35)
    history(engine, "refunds", "rollout_pilot_control", GOOD, back=0.10)
    results, _ = evaluate(engine)
    [refunds] = [r for r in results if r.topic == "refunds"]
    assert refunds.verdict == "step back to shadow"
    assert rollout.modes(engine).of("refunds") == Setting(Mode.SHADOW)
    with reading(engine) as connection:
        last = rollout.history(connection)[0]
    assert last.automatic and last.changed_by is None and "csat" in last.note
    assert "mSPRT" in last.note and "n=90" in last.note
    again, _ = evaluate(engine)  # the next run (any process) judges the new step afresh
    assert {r.verdict for r in again} == {"hold"}
    assert rollout.modes(engine).of("refunds") == Setting(Mode.SHADOW)


def test_that_equal_groups_hold_and_nothing_is_promoted(engine: Engine) -> None:
    rollout.change(engine, ["refunds"], Setting(Mode.PILOT, 50), "pilot", None)
    history(engine, "refunds", None, GOOD, back=0.10)
    history(engine, "refunds", "rollout_pilot_control", GOOD, back=0.10)
    history(engine, "invoices", None, GOOD, back=0.0)  # on, no baseline: held
    results, _ = evaluate(engine)
    assert {r.verdict for r in results} == {"hold"}
    assert rollout.modes(engine).of("refunds") == Setting(Mode.PILOT, 50)


def test_that_too_few_conversations_conclude_nothing() -> None:
    bad, good = Sample(), Sample()
    for value in [1.0, 2.0] * 10:
        bad = bad.add(value)
    for value in [5.0, 4.0] * 10:
        good = good.add(value)
    assert not check(CSAT, bad, good).drop  # 20 each: below the minimum sample
    assert not check(RECONTACT, good, bad).drop  # and the direction matters


def test_that_the_cli_evaluates_and_reports_the_step_back(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TANDEM_DATABASE_URL", runtime.settings.database_url)
    get_settings.cache_clear()
    try:
        history(runtime.engine, "refunds", None, WORSE, back=0.35)
        history(runtime.engine, "refunds", "rollout_off", GOOD, back=0.10)
        assert main(["rollout", "evaluate"]) == 0
    finally:
        get_settings.cache_clear()
    out = capsys.readouterr().out
    assert "step back to pilot 50%" in out and "more conversations per hour" in out


def test_that_parallel_scheduled_runs_step_back_exactly_once(runtime: Runtime) -> None:
    engine = runtime.engine
    rollout.change(engine, ["refunds"], Setting(Mode.ON), "on", None)
    history(engine, "refunds", None, WORSE, back=0.35)
    history(engine, "refunds", "rollout_shadow", GOOD, back=0.10)
    [job] = [j for j in periodic_jobs(runtime.settings) if j.name == "rollout-guardrail"]
    barrier = threading.Barrier(3)

    def run() -> None:
        barrier.wait()
        run_job(runtime, job)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with reading(engine) as connection:
        automatic = [c for c in rollout.history(connection) if c.automatic]
    assert [(c.topic, c.setting) for c in automatic] == [("refunds", Setting(Mode.PILOT, 50))]


def test_that_the_evaluation_suggests_the_next_step_and_changes_nothing(
    runtime: Runtime, client: TestClient
) -> None:
    ensure_demo_agents(runtime.engine, DEMO_PASSWORD)
    login = {"email": "lisa@tandem.example", "password": DEMO_PASSWORD}
    token = client.post("/api/v1/agent/login", json=login).json()["token"]
    rollout.change(runtime.engine, ["refunds"], Setting(Mode.PILOT, 20), "pilot", None)
    history(runtime.engine, "refunds", None, GOOD, back=0.10)
    history(runtime.engine, "refunds", "rollout_pilot_control", WORSE, back=0.20)
    headers = {"Authorization": f"Bearer {token}"}
    body = client.get("/api/v1/rollout/evaluation", headers=headers).json()
    [refunds] = [r for r in body if r["topic"] == "refunds"]
    assert (refunds["ai"], refunds["people"], refunds["verdict"]) == (90, 90, "hold")
    assert refunds["suggestion"].startswith("pilot 50%")
    assert rollout.modes(runtime.engine).of("refunds") == Setting(Mode.PILOT, 20)  # a lead decides


@pytest.mark.parametrize(
    ("metric", "worse"),
    [
        ("csat", {"csat": WORSE}),
        ("honest", {"unresolved": 0.45}),
        ("recontact", {"back": 0.35}),
        ("thumbs_down", {"thumbs_down": 0.25}),
        ("complaints", {"complaints": 0.25}),
    ],
)
def test_that_each_metric_alone_steps_a_pilot_back_and_says_why(
    engine: Engine, metric: str, worse: dict[str, Any]
) -> None:
    rollout.change(engine, ["refunds"], Setting(Mode.PILOT, 50), "pilot", None)
    ai: dict[str, Any] = {"csat": GOOD, "back": 0.10} | worse
    history(engine, "refunds", None, **ai)
    history(engine, "refunds", "rollout_pilot_control", GOOD, back=0.10)
    [refunds] = [r for r in evaluate(engine)[0] if r.topic == "refunds"]
    assert refunds.verdict == "step back to shadow"
    dropped_metrics = {f.metric for f in refunds.findings if f.drop}
    assert metric in dropped_metrics <= {metric, "honest"}  # a re-contact is not honest either
    with reading(engine) as connection:
        last = rollout.history(connection)[0]
    assert last.automatic and last.note.startswith("guardrail: ") and f"{metric}: AI" in last.note
    assert {e.metric for e in last.evidence} == {m.name for m in METRICS}
    [dropped] = [e for e in last.evidence if e.metric == metric]
    assert dropped.drop and dropped.ai_n >= 30 and dropped.baseline_n >= 30
    assert dropped.low is not None and dropped.high is not None
    assert not dropped.low <= 0 <= dropped.high  # the interval excludes "no difference"


@given(
    ai=st.lists(st.integers(1, 5), min_size=2, max_size=200),
    people=st.lists(st.integers(1, 5), min_size=2, max_size=200),
)
@settings(max_examples=200, deadline=None)
def test_that_the_interval_excludes_zero_exactly_when_the_test_is_significant(
    ai: list[int], people: list[int]
) -> None:
    a, b = Sample(), Sample()
    for value in ai:
        a = a.add(float(value))
    for value in people:
        b = b.add(float(value))
    finding = check(CSAT, a, b)
    assert finding.low is not None and finding.high is not None
    assert finding.low <= a.mean - b.mean <= finding.high
    excluded = not finding.low < 0 < finding.high
    significant = finding.statistic >= finding.threshold
    on_the_edge = math.isclose(finding.statistic, finding.threshold, rel_tol=1e-6)
    assert excluded == significant or on_the_edge


def test_that_a_lead_sees_the_staffing_impact_of_stepping_a_topic_back(
    runtime: Runtime, client: TestClient, agent_token: str
) -> None:
    ensure_demo_agents(runtime.engine, DEMO_PASSWORD)
    login = {"email": "lisa@tandem.example", "password": DEMO_PASSWORD}
    token = client.post("/api/v1/agent/login", json=login).json()["token"]
    lead = {"Authorization": f"Bearer {token}"}
    rollout.change(runtime.engine, ["refunds"], Setting(Mode.PILOT, 50), "pilot", None)
    history(runtime.engine, "refunds", None, GOOD, back=0.10)  # 90 in the AI group this hour
    history(runtime.engine, "invoices", "customer_request", GOOD, back=0.0)  # people's queue
    response = client.get("/api/v1/rollout/topics/refunds/impact", headers=lead)
    assert response.status_code == 200, response.text
    impact = response.json()
    assert impact["step"] == "shadow" and impact["extra_per_hour"] == pytest.approx(90, rel=0.02)
    assert impact["agents_online"] == 2  # the agent and the lead, both signed in
    assert impact["agents_needed_after"] > impact["agents_needed_now"] >= 1
    assert impact["extra_agents"] == impact["agents_needed_after"] - impact["agents_needed_now"]
    assert not impact["people_can_take_it"] and "more conversations per hour" in impact["summary"]
    on = client.get("/api/v1/rollout/topics/delivery/impact", headers=lead).json()
    assert on["step"] == "pilot 50%" and on["extra_per_hour"] == 0  # no AI group there
    evaluation = client.get("/api/v1/rollout/evaluation", headers=lead).json()
    [refunds] = [e for e in evaluation if e["topic"] == "refunds"]
    assert refunds["impact"] == impact and len(refunds["findings"]) == 5
    agent = {"Authorization": f"Bearer {agent_token}"}
    assert client.get("/api/v1/rollout/topics/refunds/impact", headers=agent).status_code == 403
    unknown = client.get("/api/v1/rollout/topics/weather/impact", headers=lead)
    assert unknown.status_code == 404 and "topic" in unknown.json()["error"]["message"]


def test_that_a_step_back_leaves_a_topic_a_lead_changed_meanwhile_alone(engine: Engine) -> None:
    rollout.change(engine, ["refunds"], Setting(Mode.OFF), "incident", None)  # after the look
    made = rollout.change(
        engine, ["refunds"], Setting(Mode.PILOT, 50), "guardrail: ...", None, automatic=True,
        expected=Setting(Mode.ON),
    )  # fmt: skip
    assert made == [] and rollout.modes(engine).of("refunds") == Setting(Mode.OFF)


def test_that_a_topic_turned_on_is_judged_against_the_people_who_answered_it_before(
    engine: Engine,
) -> None:
    days = [now() - dt.timedelta(days=d) for d in (3, 2, 1)]
    with written_at(days[0]):
        rollout.change(engine, ["refunds"], Setting(Mode.SHADOW), "people first", None)
    history(engine, "refunds", "rollout_shadow", GOOD, back=0.10, at=days[1])
    with written_at(days[2]):
        rollout.change(engine, ["refunds"], Setting(Mode.ON), "shadow looked fine", None)
    history(engine, "refunds", None, WORSE, back=0.35)  # the AI's step, since yesterday
    [refunds] = [r for r in evaluate(engine)[0] if r.topic == "refunds"]
    assert (refunds.ai, refunds.people, refunds.verdict) == (90, 90, "step back to pilot 50%")
    assert refunds.since == days[2]
    assert rollout.modes(engine).of("refunds") == Setting(Mode.PILOT, 50)
    [again] = [r for r in evaluate(engine)[0] if r.topic == "refunds"]
    assert (again.ai, again.people, again.verdict) == (0, 90, "hold")  # the new step, afresh
