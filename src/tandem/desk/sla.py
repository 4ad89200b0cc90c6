"""SLA clocks (pure): how long a customer has waited for a person's answer, against targets.

A clock runs from the hand-over to the agent's first message (first response), and again from
each customer message that follows an agent's message to the agent's next one (next
response). While the conversation waits on the customer (an agent's message is the last word)
no clock runs; the customer's next message starts one. Closing stops a running clock. Time is
counted in office hours when they are set.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from tandem.desk.hours import OfficeHours, after_working, working_seconds
from tandem.domain.decision import Priority
from tandem.domain.errors import InvalidInput


class ClockKind(StrEnum):
    FIRST = "first_response"
    NEXT = "next_response"


class ClockState(StrEnum):
    RUNNING = "running"  # within target, not yet near it
    APPROACHING = "approaching"  # past the approaching share of the target
    BREACHED = "breached"  # running past the target
    MET = "met"  # answered within the target
    MISSED = "missed"  # answered, but after the target
    STOPPED = "stopped"  # the conversation closed before an answer


class Step(StrEnum):
    CUSTOMER = "customer"  # the customer wrote
    AGENT = "agent"  # an agent wrote to the customer
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Timeline:
    """One hand-over as the clocks read it: when it began and what happened since."""

    started: dt.datetime
    priority: Priority
    steps: tuple[tuple[dt.datetime, Step], ...] = ()


@dataclass(frozen=True, slots=True)
class Targets:
    """Seconds per priority for each clock, and the share of a target that counts as near."""

    first: dict[Priority, float]
    next: dict[Priority, float]
    approaching_share: float = 0.75

    def of(self, kind: ClockKind, priority: Priority) -> float | None:
        return (self.first if kind is ClockKind.FIRST else self.next).get(priority)


@dataclass(frozen=True, slots=True)
class WorkingTime:
    hours: OfficeHours
    zone: dt.tzinfo

    def between(self, start: dt.datetime, end: dt.datetime) -> float:
        return working_seconds(self.hours, self.zone, start, end)

    def after(self, start: dt.datetime, seconds: float) -> dt.datetime | None:
        return after_working(self.hours, self.zone, start, seconds)


ALWAYS = WorkingTime(OfficeHours(), dt.UTC)


@dataclass(frozen=True, slots=True)
class Rules:
    targets: Targets
    time: WorkingTime = ALWAYS


@dataclass(frozen=True, slots=True)
class Clock:
    kind: ClockKind
    started: dt.datetime
    ended: dt.datetime | None  # answered or closed; None while running
    target_seconds: float
    elapsed_seconds: float  # counted in office hours
    deadline: dt.datetime | None  # when the target is reached (None: never opens)
    state: ClockState

    @property
    def key(self) -> str:
        """Names this clock among a conversation's (its events carry it)."""
        return f"{self.kind.value}@{self.started.isoformat()}"

    @property
    def running(self) -> bool:
        return self.ended is None


def parse_targets(text: str, name: str) -> dict[Priority, float]:
    """ "urgent=5,high=15,normal=30,low=120" (minutes) -> seconds per priority; a priority left
    out has no clock."""
    found: dict[Priority, float] = {}
    for part in (p.strip() for p in text.split(",") if p.strip()):
        key, _, value = part.partition("=")
        try:
            priority, minutes = Priority(key.strip().lower()), float(value)
        except ValueError:
            raise InvalidInput(
                f"{name}: cannot read {part!r} (e.g. 'urgent=5,normal=30')"
            ) from None
        if not 0 < minutes <= 60 * 24 * 30:
            raise InvalidInput(f"{name}: {part!r} must be between 0 and 30 days in minutes")
        found[priority] = minutes * 60
    return found


def clocks(
    timeline: Timeline, targets: Targets, moment: dt.datetime, time: WorkingTime = ALWAYS
) -> list[Clock]:
    """Every clock of this hand-over, in order; the last one may be running at `moment`."""
    spans: list[tuple[ClockKind, dt.datetime, dt.datetime | None, bool]] = []
    kind, since = ClockKind.FIRST, timeline.started
    open_: dt.datetime | None = since
    for at, step in sorted(timeline.steps):
        if at < timeline.started:
            continue
        if step is Step.AGENT:
            if open_ is not None:
                spans.append((kind, open_, at, True))
            open_ = None
        elif step is Step.CUSTOMER and open_ is None:
            kind, open_ = ClockKind.NEXT, at
        elif step is Step.CLOSED:
            if open_ is not None:
                spans.append((kind, open_, at, False))
            open_ = None
            break
    if open_ is not None:
        spans.append((kind, open_, None, False))
    found = []
    for kind, start, end, answered in spans:
        target = targets.of(kind, timeline.priority)
        if target is not None:
            found.append(_clock(kind, start, end, answered, target, targets, moment, time))
    return found


def current(
    timeline: Timeline, targets: Targets, moment: dt.datetime, time: WorkingTime = ALWAYS
) -> Clock | None:
    """The running clock, if one runs."""
    found = clocks(timeline, targets, moment, time)
    return found[-1] if found and found[-1].running else None


def _clock(
    kind: ClockKind,
    start: dt.datetime,
    end: dt.datetime | None,
    answered: bool,
    target: float,
    targets: Targets,
    moment: dt.datetime,
    time: WorkingTime,
) -> Clock:
    elapsed = time.between(start, end or moment)
    if end is None:
        if elapsed >= target:
            state = ClockState.BREACHED
        elif elapsed >= target * targets.approaching_share:
            state = ClockState.APPROACHING
        else:
            state = ClockState.RUNNING
    elif answered:
        state = ClockState.MET if elapsed <= target else ClockState.MISSED
    else:
        state = ClockState.STOPPED
    return Clock(kind, start, end, target, elapsed, time.after(start, target), state)
