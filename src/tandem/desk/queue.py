"""Queue order and wait estimates (pure functions)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tandem.domain.decision import PRIORITY_RANK, Priority

if TYPE_CHECKING:
    from tandem.storage.conversations import ConversationRecord

#: Until handling times are measured, assume this many minutes per conversation.
DEFAULT_HANDLE_MINUTES = 6.0


@dataclass(frozen=True, slots=True)
class Waiting:
    conversation_id: str
    priority: Priority
    queued_at: dt.datetime
    deadline: dt.datetime | None = None  # the answer promised by (a ticket's promise)


def queue_order(waiting: list[Waiting]) -> list[Waiting]:
    """Most urgent first; within a priority, the nearest deadline (none: after those with
    one), then whoever has waited longest (a conversation returned to the queue keeps its
    first queue time, so it comes back at the front)."""
    return sorted(
        waiting,
        key=lambda item: (
            PRIORITY_RANK[item.priority],
            item.deadline is None,
            item.deadline or item.queued_at,
            item.queued_at,
        ),
    )


def waiting_of(record: ConversationRecord, deadline: dt.datetime | None = None) -> Waiting:
    """`deadline`: the SLA clock's, when the caller knows it (a ticket's promise otherwise)."""
    return Waiting(
        record.id,
        Priority(record.handoff_priority or "normal"),
        record.queued_at or record.created_at,
        deadline or record.ticket_promised_by,
    )


def expected_wait_minutes(
    ahead: int, agents_online: int, handle_minutes: float = DEFAULT_HANDLE_MINUTES
) -> int | None:
    """Minutes until a person picks up someone with `ahead` people before them.

    None when nobody is online to pick up at all.
    """
    if agents_online <= 0:
        return None
    return max(1, math.ceil((ahead + 1) * handle_minutes / agents_online))
