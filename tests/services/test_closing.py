"""Idle conversations are closed by the system, once, even by two closers at the same moment."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select, update

from tandem.services import conversations
from tandem.services.closing import close_idle
from tandem.services.runtime import Runtime
from tandem.storage.db import make_engine, transaction
from tandem.storage.tables import conversations as table
from tandem.storage.tables import events, messages

IDLE = 6


def _age(runtime: Runtime, conversation_id: str, minutes: int) -> None:
    """Make everything in the conversation `minutes` older (as if nobody wrote since)."""
    past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes)
    with transaction(runtime.engine) as connection:
        connection.execute(
            update(table).where(table.c.id == conversation_id).values(updated_at=past)
        )
        connection.execute(
            update(messages)
            .where(messages.c.conversation_id == conversation_id)
            .values(created_at=past)
        )


def _closed_events(runtime: Runtime, conversation_id: str) -> list[tuple[str, str | None]]:
    with transaction(runtime.engine) as connection:
        rows = connection.execute(
            select(events.c.actor, events.c.reason).where(
                events.c.conversation_id == conversation_id, events.c.kind == "closed"
            )
        )
        return [(row.actor, row.reason) for row in rows]


def test_that_two_closers_at_once_close_each_idle_conversation_exactly_once(
    runtime: Runtime,
) -> None:
    idle = []
    for _ in range(IDLE):
        started = conversations.start_conversation(runtime, "en")
        conversations.post_customer_message(
            runtime, started.conversation.id, started.token, "hello"
        )
        _age(runtime, started.conversation.id, 45)
        idle.append(started.conversation.id)
    recent = conversations.start_conversation(runtime, "en").conversation.id
    other = make_engine(runtime.engine.url.render_as_string(hide_password=False))
    second = dataclasses.replace(runtime, engine=other)  # another process on the same database
    barrier = threading.Barrier(2)

    def closer(which: Runtime) -> int:
        barrier.wait()
        return close_idle(which)

    try:
        with ThreadPoolExecutor(2) as pool:
            closed = sum(pool.map(closer, [runtime, second]))
    finally:
        other.dispose()
    assert closed == IDLE
    for conversation_id in idle:
        assert _closed_events(runtime, conversation_id) == [("system", "idle")]
    assert _closed_events(runtime, recent) == []
    with transaction(runtime.engine) as connection:
        still_open = connection.execute(
            select(func.count()).select_from(table).where(table.c.state != "closed")
        ).scalar_one()
    assert still_open == 1
