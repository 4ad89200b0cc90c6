"""Where a queued customer stands: their place in the queue and the expected wait.

The wait is measured, not assumed: the handle time is the median time from an agent taking
(or being assigned) a conversation to its close, over the last :data:`SAMPLE` closes; with
fewer than :data:`MIN_SAMPLES` of them it falls back to ``TANDEM_DEFAULT_HANDLE_MINUTES``.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from sqlalchemy import Connection, and_, func, select
from sqlalchemy.orm import aliased

from tandem.desk.queue import expected_wait_minutes
from tandem.desk.sla import Rules
from tandem.domain.conversation import State
from tandem.services.sla import in_order
from tandem.storage.conversations import ConversationRecord, as_utc, to_conversation
from tandem.storage.tables import agents, conversations, events

SAMPLE = 200  # the most recent closes measured
MIN_SAMPLES = 5


@dataclass(frozen=True, slots=True)
class Place:
    position: int  # 1: next
    expected_wait_minutes: int | None  # None: nobody is online to pick up


def handle_minutes(connection: Connection, default: float) -> float:
    """The median minutes from take to close of recent conversations (``default`` when too
    few were measured)."""
    taken, closed = aliased(events), aliased(events)
    last_taken = (
        select(taken.c.conversation_id, func.max(taken.c.created_at).label("at"))
        .where(taken.c.kind == "taken")
        .group_by(taken.c.conversation_id)
        .subquery()
    )
    rows = connection.execute(
        select(last_taken.c.at, closed.c.created_at)
        .join(
            closed,
            and_(
                closed.c.conversation_id == last_taken.c.conversation_id,
                closed.c.kind == "closed",
                closed.c.from_state == State.HUMAN.value,
            ),
        )
        .order_by(closed.c.created_at.desc())
        .limit(SAMPLE)
    ).all()
    minutes = [
        (end - start).total_seconds() / 60
        for start, end in ((as_utc(r[0]), as_utc(r[1])) for r in rows)
        if start is not None and end is not None and end >= start
    ]
    return statistics.median(minutes) if len(minutes) >= MIN_SAMPLES else default


def place(
    connection: Connection, record: ConversationRecord, default: float, rules: Rules | None = None
) -> Place | None:
    """The conversation's place in the queue; None when it is not queued."""
    if record.state is not State.QUEUED:
        return None
    rows = connection.execute(
        select(conversations).where(conversations.c.state == State.QUEUED.value)
    ).all()
    ordered, _ = in_order(connection, [to_conversation(r) for r in rows], rules)
    order = [w.conversation_id for w in ordered]
    position = order.index(record.id) + 1 if record.id in order else len(order) + 1
    online = connection.execute(
        select(func.count()).where(agents.c.active, agents.c.status == "online")
    ).scalar_one()
    wait = expected_wait_minutes(position - 1, int(online), handle_minutes(connection, default))
    return Place(position, wait)
