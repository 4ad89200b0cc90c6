"""The demo history: played through the conversation storage with a fixed seed, so the same
seed gives the same figures; every band, resolution, reason and language is there; it is
played once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from sqlalchemy import Engine, func, select

from tandem.config import Settings
from tandem.domain.metrics.selection import Period
from tandem.services import demo_history
from tandem.services.demo_agents import ensure_demo_agents
from tandem.services.metrics import Report, report_for
from tandem.storage.db import make_engine
from tandem.storage.migrate import upgrade
from tandem.storage.tables import conversations
from tandem.types import SUPPORTED_LANGUAGES

TODAY = dt.date(2026, 12, 2)
DAYS = 10
PASSWORD = "history-test-password"


def played(engine: Engine) -> Report:
    ensure_demo_agents(engine, PASSWORD)
    assert demo_history.generate(engine, TODAY, days=DAYS) > 0
    url = engine.url.render_as_string(hide_password=False)
    return report_for(engine, Settings(database_url=url), Period(TODAY - dt.timedelta(DAYS), TODAY))


def test_that_the_same_seed_gives_the_same_figures_with_everything_present(
    engine: Engine, tmp_path: Path
) -> None:
    first = played(engine)
    other = make_engine(f"sqlite:///{tmp_path}/other.db")
    upgrade(other)
    try:
        assert played(other) == first
    finally:
        other.dispose()

    total = first.total
    assert all(total.bands[band] > 0 for band in ("ai_only", "ai_then_human", "human_only"))
    for name in ("confirmed", "assumed", "escalated", "abandoned", "unresolved"):
        assert total.resolution[name], name
    assert set(total.handoff_reasons) == set(demo_history.HANDOFF_REASONS)
    assert total.recontact_rate and total.csat_responses and total.nps_responses
    assert total.thumbs_up and total.thumbs_down
    with engine.connect() as connection:
        languages = set(connection.execute(select(conversations.c.language).distinct()).scalars())
        assert languages == set(demo_history.scripts()) >= {"nl", "en", "de"}
        count = connection.execute(select(func.count()).select_from(conversations)).scalar()

    assert demo_history.generate(engine, TODAY, days=DAYS) == 0  # played once
    with engine.connect() as connection:
        again = connection.execute(select(func.count()).select_from(conversations)).scalar()
    assert again == count == total.conversations


def test_that_every_language_of_the_history_says_something_about_every_topic() -> None:
    data = yaml.safe_load(demo_history.SCRIPTS_FILE.read_text(encoding="utf-8"))
    assert set(data) >= {"nl", "en", "de", "fr"}  # French waits in the data for Tandem to speak it
    for code, texts in data.items():
        assert set(texts["questions"]) == set(demo_history.TOPICS), code
        assert all(texts[key] for key in ("answer", "handing", "agent", "thanks", "email")), code
    assert set(demo_history.scripts()) == set(data) & set(SUPPORTED_LANGUAGES)
