"""The week plan from a hand-made history: each half hour staffed as Erlang C / A would, the
what-ifs, the AI off, the queue with too few agents on duty, and what is missing said."""

from __future__ import annotations

import dataclasses

import pytest

from tandem.desk.capacity import Concurrency, Target, Workload, evaluate, staff
from tandem.desk.planning import (
    SLOTS_PER_DAY,
    WEEK_SLOTS,
    Assumptions,
    History,
    Scenario,
    TopicHistory,
    compare,
    notes,
    plan,
)
from tandem.desk.schedule import parse
from tandem.domain.errors import InvalidInput

TARGET = Target(0.8, 60.0)
MONDAY_NINE = 9 * 2  # the half hour from 09:00 on Monday
TUESDAY_TEN = SLOTS_PER_DAY + 10 * 2


def history(patience_abandoned: int = 0) -> History:
    """Two busy half hours a week; returns reach a person half the time, orders a tenth."""
    arrivals = [0.0] * WEEK_SLOTS
    arrivals[MONDAY_NINE], arrivals[TUESDAY_TEN] = 40.0, 10.0
    return History(
        weeks=8,
        arrivals=tuple(arrivals),
        topics={
            "returns": TopicHistory(conversations=200, to_person=100, human_minutes=600.0),
            "order_status": TopicHistory(conversations=200, to_person=20, human_minutes=120.0),
        },
        waited_minutes=30.0,
        abandoned=patience_abandoned,
    )


def test_that_each_half_hour_is_staffed_as_erlang_c_with_the_measured_inputs() -> None:
    week = plan(history(), TARGET)
    assert week.handle_minutes == pytest.approx(720 / 120)  # take to close, handed-over only
    assert week.person_share == pytest.approx(120 / 400)
    busy = week.intervals[MONDAY_NINE]
    assert (busy.day, busy.start) == ("mon", "09:00")
    expected = staff(Workload(40 * 0.3 / 0.5, 6.0), TARGET)
    assert busy.needed.agents == expected.agents
    assert week.intervals[0].needed.agents == 0
    assert week.agent_hours == pytest.approx(
        0.5 * (busy.needed.agents + week.intervals[TUESDAY_TEN].needed.agents)
    )


def test_that_measured_abandonment_gives_a_patience_and_erlang_a() -> None:
    week = plan(history(patience_abandoned=10), TARGET)
    assert week.patience_minutes == pytest.approx(3.0)
    assert week.intervals[MONDAY_NINE].needed.workload.model == "erlang_a"


def test_that_a_step_back_on_a_topic_and_the_ai_off_need_more_people() -> None:
    measured = plan(history(), TARGET)
    step_back = plan(history(), TARGET, Scenario("returns back", {"returns": 1.0}))
    off = plan(history(), TARGET, Scenario("off", ai_off=True))
    assert step_back.person_share == pytest.approx((200 + 20) / 400)
    assert off.person_share == 1.0
    assert measured.peak_agents <= step_back.peak_agents <= off.peak_agents
    assert measured.agent_hours < step_back.agent_hours < off.agent_hours


def test_that_too_few_agents_on_duty_build_a_queue_that_drains_afterwards() -> None:
    week = plan(history(), TARGET, assumptions=Assumptions(), on_duty=1)
    busy = week.intervals[MONDAY_NINE]
    # One agent finishes 5 chats of 6 minutes in half an hour; 12 arrive.
    assert busy.backlog == pytest.approx(12 - 5)
    assert week.intervals[MONDAY_NINE + 1].backlog == pytest.approx(2)
    assert week.intervals[MONDAY_NINE + 2].backlog == 0
    assert busy.on_duty is not None and not busy.on_duty.stable


def test_that_the_cost_per_resolution_counts_agent_hours_and_ai_conversations() -> None:
    prices = Assumptions(cost_per_agent_hour=30.0, cost_per_ai_conversation=0.5)
    week = plan(history(), TARGET, assumptions=prices)
    assert week.cost == pytest.approx(week.agent_hours * 30.0 + 50 * 0.5)
    assert week.cost_per_resolution == pytest.approx(week.cost / 50)


def test_that_what_is_missing_is_said_and_an_override_fills_it() -> None:
    empty = History(1, (0.0,) * WEEK_SLOTS, {}, 0.0, 0)
    with pytest.raises(InvalidInput, match="no conversations in the history"):
        plan(empty, TARGET)
    few = History(1, history().arrivals, {"returns": TopicHistory(10, 2, 20.0)}, 0.0, 0)
    with pytest.raises(InvalidInput, match="set the handle time"):
        plan(few, TARGET)
    assert plan(few, TARGET, assumptions=Assumptions(handle_minutes=5.0)).handle_minutes == 5.0


def test_that_a_what_if_on_an_unknown_topic_or_share_is_refused() -> None:
    with pytest.raises(InvalidInput, match="no conversations about refunds"):
        plan(history(), TARGET, Scenario("x", {"refunds": 0.5}))
    with pytest.raises(InvalidInput, match="from 0 to 1"):
        Scenario("x", {"returns": 1.5})


def test_that_a_back_test_compares_the_plan_with_what_the_week_needed() -> None:
    forecast = plan(history(), TARGET)
    busier = list(history().arrivals)
    busier[MONDAY_NINE] *= 2
    happened = History(1, tuple(busier), history().topics, 0.0, 0)
    accuracy = compare(forecast, plan(happened, TARGET, assumptions=Assumptions(6.0)))
    assert accuracy.actual_to_people == pytest.approx(accuracy.predicted_to_people + 12)
    assert accuracy.to_people_error == pytest.approx(12 / WEEK_SLOTS)
    assert accuracy.short_intervals == 1
    quiet = History(1, (0.0,) * WEEK_SLOTS, {}, 0.0, 0)
    empty_week = plan(quiet, TARGET, assumptions=Assumptions(6.0), quiet_ok=True)
    assert compare(forecast, empty_week).actual_to_people == 0


def test_that_a_schedule_is_compared_half_hour_by_half_hour() -> None:
    schedule = parse("mon 09:00-09:30 20; mon 09:30-10:00 1; tue 10:00-10:30 1")
    week = plan(history(), TARGET, on_duty=schedule)
    busy, after, tuesday = (week.intervals[s] for s in (MONDAY_NINE, MONDAY_NINE + 1, TUESDAY_TEN))
    assert (busy.scheduled, after.scheduled, tuesday.scheduled) == (20, 1, 1)
    assert busy.on_duty == evaluate(busy.needed.workload, 20, 60.0)
    assert busy.backlog == 0  # twenty agents finish the 12 at once
    assert week.intervals[0].scheduled == 0 and week.intervals[0].backlog == 0
    short = [i for i in week.intervals if i.scheduled is not None and i.scheduled < i.needed.agents]
    assert week.short_intervals == len(short) == 1 and short[0] is tuesday
    with pytest.raises(InvalidInput, match="a schedule has 336 half hours, not 3"):
        plan(history(), TARGET, on_duty=(1, 2, 3))


def test_that_concurrency_in_practice_turns_the_measured_handle_time_into_one_alone() -> None:
    # Every handed-over chat shared its agent with one other all the time: k̄ = 2.
    measured = dataclasses.replace(history(), in_hand={2: 720.0})
    assert measured.concurrency == 2.0 and measured.typical_chats == 2
    assert measured.handle_alone_minutes(0.25) == pytest.approx(6.0 / 1.25)
    week = plan(measured, TARGET, assumptions=Assumptions(concurrency=Concurrency(2)))
    assert week.handle_minutes == pytest.approx(4.8)
    busy = week.intervals[MONDAY_NINE]
    expected = staff(Workload(24.0, 4.8, concurrency=Concurrency(2)), TARGET)
    assert busy.needed.agents == expected.agents
    # A handle time the lead gives is taken as it is.
    given = plan(measured, TARGET, assumptions=Assumptions(handle_minutes=6.0))
    assert given.handle_minutes == 6.0


def test_that_a_short_history_is_noted_with_what_it_lacks() -> None:
    short = dataclasses.replace(history(), weeks=0.5, asked_weeks=8.0, unseen=168)
    said = notes(short)
    assert "covers 0.5 of the 8 weeks asked" in said[0]
    assert "168 of the week's 336 half hours are not in the history" in said[1]
    assert "concurrency is not measured" in said[2]
    assert notes(dataclasses.replace(history(), in_hand={1: 60.0})) == []


def test_that_a_step_back_on_a_slow_topic_brings_its_own_handle_time_into_the_mix() -> None:
    slow = dataclasses.replace(
        history(),
        topics={
            "returns": TopicHistory(conversations=200, to_person=100, human_minutes=1000.0),
            "order_status": TopicHistory(conversations=200, to_person=20, human_minutes=40.0),
        },
    )
    measured = plan(slow, TARGET)
    assert measured.handle_minutes == pytest.approx(1040 / 120)
    # order_status fully back to people: 200 at 2 min join the 100 returns at 10 min.
    back = plan(slow, TARGET, Scenario("orders back", {"order_status": 1.0}))
    assert back.handle_minutes == pytest.approx((100 * 10 + 200 * 2) / 300)
    off = plan(slow, TARGET, Scenario("off", ai_off=True))
    assert off.handle_minutes == pytest.approx((200 * 10 + 200 * 2) / 400)
    # A topic with too few handed over takes the mean of all.
    few = dataclasses.replace(
        slow, topics={**slow.topics, "refunds": TopicHistory(100, 2, 100.0)}
    )
    mean = (1040 + 100) / 122
    off = plan(few, TARGET, Scenario("off", ai_off=True))
    assert off.handle_minutes == pytest.approx((200 * 10 + 200 * 2 + 100 * mean) / 500)


def test_that_a_target_no_staffing_can_reach_is_said_with_the_best_achievable() -> None:
    flood = dataclasses.replace(history(), arrivals=(1e5,) * WEEK_SLOTS)
    week = plan(flood, TARGET, Scenario("off", ai_off=True))
    assert not any(i.needed.met for i in week.intervals)
    problem = week.intervals[0].needed.shortfall() or ""
    assert "10000 agents (the most allowed) cannot keep the queue from growing" in problem
