"""The guardrail steps a topic back on a generated history where the AI is clearly worse, and
holds it where the AI and the people are equal; promotion is never automatic."""

from __future__ import annotations

import itertools
import threading
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert

from conftest import DEMO_PASSWORD
from tandem.cli import main
from tandem.config import get_settings
from tandem.domain.rollout import Mode, Setting
from tandem.domain.rollout_guard import CSAT, RECONTACT, Sample, check
from tandem.services import rollout
from tandem.services.demo_agents import ensure_demo_agents
from tandem.services.jobs import periodic_jobs, run_job
from tandem.services.rollout_evaluation import evaluate
from tandem.services.runtime import Runtime
from tandem.storage.conversations import now
from tandem.storage.db import reading, transaction
from tandem.storage.tables import conversation_metrics, conversations


def history(engine: Engine, topic: str, reason: str | None, csat: list[int], back: float) -> None:
    """Closed conversations of `topic` with these CSAT answers; a share `back` re-contacted."""
    moment = now()
    with transaction(engine) as connection:
        for i, score in enumerate(csat):
            cid = str(uuid.uuid4())
            connection.execute(
                insert(conversations).values(
                    id=cid, token_hash="x" * 64, state="closed", language="en",
                    created_at=moment, updated_at=moment,
                )
            )  # fmt: skip
            connection.execute(
                insert(conversation_metrics).values(
                    conversation_id=cid, created_at=moment, language="en", topic=topic,
                    band="ai_only" if reason is None else "human_only", resolution="confirmed",
                    handoff_reason=reason, csat=score, thumbs_up=0, thumbs_down=0,
                    human_seconds=0.0, ai_answer_seconds=1.0, ai_answers=1,
                    recontacted=i < back * len(csat), source_updated_at=moment,
                )
            )  # fmt: skip


GOOD = list(itertools.islice(itertools.cycle([5, 4, 5, 4, 5, 3]), 90))  # mean 4.33
WORSE = list(itertools.islice(itertools.cycle([4, 3, 2, 4, 3, 5]), 90))  # mean 3.5


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
