"""SLA clocks on stored conversations: each open hand-over's running clock, the queue in SLA
order, and the periodic ``sla-clocks`` job that records approaching and breached clocks.

A hand-over's timeline starts at its queue time (a conversation returned to the queue keeps
it) and reads the customer's and agents' messages since (desk/sla.py decides). The job records
each clock's ``sla_approaching`` and ``sla_breached`` once: it runs in one process at a time
(services/jobs.py) and checks the conversation's events again under its lock.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select

from tandem.desk.queue import Waiting, queue_order, waiting_of
from tandem.desk.sla import Clock, ClockState, Rules, Step, Timeline, current
from tandem.domain.conversation import Actor, EventKind, State
from tandem.domain.decision import Priority
from tandem.storage.conversations import (
    ConversationRecord,
    ConversationUnit,
    as_utc,
    now,
    to_conversation,
)
from tandem.storage.db import reading, transaction
from tandem.storage.tables import conversations, events, messages

if TYPE_CHECKING:
    from tandem.services.runtime import Runtime

_STEPS = {Actor.CUSTOMER.value: Step.CUSTOMER, Actor.AGENT.value: Step.AGENT}
_RECORDED = {
    ClockState.APPROACHING: EventKind.SLA_APPROACHING,
    ClockState.BREACHED: EventKind.SLA_BREACHED,
}
_OPEN = (State.QUEUED.value, State.HUMAN.value)


def timelines(connection: Connection, records: Iterable[ConversationRecord]) -> dict[str, Timeline]:
    """Each open conversation's hand-over as the clocks read it (a query or two for all)."""
    started: dict[str, dt.datetime] = {
        r.id: r.queued_at or r.created_at for r in records if r.state.value in _OPEN
    }
    priority: dict[str, Priority] = {
        r.id: Priority(r.handoff_priority or "normal") for r in records
    }
    steps: dict[str, list[tuple[dt.datetime, Step]]] = defaultdict(list)
    if started:
        # Customer messages matter only after an agent's (before that the first-response clock
        # runs anyway): read the agents' messages first, the customers' only where there are.
        since = min(started.values())
        answered = _steps(connection, list(started), Actor.AGENT, since, started, steps)
        if answered:
            _steps(connection, sorted(answered), Actor.CUSTOMER, since, started, steps)
    return {
        cid: Timeline(start, priority[cid], tuple(steps[cid])) for cid, start in started.items()
    }


def _steps(
    connection: Connection,
    ids: list[str],
    author: Actor,
    since: dt.datetime,
    started: Mapping[str, dt.datetime],
    into: dict[str, list[tuple[dt.datetime, Step]]],
) -> set[str]:
    """Add `author`'s messages since each hand-over to `into`; the conversations that had any."""
    found: set[str] = set()
    rows = connection.execute(
        select(messages.c.conversation_id, messages.c.created_at).where(
            messages.c.conversation_id.in_(ids),
            messages.c.author == author.value,
            messages.c.created_at >= since,
        )
    )
    for conversation_id, created in rows:
        moment = as_utc(created)
        if moment is not None and moment >= started[conversation_id]:
            into[conversation_id].append((moment, _STEPS[author.value]))
            found.add(conversation_id)
    return found


def running(
    connection: Connection, records: Iterable[ConversationRecord], rules: Rules
) -> dict[str, Clock]:
    """The running clock of each open conversation that has one."""
    moment = now()
    found = {}
    for cid, timeline in timelines(connection, records).items():
        clock = current(timeline, rules.targets, moment, rules.time)
        if clock is not None:
            found[cid] = clock
    return found


def in_order(
    connection: Connection, records: list[ConversationRecord], rules: Rules | None
) -> tuple[list[Waiting], dict[str, Clock]]:
    """The queue in order (priority, then a ticket's promise or the SLA deadline, then the
    wait) and the running clocks; without rules, by the tickets' promises only."""
    clocks = running(connection, records, rules) if rules is not None else {}
    waiting = []
    for record in records:
        clock = clocks.get(record.id)
        deadline = record.ticket_promised_by or (clock.deadline if clock else None)
        waiting.append(waiting_of(record, deadline))
    return queue_order(waiting), clocks


def record_clocks(runtime: Runtime, stopping: Callable[[], bool] = lambda: False) -> int:
    """Record every approaching or breached running clock not recorded yet; how many."""
    rules = runtime.settings.sla_rules
    with reading(runtime.engine) as connection:
        rows = connection.execute(
            select(conversations).where(conversations.c.state.in_(_OPEN))
        ).all()
        clocks = running(connection, [to_conversation(r) for r in rows], rules)
        due = {cid: c for cid, c in clocks.items() if c.state in _RECORDED}
        known = _recorded(connection, due)
    written = 0
    for cid, clock in due.items():
        if stopping():
            break
        if (_RECORDED[clock.state].value, clock.key) in known.get(cid, set()):
            continue
        written += _record(runtime, cid, clock)
    return written


def _recorded(connection: Connection, ids: Iterable[str]) -> dict[str, set[tuple[str, str]]]:
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    rows = connection.execute(
        select(events.c.conversation_id, events.c.kind, events.c.detail).where(
            events.c.conversation_id.in_(list(ids)),
            events.c.kind.in_([k.value for k in _RECORDED.values()]),
        )
    )
    for cid, kind, detail in rows:
        found[cid].add((kind, str((detail or {}).get("clock"))))
    return found


def _record(runtime: Runtime, conversation_id: str, clock: Clock) -> int:
    kind = _RECORDED[clock.state]
    with transaction(runtime.engine) as connection:
        unit = ConversationUnit.load(connection, conversation_id)
        if unit.conversation.state.value not in _OPEN:
            return 0
        if (kind.value, clock.key) in _recorded(connection, [conversation_id]).get(
            conversation_id, set()
        ):
            return 0  # another run recorded it meanwhile
        detail = {
            "clock": clock.key,
            "kind": clock.kind.value,
            "target_seconds": clock.target_seconds,
            "elapsed_seconds": round(clock.elapsed_seconds),
            "deadline": clock.deadline.isoformat() if clock.deadline else None,
            "priority": unit.conversation.handoff_priority or "normal",
        }
        unit.record_event(kind, Actor.SYSTEM, agent_id=unit.conversation.agent_id, detail=detail)
    return 1
