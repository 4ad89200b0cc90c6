"""The simulation against the formulas where they hold, and where they cannot go.

Each check simulates 60,000 counted customers (seeded, so every run gives the same numbers) at
loads where the estimate's spread is about 0.3-0.5 points, so ±1 point is a real check.
"""

from __future__ import annotations

import pytest

from tandem.desk.capacity import Concurrency, Workload, evaluate
from tandem.desk.simulation import (
    MAX_CUSTOMERS,
    CustomerClass,
    Scenario,
    Stretch,
    simulate,
    steady,
)
from tandem.domain.errors import InvalidInput

CUSTOMERS = 60_000
POINT = 0.01


@pytest.mark.parametrize(("workload", "agents"), [(Workload(60, 3), 5), (Workload(30, 10), 7)])
def test_that_the_simulated_service_level_is_within_a_point_of_erlang_c(
    workload: Workload, agents: int
) -> None:
    expected = evaluate(workload, agents, 20)
    seen = steady(workload, agents, 20, CUSTOMERS, seed=0)
    assert seen.total.offered == pytest.approx(CUSTOMERS, rel=0.03)
    assert seen.total.service_level == pytest.approx(expected.service_level, abs=POINT)
    assert seen.occupancy == pytest.approx(expected.occupancy, abs=POINT)
    assert seen.total.average_speed_of_answer_seconds == pytest.approx(
        expected.average_speed_of_answer_seconds, rel=0.1
    )


@pytest.mark.parametrize(
    ("workload", "agents"), [(Workload(120, 4.5, 2.0), 9), (Workload(60, 3, 1.5), 4)]
)
def test_that_the_simulated_abandonment_is_within_a_point_of_erlang_a(
    workload: Workload, agents: int
) -> None:
    expected = evaluate(workload, agents, 20)
    assert expected.abandonment is not None and expected.abandonment > 0.05
    seen = steady(workload, agents, 20, CUSTOMERS, seed=0)
    assert seen.total.abandonment == pytest.approx(expected.abandonment, abs=POINT)
    assert seen.total.service_level == pytest.approx(expected.service_level, abs=POINT)


def test_that_chat_slots_without_slowdown_simulate_like_erlang_c_with_as_many_agents() -> None:
    three_each = Workload(120, 4.5, concurrency=Concurrency(3, 0.0))
    expected = evaluate(Workload(120, 4.5), 15, 20)
    seen = steady(three_each, 5, 20, CUSTOMERS, seed=0)
    assert seen.total.service_level == pytest.approx(expected.service_level, abs=POINT)


def test_that_the_concurrency_formula_is_close_to_the_simulation_and_not_pessimistic() -> None:
    """The formula keeps chats perfectly spread over the agents; the simulated routing does not,
    which costs a little throughput when each extra chat slows the others: measured 0.2-0.7
    points of service level at these loads."""
    workload = Workload(120, 4.5, concurrency=Concurrency(2, 0.25))
    expected = evaluate(workload, 8, 20)
    seen = steady(workload, 8, 20, CUSTOMERS, seed=0)
    assert expected.service_level - 0.015 <= seen.total.service_level
    assert seen.total.service_level <= expected.service_level + POINT
    assert seen.occupancy == pytest.approx(expected.occupancy, abs=0.015)


def test_that_priorities_serve_the_first_class_sooner_at_the_same_mean_wait() -> None:
    """Cobham's formula for M/M/c with two non-preemptive classes: W_k = C / (cμ - λ) scaled."""
    workload, agents = Workload(60, 3), 4
    classes = (CustomerClass("vip", 0.3, priority=0), CustomerClass("rest", 0.7, priority=1))
    seen = steady(workload, agents, 20, CUSTOMERS, seed=0, classes=classes)
    fcfs = evaluate(workload, agents, 20)
    waiting, rho = fcfs.probability_of_waiting, workload.load / agents
    base = waiting * workload.handle_minutes * 60 / agents
    vip_wait = base / (1 - 0.3 * rho)
    rest_wait = base / ((1 - 0.3 * rho) * (1 - rho))
    vip, rest = seen.of_class("vip"), seen.of_class("rest")
    assert vip.average_speed_of_answer_seconds == pytest.approx(vip_wait, rel=0.1)
    assert rest.average_speed_of_answer_seconds == pytest.approx(rest_wait, rel=0.1)
    assert vip.service_level > fcfs.service_level + 0.05
    assert rest.service_level < fcfs.service_level - 0.02
    assert seen.total.average_speed_of_answer_seconds == pytest.approx(
        fcfs.average_speed_of_answer_seconds, rel=0.1
    )


def test_that_a_queue_left_by_one_shift_carries_into_the_next() -> None:
    scenario = Scenario(
        stretches=(Stretch(60, 60, 0), Stretch(60, 0, 5), Stretch(30, 60, 2), Stretch(30, 0, 0)),
        handle_minutes=3,
        answer_within_seconds=20,
        seed=3,
    )
    seen = simulate(scenario)
    unstaffed, catch_up, last, closed = seen.stretches
    assert unstaffed.offered > 30 and unstaffed.answered == unstaffed.offered
    assert unstaffed.answered_in_time == 0
    assert unstaffed.average_speed_of_answer_seconds > 20 * 60
    assert catch_up.offered == 0 and closed.offered == 0
    assert last.offered > 10 and last.answered <= last.offered


def test_that_the_same_seed_gives_the_same_run_and_another_seed_another() -> None:
    def run(seed: int) -> object:
        return steady(Workload(120, 4.5, 2.0, Concurrency(2)), 6, 20, 2_000, seed=seed)

    assert run(7) == run(7)
    assert run(7) != run(8)


def test_that_steadier_handle_times_keep_the_load_and_shorten_the_waits() -> None:
    """Log-normal handle times with a coefficient of variation of 0.3: the waits shrink by
    about (1 + cv²) / 2, the Lee-Longton approximation for M/G/c."""
    workload, agents = Workload(60, 3), 4
    scenario = Scenario(
        stretches=(Stretch(20_000, 60, agents),),
        handle_minutes=3,
        answer_within_seconds=20,
        handle_cv=0.3,
        warm_up_minutes=1_000,
    )
    seen = simulate(scenario)
    expected = evaluate(workload, agents, 20)
    assert seen.occupancy == pytest.approx(expected.occupancy, abs=0.02)
    approximation = expected.average_speed_of_answer_seconds * (1 + 0.3**2) / 2
    speed = seen.total.average_speed_of_answer_seconds
    assert speed == pytest.approx(approximation, rel=0.15)
    assert seen.total.service_level > expected.service_level


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"stretches": ()}, "at least one stretch"),
        ({"classes": (CustomerClass("a", 0.5),)}, "add up to 1"),
        ({"stretches": (Stretch(60 * 24 * 365, 1000, 5),)}, "customers per run"),
        ({"handle_minutes": 0}, "handle time"),
        ({"handle_cv": -1.0}, "coefficient of variation"),
    ],
)
def test_that_a_scenario_out_of_bounds_is_refused(change: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {
        "stretches": (Stretch(60, 60, 2),),
        "handle_minutes": 3,
        "answer_within_seconds": 20,
        **change,
    }
    with pytest.raises(InvalidInput, match=message):
        Scenario(**fields)  # type: ignore[arg-type]
    assert MAX_CUSTOMERS >= 1_000_000


def test_that_a_stretch_needs_whole_agents_and_positive_minutes() -> None:
    with pytest.raises(InvalidInput, match="agents"):
        Stretch(30, 60, -1)
    with pytest.raises(InvalidInput, match="minutes"):
        Stretch(0, 60, 1)
