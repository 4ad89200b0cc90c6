"""Chat concurrency in practice: chat-minutes per number of chats in hand, swept per agent."""

from __future__ import annotations

import datetime as dt

import pytest

from tandem.desk.practice import chat_minutes_by_concurrency, mean_concurrency, typical_chats

NINE = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)


def minute(n: float) -> dt.datetime:
    return NINE + dt.timedelta(minutes=n)


def test_that_overlapping_chats_of_one_agent_count_their_shared_minutes_at_two() -> None:
    spans = [("anna", minute(0), minute(10)), ("anna", minute(5), minute(15))]
    minutes = chat_minutes_by_concurrency(spans)
    assert minutes == {1: pytest.approx(10.0), 2: pytest.approx(10.0)}
    assert mean_concurrency(minutes) == pytest.approx(1.5)
    assert typical_chats(minutes) == 2


def test_that_two_agents_at_the_same_time_do_not_count_as_concurrency() -> None:
    spans = [("anna", minute(0), minute(10)), ("bob", minute(0), minute(10))]
    assert chat_minutes_by_concurrency(spans) == {1: pytest.approx(20.0)}


def test_that_one_chat_ending_as_the_next_begins_is_one_at_a_time() -> None:
    spans = [("anna", minute(0), minute(10)), ("anna", minute(10), minute(20))]
    assert chat_minutes_by_concurrency(spans) == {1: pytest.approx(20.0)}


def test_that_a_rare_peak_does_not_set_the_cap_but_common_work_does() -> None:
    brief = ("anna", minute(0), minute(2))
    spans = [("anna", minute(0), minute(200)), brief, brief]
    minutes = chat_minutes_by_concurrency(spans)
    assert minutes[3] == pytest.approx(6.0)
    assert typical_chats(minutes) == 1  # 3 at once for 2 of 200 minutes


def test_that_no_held_chat_measures_nothing() -> None:
    assert chat_minutes_by_concurrency([]) == {}
    assert mean_concurrency({}) is None and typical_chats({}) is None
    assert chat_minutes_by_concurrency([("anna", minute(5), minute(5))]) == {}
