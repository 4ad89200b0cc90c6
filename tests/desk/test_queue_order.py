"""Queue order, pure: priority first, then the deadline, then the waiting time."""

from __future__ import annotations

import datetime as dt

from tandem.desk.queue import Waiting, queue_order
from tandem.domain.decision import Priority

T = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)


def at(minutes: int) -> dt.datetime:
    return T + dt.timedelta(minutes=minutes)


def test_that_priority_comes_first_then_the_deadline_then_the_wait() -> None:
    waiting = [
        Waiting("normal-early", Priority.NORMAL, at(0)),
        Waiting("normal-deadline-late", Priority.NORMAL, at(5), at(120)),
        Waiting("normal-deadline-soon", Priority.NORMAL, at(9), at(30)),
        Waiting("urgent-late", Priority.URGENT, at(20)),
        Waiting("normal-late", Priority.NORMAL, at(3)),
        Waiting("low", Priority.LOW, at(-60)),
    ]
    assert [w.conversation_id for w in queue_order(waiting)] == [
        "urgent-late",
        "normal-deadline-soon",
        "normal-deadline-late",
        "normal-early",
        "normal-late",
        "low",
    ]
