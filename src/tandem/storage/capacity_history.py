"""The capacity plan's inputs, read from the conversations' metric summaries and the queue's
events (the summaries must be up to date: services.metrics.refresh).

The history covers from ``start``, or from Tandem's first conversation when that is later, so a
young installation is not averaged over weeks it did not exist; each half hour of the week is
averaged over the times it occurred in what is covered."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select

from tandem.desk.planning import SLOTS_PER_DAY, WEEK_SLOTS, History, TopicHistory
from tandem.desk.practice import Span, chat_minutes_by_concurrency
from tandem.storage.conversations import as_utc
from tandem.storage.tables import conversation_metrics as cm
from tandem.storage.tables import events

#: Of the queue's events, those that start or end a wait.
_QUEUE_EVENTS = ("handed_off", "taken", "closed", "handed_back", "returned")
_HALF_HOUR = dt.timedelta(minutes=30)


def read_history(
    connection: Connection, start: dt.datetime, end: dt.datetime, zone: ZoneInfo
) -> History:
    """Arrivals per half hour of the week (in the team's time zone), per topic the share that
    reached a person and their handle time, and the queue's waits and abandonments, over the
    conversations opened from ``start`` to ``end``."""
    asked = (end - start).total_seconds() / (7 * 24 * 3600)
    first = as_utc(connection.execute(select(func.min(cm.c.created_at))).scalar())
    if first is not None and first > start:
        start = min(end, first.replace(minute=first.minute // 30 * 30, second=0, microsecond=0))
    weeks = (end - start).total_seconds() / (7 * 24 * 3600)
    seen = _occurrences(start, end, zone)
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
    waited, abandoned, spans = _queue(connection, start, end)
    return History(
        weeks=weeks,
        arrivals=tuple(count / n if n else 0.0 for count, n in zip(per_slot, seen, strict=True)),
        topics={
            topic: TopicHistory(int(n), int(person), minutes)
            for topic, (n, person, minutes) in sorted(counts.items())
        },
        waited_minutes=waited,
        abandoned=abandoned,
        in_hand=chat_minutes_by_concurrency(spans),
        unseen=seen.count(0),
        asked_weeks=asked if weeks < asked - 1 / 7 else None,  # a day or more short
    )


def _occurrences(start: dt.datetime, end: dt.datetime, zone: ZoneInfo) -> list[int]:
    """How often each half hour of the week (in the zone) begins from ``start`` to ``end``,
    counting one that ``start`` falls in."""
    seen = [0] * WEEK_SLOTS
    moment = start.replace(minute=start.minute // 30 * 30, second=0, microsecond=0)
    while moment < end:
        local = moment.astimezone(zone)
        seen[local.weekday() * SLOTS_PER_DAY + local.hour * 2 + local.minute // 30] += 1
        moment += _HALF_HOUR
    return seen


def _queue(
    connection: Connection, start: dt.datetime, end: dt.datetime
) -> tuple[float, int, list[Span]]:
    """Minutes spent waiting in the queue, how many left it unanswered (closed while still
    queued), and each agent's hold of a conversation (take to close, hand-back or return),
    for the queue's events in the period."""
    query = (
        select(events.c.conversation_id, events.c.kind, events.c.agent_id, events.c.created_at)
        .where(
            events.c.kind.in_(_QUEUE_EVENTS),
            events.c.created_at >= start,
            events.c.created_at < end,
        )
        .order_by(events.c.conversation_id, events.c.seq)
    )
    waited, abandoned, spans = 0.0, 0, []
    queued_since: dict[str, dt.datetime] = {}
    held: dict[str, tuple[str, dt.datetime]] = {}
    for conversation, kind, agent, at in connection.execute(query):
        moment = as_utc(at)
        assert moment is not None
        holder = held.pop(conversation, None)
        if holder is not None:
            spans.append((holder[0], holder[1], moment))
        if kind == "taken" and agent is not None:
            held[conversation] = (agent, moment)
        if kind in ("handed_off", "returned"):
            queued_since[conversation] = moment
            continue
        since = queued_since.pop(conversation, None)
        if since is None:
            continue
        waited += (moment - since).total_seconds() / 60.0
        if kind == "closed":
            abandoned += 1
    return waited, abandoned, spans
