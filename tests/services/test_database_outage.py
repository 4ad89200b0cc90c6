"""A database that goes away for a while: a turn leaves the message for its retry instead of
handing the conversation to a person, and the periodic jobs say so once, not every run.

The errors are real: SQLAlchemy connecting to a port where nothing listens (the end-to-end
restart of a real PostgreSQL is tests/commands/test_postgres_restart.py)."""

from __future__ import annotations

import dataclasses
import logging
import time

import pytest
from sqlalchemy import Engine, create_engine, text

from tandem.domain.conversation import State
from tandem.services import conversations
from tandem.services.jobs import Job, Scheduler
from tandem.services.runtime import Runtime
from tandem.storage.conversations import find_conversation
from tandem.storage.db import DATABASE_UNAVAILABLE, reading
from tandem.storage.unanswered import by_client_id, is_handled
from tandem.understanding.result import Context, Understanding

#: Nothing listens here: connecting fails at once.
CLOSED_PORT_URL = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere"
QUESTION = "How long does delivery to Belgium take?"


class DatabaseAway:
    """Understanding that reads a database while thinking, and finds it away (as a turn whose
    PostgreSQL restarts between its steps does)."""

    def __init__(self) -> None:
        self.engine = create_engine(CLOSED_PORT_URL)

    def understand(self, text_: str, context: Context) -> Understanding:
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        raise AssertionError("the database was expected to be away")


def test_that_a_turn_whose_database_goes_away_leaves_the_message_for_its_retry(
    runtime: Runtime,
) -> None:
    started = conversations.start_conversation(runtime, "en", None)
    chat, token = started.conversation.id, started.token
    away = dataclasses.replace(runtime, understander=DatabaseAway())
    with pytest.raises(DATABASE_UNAVAILABLE):  # the API answers 503 with Retry-After
        conversations.post_customer_message(away, chat, token, QUESTION, client_message_id="m1")
    with reading(runtime.engine) as connection:
        record = find_conversation(connection, chat)
        assert record is not None and record.state is State.AI  # not handed to a person
        stored = by_client_id(connection, chat, "m1")
        # stored, unanswered: it waits for the retry or the recovery job
        assert stored is not None and not is_handled(connection, stored.id)

    retried = conversations.post_customer_message(
        runtime, chat, token, QUESTION, client_message_id="m1"
    )
    assert [m.author.value for m in retried.messages][:2] == ["customer", "ai"]
    assert retried.state is State.AI


def test_that_jobs_facing_an_absent_database_warn_once_and_say_when_it_is_back(
    runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    closed = create_engine(CLOSED_PORT_URL)
    engines: list[Engine] = [closed]
    runs: list[float] = []

    def reads(_runtime: Runtime, _stopping: object) -> None:
        runs.append(time.monotonic())
        if len(runs) == 4:
            engines[0] = runtime.engine  # the database is back
        with engines[0].connect() as connection:
            connection.execute(text("SELECT 1"))

    caplog.set_level(logging.INFO, logger="tandem.services.jobs")
    scheduler = Scheduler(runtime, [Job("reads", 0.02, reads), Job("also", 0.02, reads)])
    scheduler.start()
    deadline = time.monotonic() + 10
    while len(runs) < 8 and time.monotonic() < deadline:
        time.sleep(0.01)
    scheduler.stop()
    closed.dispose()
    assert len(runs) >= 8
    said = [r.getMessage() for r in caplog.records if r.name == "tandem.services.jobs"]
    away = "database unavailable (OperationalError); periodic jobs wait for it"
    back = "database reachable again; periodic jobs run again"
    # once each, in this order (a scheduler another test left stopping may log too)
    assert (said.count(away), said.count(back)) == (1, 1), said
    assert said.index(away) < said.index(back)
    assert not [m for m in said if "periodic job reads" in m or "periodic job also" in m]
