"""Automatic assignment applied to the database: one assigner at a time, conversations locked.

:func:`assign_waiting` plans with the pure rules of desk/routing.py and moves each planned
conversation queued → human for its agent (event ``taken``, reason ``assigned``, actor
system). Every assigner first serialises on the ``routing`` lock (a PostgreSQL transaction
advisory lock; SQLite's write lock already serialises), so loads are read after the previous
assigner committed and no agent goes over capacity; queued conversations are locked with
SKIP LOCKED, so one a turn or a manual take holds right now is left for the next round and no
conversation is assigned twice. It runs after a hand-over commits, when an agent comes online,
finishes a conversation or gains capacity, and in the periodic ``agents-away`` job (which
also catches the routing fallback's waiting time).

:func:`release` puts an agent's open conversations back at the front of the queue (their
original queue time is kept) when they go away or offline, with a ``returned`` event.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, func, select

from tandem.answering.replies import replies
from tandem.desk.routing import Candidate, Need, plan
from tandem.desk.sla import Rules
from tandem.domain.conversation import Actor, State
from tandem.services.sla import in_order
from tandem.storage.assignments import Assignment, assign_all
from tandem.storage.conversations import ConversationUnit, as_utc, now, to_conversation
from tandem.storage.db import transaction
from tandem.storage.locks import serialise
from tandem.storage.tables import agents, conversations
from tandem.types import AgentId

if TYPE_CHECKING:
    from tandem.services.runtime import Runtime

LOCK = "routing"


def assign_waiting(runtime: Runtime) -> list[tuple[str, str]]:
    """Assign every queued conversation someone online fits; (conversation, agent) pairs."""
    settings = runtime.settings
    return assign(runtime.engine, settings.routing_fallback_minutes, settings.sla_rules)


def assign(
    engine: Engine, fallback_minutes: float, rules: Rules | None = None
) -> list[tuple[str, str]]:
    """:func:`assign_waiting` on ``engine``, with the routing fallback after so many minutes
    (in queue order: with SLA `rules`, their deadlines count too)."""
    fallback = dt.timedelta(minutes=fallback_minutes)
    with transaction(engine) as connection:
        serialise(connection, LOCK)
        candidates = online_candidates(connection)
        if not any(c.has_room for c in candidates):
            return []
        rows = connection.execute(
            select(conversations)
            .where(conversations.c.state == State.QUEUED.value)
            .with_for_update(skip_locked=True)
        ).all()
        records = {row.id: to_conversation(row) for row in rows}
        waiting, _ = in_order(connection, list(records.values()), rules)
        needs = [
            Need(
                w.conversation_id,
                records[w.conversation_id].handoff_team or "general",
                records[w.conversation_id].language,
                w.queued_at,
            )
            for w in waiting
        ]
        planned = plan(needs, candidates, now(), fallback)
        names = dict(
            connection.execute(
                select(agents.c.id, agents.c.name).where(
                    agents.c.id.in_({agent for _, agent in planned})
                )
            ).all()
        )
        batch = [
            Assignment(
                records[conversation_id],
                agent_id,
                replies(records[conversation_id].language)
                .say("agent_joined", agent=names[agent_id])
                .text,
            )
            for conversation_id, agent_id in planned
        ]
        assign_all(connection, batch, "assigned")
        return planned


def online_candidates(connection: Connection) -> list[Candidate]:
    """Every online, active agent with their current load."""
    load: dict[str, int] = dict(
        connection.execute(
            select(conversations.c.agent_id, func.count())
            .where(conversations.c.state == State.HUMAN.value)
            .group_by(conversations.c.agent_id)
        ).all()
    )
    rows = connection.execute(
        select(agents).where(agents.c.active, agents.c.status == "online").order_by(agents.c.id)
    ).all()
    return [
        Candidate(
            row.id,
            frozenset(t for t in row.teams.split(",") if t),
            frozenset(code for code in row.languages.split(",") if code),
            int(row.max_concurrent),
            int(load.get(row.id, 0)),
            as_utc(row.last_closed_at),
        )
        for row in rows
    ]


def release(connection: Connection, agent_id: AgentId, reason: str) -> list[str]:
    """The agent's open conversations go back to the front of the queue (their original
    queue time is kept), each with a ``returned`` event naming ``reason``."""
    serialise(connection, LOCK)
    ids = connection.execute(
        select(conversations.c.id).where(
            conversations.c.state == State.HUMAN.value, conversations.c.agent_id == agent_id
        )
    ).scalars()
    returned = []
    for conversation_id in ids.all():
        unit = ConversationUnit.load(connection, conversation_id)
        record = unit.conversation
        if record.state is not State.HUMAN or record.agent_id != agent_id:
            continue  # closed or handed back meanwhile
        first_queued = record.queued_at or record.created_at
        unit.move(State.QUEUED, Actor.SYSTEM, reason, agent_id=agent_id)
        unit.set(queued_at=first_queued)
        returned.append(conversation_id)
    return returned
