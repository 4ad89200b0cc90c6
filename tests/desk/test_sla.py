"""SLA clocks on hand-made timelines: targets per priority, office hours, waiting on the
customer, closing."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tandem.desk.hours import OfficeHours
from tandem.desk.sla import (
    ClockKind,
    ClockState,
    Step,
    Targets,
    Timeline,
    WorkingTime,
    clocks,
    current,
    parse_targets,
)
from tandem.domain.decision import Priority
from tandem.domain.errors import InvalidInput

AMS = ZoneInfo("Europe/Amsterdam")
MONDAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=AMS).astimezone(dt.UTC)  # a Monday, 10:00
TARGETS = Targets(
    parse_targets("urgent=5,normal=30", "first"),
    parse_targets("urgent=5,normal=20", "next"),
    approaching_share=0.75,
)


def at(minutes: float) -> dt.datetime:
    return MONDAY + dt.timedelta(minutes=minutes)


def line(*steps: tuple[float, Step], priority: Priority = Priority.NORMAL) -> Timeline:
    return Timeline(MONDAY, priority, tuple((at(m), s) for m, s in steps))


def test_that_the_first_response_clock_runs_from_the_hand_over_until_an_agent_writes() -> None:
    [clock] = clocks(line((12, Step.AGENT)), TARGETS, at(60))
    assert clock.kind is ClockKind.FIRST
    assert clock.elapsed_seconds == 12 * 60
    assert clock.state is ClockState.MET
    assert clock.deadline == at(30)


def test_that_a_running_clock_is_approaching_past_the_share_and_breached_past_the_target() -> None:
    assert current(line(), TARGETS, at(10)).state is ClockState.RUNNING  # type: ignore[union-attr]
    assert current(line(), TARGETS, at(23)).state is ClockState.APPROACHING  # type: ignore[union-attr]
    assert current(line(), TARGETS, at(30)).state is ClockState.BREACHED  # type: ignore[union-attr]


def test_that_the_target_depends_on_the_priority() -> None:
    urgent = current(line(priority=Priority.URGENT), TARGETS, at(6))
    assert urgent is not None and urgent.state is ClockState.BREACHED
    assert current(line(priority=Priority.LOW), TARGETS, at(600)) is None  # no target: no clock


def test_that_no_clock_runs_while_the_conversation_waits_on_the_customer() -> None:
    timeline = line((5, Step.AGENT))
    assert current(timeline, TARGETS, at(500)) is None  # hours later: nobody owes an answer


def test_that_the_customers_next_message_starts_the_next_response_clock() -> None:
    timeline = line((5, Step.AGENT), (100, Step.CUSTOMER), (102, Step.CUSTOMER))
    first, running = clocks(timeline, TARGETS, at(118))
    assert first.state is ClockState.MET
    assert running.kind is ClockKind.NEXT and running.started == at(100)  # the first unanswered
    assert running.elapsed_seconds == 18 * 60 and running.state is ClockState.APPROACHING
    assert running.deadline == at(120)


def test_that_an_answer_after_the_target_is_recorded_as_missed() -> None:
    first, second = clocks(
        line((5, Step.AGENT), (10, Step.CUSTOMER), (45, Step.AGENT)), TARGETS, at(50)
    )
    assert (first.state, second.state) == (ClockState.MET, ClockState.MISSED)


def test_that_customer_messages_before_the_first_answer_do_not_restart_the_clock() -> None:
    running = current(line((3, Step.CUSTOMER), (8, Step.CUSTOMER)), TARGETS, at(29))
    assert running is not None and running.kind is ClockKind.FIRST
    assert running.started == MONDAY


def test_that_closing_stops_the_clock() -> None:
    [clock] = clocks(line((3, Step.CLOSED), (4, Step.CUSTOMER)), TARGETS, at(300))
    assert clock.state is ClockState.STOPPED and clock.ended == at(3)
    assert current(line((3, Step.CLOSED)), TARGETS, at(300)) is None


def test_that_steps_before_the_hand_over_are_not_counted() -> None:
    running = current(line((-10, Step.AGENT), (-5, Step.CUSTOMER)), TARGETS, at(1))
    assert running is not None and running.kind is ClockKind.FIRST


def test_that_the_clock_counts_only_office_hours() -> None:
    hours = WorkingTime(OfficeHours.parse("mon-fri 09:00-17:00"), AMS)
    friday = dt.datetime(2026, 3, 6, 16, 50, tzinfo=AMS).astimezone(dt.UTC)
    timeline = Timeline(friday, Priority.NORMAL)
    monday_morning = dt.datetime(2026, 3, 9, 9, 15, tzinfo=AMS).astimezone(dt.UTC)
    running = current(timeline, TARGETS, monday_morning, hours)
    assert running is not None
    assert running.elapsed_seconds == 25 * 60  # 10 min on Friday + 15 on Monday, not the weekend
    assert running.state is ClockState.APPROACHING
    assert running.deadline == dt.datetime(2026, 3, 9, 9, 20, tzinfo=AMS).astimezone(dt.UTC)


def test_that_a_hand_over_outside_office_hours_starts_counting_when_they_open() -> None:
    hours = WorkingTime(OfficeHours.parse("mon-fri 09:00-17:00"), AMS)
    night = dt.datetime(2026, 3, 2, 22, 0, tzinfo=AMS).astimezone(dt.UTC)
    morning = dt.datetime(2026, 3, 3, 9, 10, tzinfo=AMS).astimezone(dt.UTC)
    running = current(Timeline(night, Priority.NORMAL), TARGETS, morning, hours)
    assert running is not None and running.elapsed_seconds == 10 * 60
    assert running.deadline == dt.datetime(2026, 3, 3, 9, 30, tzinfo=AMS).astimezone(dt.UTC)


def test_that_office_hours_follow_the_clock_change() -> None:
    hours = WorkingTime(OfficeHours.parse("sun 09:00-17:00"), AMS)
    start = dt.datetime(2026, 3, 29, 8, 0, tzinfo=AMS).astimezone(dt.UTC)  # DST starts 02:00
    end = dt.datetime(2026, 3, 29, 18, 0, tzinfo=AMS).astimezone(dt.UTC)
    assert hours.between(start, end) == 8 * 3600


def test_that_waiting_on_the_customer_over_a_weekend_counts_nothing_in_office_hours() -> None:
    hours = WorkingTime(OfficeHours.parse("mon-fri 09:00-17:00"), AMS)
    friday = dt.datetime(2026, 3, 6, 16, 0, tzinfo=AMS).astimezone(dt.UTC)
    steps = (
        (friday + dt.timedelta(minutes=5), Step.AGENT),
        (friday + dt.timedelta(hours=26), Step.CUSTOMER),  # Saturday 18:00
    )
    monday = dt.datetime(2026, 3, 9, 9, 5, tzinfo=AMS).astimezone(dt.UTC)
    running = current(Timeline(friday, Priority.NORMAL, steps), TARGETS, monday, hours)
    assert running is not None and running.kind is ClockKind.NEXT
    assert running.elapsed_seconds == 5 * 60 and running.state is ClockState.RUNNING


@pytest.mark.parametrize("text", ["urgent=0", "soon=5", "normal", "normal=x", "low=99999999"])
def test_that_unreadable_targets_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_targets(text, "TANDEM_SLA_FIRST_RESPONSE_MINUTES")
