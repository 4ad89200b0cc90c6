"""Rarely-changing reads kept for at most a second (storage/briefly.py), on real databases:
kept between reads, read again after a write to their table on the same engine (through the
services or plain SQL), and never kept longer than MAX_AGE."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import Engine, insert, text

from tandem.domain.conversation import Actor, State
from tandem.services.agents import agents_online
from tandem.services.demo_agents import ensure_demo_agents
from tandem.services.waiting import live_queue
from tandem.storage import briefly
from tandem.storage.conversations import ConversationUnit, create_conversation
from tandem.storage.db import make_engine, reading, transaction
from tandem.storage.tables import agent_sessions, agents
from tandem.types import ConversationId


def _online(engine: Engine) -> int:
    with reading(engine) as connection:
        return briefly.read(connection, "agents_online", agents_online)


def _queued(engine: Engine) -> int:
    with reading(engine) as connection:
        return briefly.read(connection, "waiting", live_queue)


def _session(engine: Engine, token: str) -> None:
    moment = dt.datetime.now(dt.UTC)
    with transaction(engine) as connection:
        agent_id = connection.execute(agents.select().limit(1)).first()
        assert agent_id is not None
        connection.execute(
            insert(agent_sessions).values(
                token_hash=token,
                agent_id=agent_id.id,
                created_at=moment,
                expires_at=moment + dt.timedelta(hours=1),
                last_seen_at=moment,
            )
        )


def test_that_a_kept_count_is_read_again_after_a_write_to_its_table(engine: Engine) -> None:
    ensure_demo_agents(engine, "demo-password-for-tests")
    assert _online(engine) == 0
    _session(engine, "a" * 64)  # a login on this engine: seen at once
    assert _online(engine) == 1
    with engine.begin() as connection:  # plain SQL, outside the services: seen at once too
        connection.execute(text("DELETE FROM agent_sessions"))
    assert _online(engine) == 0


def test_that_a_change_by_another_process_is_seen_after_max_age_and_not_before(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    ensure_demo_agents(engine, "demo-password-for-tests")
    monkeypatch.setattr(briefly, "MAX_AGE", 600.0)
    assert _online(engine) == 0
    elsewhere = make_engine(engine.url.render_as_string(hide_password=False))
    try:  # another engine on the same database stands for another process
        _session(elsewhere, "b" * 64)
    finally:
        elsewhere.dispose()
    assert _online(engine) == 0  # kept: this engine saw no write
    monkeypatch.setattr(briefly, "MAX_AGE", 0.05)
    time.sleep(0.06)
    assert _online(engine) == 1


def test_that_the_queue_length_is_forgotten_when_a_conversation_is_queued_not_when_one_opens(
    engine: Engine,
) -> None:
    assert _queued(engine) == 0
    with transaction(engine) as connection:
        create_conversation(connection, ConversationId("c1"), "hash", "en", None)
    kept = briefly._kept[engine]
    assert "waiting" in kept.values  # a new conversation is owned by the AI: still kept
    with transaction(engine) as connection:
        unit = ConversationUnit.load(connection, "c1")
        unit.move(State.QUEUED, Actor.AI, "customer_asked")
    assert "waiting" not in kept.values
    assert _queued(engine) == 1
