"""What each figure a lead sees means: ONE place, pure functions over a conversation's history.

A conversation's :class:`History` (its events and messages, exactly as stored) becomes one
:class:`Summary` (:func:`summarise`); summaries become :class:`Figures` (:func:`figures`) through
additive :class:`Tally` rows, which is also how the database aggregates them (one ``GROUP BY``
over the stored summaries, combined here). docs/metrics.md explains every definition with a
worked example. No I/O: the storage layer feeds and stores these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

#: The topic of a conversation whose customer never said what it was about.
NO_TOPIC = "conversation"
#: Topics that say nothing about what the customer needed (small talk, asking for a person).
_VAGUE_TOPICS = frozenset({NO_TOPIC})


class Band(StrEnum):
    AI_ONLY = "ai_only"  # no person ever owned it
    AI_THEN_HUMAN = "ai_then_human"  # the AI answered, then a person took over
    HUMAN_ONLY = "human_only"  # a person from the first reply on


class Resolution(StrEnum):
    CONFIRMED = (
        "confirmed"  # the customer said it helped (thumbs up on the last AI answer, CSAT>=4)
    )
    ASSUMED = "assumed"  # closed without a hand-over, complaint or thumbs down
    ESCALATED = "escalated"  # a person was asked for (handed over)
    ABANDONED = "abandoned"  # the customer left while waiting in the queue
    UNRESOLVED = "unresolved"  # closed by the AI with a complaint, a thumbs down or CSAT <= 2
    OPEN = "open"  # not closed yet


RESOLVED = frozenset({Resolution.CONFIRMED, Resolution.ASSUMED})


# -- the input: what was stored ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Step:
    """One stored event (the ``events`` table), with the fields the definitions read."""

    kind: str  # opened, handed_off, taken, handed_back, closed, rated, decided, thumbs, nps...
    actor: str  # customer, ai, agent, system
    at: dt.datetime
    reason: str | None = None
    from_state: str | None = None
    to_state: str | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Said:
    """One stored message (the ``messages`` table)."""

    offset: int
    author: str  # customer, ai, agent, system
    at: dt.datetime
    frustration: float | None = None  # customer messages only


@dataclass(frozen=True, slots=True)
class History:
    conversation_id: str
    created_at: dt.datetime
    customer_id: str | None
    email: str | None  # the signed-in or contact address (lower case)
    language: str
    steps: Sequence[Step]  # in order (seq)
    said: Sequence[Said]  # in order (offset)


# -- one conversation ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Summary:
    """Every figure of one conversation: stored as one row, aggregated by :func:`figures`."""

    conversation_id: str
    created_at: dt.datetime
    ended_at: dt.datetime | None  # closed at; None while open
    customer_id: str | None
    email: str | None
    language: str
    topic: str
    band: Band
    resolution: Resolution
    handoff_reason: str | None  # the first hand-over's reason code
    csat: int | None
    nps: int | None
    thumbs_up: int
    thumbs_down: int
    human_seconds: float  # handle time: while a person owned it
    first_response_seconds: float | None  # hand-over to a person's first message
    ai_answer_seconds: float  # summed over the AI's answers
    ai_answers: int
    frustration_start: float | None
    frustration_end: float | None
    recontacted: bool = False  # set by :func:`mark_recontacts`

    @property
    def honest(self) -> bool:
        """Resolved, and the customer did not come back about it (see :func:`recontacts`)."""
        return self.resolution in RESOLVED and not self.recontacted


def summarise(history: History) -> Summary:
    raise NotImplementedError


def recontacts(earlier: Summary, later: Summary, days: int) -> bool:
    """Whether ``later`` is a re-contact about ``earlier``: the same customer (same customer
    id, or same email), the same topic, opened after ``earlier`` began and at most ``days``
    after it ended."""
    raise NotImplementedError


def mark_recontacts(summaries: Sequence[Summary], days: int) -> list[Summary]:
    raise NotImplementedError


# -- many conversations ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tally:
    """Additive sums over a group of summaries with the same key: the database's GROUP BY row."""

    topic: str
    band: Band
    resolution: Resolution
    handoff_reason: str | None
    recontacted: bool
    conversations: int = 0
    csat_sum: int = 0
    csat_responses: int = 0
    nps_promoters: int = 0
    nps_detractors: int = 0
    nps_responses: int = 0
    thumbs_up: int = 0
    thumbs_down: int = 0
    human_seconds: float = 0.0
    first_response_sum: float = 0.0
    first_responses: int = 0
    ai_answer_sum: float = 0.0
    ai_answers: int = 0
    frustration_start_sum: float = 0.0
    frustration_end_sum: float = 0.0
    frustration_measured: int = 0


def tally(summary: Summary) -> Tally:
    raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Costs:
    per_agent_hour: float
    per_ai_conversation: float


@dataclass(frozen=True, slots=True)
class Figures:
    conversations: int
    bands: dict[str, int]
    resolution: dict[str, float | int | None]
    recontact_rate: float | None
    csat_average: float | None
    csat_responses: int
    nps_score: float | None
    nps_responses: int
    thumbs_up: int
    thumbs_down: int
    handoff_rate: float | None
    handoff_reasons: dict[str, int]
    first_response_seconds: float | None
    handle_minutes: float | None
    ai_answer_seconds: float | None
    frustration_start: float | None
    frustration_end: float | None
    frustration_trend: float | None
    human_minutes: float
    cost: float
    cost_per_resolution: float | None


def figures(tallies: Iterable[Tally], costs: Costs) -> Figures:
    raise NotImplementedError
