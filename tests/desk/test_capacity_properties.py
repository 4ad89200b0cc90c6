"""Properties over the whole input range: no crash, shares within [0, 1], searches that end."""

from __future__ import annotations

import itertools
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.desk.capacity import Concurrency, Target, Workload, evaluate, staff

arrivals = st.floats(0.01, 20_000)
handles = st.floats(0.05, 120)
patiences = st.none() | st.floats(0.05, 600)
concurrencies = st.builds(Concurrency, st.integers(1, 4), st.floats(0, 2))
targets = st.builds(Target, st.floats(0.01, 0.99), st.floats(0, 3600))


@settings(max_examples=150, deadline=None, derandomize=True)
@given(arrivals, handles, patiences, concurrencies, targets)
def test_that_any_valid_workload_gets_an_answer_within_the_bound(
    rate: float, handle: float, patience: float | None, chats: Concurrency, target: Target
) -> None:
    workload = Workload(rate, handle, patience, chats)
    answer = staff(workload, target, max_agents=2_000)
    seen = answer.performance
    assert 1 <= answer.agents <= 2_000
    assert answer.met == (seen.service_level >= target.service_level)
    for share in (seen.service_level, seen.probability_of_waiting, seen.occupancy):
        assert 0.0 <= share <= 1.0
    assert seen.abandonment is None or 0.0 <= seen.abandonment <= 1.0
    assert seen.stable == math.isfinite(seen.average_speed_of_answer_seconds)
    if answer.met and answer.agents > 1:
        fewer = evaluate(workload, answer.agents - 1, target.answer_within_seconds)
        assert fewer.service_level < target.service_level


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.floats(1, 2_000), st.floats(0.5, 30), patiences, concurrencies, st.floats(0, 300))
def test_that_more_agents_never_lower_the_service_level(
    rate: float, handle: float, patience: float | None, chats: Concurrency, within: float
) -> None:
    workload = Workload(rate, handle, patience, chats)
    start = max(1, math.floor(workload.load) - 3)
    levels = [evaluate(workload, n, within).service_level for n in range(start, start + 12)]
    assert all(b >= a - 1e-9 for a, b in itertools.pairwise(levels))
