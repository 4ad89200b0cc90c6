"""A lead's schedule in a few words: agents per half hour of the week, and every mistake named."""

from __future__ import annotations

import pytest

from tandem.desk.schedule import SLOTS_PER_DAY, WEEK_SLOTS, parse
from tandem.domain.errors import InvalidInput


def at(schedule: tuple[int, ...], day: int, hour: float) -> int:
    return schedule[day * SLOTS_PER_DAY + int(hour * 2)]


def test_that_weekdays_and_a_saturday_shift_give_agents_only_in_their_half_hours() -> None:
    week = parse("mon-fri 09:00-17:00 4; sat 10:00-14:00 2")
    assert len(week) == WEEK_SLOTS
    assert [at(week, day, 9) for day in range(7)] == [4, 4, 4, 4, 4, 0, 0]
    assert at(week, 0, 8.5) == 0 and at(week, 0, 16.5) == 4 and at(week, 0, 17) == 0
    assert at(week, 5, 10) == 2 and at(week, 5, 14) == 0
    assert sum(week) == 5 * 16 * 4 + 8 * 2


def test_that_overlapping_shifts_add_up_and_a_day_range_may_wrap_over_the_weekend() -> None:
    week = parse("mon-fri 08:00-16:00 3\nmon-fri 12:00-20:00 3; fri-mon 00:00-24:00 1")
    assert at(week, 0, 13) == 3 + 3 + 1
    assert at(week, 2, 13) == 6 and at(week, 2, 2) == 0
    assert at(week, 6, 2) == 1 and at(week, 4, 23.5) == 1


def test_that_a_plain_number_and_daily_mean_every_day() -> None:
    assert parse("4") == (4,) * WEEK_SLOTS
    assert parse("daily 00:00-24:00 2") == (2,) * WEEK_SLOTS
    assert parse("Mon,Wed 09:30-10:00 1")[9 * 2 + 1] == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("  ;  ", "empty"),
        ("mon-fry 09:00-17:00 4", "'fry' is not a day"),
        ("mon 09:15-10:00 1", "09:15 is not a half hour"),
        ("mon 09:00-24:30 1", "24:30 is not a half hour"),
        ("mon 22:00-06:00 1", "split a night shift at 24:00"),
        ("mon 10:00-10:00 1", "ends before it starts"),
        ("mon 9-17 4", "is not DAYS HH:MM-HH:MM AGENTS"),
        ("mon 09:00-17:00 -4", "is not DAYS HH:MM-HH:MM AGENTS"),
        ("mon 09:00-17:00 four", "is not DAYS HH:MM-HH:MM AGENTS"),
        ("mon 09:00-17:00 20001", "at most 20000 agents"),
        ("daily 00:00-24:00 15000; mon 00:00-01:00 6000", "more than 20000 agents"),
        ("x" * 2001, "at most 2000 characters"),
        (";".join(["mon 00:00-01:00 1"] * 101), "at most 100 parts"),
    ],
)
def test_that_a_mistake_is_refused_naming_the_part_and_what_is_wrong(
    text: str, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse(text)
