"""A week's staffing plan from measured history, and what a roll-out step back or an AI outage
would do to it (pure: the history is read by storage.capacity_history).

The history gives, per half hour of the week, how many conversations arrive; per topic, the
share that reaches a person (the AI's containment, honestly: a re-contact is a conversation of
its own and counts as work) and the human handle time from take to close; from the queue, how
patient customers are. A :class:`Scenario` changes what reaches people (a topic's containment
drops, or the AI is off), every input can be overridden, and :func:`plan` staffs each of the
336 half hours with :func:`tandem.desk.capacity.staff` (Erlang C, or Erlang A with a patience),
against the agents on duty when given, with the queue that builds up when they are too few.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from tandem.desk.capacity import (
    DEFAULT_SLOWDOWN,
    Concurrency,
    Performance,
    Staffing,
    Target,
    Workload,
    evaluate,
)
from tandem.desk.capacity import staff as staff_one
from tandem.desk.practice import mean_concurrency, typical_chats
from tandem.domain.errors import InvalidInput

SLOTS_PER_DAY = 48
WEEK_SLOTS = 7 * SLOTS_PER_DAY
SLOT_HOURS = 0.5
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: Fewer handed-over conversations than this give no handle time worth trusting.
MIN_HANDLED = 5


@dataclass(frozen=True, slots=True)
class TopicHistory:
    """One topic over the measured weeks."""

    conversations: int
    to_person: int  # of them, how many a person owned at some point
    human_minutes: float  # summed handle time of those

    @property
    def person_share(self) -> float:
        return self.to_person / self.conversations if self.conversations else 0.0

    @property
    def handle_minutes(self) -> float | None:
        """This topic's mean human handle time; None when too few were handed over."""
        return self.human_minutes / self.to_person if self.to_person >= MIN_HANDLED else None


@dataclass(frozen=True, slots=True)
class History:
    """What Tandem's own records say (storage.capacity_history reads it)."""

    weeks: float  # how long the history is
    arrivals: tuple[float, ...]  # conversations per half hour of the week (mon 00:00 first), mean
    topics: Mapping[str, TopicHistory]
    waited_minutes: float  # summed time customers spent in the queue (answered or not)
    abandoned: int  # customers who left the queue before a person took them
    #: Chat-minutes at each number of chats the agent had in hand (desk.practice).
    in_hand: Mapping[int, float] = field(default_factory=dict)
    unseen: int = 0  # half hours of the week the history never covered (it is too short)
    asked_weeks: float | None = None  # the weeks asked for, when the history covers fewer

    def __post_init__(self) -> None:
        if len(self.arrivals) != WEEK_SLOTS:
            raise InvalidInput(f"a week has {WEEK_SLOTS} half hours, not {len(self.arrivals)}")

    @property
    def concurrency(self) -> float | None:
        """The chats in hand a handed-over chat saw on average; None when none was held."""
        return mean_concurrency(self.in_hand)

    @property
    def typical_chats(self) -> int | None:
        """The chats at once that covered 95% of the human work; None when none was held."""
        return typical_chats(self.in_hand)

    def handle_alone_minutes(self, slowdown: float = DEFAULT_SLOWDOWN) -> float | None:
        """The measured handle time as if each chat had been handled alone: a chat that shared
        its agent with k̄ - 1 others on average took (1 + slowdown·(k̄ - 1)) times longer."""
        measured, seen = self.handle_minutes, self.concurrency
        if measured is None or seen is None:
            return measured
        return measured / (1.0 + slowdown * (seen - 1.0))

    @property
    def handled(self) -> int:
        return sum(topic.to_person for topic in self.topics.values())

    @property
    def handle_minutes(self) -> float | None:
        """Mean human handle time of a handed-over conversation; None when too few."""
        if self.handled < MIN_HANDLED:
            return None
        return sum(t.human_minutes for t in self.topics.values()) / self.handled

    @property
    def patience_minutes(self) -> float | None:
        """Mean patience, estimated as all waiting time over those who gave up (the maximum
        likelihood estimate for exponential patience, counting those answered as censored)."""
        return self.waited_minutes / self.abandoned if self.abandoned else None


@dataclass(frozen=True, slots=True)
class Assumptions:
    """What the lead sets or overrides; None means: as measured."""

    handle_minutes: float | None = None
    patience_minutes: float | None = None
    concurrency: Concurrency = field(default_factory=Concurrency)
    arrivals_factor: float = 1.0  # e.g. 1.2 for a sale week
    cost_per_agent_hour: float = 0.0
    cost_per_ai_conversation: float = 0.0


@dataclass(frozen=True, slots=True)
class Scenario:
    """What reaches people: as measured, with some topics' share to a person changed (a step
    back in the roll-out), or everything (the AI off)."""

    name: str = "as measured"
    person_share: Mapping[str, float] = field(default_factory=dict)
    ai_off: bool = False

    def __post_init__(self) -> None:
        for topic, share in self.person_share.items():
            if not (math.isfinite(share) and 0.0 <= share <= 1.0):
                raise InvalidInput(f"the share to a person of {topic} must be from 0 to 1")

    def share(self, topic: str, measured: TopicHistory) -> float:
        if self.ai_off:
            return 1.0
        return self.person_share.get(topic, measured.person_share)


@dataclass(frozen=True, slots=True)
class Interval:
    """One half hour of the plan."""

    day: str
    start: str  # "09:30"
    arrivals: float  # conversations in this half hour
    to_people: float  # of them, reaching a person
    needed: Staffing
    on_duty: Performance | None  # what the agents on duty achieve, when given
    backlog: float  # customers still queued at its end with the agents on duty
    scheduled: int | None = None  # the agents on duty, when given


@dataclass(frozen=True, slots=True)
class Plan:
    scenario: Scenario
    target: Target
    handle_minutes: float
    patience_minutes: float | None
    person_share: float  # of all arrivals
    intervals: tuple[Interval, ...]
    agent_hours: float  # needed over the week
    cost: float  # agent hours and AI conversations, at the configured prices
    resolutions: float  # conversations expected to end answered (not abandoned)
    arrivals_factor: float = 1.0  # applied to the history's arrivals

    @property
    def peak_agents(self) -> int:
        return max(interval.needed.agents for interval in self.intervals)

    @property
    def cost_per_resolution(self) -> float | None:
        return self.cost / self.resolutions if self.resolutions else None

    @property
    def peak_backlog(self) -> float:
        return max(interval.backlog for interval in self.intervals)

    @property
    def short_intervals(self) -> int:
        """Half hours with fewer agents on duty than needed (0 when none are given)."""
        return sum(
            i.scheduled is not None and i.scheduled < i.needed.agents for i in self.intervals
        )


def notes(history: History) -> list[str]:
    """What the lead should know about the history before trusting the plan (not refusals)."""
    found = []
    if history.asked_weeks is not None and history.weeks < history.asked_weeks:
        found.append(
            f"the history covers {history.weeks:.1f} of the {history.asked_weeks:g} weeks asked "
            "(Tandem has no conversations before that); the arrivals are averaged over what "
            "it covers"
        )
    if history.unseen:
        found.append(
            f"{history.unseen} of the week's {WEEK_SLOTS} half hours are not in the history "
            "yet: they are planned as quiet"
        )
    if history.handle_minutes is None:
        found.append(f"fewer than {MIN_HANDLED} conversations handled by a person")
    if history.concurrency is None:
        found.append("no chat held by a person: concurrency is not measured (1 chat at a time)")
    return found


def problems(history: History, assumptions: Assumptions, quiet_ok: bool = False) -> list[str]:
    """What is missing to plan, in words (each can be given as an override instead)."""
    found = []
    if not quiet_ok and not any(history.arrivals):
        found.append("no conversations in the history (give more weeks, or wait for traffic)")
    if assumptions.handle_minutes is None and history.handle_minutes is None:
        found.append(
            f"fewer than {MIN_HANDLED} conversations handled by a person: set the handle time"
        )
    return found


def plan(
    history: History,
    target: Target,
    scenario: Scenario = Scenario(),
    assumptions: Assumptions = Assumptions(),
    on_duty: int | Sequence[int] | None = None,
    quiet_ok: bool = False,
) -> Plan:
    """Staff every half hour of a week; InvalidInput names what the history cannot give (a
    week without conversations only when ``quiet_ok``: a back-test's real week may be).

    ``on_duty`` is the agents on duty: one number for every half hour, or one per half hour
    (a schedule, desk.schedule)."""
    missing = problems(history, assumptions, quiet_ok)
    if missing:
        raise InvalidInput("; ".join(missing))
    duty = _per_interval(on_duty)
    handle = assumptions.handle_minutes or _handle(history, scenario, assumptions.concurrency)
    patience = assumptions.patience_minutes or history.patience_minutes
    share = _person_share(history, scenario)
    staffed: dict[float, Staffing] = {}  # many half hours carry the same load
    achieved: dict[tuple[float, int], Performance] = {}  # ... and the same agents on duty
    intervals, backlog, agent_hours = [], 0.0, 0.0
    for slot, arrivals in enumerate(history.arrivals):
        arriving = arrivals * assumptions.arrivals_factor
        to_people = arriving * share
        workload = Workload(to_people / SLOT_HOURS, handle, patience, assumptions.concurrency)
        key = round(workload.arrivals_per_hour, 6)
        if key not in staffed:
            staffed[key] = staff_one(workload, target)
        needed = staffed[key]
        performance, scheduled = None, None
        if duty is not None:
            scheduled = duty[slot]
            if (key, scheduled) not in achieved:
                achieved[key, scheduled] = evaluate(
                    workload, scheduled, target.answer_within_seconds
                )
            performance = achieved[key, scheduled]
            backlog = _backlog(backlog, to_people, scheduled, handle, assumptions.concurrency)
        agent_hours += needed.agents * SLOT_HOURS
        day, minute = divmod(slot, SLOTS_PER_DAY)
        start = f"{minute // 2:02d}:{30 * (minute % 2):02d}"
        intervals.append(
            Interval(
                DAYS[day], start, arriving, to_people, needed, performance, backlog, scheduled
            )
        )
    total = sum(history.arrivals) * assumptions.arrivals_factor
    abandoned = sum(
        i.to_people * (i.needed.performance.abandonment or 0.0) for i in intervals
    )
    cost = (
        agent_hours * assumptions.cost_per_agent_hour
        + (0.0 if scenario.ai_off else total) * assumptions.cost_per_ai_conversation
    )
    return Plan(
        scenario,
        target,
        handle,
        patience,
        share,
        tuple(intervals),
        agent_hours,
        cost,
        total - abandoned,
        assumptions.arrivals_factor,
    )


def _handle(history: History, scenario: Scenario, concurrency: Concurrency) -> float:
    """The measured handle time (per chat alone) of what reaches people in the scenario: each
    topic's own where enough were handled, else the mean, weighted by the topic's conversations
    reaching people, so a step back on a slow topic slows the mix."""
    overall, alone = history.handle_minutes, history.handle_alone_minutes(concurrency.slowdown)
    assert overall is not None and alone is not None  # problems() said so otherwise
    weights = {
        name: topic.conversations * scenario.share(name, topic)
        for name, topic in history.topics.items()
    }
    total = sum(weights.values())
    if not total:
        return alone
    mixed = sum(
        weight * (history.topics[name].handle_minutes or overall)
        for name, weight in weights.items()
    )
    return mixed / total * alone / overall


def _per_interval(on_duty: int | Sequence[int] | None) -> Sequence[int] | None:
    if on_duty is None or isinstance(on_duty, Sequence):
        if on_duty is not None and len(on_duty) != WEEK_SLOTS:
            raise InvalidInput(f"a schedule has {WEEK_SLOTS} half hours, not {len(on_duty)}")
        return on_duty
    return (on_duty,) * WEEK_SLOTS


def _person_share(history: History, scenario: Scenario) -> float:
    """The share of all arrivals that reaches a person, weighting each topic by its volume."""
    total = sum(topic.conversations for topic in history.topics.values())
    if not total:
        return 1.0 if scenario.ai_off else 0.0
    unknown = set(scenario.person_share) - set(history.topics)
    if unknown:
        raise InvalidInput(f"no conversations about {', '.join(sorted(unknown))} in the history")
    reaching = sum(t.conversations * scenario.share(name, t) for name, t in history.topics.items())
    return reaching / total


def _backlog(
    queued: float, arriving: float, agents: int, handle: float, concurrency: Concurrency
) -> float:
    """Customers left waiting after a half hour: those waiting before plus those arriving,
    less what the agents on duty can finish in it (a fluid approximation of an overload)."""
    chats = concurrency.chats
    per_agent = SLOT_HOURS * 60.0 / handle * concurrency.speed(chats)
    return max(0.0, queued + arriving - agents * per_agent)


@dataclass(frozen=True, slots=True)
class Accuracy:
    """How a plan made before a week compares with the plan that week's real arrivals needed."""

    to_people_error: float  # mean absolute error per half hour, conversations reaching people
    agents_error: float  # mean absolute error per half hour, agents
    short_intervals: int  # half hours the plan had fewer agents than were needed
    predicted_to_people: float  # over the week
    actual_to_people: float


def compare(predicted: Plan, actual: Plan) -> Accuracy:
    """Interval by interval: the plan made from the weeks before against the week itself."""
    pairs = list(zip(predicted.intervals, actual.intervals, strict=True))
    return Accuracy(
        to_people_error=sum(abs(p.to_people - a.to_people) for p, a in pairs) / len(pairs),
        agents_error=sum(abs(p.needed.agents - a.needed.agents) for p, a in pairs) / len(pairs),
        short_intervals=sum(p.needed.agents < a.needed.agents for p, a in pairs),
        predicted_to_people=sum(p.to_people for p, _ in pairs),
        actual_to_people=sum(a.to_people for _, a in pairs),
    )
