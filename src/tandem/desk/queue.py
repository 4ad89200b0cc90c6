"""Queue order and wait estimates (pure functions)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from tandem.domain.decision import PRIORITY_RANK, Priority

#: Until handling times are measured, assume this many minutes per conversation.
DEFAULT_HANDLE_MINUTES = 6.0


@dataclass(frozen=True, slots=True)
class Waiting:
    conversation_id: str
    priority: Priority
    queued_at: dt.datetime


def queue_order(waiting: list[Waiting]) -> list[Waiting]:
    """Most urgent first; within a priority, whoever has waited longest."""
    return sorted(waiting, key=lambda item: (PRIORITY_RANK[item.priority], item.queued_at))


def expected_wait_minutes(
    ahead: int, agents_online: int, handle_minutes: float = DEFAULT_HANDLE_MINUTES
) -> int | None:
    """Minutes until a person picks up someone with `ahead` people before them.

    None when nobody is online to pick up at all.
    """
    if agents_online <= 0:
        return None
    return max(1, math.ceil((ahead + 1) * handle_minutes / agents_online))
