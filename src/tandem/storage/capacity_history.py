"""The capacity plan's inputs, read from the conversations' metric summaries and the queue's
events (the summaries must be up to date: services.metrics.refresh)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from tandem.desk.planning import SLOTS_PER_DAY, WEEK_SLOTS, History, TopicHistory
from tandem.storage.conversations import as_utc
from tandem.storage.tables import conversation_metrics as cm
from tandem.storage.tables import events

#: Of the queue's events, those that start or end a wait.
_QUEUE_EVENTS = ("handed_off", "taken", "closed", "handed_back")


def read_history(
    connection: Connection, start: dt.datetime, end: dt.datetime, zone: ZoneInfo
) -> History:
    """Arrivals per half hour of the week (in the team's time zone), per topic the share that
    reached a person and their handle time, and the queue's waits and abandonments, over the
    conversations opened from ``start`` to ``end``."""
    weeks = (end - start).total_seconds() / (7 * 24 * 3600)
    per_slot = [0] * WEEK_SLOTS
    counts: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])
    query = select(cm.c.created_at, cm.c.topic, cm.c.band, cm.c.human_seconds).where(
        cm.c.created_at >= start, cm.c.created_at < end
    )
    for created, topic, band, human_seconds in connection.execute(query):
        local = as_utc(created).astimezone(zone)  # type: ignore[union-attr]
        per_slot[local.weekday() * SLOTS_PER_DAY + local.hour * 2 + local.minute // 30] += 1
        figures = counts[topic]
        figures[0] += 1
        if band != "ai_only":
            figures[1] += 1
            figures[2] += human_seconds / 60.0
    waited, abandoned = _queue(connection, start, end)
    return History(
        weeks=weeks,
        arrivals=tuple(count / weeks for count in per_slot) if weeks > 0 else tuple(per_slot),
        topics={
            topic: TopicHistory(int(n), int(person), minutes)
            for topic, (n, person, minutes) in sorted(counts.items())
        },
        waited_minutes=waited,
        abandoned=abandoned,
    )


def _queue(connection: Connection, start: dt.datetime, end: dt.datetime) -> tuple[float, int]:
    """Minutes spent waiting in the queue, and how many left it unanswered (closed while still
    queued), for hand-overs in the period."""
    query = (
        select(events.c.conversation_id, events.c.kind, events.c.created_at)
        .where(
            events.c.kind.in_(_QUEUE_EVENTS),
            events.c.created_at >= start,
            events.c.created_at < end,
        )
        .order_by(events.c.conversation_id, events.c.seq)
    )
    waited, abandoned = 0.0, 0
    queued_since: dict[str, dt.datetime] = {}
    for conversation, kind, at in connection.execute(query):
        moment = as_utc(at)
        assert moment is not None
        if kind == "handed_off":
            queued_since[conversation] = moment
            continue
        since = queued_since.pop(conversation, None)
        if since is None:
            continue
        waited += (moment - since).total_seconds() / 60.0
        if kind == "closed":
            abandoned += 1
    return waited, abandoned
