"""Capacity planning: how many agents a workload needs for a service-level target (pure).

A `Workload` is chats per hour, a handle time, optionally the customers' patience (Erlang A,
else Erlang C) and chat concurrency. `evaluate` says what a given number of agents achieves;
`staff` finds the fewest agents that meet a `Target`, searching only up to `max_agents`, and
says so, with the best achievable, when no staffing within that bound is enough. The formulas
are in `desk.queueing`; the models and their assumptions in docs/capacity.md.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from tandem.desk.queueing import Below, Outcome, below_step, outcome
from tandem.domain.errors import InvalidInput

Model = Literal["erlang_c", "erlang_a"]

#: Each extra chat at once makes every open chat of that agent take this share longer.
DEFAULT_SLOWDOWN = 0.25
#: No search goes beyond this many agents unless told (a bound, so no search runs away).
DEFAULT_MAX_AGENTS = 10_000
MAX_CHATS_AT_ONCE = 10
MAX_SLOWDOWN = 5.0
MAX_ARRIVALS_PER_HOUR = 1_000_000.0
MAX_MINUTES = 24 * 60.0  # handle time and patience: at most a day
#: ... and at least this (0.06 s): shorter ones are typing errors, and near 0 the rates overflow.
MIN_MINUTES = 0.001
MAX_ANSWER_WITHIN_SECONDS = 24 * 3600.0
LARGEST_MAX_AGENTS = 20_000


def check_number(name: str, value: float, low: float, high: float, low_included: bool) -> None:
    """Raise InvalidInput unless `value` is a finite number from `low` (or just above) to `high`."""
    ok = math.isfinite(value) and (value >= low if low_included else value > low)
    if not ok or value > high:
        bound = f"{'at least' if low_included else 'more than'} {low:g}"
        raise InvalidInput(f"{name} must be a number {bound} and at most {high:g}, not {value!r}")


def check_agents(name: str, value: int, low: int) -> None:
    """Raise InvalidInput unless `value` is a whole number of agents from `low` to the largest."""
    check_number(name, value, low, LARGEST_MAX_AGENTS, True)
    if value != int(value):
        raise InvalidInput(f"{name} must be a whole number, not {value!r}")


@dataclass(frozen=True, slots=True)
class Concurrency:
    """Up to `chats` chats per agent; with k at once, each takes (1 + slowdown·(k-1))·h."""

    chats: int = 1
    slowdown: float = DEFAULT_SLOWDOWN

    def __post_init__(self) -> None:
        check_number("chats at once", self.chats, 1, MAX_CHATS_AT_ONCE, True)
        if self.chats != int(self.chats):
            raise InvalidInput(f"chats at once must be a whole number, not {self.chats!r}")
        check_number("the slowdown per extra chat", self.slowdown, 0.0, MAX_SLOWDOWN, True)

    def speed(self, k: int) -> float:
        """Chats one agent finishes per handle time with k chats open: k / (1 + slowdown·(k-1))."""
        return k / (1.0 + self.slowdown * (k - 1)) if k else 0.0


ONE_AT_A_TIME = Concurrency()


@dataclass(frozen=True, slots=True)
class Workload:
    """Arrivals per hour, handle minutes of a chat handled alone, patience in minutes or None."""

    arrivals_per_hour: float
    handle_minutes: float
    patience_minutes: float | None = None
    concurrency: Concurrency = ONE_AT_A_TIME

    def __post_init__(self) -> None:
        check_number("arrivals per hour", self.arrivals_per_hour, 0.0, MAX_ARRIVALS_PER_HOUR, True)
        minutes = MIN_MINUTES, MAX_MINUTES, True
        check_number("the handle time in minutes", self.handle_minutes, *minutes)
        if self.patience_minutes is not None:
            check_number("the patience in minutes", self.patience_minutes, *minutes)

    @property
    def model(self) -> Model:
        return "erlang_c" if self.patience_minutes is None else "erlang_a"

    @property
    def load(self) -> float:
        """Offered load in agents' worth of work at full concurrency (Erlangs when one chat)."""
        chats = self.concurrency.chats
        # Multiplied before dividing, so a whole load (120/h of 30 min = 60) comes out whole.
        return self.arrivals_per_hour * self.handle_minutes / 60.0 / self.concurrency.speed(chats)

    @property
    def arrival_rate(self) -> float:
        """Chats per minute, derived from `load` so that load == agents is judged unstable."""
        return self.load * self.concurrency.speed(self.concurrency.chats) / self.handle_minutes


@dataclass(frozen=True, slots=True)
class Target:
    """A share of customers (0 < service_level < 1) answered within so many seconds."""

    service_level: float
    answer_within_seconds: float

    def __post_init__(self) -> None:
        level = self.service_level
        if not (math.isfinite(level) and 0.0 < level < 1.0):
            raise InvalidInput(f"the service level must be between 0 and 1, not {level!r}")
        within = self.answer_within_seconds
        check_number("answer within (seconds)", within, 0.0, MAX_ANSWER_WITHIN_SECONDS, True)


@dataclass(frozen=True, slots=True)
class Performance:
    """What `agents` achieve in the long run. A queue that grows without end is not `stable`."""

    agents: int
    stable: bool
    service_level: float
    probability_of_waiting: float
    average_speed_of_answer_seconds: float  # of answered customers; inf when not stable
    occupancy: float  # share of the agents' chat slots in use
    abandonment: float | None  # share who give up waiting; None without a patience


@dataclass(frozen=True, slots=True)
class Staffing:
    """The fewest agents meeting the target, or (`met` False) the best within the bound."""

    workload: Workload
    target: Target
    performance: Performance
    met: bool
    max_agents: int

    @property
    def agents(self) -> int:
        return self.performance.agents

    def shortfall(self) -> str | None:
        """Why the target cannot be met, with the best achievable; None when it is met."""
        if self.met:
            return None
        best = self.performance
        if not best.stable:
            return (
                f"the load is {self.workload.load:.1f} agents' worth of work: even "
                f"{self.max_agents} agents (the most allowed) cannot keep the queue from growing"
            )
        return (
            f"no staffing up to {self.max_agents} agents (the most allowed) answers "
            f"{self.target.service_level:.1%} within {self.target.answer_within_seconds:g} s; "
            f"the best achievable is {best.service_level:.2%}, with {best.agents} agents"
        )


def evaluate(workload: Workload, agents: int, answer_within_seconds: float) -> Performance:
    """What `agents` achieve for `workload`, answering within the given seconds."""
    check_agents("agents", agents, 0)
    if workload.arrivals_per_hour == 0.0:
        return _idle(workload, agents)
    if agents == 0:
        return _overrun(workload, 0)
    return _performance(workload, agents, _below(workload, agents), answer_within_seconds)


def staff(workload: Workload, target: Target, max_agents: int = DEFAULT_MAX_AGENTS) -> Staffing:
    """The fewest agents (up to `max_agents`) whose service level meets the target."""
    check_agents("the most agents", max_agents, 1)
    if workload.arrivals_per_hour == 0.0:
        return Staffing(workload, target, _idle(workload, 0), True, max_agents)
    within = target.answer_within_seconds
    lowest = _lowest_stable(workload)
    if lowest > max_agents:
        return Staffing(workload, target, _overrun(workload, max_agents), False, max_agents)
    if workload.model == "erlang_c" and workload.concurrency.chats == 1:
        return _walk(workload, target, lowest, max_agents)
    agents = _bisect(workload, target, lowest, max_agents)
    if agents is None:
        best = evaluate(workload, max_agents, within)
        return Staffing(workload, target, best, False, max_agents)
    return Staffing(workload, target, evaluate(workload, agents, within), True, max_agents)


def staff_intervals(
    workloads: Sequence[Workload], target: Target, max_agents: int = DEFAULT_MAX_AGENTS
) -> tuple[Staffing, ...]:
    """`staff` for each interval of a plan (e.g. the 336 half hours of a week)."""
    return tuple(staff(workload, target, max_agents) for workload in workloads)


def _lowest_stable(workload: Workload) -> int:
    """The fewest agents whose queue does not grow without end (1 with patience)."""
    if workload.model == "erlang_a":
        return 1
    return math.floor(workload.load) + 1


def _walk(workload: Workload, target: Target, lowest: int, max_agents: int) -> Staffing:
    """Erlang C one agent at a time, the Erlang B recursion carried from each to the next."""
    load = workload.load
    below = Below(1.0, 0.0)
    for n in range(1, lowest):
        below = below_step(below, n, load / n)
    performance = _overrun(workload, 0)
    for agents in range(lowest, max_agents + 1):
        below = below_step(below, agents, load / agents)
        performance = _performance(workload, agents, below, target.answer_within_seconds)
        if performance.service_level >= target.service_level:
            return Staffing(workload, target, performance, True, max_agents)
    return Staffing(workload, target, performance, False, max_agents)


def _bisect(workload: Workload, target: Target, lowest: int, highest: int) -> int | None:
    """The fewest agents in [lowest, highest] meeting the target; None when even `highest` fails.

    Gallops up from `lowest` (the answer is usually near it), then halves the last step; the
    service level grows with the agents, so about 2·log2(answer) evaluations.
    """
    within, goal = target.answer_within_seconds, target.service_level
    step, below_goal = 1, lowest - 1
    while True:
        probe = min(below_goal + step, highest)
        if evaluate(workload, probe, within).service_level >= goal:
            break
        if probe == highest:
            return None
        below_goal, step = probe, step * 2
    meets = probe
    while meets - below_goal > 1:
        middle = (below_goal + meets) // 2
        if evaluate(workload, middle, within).service_level >= goal:
            meets = middle
        else:
            below_goal = middle
    return meets


def _below(workload: Workload, agents: int) -> Below:
    """The Erlang B recursion over all chat slots, chats spread evenly over the agents."""
    concurrency = workload.concurrency
    work = workload.load * concurrency.speed(concurrency.chats)  # λ·h
    speeds = [concurrency.speed(k) for k in range(concurrency.chats + 2)]
    blocking, busy = 1.0, 0.0  # below_step, inlined: this loop is the cost of an evaluation
    for n in range(1, agents * concurrency.chats + 1):
        each, extra = divmod(n, agents)
        grown = work / (extra * speeds[each + 1] + (agents - extra) * speeds[each]) * blocking
        blocking = grown / (1.0 + grown)
        busy = busy * (1.0 - blocking) + n * blocking
    return Below(blocking, busy)


def _performance(workload: Workload, agents: int, below: Below, within: float) -> Performance:
    concurrency = workload.concurrency
    slots = agents * concurrency.chats
    full_rate = agents * concurrency.speed(concurrency.chats) / workload.handle_minutes
    seen: Outcome = outcome(
        workload.arrival_rate,
        below,
        slots,
        full_rate,
        workload.patience_minutes,
        within / 60.0,
    )
    return Performance(
        agents=agents,
        stable=seen.stable,
        service_level=seen.service_level,
        probability_of_waiting=seen.probability_of_waiting,
        average_speed_of_answer_seconds=seen.answer_wait * 60.0,
        occupancy=min(1.0, seen.busy_slots / slots),
        abandonment=None if workload.patience_minutes is None else seen.abandonment,
    )


def _idle(workload: Workload, agents: int) -> Performance:
    abandonment = None if workload.patience_minutes is None else 0.0
    return Performance(agents, True, 1.0, 0.0, 0.0, 0.0, abandonment)


def _overrun(workload: Workload, agents: int) -> Performance:
    """No one is ever answered in time: no agents, or a queue that grows without end."""
    if workload.patience_minutes is not None and agents == 0:
        return Performance(0, True, 0.0, 1.0, math.inf, 0.0, 1.0)
    return Performance(agents, False, 0.0, 1.0, math.inf, 1.0 if agents else 0.0, None)
