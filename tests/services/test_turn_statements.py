"""A customer turn runs a bounded number of SQL statements (a count, not a timing).

Real databases, the real understanding and the demo shop. The statements are counted on the
main database's engine (on PostgreSQL the demo shop shares it, so its reads count there too).
Rarely-changing reads (policy, roll-out modes, agents online, queue length) are kept for at
most a second (storage/briefly.py): the count is taken with them kept, after a warm-up turn;
a turn that reads them all again is bounded too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from conftest import DEMO_PASSWORD, sign
from tandem.domain.conversation import State
from tandem.services import agents
from tandem.services.conversations import post_customer_message, start_conversation
from tandem.services.demo_agents import ensure_demo_agents
from tandem.services.runtime import Runtime
from tandem.storage import briefly
from tandem.storage.conversations import find_conversation
from tandem.storage.db import reading

#: The most statements a turn may run: (SQLite, PostgreSQL; SQLite counts its BEGINs). Measured
#: on 2026-12-03 before the fast paths: routine 20 / 17, order question 20 / 21 (the shop's
#: reads count on PostgreSQL), hand-over 30 / 26; after: 16 / 14, 16 / 18, 27 / 24; with the
#: turn's look taken where the message is stored: 12 / 11, 12 / 15, 23 / 21; with the handled
#: mark written with the message's understanding: 11 / 10, 11 / 14, 22 / 20.
BOUNDS = {
    "routine": (12, 11),
    "order_status": (12, 15),
    "handover": (23, 21),
}
#: With nothing kept (the first turn after a second without one): four more reads at most.
COLD = 4


@contextmanager
def counted(runtime: Runtime) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(runtime.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(runtime.engine, "before_cursor_execute", count)


def _turn(runtime: Runtime, email: str | None, text: str, human: bool = False) -> list[str]:
    chat = start_conversation(runtime, "en", email, sign(email) if email else None)
    with counted(runtime) as statements:
        result = post_customer_message(
            runtime, chat.conversation.id, chat.token, text, request_human=human
        )
    assert len(result.messages) > 1  # answered
    return statements


def _bound(runtime: Runtime, kind: str) -> int:
    sqlite, postgres = BOUNDS[kind]
    return sqlite if runtime.engine.dialect.name == "sqlite" else postgres


@pytest.fixture
def kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kept values stay for the test (a loaded machine may take a second between turns)."""
    monkeypatch.setattr(briefly, "MAX_AGE", 3600.0)


def test_that_a_routine_turn_and_an_order_question_run_a_bounded_number_of_statements(
    runtime: Runtime, kept: None
) -> None:
    _turn(runtime, None, "hello")  # warm-up: the policy compiled, the kept reads filled
    routine = _turn(runtime, "james@example.com", "how long does delivery to the UK take")
    assert len(routine) <= _bound(runtime, "routine"), routine
    order = _turn(runtime, "james@example.com", "Where is my order TD-2002?")
    assert len(order) <= _bound(runtime, "order_status"), order
    briefly.forget(runtime.engine)
    cold = _turn(runtime, "james@example.com", "how long does delivery to the UK take")
    assert len(cold) <= _bound(runtime, "routine") + COLD, cold


def test_that_a_hand_over_runs_a_bounded_number_of_statements_and_reaches_the_agent(
    runtime: Runtime, kept: None
) -> None:
    ensure_demo_agents(runtime.engine, DEMO_PASSWORD)
    _turn(runtime, None, "hello")  # the kept reads filled: nobody online yet
    agents.login(
        runtime, "anna@tandem.example", DEMO_PASSWORD, "127.0.0.1"
    )  # forgets the online count
    chat = start_conversation(runtime, "en", None)
    with counted(runtime) as statements:
        result = post_customer_message(
            runtime, chat.conversation.id, chat.token, "I want to talk to a person"
        )
    assert len(statements) <= _bound(runtime, "handover"), statements
    # the agent who logged in a moment ago counts: a hand-over to her, not a ticket
    assert result.state in (State.QUEUED, State.HUMAN)
    assert result.handoff is not None


#: Opening a conversation: its row, the `opened` event, the greeting, one UPDATE (SQLite,
#: PostgreSQL; the shop's read of the signed-in customer counts on PostgreSQL). Measured on
#: 2026-12-03: 8 / 7 for a guest before the row's changes were batched; then, signed in, 5 / 5.
START_BOUND = (5, 5)


def test_that_opening_a_conversation_runs_a_bounded_number_of_statements_and_keeps_its_row(
    runtime: Runtime,
) -> None:
    with counted(runtime) as statements:
        chat = start_conversation(runtime, "en", "james@example.com", sign("james@example.com"))
    sqlite, postgres = START_BOUND
    assert len(statements) <= (sqlite if runtime.engine.dialect.name == "sqlite" else postgres)
    with reading(runtime.engine) as connection:
        stored = find_conversation(connection, chat.conversation.id)
    assert stored == chat.conversation  # the record known without a read is the stored row
    assert stored.customer_id is not None and stored.message_count == stored.event_count == 1
