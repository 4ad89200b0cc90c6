"""What each figure a lead sees means: ONE place, pure functions over a conversation's history.

A conversation's :class:`History` (its events and messages, exactly as stored) becomes one
:class:`Summary` (:func:`summarise`); summaries become :class:`Figures` (:func:`figures`) through
additive :class:`Tally` rows, which is also how the database aggregates them (one ``GROUP BY``
over the stored summaries, combined here). docs/metrics.md explains every definition with a
worked example. No I/O: the storage layer feeds and stores these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

#: The topic of a conversation whose customer never said what it was about.
NO_TOPIC = "conversation"
#: The intent of a customer message that complains (understanding/catalogue/intents.yaml).
COMPLAINT_INTENT = "complaint"
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
    intent: str | None = None  # customer messages only: what understanding made of it


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
    complained: bool = False  # a customer message was understood as a complaint

    @property
    def honest(self) -> bool:
        """Resolved, and the customer did not come back about it (see :func:`recontacts`)."""
        return self.resolution in RESOLVED and not self.recontacted


def summarise(history: History) -> Summary:
    """The figures of one conversation, from its events and messages alone."""
    steps = history.steps
    closed = _last(steps, "closed")
    handed = _first(steps, "handed_off")
    ratings = [s for s in steps if s.kind == "rated"]
    scores = [s for s in steps if s.kind == "nps"]
    up, down = _thumbs(steps)
    csat = int(ratings[-1].detail["score"]) if ratings else None
    band = band_of(steps)
    first_seconds, ai_sum, ai_count = _times(history, handed)
    felt = [m.frustration for m in history.said if m.author == "customer"]
    measured = [value for value in felt if value is not None]
    return Summary(
        conversation_id=history.conversation_id,
        created_at=history.created_at,
        ended_at=closed.at if closed else None,
        customer_id=history.customer_id,
        email=history.email.lower() if history.email else None,
        language=history.language,
        topic=topic_of(steps),
        band=band,
        resolution=resolution_of(history, csat),
        handoff_reason=handed.reason if handed else None,
        csat=csat,
        nps=int(scores[-1].detail["score"]) if scores else None,
        thumbs_up=up,
        thumbs_down=down,
        human_seconds=human_seconds(steps),
        first_response_seconds=first_seconds,
        ai_answer_seconds=ai_sum,
        ai_answers=ai_count,
        frustration_start=measured[0] if measured else None,
        frustration_end=measured[-1] if measured else None,
        complained=any(
            m.author == "customer" and m.intent == COMPLAINT_INTENT for m in history.said
        ),
    )


def _first(steps: Sequence[Step], kind: str) -> Step | None:
    return next((s for s in steps if s.kind == kind), None)


def _last(steps: Sequence[Step], kind: str) -> Step | None:
    return next((s for s in reversed(steps) if s.kind == kind), None)


def topic_of(steps: Sequence[Step]) -> str:
    """The topic of the first decision about something (not small talk or asking for a person);
    a conversation that never got past those has the topic ``conversation``."""
    for step in steps:
        topic = step.detail.get("topic") if step.kind == "decided" else None
        if topic and topic not in _VAGUE_TOPICS:
            return str(topic)
    return NO_TOPIC


def _answered(step: Step) -> bool:
    """A decision after which the AI answered the customer (not only handed over)."""
    return (
        step.kind == "decided"
        and step.detail.get("outcome") is not None
        and step.detail.get("action") not in ("handoff", "ticket")
    )


def band_of(steps: Sequence[Step]) -> Band:
    """ai_only: no person ever took it; human_only: taken before the AI answered anything."""
    taken = next((i for i, s in enumerate(steps) if s.kind == "taken"), None)
    if taken is None:
        return Band.AI_ONLY
    if any(_answered(s) for s in steps[:taken]):
        return Band.AI_THEN_HUMAN
    return Band.HUMAN_ONLY


def _thumbs(steps: Sequence[Step]) -> tuple[int, int]:
    """Thumbs up and down: the last one given on each AI message counts, once."""
    latest = {s.detail["message"]: bool(s.detail["up"]) for s in steps if s.kind == "thumbs"}
    ups = sum(latest.values())
    return ups, len(latest) - ups


#: Outcomes that are not an answer to what the customer needed.
_NOT_ANSWERS = frozenset({None, "small_talk", "not_understood"})


def last_answer(history: History) -> frozenset[int]:
    """The offsets of the AI's last answer: its messages replying to the last customer message
    it answered (not small talk such as a goodbye)."""
    decided = [s for s in history.steps if s.kind in ("decided", "performed")]
    answered = [
        s for s in decided if s.kind == "performed" or s.detail.get("outcome") not in _NOT_ANSWERS
    ]
    if not answered:
        return frozenset()
    asked = int(answered[-1].detail.get("message", 0))
    replies: list[int] = []
    for message in history.said:
        if message.offset <= asked:
            continue
        if message.author == "customer":
            break
        if message.author == "ai":
            replies.append(message.offset)
    return frozenset(replies)


def _last_ai_answer_thumb(history: History) -> bool | None:
    """The customer's latest thumb on the AI's last answer, if they gave one."""
    answer = last_answer(history)
    thumb = None
    for step in history.steps:
        if step.kind == "thumbs" and step.detail.get("message") in answer:
            thumb = bool(step.detail["up"])
    return thumb


def resolution_of(history: History, csat: int | None) -> Resolution:
    """In this order: open; abandoned (closed while queued, by the customer or the system,
    nobody having taken it); escalated (handed over); confirmed (thumbs up on the AI's last
    answer, or CSAT >= 4); unresolved (a complaint, a thumbs down, CSAT <= 2); assumed."""
    steps = history.steps
    closed = _last(steps, "closed")
    if closed is None:
        return Resolution.OPEN
    left = closed.from_state == "queued" and closed.actor in ("customer", "system")
    if left and _first(steps, "taken") is None:
        return Resolution.ABANDONED
    if _first(steps, "handed_off") is not None:
        return Resolution.ESCALATED
    last_thumb = _last_ai_answer_thumb(history)
    if last_thumb is True or (csat is not None and csat >= 4):
        return Resolution.CONFIRMED
    complained = any(s.kind == "decided" and s.detail.get("topic") == "complaints" for s in steps)
    thumbs_down = any(s.kind == "thumbs" and not s.detail.get("up") for s in steps)
    if complained or thumbs_down or last_thumb is False or (csat is not None and csat <= 2):
        return Resolution.UNRESOLVED
    return Resolution.ASSUMED


def human_seconds(steps: Sequence[Step]) -> float:
    """Handle time: from each take to the hand-back or close that ended it."""
    total, since = 0.0, None
    for step in steps:
        if step.kind == "taken":
            since = step.at
        elif step.kind in ("handed_back", "closed") and since is not None:
            total += (step.at - since).total_seconds()
            since = None
    return total


def _times(history: History, handed: Step | None) -> tuple[float | None, float, int]:
    """First response of a person after the first hand-over; the AI's answer times (each
    customer message to the AI's next message, while the AI owned the conversation)."""
    first = None
    if handed is not None:
        reply = next((m for m in history.said if m.author == "agent" and m.at >= handed.at), None)
        first = (reply.at - handed.at).total_seconds() if reply else None
    ai_sum, ai_count, waiting = 0.0, 0, None
    for message in history.said:
        if message.author == "customer":
            waiting = waiting or message.at
        elif message.author == "ai" and waiting is not None:
            ai_sum += max(0.0, (message.at - waiting).total_seconds())
            ai_count += 1
            waiting = None
        elif message.author in ("agent", "system"):
            waiting = None
    return first, ai_sum, ai_count


def same_customer(a: Summary, b: Summary) -> bool:
    return bool(
        (a.customer_id and a.customer_id == b.customer_id) or (a.email and a.email == b.email)
    )


def recontacts(earlier: Summary, later: Summary, days: int) -> bool:
    """Whether ``later`` is a re-contact about ``earlier``: the same customer (same customer
    id, or same email), the same topic, opened after ``earlier`` began and at most ``days``
    after it ended."""
    if earlier.conversation_id == later.conversation_id or not same_customer(earlier, later):
        return False
    if earlier.topic != later.topic or earlier.topic in _VAGUE_TOPICS:
        return False
    ended = earlier.ended_at or earlier.created_at
    return earlier.created_at < later.created_at <= ended + dt.timedelta(days=days)


def mark_recontacts(summaries: Sequence[Summary], days: int) -> list[Summary]:
    """The summaries with ``recontacted`` set from one another (all of one customer, say)."""
    return [
        replace(s, recontacted=any(recontacts(s, later, days) for later in summaries))
        for s in summaries
    ]


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
    """One summary as a tally of one (the database sums the same columns per group)."""
    s, nps = summary, summary.nps
    measured = s.frustration_start is not None and s.frustration_end is not None
    return Tally(
        topic=s.topic,
        band=s.band,
        resolution=s.resolution,
        handoff_reason=s.handoff_reason,
        recontacted=s.recontacted,
        conversations=1,
        csat_sum=s.csat or 0,
        csat_responses=int(s.csat is not None),
        nps_promoters=int(nps is not None and nps >= 9),
        nps_detractors=int(nps is not None and nps <= 6),
        nps_responses=int(nps is not None),
        thumbs_up=s.thumbs_up,
        thumbs_down=s.thumbs_down,
        human_seconds=s.human_seconds,
        first_response_sum=s.first_response_seconds or 0.0,
        first_responses=int(s.first_response_seconds is not None),
        ai_answer_sum=s.ai_answer_seconds,
        ai_answers=s.ai_answers,
        frustration_start_sum=(s.frustration_start or 0.0) if measured else 0.0,
        frustration_end_sum=(s.frustration_end or 0.0) if measured else 0.0,
        frustration_measured=int(measured),
    )


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


def _ratio(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def _mean(total: float, count: int, digits: int = 2) -> float | None:
    return round(total / count, digits) if count else None


def figures(tallies: Iterable[Tally], costs: Costs) -> Figures:
    """The figures of a set of conversations, from their tallies (any grouping)."""
    rows = list(tallies)

    def total(name: str, where: Callable[[Tally], bool] = lambda _: True) -> float:
        return float(sum(getattr(t, name) for t in rows if where(t)))

    def counted(where: Callable[[Tally], bool]) -> int:
        return sum(t.conversations for t in rows if where(t))

    conversations = int(total("conversations"))
    count = {r: sum(t.conversations for t in rows if t.resolution is r) for r in Resolution}
    closed = conversations - count[Resolution.OPEN]
    resolved = count[Resolution.CONFIRMED] + count[Resolution.ASSUMED]
    honest = counted(lambda t: t.resolution in RESOLVED and not t.recontacted)
    recontacted = counted(lambda t: t.recontacted and t.resolution is not Resolution.OPEN)
    reasons: dict[str, int] = {}
    for t in rows:
        if t.handoff_reason is not None:
            reasons[t.handoff_reason] = reasons.get(t.handoff_reason, 0) + t.conversations
    handed = sum(reasons.values())
    owned = counted(lambda t: t.band is not Band.AI_ONLY)
    ai_conversations = counted(lambda t: t.band is not Band.HUMAN_ONLY)
    human_minutes = total("human_seconds") / 60
    cost = round(
        human_minutes / 60 * costs.per_agent_hour + ai_conversations * costs.per_ai_conversation,
        2,
    )
    nps_n = int(total("nps_responses"))
    measured = int(total("frustration_measured"))
    start = _mean(total("frustration_start_sum"), measured, 3)
    end = _mean(total("frustration_end_sum"), measured, 3)
    resolution: dict[str, float | int | None] = {r.value: count[r] for r in Resolution}
    resolution |= {
        "honest": honest,
        "confirmed_rate": _ratio(count[Resolution.CONFIRMED], closed),
        "resolved_rate": _ratio(resolved, closed),
        "honest_rate": _ratio(honest, closed),
    }
    return Figures(
        conversations=conversations,
        bands={b.value: sum(t.conversations for t in rows if t.band is b) for b in Band},
        resolution=resolution,
        recontact_rate=_ratio(recontacted, closed),
        csat_average=_mean(total("csat_sum"), int(total("csat_responses"))),
        csat_responses=int(total("csat_responses")),
        nps_score=(
            round(100 * (total("nps_promoters") - total("nps_detractors")) / nps_n, 1)
            if nps_n
            else None
        ),
        nps_responses=nps_n,
        thumbs_up=int(total("thumbs_up")),
        thumbs_down=int(total("thumbs_down")),
        handoff_rate=_ratio(handed, conversations),
        handoff_reasons=dict(sorted(reasons.items())),
        first_response_seconds=_mean(total("first_response_sum"), int(total("first_responses"))),
        handle_minutes=_mean(human_minutes, owned),
        ai_answer_seconds=_mean(total("ai_answer_sum"), int(total("ai_answers"))),
        frustration_start=start,
        frustration_end=end,
        frustration_trend=round(end - start, 3) if start is not None and end is not None else None,
        human_minutes=round(human_minutes, 2),
        cost=cost,
        cost_per_resolution=round(cost / honest, 2) if honest else None,
    )
