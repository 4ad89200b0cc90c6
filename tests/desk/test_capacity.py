"""Erlang C, Erlang A and chat concurrency, against independent references and at the edges.

The Erlang C reference is the textbook formula (P0 from Σ A^k/k!) in 60-digit decimals; the
implementation uses the Erlang B recursion in floats. The Erlang A reference is the birth-death
chain summed state by state, with the tagged customer's wait from a matrix exponential.
"""

from __future__ import annotations

import itertools
import math
import random
import subprocess
import sys
from decimal import Decimal, localcontext

import numpy as np
import pytest
from scipy.linalg import expm

from tandem.desk.capacity import (
    Concurrency,
    Performance,
    Target,
    Workload,
    evaluate,
    staff,
    staff_intervals,
)
from tandem.desk.queueing import digamma, erlang_b, log_series
from tandem.domain.errors import InvalidInput

ARRIVALS = [1, 2, 7, 20, 55, 120, 333, 750, 1400, 2000]
HANDLES = [1, 2.5, 4.5, 10, 17, 30]
WITHIN = [10, 20, 45, 120, 300]
LEVELS = [0.5, 0.8, 0.9, 0.95]


def reference_erlang_c(
    arrivals: float, handle: float, agents: int, within: float
) -> tuple[Decimal, Decimal, Decimal] | None:
    """(P(wait), service level, ASA seconds) by the textbook formula; None when unstable."""
    with localcontext() as context:
        context.prec = 60
        load = Decimal(repr(arrivals)) * Decimal(repr(handle)) / 60
        if agents <= load:
            return None
        below, term = Decimal(0), Decimal(1)
        for k in range(agents):
            below += term  # Σ_{k<N} A^k / k!
            term = term * load / (k + 1)  # now A^(k+1) / (k+1)!
        top = term * agents / (agents - load)
        waiting = top / (below + top)
        rate = (agents - load) / (Decimal(repr(handle)) * 60)  # per second
        level = 1 - waiting * (-rate * Decimal(repr(within))).exp()
        return waiting, level, waiting / rate


def reference_agents(arrivals: float, handle: float, within: float, level: float) -> int:
    load = Decimal(repr(arrivals)) * Decimal(repr(handle)) / 60
    agents = math.floor(load) + 1
    while True:
        seen = reference_erlang_c(arrivals, handle, agents, within)
        assert seen is not None
        if seen[1] >= Decimal(repr(level)):
            return agents
        agents += 1


def scenarios() -> list[tuple[float, float, float, float]]:
    grid = list(itertools.product(ARRIVALS, HANDLES, WITHIN, LEVELS))
    rng = random.Random(14)
    grid += [
        (
            round(rng.uniform(1, 2000), 2),
            round(rng.uniform(1, 30), 2),
            rng.randint(10, 300),
            round(rng.uniform(0.5, 0.95), 3),
        )
        for _ in range(150)
    ]
    return grid


def test_that_erlang_c_agrees_exactly_with_the_textbook_formula_on_1350_scenarios() -> None:
    checked = 0
    for arrivals, handle, within, level in scenarios():
        answer = staff(Workload(arrivals, handle), Target(level, within))
        expected = reference_agents(arrivals, handle, within, level)
        case = (arrivals, handle, within, level)
        assert answer.met and answer.agents == expected, case
        reference = reference_erlang_c(arrivals, handle, expected, within)
        assert reference is not None
        waiting, service_level, speed = (float(x) for x in reference)
        seen = answer.performance
        assert abs(seen.service_level - service_level) < 1e-6, case
        assert abs(seen.probability_of_waiting - waiting) < 1e-6, case
        assert seen.average_speed_of_answer_seconds == pytest.approx(speed, rel=1e-6), case
        assert seen.occupancy == pytest.approx(arrivals * handle / 60 / expected, rel=1e-9)
        checked += 1
    assert checked >= 1000


@pytest.mark.parametrize(("arrivals", "handle"), [(120, 30), (60, 1), (1, 1), (2000, 30), (7, 30)])
def test_that_as_many_agents_as_the_load_or_fewer_leave_an_ever_growing_queue(
    arrivals: float, handle: float
) -> None:
    load = arrivals * handle / 60
    for agents in {math.floor(load), math.ceil(load) - 1, 0}:
        if agents < 0:
            continue
        seen = evaluate(Workload(arrivals, handle), agents, 20)
        assert seen == Performance(agents, False, 0.0, 1.0, math.inf, seen.occupancy, None)
        assert reference_erlang_c(arrivals, handle, agents, 20) is None
    just_enough = math.floor(load) + 1
    seen = evaluate(Workload(arrivals, handle), just_enough, 20)
    reference = reference_erlang_c(arrivals, handle, just_enough, 20)
    assert seen.stable and reference is not None
    assert seen.service_level == pytest.approx(float(reference[1]), abs=1e-6)


def test_that_a_whole_load_with_exactly_as_many_agents_is_unstable() -> None:
    assert Workload(120, 30).load == 60
    assert not evaluate(Workload(120, 30), 60, 20).stable
    assert staff(Workload(120, 30), Target(0.5, 300)).agents >= 61


def test_that_a_tiny_volume_still_needs_one_agent_and_gets_a_high_service_level() -> None:
    answer = staff(Workload(0.01, 1), Target(0.95, 10))
    assert answer.agents == 1
    assert answer.performance.service_level > 0.999
    assert answer.performance.occupancy == pytest.approx(0.01 / 60)


def test_that_no_arrivals_need_no_agents() -> None:
    answer = staff(Workload(0, 5), Target(0.8, 20))
    assert answer.met and answer.agents == 0
    assert answer.performance.service_level == 1.0


def test_that_a_target_beyond_the_most_agents_allowed_says_so_with_the_best_achievable() -> None:
    workload = Workload(2000, 30)
    unstable = staff(workload, Target(0.8, 20), max_agents=900)
    assert not unstable.met and unstable.agents == 900 and not unstable.performance.stable
    assert "1000.0 agents' worth of work" in (unstable.shortfall() or "")
    short = staff(workload, Target(0.95, 10), max_agents=1020)
    assert not short.met and short.agents == 1020
    best = evaluate(workload, 1020, 10).service_level
    assert short.performance.service_level == best < 0.95
    assert f"{best:.2%}" in (short.shortfall() or "")
    patient = staff(Workload(2000, 30, 3.0), Target(0.95, 10), max_agents=1020)
    assert not patient.met and patient.performance.service_level < 0.95


def test_that_a_target_asking_for_nearly_everyone_at_once_still_finishes() -> None:
    answer = staff(Workload(120, 4.5), Target(0.999999999, 0))
    assert answer.met
    assert answer.performance.probability_of_waiting <= 1e-9


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Workload(-1, 4), "arrivals per hour"),
        (lambda: Workload(math.nan, 4), "arrivals per hour"),
        (lambda: Workload(10, 0), "handle time"),
        (lambda: Workload(10, -2), "handle time"),
        (lambda: Workload(10, math.inf), "handle time"),
        (lambda: Workload(10, 4, 0), "patience"),
        (lambda: Workload(10, 5e-324), "handle time in minutes must be a number at least 0.001"),
        (lambda: Workload(10, 4, 1e-9), "patience in minutes must be a number at least 0.001"),
        (lambda: Target(0, 20), "service level"),
        (lambda: Target(1, 20), "service level"),
        (lambda: Target(1.5, 20), "service level"),
        (lambda: Target(0.8, -1), "answer within"),
        (lambda: Concurrency(0), "chats at once"),
        (lambda: Concurrency(2, -0.1), "slowdown"),
        (lambda: evaluate(Workload(10, 4), -1, 20), "agents"),
        (lambda: staff(Workload(10, 4), Target(0.8, 20), max_agents=0), "most agents"),
    ],
)
def test_that_bad_input_is_refused_with_a_clear_message(build: object, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        build()  # type: ignore[operator]


def test_that_the_erlang_b_recursion_matches_the_textbook_formula() -> None:
    for servers, load in [(1, 0.5), (10, 9.0), (50, 60.0), (300, 250.5)]:
        with localcontext() as context:
            context.prec = 50
            a = Decimal(repr(load))
            terms = [a**k / math.factorial(k) for k in range(servers + 1)]
            expected = float(terms[-1] / sum(terms))
        assert erlang_b(servers, load) == pytest.approx(expected, rel=1e-12)


def reference_erlang_a(
    arrivals: float, handle: float, patience: float, agents: int, within: float
) -> dict[str, float]:
    """The M/M/n+M chain summed state by state; the tagged customer by a matrix exponential."""
    lam, mu, theta = arrivals / 60, 1 / handle, 1 / patience
    weights = [1.0]
    while len(weights) <= agents + 50 or weights[-1] > 1e-18 * sum(weights):
        n = len(weights)
        weights.append(weights[-1] * lam / (min(n, agents) * mu + max(n - agents, 0) * theta))
    pi = np.array(weights) / sum(weights)
    ahead = len(pi) - agents  # a waiting customer finds 0 .. ahead-1 before them
    served, gave_up = ahead, ahead + 1
    generator = np.zeros((ahead + 2, ahead + 2))
    for j in range(ahead):
        move = agents * mu + j * theta
        generator[j, served if j == 0 else j - 1] += move
        generator[j, gave_up] += theta
        generator[j, j] = -(move + theta)
    in_time = expm(generator * within / 60)[:ahead, served]
    transient = -generator[:ahead, :ahead]
    eventually = np.linalg.solve(transient, generator[:ahead, served])
    wait_if_served = np.linalg.inv(transient) @ eventually  # E[wait · 1{served}]
    abandonment = theta * sum((n - agents) * pi[n] for n in range(agents, len(pi))) / lam
    return {
        "waiting": float(pi[agents:].sum()),
        "service_level": float(pi[:agents].sum() + (pi[agents:] * in_time).sum()),
        "abandonment": float(abandonment),
        "speed": float((pi[agents:] * wait_if_served).sum() / (1 - abandonment) * 60),
        "occupancy": lam * (1 - abandonment) / (agents * mu),
    }


@pytest.mark.parametrize(
    ("arrivals", "handle", "patience", "agents", "within"),
    [
        (120, 4.5, 2, 9, 20),
        (120, 4.5, 2, 5, 20),  # fewer agents than the load: only abandonment keeps it finite
        (300, 6, 1, 20, 30),
        (30, 10, 0.5, 3, 60),
        (600, 3, 4, 25, 15),
        (60, 2, 20, 2, 120),
        (5, 3, 1, 1, 0),
    ],
)
def test_that_erlang_a_agrees_with_the_birth_death_chain(
    arrivals: float, handle: float, patience: float, agents: int, within: float
) -> None:
    expected = reference_erlang_a(arrivals, handle, patience, agents, within)
    seen = evaluate(Workload(arrivals, handle, patience), agents, within)
    assert seen.stable and seen.abandonment is not None
    assert seen.probability_of_waiting == pytest.approx(expected["waiting"], abs=1e-8)
    assert seen.service_level == pytest.approx(expected["service_level"], abs=1e-8)
    assert seen.abandonment == pytest.approx(expected["abandonment"], abs=1e-8)
    assert seen.average_speed_of_answer_seconds == pytest.approx(expected["speed"], rel=1e-7)
    assert seen.occupancy == pytest.approx(expected["occupancy"], rel=1e-8)


def test_that_erlang_a_tends_to_erlang_c_as_customers_become_patient() -> None:
    patient = evaluate(Workload(120, 4.5, 1440), 12, 20)
    plain = evaluate(Workload(120, 4.5), 12, 20)
    assert patient.service_level == pytest.approx(plain.service_level, abs=1e-3)
    assert patient.abandonment is not None and patient.abandonment < 1e-3


def test_that_erlang_a_stays_finite_when_almost_everyone_gives_up() -> None:
    seen = evaluate(Workload(1_000_000, 1440, 1440), 10_000, 10)
    assert seen.abandonment == pytest.approx(1 - 10_000 / (1_000_000 / 60 * 1440), rel=1e-6)
    assert seen.service_level == 0.0 and math.isfinite(seen.average_speed_of_answer_seconds)


def test_that_erlang_a_staffing_is_the_fewest_agents_meeting_the_target() -> None:
    workload, target = Workload(120, 4.5, 2), Target(0.8, 20)
    answer = staff(workload, target)
    assert answer.met
    assert answer.performance.service_level >= 0.8
    assert evaluate(workload, answer.agents - 1, 20).service_level < 0.8


def test_that_the_series_behind_erlang_a_is_continuous_where_it_switches_to_closed_form() -> None:
    for b in (0.3, 5.0, 400.0, 90_000.0):
        low, high = b, b + 100 + 20 * math.sqrt(b)  # the switch lies between: find it
        for _ in range(200):
            middle = (low + high) / 2
            if b * math.log(middle / b) + b - middle < -50:
                high = middle
            else:
                low = middle
        summed, closed = log_series(b, low), log_series(b, high)
        assert closed[0] == pytest.approx(summed[0], rel=1e-12, abs=1e-9)
        assert closed[1] == pytest.approx(summed[1], rel=1e-9)
    assert digamma(1.0) == pytest.approx(-0.5772156649015329, abs=1e-14)
    assert digamma(0.5) == pytest.approx(-0.5772156649015329 - 2 * math.log(2), abs=1e-14)


def test_that_one_chat_at_a_time_is_erlang_c_whatever_the_slowdown() -> None:
    plain = evaluate(Workload(120, 4.5), 12, 20)
    single = evaluate(Workload(120, 4.5, concurrency=Concurrency(1, 2.0)), 12, 20)
    assert single == plain


def test_that_chats_without_slowdown_are_erlang_c_with_as_many_slots() -> None:
    slots = evaluate(Workload(120, 4.5), 12, 20)
    three_each = evaluate(Workload(120, 4.5, concurrency=Concurrency(3, 0.0)), 4, 20)
    assert three_each.service_level == pytest.approx(slots.service_level, abs=1e-12)
    assert three_each.occupancy == pytest.approx(slots.occupancy, abs=1e-12)


def test_that_the_slowdown_costs_agents_and_concurrency_saves_them() -> None:
    target = Target(0.8, 20)
    alone = staff(Workload(120, 4.5), target).agents
    light = staff(Workload(120, 4.5, concurrency=Concurrency(3, 0.1)), target).agents
    heavy = staff(Workload(120, 4.5, concurrency=Concurrency(3, 0.6)), target).agents
    assert light < heavy < alone
    none_at_all = Workload(
        120, 4.5, concurrency=Concurrency(3, 1.0)
    )  # 3 chats, each 3 times as long
    assert none_at_all.load == pytest.approx(Workload(120, 4.5).load)


def test_that_concurrency_staffing_is_the_fewest_agents_meeting_the_target() -> None:
    workload = Workload(600, 6, concurrency=Concurrency(2, 0.3))
    answer = staff(workload, Target(0.9, 30))
    assert answer.met and answer.performance.service_level >= 0.9
    assert evaluate(workload, answer.agents - 1, 30).service_level < 0.9
    assert answer.agents > workload.load


def test_that_a_week_of_intervals_is_staffed_one_by_one() -> None:
    workloads = [Workload(arrivals, 4.5) for arrivals in (0, 10, 120, 400)]
    plan = staff_intervals(workloads, Target(0.8, 20))
    assert [answer.agents for answer in plan][:1] == [0]
    assert [answer.agents for answer in plan] == sorted(answer.agents for answer in plan)
    assert all(answer.met for answer in plan)


def test_that_the_capacity_maths_imports_no_io_library_and_no_simulator() -> None:
    probe = "import sys, tandem.desk.capacity; print(*{m.split('.')[0] for m in sys.modules})"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout.split()
    assert not {"sqlalchemy", "fastapi", "starlette", "httpx", "simpy", "numpy"} & set(loaded)


def test_that_an_erlang_b_small_enough_to_underflow_does_not_overflow_erlang_a() -> None:
    """Found by hypothesis: B = 5e-324 made exp(-log B - log A) overflow (a crash)."""
    workload = Workload(98, 108, 5, Concurrency(4, 2.0))
    seen = evaluate(workload, 511, 0)
    assert seen.service_level == 1.0 and seen.probability_of_waiting < 1e-300
    assert seen.occupancy == pytest.approx(workload.arrival_rate * 108 / 511 / 4, rel=1e-9)
