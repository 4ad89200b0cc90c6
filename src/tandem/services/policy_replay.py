"""What-if on stored conversations: how another policy would have routed them, and what it costs.

A turn is *routed* either to the AI (answer, clarify, offer a person: which of these is not
stored) or to a person with a reason (handoff or ticket). A turn is routed differently when
that route changes; a conversation is when one of its turns is. The extra human workload is
the change in conversations that reach a person, times the minutes a person spends on one.

Each message is understood as it was then (stored intent, confidence, frustration), so the
replay measures the policy and not a retrained model; messages without stored understanding
go through the understanding models again.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import Engine

from tandem.domain.decision import Action, Decision
from tandem.domain.policy.dialogue import Understands
from tandem.domain.policy.engine import Engine as PolicyEngine
from tandem.domain.policy.replay import ReplayReport, replay
from tandem.storage.db import reading
from tandem.storage.recorded import StoredConversation, recorded_conversations
from tandem.understanding.result import Context, Understanding

#: Minutes a person spends on a conversation handed over, unless told otherwise.
DEFAULT_MINUTES_PER_CONVERSATION = 6.0

_TO_A_PERSON = frozenset({Action.HANDOFF, Action.TICKET})
AI = "ai"


def route(decision: Decision) -> str:
    """``ai``, or where a person takes over and why: ``handoff: complaint``."""
    if decision.action in _TO_A_PERSON:
        return f"{decision.action.value}: {decision.reason.value}"
    return AI


@dataclass
class ReplaySummary:
    conversations: int = 0
    turns: int = 0
    rerouted_conversations: int = 0
    rerouted_turns: int = 0
    to_people_before: int = 0  # conversations that reached a person
    to_people_after: int = 0
    moves: Counter[tuple[str, str]] = field(default_factory=Counter)  # (from, to) routes

    def extra_hours(self, minutes_per_conversation: float) -> float:
        """Extra human workload (negative: less), in hours."""
        return (self.to_people_after - self.to_people_before) * minutes_per_conversation / 60

    def add(self, stored: StoredConversation, report: ReplayReport) -> None:
        decisions = stored.recorded.decisions
        moved = [(route(c.before), route(c.after)) for c in report.changes]
        moved = [(before, after) for before, after in moved if before != after]
        self.conversations += 1
        self.turns += report.turns
        self.rerouted_conversations += bool(moved)
        self.rerouted_turns += len(moved)
        self.moves.update(moved)
        reached = bool(decisions) and route(decisions[-1]) != AI
        kept_by_ai = any(after == AI for _, after in moved)  # from a person: the AI keeps it
        self.to_people_before += reached
        self.to_people_after += any(after != AI for _, after in moved) or (
            reached and not kept_by_ai
        )


class _AsUnderstoodThen:
    """The understanding port, answering with what was stored for each message when it can."""

    def __init__(self, models: Understands, stored: tuple[Understanding | None, ...]) -> None:
        self._models, self._stored = models, stored

    def understand(self, text: str, context: Context) -> Understanding:
        turn = len(context.previous_customer_texts)  # replay feeds the turns in order
        kept = self._stored[turn] if turn < len(self._stored) else None
        if kept is not None and kept.text == text:
            return kept
        return self._models.understand(text, context)


def replay_stored(
    database: Engine,
    policy: PolicyEngine,
    models: Understands,
    since: dt.datetime,
    until: dt.datetime,
) -> ReplaySummary:
    """Replay every conversation started in [since, until) under ``policy``, streaming."""
    summary = ReplaySummary()
    with reading(database) as connection:
        for stored in recorded_conversations(connection, since, until):
            understander = _AsUnderstoodThen(models, stored.understood)
            summary.add(stored, replay(policy, understander, (stored.recorded,)))
    return summary
