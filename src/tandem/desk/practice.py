"""Chat concurrency in practice, from who held which conversation when (pure).

A span is one agent holding one conversation, from its take to its close, hand-back or return
to the queue. Sweeping each agent's spans gives the chat-minutes spent at each number of chats
in hand: a chat that shared its agent with one other chat counts its minutes at 2. From that,
the concurrency a chat saw on average (which stretched its measured handle time) and the number
of chats at once that covers most of the work (the cap to plan with).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping

from tandem.desk.capacity import MAX_CHATS_AT_ONCE

Span = tuple[str, dt.datetime, dt.datetime]  # agent, from, to
#: The cap to plan with covers this share of the chat-minutes.
COVERED = 0.95


def chat_minutes_by_concurrency(spans: Iterable[Span]) -> dict[int, float]:
    """Chat-minutes spent at each number of chats the agent had in hand."""
    moments: dict[str, list[tuple[dt.datetime, int]]] = defaultdict(list)
    for agent, start, end in spans:
        if end > start:
            moments[agent] += [(start, 1), (end, -1)]
    minutes: dict[int, float] = defaultdict(float)
    for changes in moments.values():
        changes.sort(key=lambda change: (change[0], change[1]))  # an end before a start
        held, since = 0, changes[0][0]
        for at, step in changes:
            if held:
                minutes[held] += held * (at - since).total_seconds() / 60.0
            held, since = held + step, at
    return dict(sorted(minutes.items()))


def mean_concurrency(minutes: Mapping[int, float]) -> float | None:
    """The chats in hand that a chat saw on average (weighted by its minutes); None if none."""
    total = sum(minutes.values())
    return sum(k * m for k, m in minutes.items()) / total if total else None


def typical_chats(minutes: Mapping[int, float]) -> int | None:
    """The fewest chats at once that cover COVERED of the chat-minutes (1 to the most allowed)."""
    total = sum(minutes.values())
    if not total:
        return None
    covered = 0.0
    for k in sorted(minutes):
        covered += minutes[k]
        if covered >= COVERED * total:
            return max(1, min(MAX_CHATS_AT_ONCE, k))
    return min(MAX_CHATS_AT_ONCE, max(minutes))
