"""A discrete-event simulation of the chat queue (SimPy): it checks the formulas and goes further.

Customers arrive as a Poisson stream whose rate, like the number of agents online, may change
from one stretch of time to the next (a shift plan); a queue left at the end of a stretch carries
into the next. Each customer belongs to a class with a priority (lower is served first; first
come, first served within a class) and may give up after an exponential patience. A free chat
slot goes to the online agent with the fewest chats. An agent with k chats works on each at
1 / (1 + slowdown·(k-1)) of the speed of a chat handled alone, so every chat of a busier agent
takes longer, whatever the handle-time distribution (exponential, or log-normal with a given
coefficient of variation). Agents who go off shift finish their chats and take no new ones.
Seeded: the same scenario gives the same result.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

import simpy

from tandem.desk.capacity import (
    ONE_AT_A_TIME,
    Concurrency,
    Workload,
    check_agents,
    check_number,
)
from tandem.domain.errors import InvalidInput

#: Simulating more customers than this in one run is refused (a bound on the run time).
MAX_CUSTOMERS = 2_000_000


@dataclass(frozen=True, slots=True)
class Stretch:
    """A stretch of time with its own arrival rate and agents online."""

    minutes: float
    arrivals_per_hour: float
    agents: int

    def __post_init__(self) -> None:
        check_number("a stretch's minutes", self.minutes, 0.0, 366 * 24 * 60.0, False)
        check_number("a stretch's arrivals per hour", self.arrivals_per_hour, 0.0, 1e6, True)
        check_agents("a stretch's agents", self.agents, 0)


@dataclass(frozen=True, slots=True)
class CustomerClass:
    """A share of the arrivals with a priority: 0 is served before 1."""

    name: str
    share: float
    priority: int = 0

    def __post_init__(self) -> None:
        check_number(f"the share of {self.name}", self.share, 0.0, 1.0, False)


EVERYONE = (CustomerClass("all", 1.0),)


@dataclass(frozen=True, slots=True)
class Scenario:
    """What to simulate: a shift plan of stretches, the chats' handling and the customers."""

    stretches: tuple[Stretch, ...]
    handle_minutes: float
    answer_within_seconds: float
    patience_minutes: float | None = None
    concurrency: Concurrency = ONE_AT_A_TIME
    classes: tuple[CustomerClass, ...] = EVERYONE
    handle_cv: float | None = None  # None: exponential handle times (as Erlang assumes)
    warm_up_minutes: float = 0.0  # customers arriving before this are not counted
    seed: int = 0

    def __post_init__(self) -> None:
        # The handle time, patience and concurrency are checked as a Workload's are.
        Workload(0.0, self.handle_minutes, self.patience_minutes, self.concurrency)
        check_number("answer within (seconds)", self.answer_within_seconds, 0.0, 86400.0, True)
        if not self.stretches or not self.classes:
            raise InvalidInput("a simulation needs at least one stretch and one customer class")
        if abs(sum(c.share for c in self.classes) - 1.0) > 1e-9:
            raise InvalidInput("the customer classes' shares must add up to 1")
        if self.handle_cv is not None:
            check_number("the handle time's coefficient of variation", self.handle_cv, 0, 10, False)
        expected = sum(s.arrivals_per_hour * s.minutes / 60.0 for s in self.stretches)
        if expected > MAX_CUSTOMERS:
            raise InvalidInput(f"at most {MAX_CUSTOMERS:,} customers per run, not {expected:,.0f}")


@dataclass(frozen=True, slots=True)
class Tally:
    """Counted customers (by arrival): how many came, were answered (in time) or gave up."""

    offered: int = 0
    answered: int = 0
    answered_in_time: int = 0
    abandoned: int = 0
    answer_wait_minutes: float = 0.0  # summed over the answered

    @property
    def service_level(self) -> float:
        return self.answered_in_time / self.offered if self.offered else 1.0

    @property
    def abandonment(self) -> float:
        return self.abandoned / self.offered if self.offered else 0.0

    @property
    def average_speed_of_answer_seconds(self) -> float:
        return self.answer_wait_minutes * 60.0 / self.answered if self.answered else 0.0


@dataclass(frozen=True, slots=True)
class SimulationResult:
    total: Tally
    stretches: tuple[Tally, ...]
    classes: tuple[tuple[str, Tally], ...]
    occupancy: float  # chats in hand / chat slots online, after the warm-up

    def of_class(self, name: str) -> Tally:
        return dict(self.classes)[name]


def simulate(scenario: Scenario) -> SimulationResult:
    """Run the scenario to the end: arrivals stop after the last stretch, the queue drains."""
    return _Run(scenario).result()


def steady(
    workload: Workload,
    agents: int,
    answer_within_seconds: float,
    customers: int = 50_000,
    seed: int = 0,
    classes: tuple[CustomerClass, ...] = EVERYONE,
) -> SimulationResult:
    """About `customers` counted customers at a constant rate, after a 10% warm-up."""
    check_number("customers", customers, 1, MAX_CUSTOMERS / 1.1, True)
    if workload.arrivals_per_hour == 0.0:
        raise InvalidInput("a simulation needs arrivals")
    minutes = customers / (workload.arrivals_per_hour / 60.0)
    return simulate(
        Scenario(
            stretches=(Stretch(minutes * 1.1, workload.arrivals_per_hour, agents),),
            handle_minutes=workload.handle_minutes,
            answer_within_seconds=answer_within_seconds,
            patience_minutes=workload.patience_minutes,
            concurrency=workload.concurrency,
            classes=classes,
            warm_up_minutes=minutes * 0.1,
            seed=seed,
        )
    )


@dataclass(slots=True)
class _Count:
    offered: int = 0
    answered: int = 0
    in_time: int = 0
    abandoned: int = 0
    wait: float = 0.0

    def frozen(self) -> Tally:
        return Tally(self.offered, self.answered, self.in_time, self.abandoned, self.wait)


@dataclass(slots=True, eq=False)
class _Customer:
    arrived: float
    priority: int
    counts: tuple[_Count, ...]  # total, stretch and class; empty during the warm-up
    waiting: bool = True


@dataclass(slots=True, eq=False)
class _Chat:
    started: float
    work: float  # minutes left at the speed of a chat handled alone


@dataclass(slots=True, eq=False)
class _Agent:
    index: int
    chats: list[_Chat] = field(default_factory=list)
    online: bool = False
    updated: float = 0.0
    version: int = 0


class _Run:
    """The event loop's state. Every event is a SimPy timeout with a callback: an arrival, a
    customer's patience running out, or the next chat an agent finishes. An agent's pending
    finish is re-planned whenever its chats change; the stale one is ignored (its version)."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.env = simpy.Environment()
        self.rng = random.Random(scenario.seed)
        self.most = scenario.concurrency.chats
        self.slowdown = scenario.concurrency.slowdown
        self.agents = [_Agent(i) for i in range(max(s.agents for s in scenario.stretches))]
        self.free: list[dict[int, None]] = [{} for _ in range(self.most)]  # by chats in hand
        self.queue: list[tuple[int, int, _Customer]] = []
        self.arrivals = 0
        self.within = scenario.answer_within_seconds / 60.0 + 1e-9
        self.total = _Count()
        self.per_stretch = [_Count() for _ in scenario.stretches]
        self.per_class = [_Count() for _ in scenario.classes]
        self.end = sum(s.minutes for s in scenario.stretches)
        self.stretch, self.stretch_end = -1, 0.0
        self.chat_minutes = 0.0

    def result(self) -> SimulationResult:
        self._next_stretch()
        self.env.run()
        start, slot_minutes, clock = self.scenario.warm_up_minutes, 0.0, 0.0
        for stretch in self.scenario.stretches:
            overlap = max(0.0, clock + stretch.minutes - max(clock, start))
            slot_minutes += overlap * stretch.agents * self.most
            clock += stretch.minutes
        return SimulationResult(
            total=self.total.frozen(),
            stretches=tuple(count.frozen() for count in self.per_stretch),
            classes=tuple(
                (c.name, count.frozen())
                for c, count in zip(self.scenario.classes, self.per_class, strict=True)
            ),
            occupancy=self.chat_minutes / slot_minutes if slot_minutes else 0.0,
        )

    def _next_stretch(self) -> None:
        self.stretch += 1
        if self.stretch == len(self.scenario.stretches):
            return  # no more arrivals: the queue drains
        stretch = self.scenario.stretches[self.stretch]
        self.stretch_end += stretch.minutes
        self._staff(stretch.agents)
        self._plan_arrival(self.env.now)

    def _plan_arrival(self, now: float) -> None:
        """The next arrival in this stretch, or else the start of the next stretch."""
        rate = self.scenario.stretches[self.stretch].arrivals_per_hour / 60.0
        moment = now + self.rng.expovariate(rate) if rate > 0.0 else math.inf
        if moment < self.stretch_end:
            self._after(moment - now, self._arrive)
        else:
            self._after(self.stretch_end - now, self._next_stretch)

    def _after(self, delay: float, then: Callable[[], None]) -> None:
        timer = self.env.timeout(max(0.0, delay))
        timer.callbacks.append(lambda _event: then())

    def _arrive(self) -> None:
        now, scenario = self.env.now, self.scenario
        pick, which = self.rng.random(), 0
        while which < len(scenario.classes) - 1 and pick >= scenario.classes[which].share:
            pick -= scenario.classes[which].share
            which += 1
        counts: tuple[_Count, ...] = ()
        if now >= scenario.warm_up_minutes:
            counts = (self.total, self.per_stretch[self.stretch], self.per_class[which])
            for count in counts:
                count.offered += 1
        customer = _Customer(now, scenario.classes[which].priority, counts)
        agent = self._least_busy()
        if agent is not None:
            self._change(agent, customer)
        else:
            self.arrivals += 1
            heapq.heappush(self.queue, (customer.priority, self.arrivals, customer))
            if scenario.patience_minutes is not None:
                patience = self.rng.expovariate(1.0 / scenario.patience_minutes)
                self._after(patience, lambda: self._give_up(customer))
        self._plan_arrival(now)

    def _give_up(self, customer: _Customer) -> None:
        if customer.waiting:
            customer.waiting = False
            for count in customer.counts:
                count.abandoned += 1

    def _least_busy(self) -> _Agent | None:
        for bucket in self.free:
            if bucket:
                return self.agents[next(iter(bucket))]
        return None

    def _next_waiting(self) -> _Customer | None:
        while self.queue:
            customer = heapq.heappop(self.queue)[2]
            if customer.waiting:
                return customer
        return None

    def _staff(self, online: int) -> None:
        for agent in self.agents:
            if agent.online != (agent.index < online):
                if agent.online and len(agent.chats) < self.most:
                    del self.free[len(agent.chats)][agent.index]
                agent.online = not agent.online
                self._change(agent, joined=agent.online)

    def _change(
        self, agent: _Agent, new: _Customer | None = None, done: bool = False, joined: bool = False
    ) -> None:
        """Bring the agent's chats up to now, finish one and/or start some, plan the next end."""
        chats, now = agent.chats, self.env.now
        if agent.online and not joined and len(chats) < self.most:
            del self.free[len(chats)][agent.index]
        if chats:
            progress = (now - agent.updated) / (1.0 + self.slowdown * (len(chats) - 1))
            for chat in chats:
                chat.work -= progress
        agent.updated = now
        if done:
            finished = min(chats, key=_work) if len(chats) > 1 else chats[0]
            chats.remove(finished)
            start, end = max(finished.started, self.scenario.warm_up_minutes), min(now, self.end)
            self.chat_minutes += max(0.0, end - start)
        while agent.online and len(chats) < self.most:
            customer = new if new is not None else self._next_waiting()
            if customer is None:
                break
            new = None
            self._answer(agent, customer)
        if agent.online and len(chats) < self.most:
            self.free[len(chats)][agent.index] = None
        agent.version += 1
        if chats:
            soonest = min(chat.work for chat in chats) if len(chats) > 1 else chats[0].work
            version = agent.version
            delay = soonest * (1.0 + self.slowdown * (len(chats) - 1))
            self._after(delay, lambda: self._finished(agent, version))

    def _finished(self, agent: _Agent, version: int) -> None:
        if version == agent.version:
            self._change(agent, done=True)

    def _answer(self, agent: _Agent, customer: _Customer) -> None:
        customer.waiting = False
        wait = self.env.now - customer.arrived
        for count in customer.counts:
            count.answered += 1
            count.wait += wait
            if wait <= self.within:
                count.in_time += 1
        agent.chats.append(_Chat(self.env.now, self._handle_time()))

    def _handle_time(self) -> float:
        mean, cv = self.scenario.handle_minutes, self.scenario.handle_cv
        if cv is None:
            return self.rng.expovariate(1.0 / mean)
        sigma2 = math.log1p(cv * cv)
        return self.rng.lognormvariate(math.log(mean) - sigma2 / 2.0, math.sqrt(sigma2))


def _work(chat: _Chat) -> float:
    return chat.work
