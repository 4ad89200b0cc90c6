"""The guardrail runs in every server, yet steps a topic back exactly once: two real `tandem
serve` processes on one PostgreSQL database, each running the job `rollout-guardrail` every
half second (the job's advisory lock lets one process run it at a time; the current-step rule
makes a later run judge the new step afresh)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import MODEL_DIR
from live_server import Served, serve
from rollout_history import GOOD, WORSE, history
from tandem.domain.rollout import Mode, Setting
from tandem.services import rollout
from tandem.services.runtime import Understands
from tandem.storage.db import make_engine, reading
from tandem.storage.migrate import upgrade

RUNS_SECONDS = 0.5  # how often each server runs the job
WATCHED_SECONDS = 6.0  # a dozen runs per server after the step back


@pytest.fixture
def servers() -> Iterator[list[Served]]:
    started: list[Served] = []
    yield started
    for server in started:
        server.stop()


def test_that_two_servers_step_a_clearly_worse_topic_back_exactly_once(
    fresh_database_url: str, tmp_path: Path, understander: Understands, servers: list[Served]
) -> None:
    if not fresh_database_url.startswith("postgresql"):
        pytest.skip("SQLite runs one server process")
    engine = make_engine(fresh_database_url)
    try:
        upgrade(engine)
        rollout.change(engine, ["refunds"], Setting(Mode.PILOT, 50), "a pilot", None)
        history(engine, "refunds", None, WORSE, back=0.35)
        history(engine, "refunds", "rollout_pilot_control", GOOD, back=0.10)
        settings = {
            "TANDEM_DATABASE_URL": fresh_database_url,
            "TANDEM_SHOP_DATABASE_URL": fresh_database_url,
            "TANDEM_DEMO": "true",
            "TANDEM_DEMO_PASSWORD": "rollout-process-test",
            "TANDEM_DEMO_HISTORY": "false",
            "TANDEM_MODEL_DIR": str(MODEL_DIR),
            "TANDEM_LOG_LEVEL": "warning",
            "TANDEM_METRICS_INTERVAL_SECONDS": str(RUNS_SECONDS),
        }
        servers.extend([serve(tmp_path, settings, "one"), serve(tmp_path, settings, "two")])
        for server in servers:
            server.wait_until_up()
        deadline = time.monotonic() + 30
        while rollout.modes(engine).of("refunds") != Setting(Mode.SHADOW):
            assert time.monotonic() < deadline, "no server stepped the pilot back"
            time.sleep(0.2)
        time.sleep(WATCHED_SECONDS)
        for server in servers:
            assert server.process.poll() is None, server.log.read_text()
        with reading(engine) as connection:
            automatic = [c for c in rollout.history(connection) if c.automatic]
    finally:
        engine.dispose()
    assert [(c.topic, c.setting) for c in automatic] == [("refunds", Setting(Mode.SHADOW))]
    assert {e.metric for e in automatic[0].evidence if e.drop} >= {"csat", "recontact"}
    logged = [s.log.read_text().count("roll-out: refunds stepped back") for s in servers]
    assert sorted(logged) == [0, 1]  # one process did it, and said so
