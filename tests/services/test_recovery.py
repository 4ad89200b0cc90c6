"""No conversation left unanswered after a crash: the recovery job and the periodic-job runner.

A crash between storing a customer's message and the AI's turn is reproduced exactly: the
message is stored through the same service function the API uses, and its turn never runs.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from conftest import DEMO_PASSWORD
from tandem.domain.conversation import Actor, EventKind, State
from tandem.services import conversations
from tandem.services.agents import login
from tandem.services.demo_agents import ensure_demo_agents
from tandem.services.jobs import Job, Scheduler, run_job
from tandem.services.recovery import Recovered, recover_unanswered
from tandem.services.runtime import Runtime
from tandem.storage.conversations import (
    MessageRecord,
    events_of,
    find_conversation,
    messages_after,
)
from tandem.storage.db import make_engine, reading, transaction
from tandem.storage.unanswered import mark_retried, unanswered_conversations
from tandem.understanding.result import Context, Understanding
from tandem.web.app import create_app

QUESTION = "How long does delivery to Belgium take?"


class Crashing:
    """Understanding that fails on every message (a broken model, say)."""

    def understand(self, text: str, context: Context) -> Understanding:
        raise RuntimeError("understanding is broken")


def tuned(runtime: Runtime, **settings: Any) -> Runtime:
    return dataclasses.replace(runtime, settings=runtime.settings.model_copy(update=settings))


def crash_after_storing(runtime: Runtime, text: str = QUESTION) -> tuple[str, MessageRecord]:
    """A conversation whose customer message was stored and whose turn never ran."""
    started = conversations.start_conversation(runtime, "en", None)
    chat = started.conversation.id
    stored, _ = conversations.store_customer_message(runtime, chat, started.token, text)
    return chat, stored


def messages_of(runtime: Runtime, chat: str) -> list[MessageRecord]:
    with reading(runtime.engine) as connection:
        return messages_after(connection, chat, 0)


def state_of(runtime: Runtime, chat: str) -> tuple[State, str | None]:
    with reading(runtime.engine) as connection:
        record = find_conversation(connection, chat)
    assert record is not None
    return record.state, record.handoff_reason


def handed_off_cause(runtime: Runtime, chat: str) -> str | None:
    """Why a ticket was opened: the cause behind "nobody is available"."""
    with reading(runtime.engine) as connection:
        [handed_off] = [e for e in events_of(connection, chat) if e.kind is EventKind.HANDED_OFF]
    cause: str | None = handed_off.detail.get("cause")
    return cause


def stuck(runtime: Runtime) -> list[str]:
    with reading(runtime.engine) as connection:
        return list(unanswered_conversations(connection, conversations.now(), 1000))


def test_that_a_message_whose_turn_never_ran_is_answered_by_the_recovery_job(
    runtime: Runtime,
) -> None:
    chat, stored = crash_after_storing(runtime)
    assert stuck(runtime) == [chat]
    assert recover_unanswered(tuned(runtime, recovery_grace_seconds=0)) == Recovered(rerun=1)
    after = messages_of(runtime, chat)
    assert [m.author for m in after][-2:] == [Actor.CUSTOMER, Actor.AI]
    assert after[-2].id == stored.id and "deliver" in after[-1].text.lower()
    assert stuck(runtime) == []
    assert recover_unanswered(tuned(runtime, recovery_grace_seconds=0)) == Recovered()


def test_that_a_message_followed_by_the_payment_details_notice_is_still_picked_up(
    runtime: Runtime,
) -> None:
    chat, _ = crash_after_storing(runtime, "My card is 4242 4242 4242 4242, where is it?")
    assert [m.author for m in messages_of(runtime, chat)][-2:] == [Actor.CUSTOMER, Actor.SYSTEM]
    assert stuck(runtime) == [chat]
    assert recover_unanswered(tuned(runtime, recovery_grace_seconds=0)) == Recovered(rerun=1)
    assert messages_of(runtime, chat)[-1].author is Actor.AI
    assert stuck(runtime) == []


def test_that_a_message_younger_than_the_grace_time_is_left_to_the_turn_in_progress(
    runtime: Runtime,
) -> None:
    chat, _ = crash_after_storing(runtime)
    assert recover_unanswered(tuned(runtime, recovery_grace_seconds=60)) == Recovered()
    assert stuck(runtime) == [chat]


def test_that_the_turn_in_progress_does_not_answer_again_what_the_recovery_job_answered(
    runtime: Runtime,
) -> None:
    chat, stored = crash_after_storing(runtime)
    recover_unanswered(tuned(runtime, recovery_grace_seconds=0))
    answered = messages_of(runtime, chat)
    late = conversations.answer_customer_message(runtime, chat, stored)  # the slow request
    assert messages_of(runtime, chat) == answered
    assert [m.id for m in late.messages] == [m.id for m in answered[-2:]]


def test_that_an_old_unanswered_message_goes_to_a_person_with_reason_system_error(
    runtime: Runtime,
) -> None:
    ensure_demo_agents(runtime.engine, DEMO_PASSWORD)
    login(runtime, "anna@tandem.example", DEMO_PASSWORD, "in-process")  # someone is online
    chat, _ = crash_after_storing(runtime)
    time.sleep(0.05)
    late = tuned(runtime, recovery_grace_seconds=0, recovery_max_age_seconds=0.01)
    assert recover_unanswered(late) == Recovered(handed_over=1)
    assert state_of(runtime, chat) == (State.QUEUED, "system_error")
    assert messages_of(runtime, chat)[-1].author is Actor.AI  # the customer hears what happens
    assert stuck(runtime) == []


def test_that_a_re_run_that_fails_hands_over_instead_of_leaving_the_customer_waiting(
    runtime: Runtime,
) -> None:
    ensure_demo_agents(runtime.engine, DEMO_PASSWORD)
    login(runtime, "anna@tandem.example", DEMO_PASSWORD, "in-process")
    chat, _ = crash_after_storing(runtime)
    broken = dataclasses.replace(tuned(runtime, recovery_grace_seconds=0), understander=Crashing())
    recover_unanswered(broken)
    assert state_of(runtime, chat) == (State.QUEUED, "system_error")
    assert stuck(runtime) == []


def test_that_a_re_run_that_never_finished_is_not_run_again_but_handed_over(
    runtime: Runtime,
) -> None:
    chat, stored = crash_after_storing(runtime)
    with transaction(runtime.engine) as connection:
        mark_retried(connection, stored.id)  # what the job commits before it re-runs a turn
    time.sleep(0.3)  # ... and then the process died
    late = tuned(runtime, recovery_grace_seconds=0.2)
    assert recover_unanswered(late) == Recovered(handed_over=1)
    state, _ = state_of(runtime, chat)
    assert state is State.QUEUED and handed_off_cause(runtime, chat) == "system_error"  # a ticket
    after = [m.author for m in messages_of(runtime, chat)]
    assert after == [Actor.AI, Actor.CUSTOMER, Actor.AI]  # greeting, message, the ticket notice


def test_that_a_crash_while_nobody_is_online_gives_a_ticket_caused_by_the_system_error(
    runtime: Runtime,
) -> None:
    broken = dataclasses.replace(runtime, understander=Crashing())
    started = conversations.start_conversation(runtime, "en", None)
    chat = started.conversation.id
    result = conversations.post_customer_message(broken, chat, started.token, "hi")
    assert result.handoff is not None and result.handoff.ticket_promised_by is not None
    assert handed_off_cause(runtime, chat) == "system_error"


@pytest.fixture
def second_engine(engine: Engine) -> Iterator[Engine]:
    """Another pool on the same database: what a second server process would have."""
    other = make_engine(engine.url.render_as_string(hide_password=False))
    yield other
    other.dispose()


def test_that_two_recovery_runs_at_once_answer_each_message_once(
    runtime: Runtime, second_engine: Engine
) -> None:
    chats = [crash_after_storing(runtime)[0] for _ in range(4)]
    time.sleep(1.1)
    first = tuned(runtime, recovery_grace_seconds=1.0)  # a re-run takes far less than this
    second = dataclasses.replace(first, engine=second_engine)
    together = threading.Barrier(2)
    results: list[Recovered] = []

    def recover(which: Runtime) -> None:
        together.wait()
        results.append(recover_unanswered(which))

    threads = [threading.Thread(target=recover, args=(r,)) for r in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (sum(r.rerun for r in results), sum(r.handed_over for r in results)) == (4, 0)
    for chat in chats:
        _greeting, _message, answer = messages_of(runtime, chat)  # one answer each, the AI's own
        assert answer.author is Actor.AI and "deliver" in answer.text.lower()
        assert state_of(runtime, chat) == (State.AI, None)


def test_that_a_job_runs_in_one_place_at_a_time_when_two_runners_compete(
    runtime: Runtime, second_engine: Engine
) -> None:
    running, release = threading.Event(), threading.Event()
    runs: list[str] = []

    def slow(_runtime: Runtime, _stopping: object) -> None:
        runs.append("ran")
        running.set()
        assert release.wait(10)

    job = Job("competing", 60, slow)
    first = threading.Thread(target=run_job, args=(runtime, job))
    first.start()
    assert running.wait(10)
    other_process = dataclasses.replace(runtime, engine=second_engine)
    assert run_job(other_process, job) is False  # skipped: the first one holds the job
    release.set()
    first.join()
    assert runs == ["ran"]
    assert run_job(other_process, job) is True  # free again once the first run ended


def test_that_the_server_recovers_unanswered_messages_at_start_and_stops_cleanly(
    runtime: Runtime,
) -> None:
    chat, _ = crash_after_storing(runtime)
    restarted = tuned(runtime, recovery_grace_seconds=0)
    with TestClient(create_app(restarted.settings, restarted)):
        deadline = time.monotonic() + 20
        while stuck(runtime) and time.monotonic() < deadline:
            time.sleep(0.05)
    assert stuck(runtime) == []
    assert messages_of(runtime, chat)[-1].author is Actor.AI


def test_that_a_failing_job_is_logged_and_runs_again(
    runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[float] = []

    def failing(_runtime: Runtime, _stopping: object) -> None:
        calls.append(time.monotonic())
        raise RuntimeError("the job broke")

    scheduler = Scheduler(runtime, [Job("failing", 0.05, failing)])
    scheduler.start()
    deadline = time.monotonic() + 10
    while len(calls) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    scheduler.stop()
    assert len(calls) >= 2
    assert "periodic job failing failed" in caplog.text
