"""Automatic assignment rules, pure: team, language, capacity, least busy, ties, fallback,
away and offline agents."""

from __future__ import annotations

import datetime as dt

from tandem.desk.routing import Candidate, Need, pick, plan

NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)
FALLBACK = dt.timedelta(minutes=10)


def agent(
    name: str,
    teams: str = "general",
    languages: str = "en",
    capacity: int = 3,
    load: int = 0,
    closed_minutes_ago: int | None = None,
    online: bool = True,
) -> Candidate:
    closed = None if closed_minutes_ago is None else NOW - dt.timedelta(minutes=closed_minutes_ago)
    return Candidate(
        name,
        frozenset(teams.split(",")),
        frozenset(languages.split(",")),
        capacity,
        load,
        closed,
        online,
    )


def need(
    team: str = "general", language: str = "en", waited_minutes: int = 0, name: str = "c"
) -> Need:
    return Need(name, team, language, NOW - dt.timedelta(minutes=waited_minutes))


def chosen(wanted: Need, *candidates: Candidate) -> str | None:
    found = pick(wanted, candidates, NOW, FALLBACK)
    return None if found is None else found.agent_id


def test_that_the_team_and_the_language_must_fit() -> None:
    agents = [
        agent("en-general"),
        agent("nl-payments", "payments", "nl"),
        agent("nl", "general", "nl"),
    ]
    assert chosen(need("payments", "nl"), *agents) == "nl-payments"
    assert chosen(need("general", "nl"), *agents) == "nl"
    assert chosen(need("general", "en"), *agents) == "en-general"


def test_that_a_full_agent_gets_nothing_and_the_conversation_waits_for_them() -> None:
    full = agent("full", "payments", load=3, capacity=3)
    assert chosen(need("payments"), full, agent("other")) is None  # no fallback: full waits
    assert chosen(need("payments", waited_minutes=60), full, agent("other")) is None


def test_that_the_least_busy_agent_is_first_and_ties_go_to_who_finished_least_recently() -> None:
    assert chosen(need(), agent("busy", load=2), agent("calm", load=1)) == "calm"
    recent, long_ago = agent("recent", closed_minutes_ago=1), agent("long", closed_minutes_ago=50)
    assert chosen(need(), recent, long_ago) == "long"
    assert chosen(need(), long_ago, agent("never")) == "never"  # never finished: longest ago


def test_that_nobody_with_the_team_falls_back_to_anyone_online_after_the_fallback_time() -> None:
    english = agent("en")
    assert chosen(need("payments", waited_minutes=9), english) is None
    assert chosen(need("payments", waited_minutes=10), english) == "en"
    assert chosen(need("general", "nl", waited_minutes=11), english) == "en"


def test_that_away_and_offline_agents_get_nothing_and_do_not_block_the_fallback() -> None:
    away = agent("away", "payments", online=False)
    assert chosen(need("payments"), away) is None
    assert chosen(need("payments", waited_minutes=10), away, agent("en")) == "en"


def test_that_a_plan_counts_each_assignment_towards_capacity_and_follows_queue_order() -> None:
    needs = [need(name=f"c{i}") for i in range(5)]
    planned = plan(needs, [agent("a", capacity=2), agent("b", capacity=1, load=0)], NOW, FALLBACK)
    assert planned == [("c0", "a"), ("c1", "b"), ("c2", "a")]  # then everyone is full
