"""Capacity planning: a week's plan of 336 half hours, the analytic answers and a simulation check.

A generated week (weekdays peak at midday, quiet nights, lighter weekends) is staffed interval
by interval for 80% answered within 60 s, then the whole week is simulated REPLICATIONS times
with that shift plan (queues carry over from one half hour to the next). Prints the time of each
step and how the simulated week compares with the formulas, per week and per half hour (pooled
over the replications). Target: the plan and its check in ≤ 2 s.

    .venv/bin/python bench/bench_capacity.py
"""

from __future__ import annotations

import math
import time

from tandem.desk.capacity import Concurrency, Staffing, Target, Workload, staff_intervals
from tandem.desk.planning import Assumptions, History, TopicHistory, plan
from tandem.desk.planning import Scenario as WhatIf
from tandem.desk.schedule import parse
from tandem.desk.simulation import Scenario, SimulationResult, Stretch, Tally, simulate

TARGET = Target(0.8, 60)
REPLICATIONS = 4
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HANDLE_MINUTES = 6.0
CASES = (
    ("Erlang C, one chat at a time", None, Concurrency(1)),
    ("Erlang A (patience 3 min), up to 2 chats", 3.0, Concurrency(2, 0.25)),
)


def arrivals_per_hour(day: int, half_hour: int) -> float:
    """A shop's chats: 2/h at night, a peak of about 150/h at 13:00, weekends at 60%."""
    hour = half_hour / 2
    daytime = math.exp(-(((hour - 13.0) / 3.5) ** 2))
    evening = 0.35 * math.exp(-(((hour - 20.0) / 1.5) ** 2))
    weekend = 0.6 if day >= 5 else 1.0
    return round(2.0 + 148.0 * weekend * (daytime + evening), 1)


def week(patience: float | None, concurrency: Concurrency) -> list[Workload]:
    return [
        Workload(arrivals_per_hour(day, slot), HANDLE_MINUTES, patience, concurrency)
        for day in range(7)
        for slot in range(48)
    ]


def check(plan: tuple[Staffing, ...], seed: int) -> SimulationResult:
    first = plan[0].workload
    return simulate(
        Scenario(
            stretches=tuple(Stretch(30.0, s.workload.arrivals_per_hour, s.agents) for s in plan),
            handle_minutes=first.handle_minutes,
            answer_within_seconds=TARGET.answer_within_seconds,
            patience_minutes=first.patience_minutes,
            concurrency=first.concurrency,
            seed=seed,
        )
    )


def pooled(tallies: list[Tally]) -> Tally:
    return Tally(
        sum(t.offered for t in tallies),
        sum(t.answered for t in tallies),
        sum(t.answered_in_time for t in tallies),
        sum(t.abandoned for t in tallies),
        sum(t.answer_wait_minutes for t in tallies),
    )


def report(plan: tuple[Staffing, ...], runs: list[SimulationResult]) -> None:
    volume = [s.workload.arrivals_per_hour for s in plan]
    expected = sum(v * s.performance.service_level for v, s in zip(volume, plan, strict=True))
    abandonment = sum(
        v * (s.performance.abandonment or 0.0) for v, s in zip(volume, plan, strict=True)
    )
    total = pooled([run.total for run in runs])
    halves = [pooled([run.stretches[i] for run in runs]) for i in range(len(plan))]
    busy = [i for i, tally in enumerate(halves) if tally.offered >= 100]
    short = [i for i in busy if halves[i].service_level < TARGET.service_level - 0.05]
    worst = min(busy, key=lambda i: halves[i].service_level)
    print(
        f"  agent half-hours {sum(s.agents for s in plan):,} (peak {max(s.agents for s in plan)})"
        f"; customers simulated {total.offered:,} ({len(runs)} runs of the week)"
    )
    print(
        f"  week's service level: formulas {expected / sum(volume):.1%}, simulated"
        f" {total.service_level:.1%}; abandonment: formulas {abandonment / sum(volume):.2%},"
        f" simulated {total.abandonment:.2%}"
    )
    print(
        f"  half hours simulated more than 5 points under the target: {len(short)} of"
        f" {len(busy)} with ≥ 100 customers; the worst, {DAYS[worst // 48]}"
        f" {worst % 48 // 2:02d}:{worst % 2 * 30:02d}, {halves[worst].service_level:.1%}"
        f" (formulas {plan[worst].performance.service_level:.1%}, {plan[worst].agents} agents)"
    )


SCHEDULE = (
    "mon-fri 08:00-20:00 10; mon-fri 11:00-16:00 8; sat-sun 09:00-18:00 8; daily 00:00-08:00 1"
)
WHAT_IFS = (WhatIf(), WhatIf("returns back", {"returns": 1.0}), WhatIf("AI off", ai_off=True))


def lead_plan() -> None:
    """The lead's question (CLI, API, page): the week from a history, as measured, a topic
    stepped back and the AI off, against a schedule (no database: the history is given)."""
    share = 0.4  # of the conversations, the bench's arrivals reach people
    history = History(
        weeks=8,
        arrivals=tuple(
            arrivals_per_hour(day, slot) / 2 / share for day in range(7) for slot in range(48)
        ),
        topics={
            "returns": TopicHistory(8000, 4000, 4000 * HANDLE_MINUTES),
            "order_status": TopicHistory(8000, 2400, 2400 * HANDLE_MINUTES),
        },
        waited_minutes=6000.0,
        abandoned=2000,
        in_hand={1: 30000.0, 2: 8000.0},
    )
    started = time.perf_counter()
    schedule = parse(SCHEDULE)
    plans = [
        plan(history, TARGET, scenario, Assumptions(concurrency=Concurrency(2)), schedule)
        for scenario in WHAT_IFS
    ]
    took = time.perf_counter() - started
    print(
        f"The lead's plan (Erlang A, 2 chats, a schedule): 3 scenarios x 336 half hours in"
        f" {took * 1000:.0f} ms; peak agents {[p.peak_agents for p in plans]},"
        f" half hours short {[p.short_intervals for p in plans]}"
    )


def main() -> None:
    for name, patience, concurrency in CASES:
        workloads = week(patience, concurrency)
        started = time.perf_counter()
        plan = staff_intervals(workloads, TARGET)
        planned = time.perf_counter()
        runs = [check(plan, seed) for seed in range(REPLICATIONS)]
        checked = time.perf_counter()
        print(
            f"{name}: {len(plan)} intervals planned in {(planned - started) * 1000:.0f} ms,"
            f" simulated {REPLICATIONS} times in {(checked - planned) * 1000:.0f} ms;"
            f" total {checked - started:.2f} s (target ≤ 2 s)"
        )
        report(plan, runs)
    lead_plan()


if __name__ == "__main__":
    main()
