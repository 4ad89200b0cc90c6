"""The week's staffing plan from Tandem's own history, with its what-if scenarios (for the
CLI and the lead API): the metric summaries are brought up to date, the history read, and each
scenario planned by desk.planning."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from tandem.config import Settings
from tandem.desk.capacity import Concurrency, Target
from tandem.desk.planning import (
    Accuracy,
    Assumptions,
    History,
    Plan,
    Scenario,
    compare,
    notes,
    plan,
)
from tandem.domain.errors import InvalidInput
from tandem.services.agents import agents_online
from tandem.services.metrics import refresh
from tandem.storage.capacity_history import read_history
from tandem.storage.db import reading

MAX_HISTORY_WEEKS = 52
MAX_ARRIVALS_FACTOR = 100.0


@dataclass(frozen=True, slots=True)
class Request:
    """What the lead asks: the target, how much history, overrides and what-ifs."""

    target: Target
    history_weeks: int = 8
    handle_minutes: float | None = None
    patience_minutes: float | None = None
    concurrency: int | None = None  # chats one agent handles at once; None: as measured
    on_duty: int | Sequence[int] | None = None  # one number, or per half hour (desk.schedule)
    what_if: Sequence[tuple[str, float]] = ()  # (topic, share to a person)
    until: dt.datetime | None = None  # the history ends here (default: now)
    arrivals_factor: float = 1.0  # the lead's expectation against the history, e.g. 1.2

    def __post_init__(self) -> None:
        factor = self.arrivals_factor
        if not (math.isfinite(factor) and 0.0 < factor <= MAX_ARRIVALS_FACTOR):
            raise InvalidInput(
                f"the arrivals factor must be more than 0 and at most {MAX_ARRIVALS_FACTOR:g}"
            )

    def concurrency_for(self, history: History) -> Concurrency:
        """The lead's concurrency, else the one measured in practice, else one chat at a time."""
        return Concurrency(self.concurrency or history.typical_chats or 1)


def week_plans(engine: Engine, settings: Settings, request: Request) -> tuple[History, list[Plan]]:
    """The history, and the plans: as measured, each what-if, and the AI off."""
    if not 1 <= request.history_weeks <= MAX_HISTORY_WEEKS:
        raise InvalidInput(f"history weeks must be from 1 to {MAX_HISTORY_WEEKS}")
    refresh(engine, settings)
    end = request.until or dt.datetime.now(dt.UTC)
    start = end - dt.timedelta(weeks=request.history_weeks)
    with reading(engine) as connection:
        history = read_history(connection, start, end, settings.zone)
    assumptions = Assumptions(
        handle_minutes=request.handle_minutes,
        patience_minutes=request.patience_minutes,
        concurrency=request.concurrency_for(history),
        arrivals_factor=request.arrivals_factor,
        cost_per_agent_hour=settings.cost_per_agent_hour,
        cost_per_ai_conversation=settings.cost_per_ai_conversation,
    )
    scenarios = [Scenario()]
    scenarios += [Scenario(f"{topic} to a person: {share:.0%}", {topic: share})
                  for topic, share in request.what_if]
    scenarios.append(Scenario("AI off", ai_off=True))
    plans = [plan(history, request.target, s, assumptions, request.on_duty) for s in scenarios]
    return history, plans


def online_now(engine: Engine) -> int:
    """Agents signed in to the console right now (to compare the plan with)."""
    with reading(engine) as connection:
        return agents_online(connection)


def as_json(
    history: History, plans: Sequence[Plan], online: int | None = None
) -> dict[str, Any]:
    """One JSON object: the measured inputs, and each scenario with its intervals."""
    baseline = plans[0]
    return {
        "agents_online_now": online,
        "notes": notes(history),
        "history": {
            "weeks": round(history.weeks, 2),
            "conversations_per_week": round(sum(history.arrivals), 1),
            "handle_minutes": _round(history.handle_minutes),
            "patience_minutes": _round(history.patience_minutes),
            "concurrency_in_practice": _round(history.concurrency),
            "typical_chats_at_once": history.typical_chats,
            "chat_minutes_by_concurrency": {
                str(k): round(m, 1) for k, m in history.in_hand.items()
            },
            "topics": {
                name: {
                    "conversations": topic.conversations,
                    "to_person": topic.to_person,
                    "person_share": round(topic.person_share, 4),
                    "handle_minutes": _round(topic.handle_minutes),
                }
                for name, topic in history.topics.items()
            },
        },
        "scenarios": [_scenario(p, baseline) for p in plans],
    }


def _scenario(chosen: Plan, baseline: Plan) -> dict[str, Any]:
    return {
        "name": chosen.scenario.name,
        "service_level": chosen.target.service_level,
        "answer_within_seconds": chosen.target.answer_within_seconds,
        "handle_minutes": round(chosen.handle_minutes, 2),
        "patience_minutes": _round(chosen.patience_minutes),
        "arrivals_factor": chosen.arrivals_factor,
        "concurrency": chosen.intervals[0].needed.workload.concurrency.chats,
        "person_share": round(chosen.person_share, 4),
        "peak_agents": chosen.peak_agents,
        "agent_hours": chosen.agent_hours,
        "extra_agent_hours": chosen.agent_hours - baseline.agent_hours,
        "cost": round(chosen.cost, 2),
        "cost_per_resolution": _round(chosen.cost_per_resolution),
        "peak_backlog": round(chosen.peak_backlog, 1),
        "short_intervals": chosen.short_intervals,
        "intervals_target_unmet": sum(not i.needed.met for i in chosen.intervals),
        "shortfall": _shortfall(chosen),
        "intervals": [
            {
                "day": i.day,
                "start": i.start,
                "arrivals": round(i.arrivals, 2),
                "to_people": round(i.to_people, 2),
                "agents": i.needed.agents,
                "target_met": i.needed.met,
                "extra_agents": i.needed.agents - b.needed.agents,
                "service_level": round(i.needed.performance.service_level, 4),
                "average_speed_of_answer_seconds": _round(
                    i.needed.performance.average_speed_of_answer_seconds
                ),
                "abandonment": _round(i.needed.performance.abandonment),
                "on_duty": i.scheduled,
                "on_duty_service_level": (
                    round(i.on_duty.service_level, 4) if i.on_duty else None
                ),
                "on_duty_average_speed_of_answer_seconds": (
                    _round(i.on_duty.average_speed_of_answer_seconds) if i.on_duty else None
                ),
                "on_duty_abandonment": _round(i.on_duty.abandonment) if i.on_duty else None,
                "backlog": round(i.backlog, 1),
            }
            for i, b in zip(chosen.intervals, baseline.intervals, strict=True)
        ],
    }


def _shortfall(chosen: Plan) -> str | None:
    """Why the target cannot be met, in the first half hour where it cannot; None if it can."""
    for interval in chosen.intervals:
        problem = interval.needed.shortfall()
        if problem is not None:
            return f"{interval.day} {interval.start}: {problem}"
    return None


def _round(value: float | None) -> float | None:
    if value is None or value != value or value in (float("inf"), float("-inf")):
        return None
    return round(value, 2)


@dataclass(frozen=True, slots=True)
class WeekCheck:
    start: dt.datetime
    accuracy: Accuracy


def backtest(
    engine: Engine, settings: Settings, weeks: int, request: Request
) -> list[WeekCheck]:
    """Each of the last ``weeks`` weeks planned from the ``request.history_weeks`` before it,
    against the plan its real arrivals needed (with the same handle time and patience, so the
    error is the forecast's)."""
    if not 1 <= weeks <= MAX_HISTORY_WEEKS:
        raise InvalidInput(f"weeks must be from 1 to {MAX_HISTORY_WEEKS}")
    refresh(engine, settings)
    end = request.until or dt.datetime.now(dt.UTC)
    checks = []
    with reading(engine) as connection:
        for back in range(weeks, 0, -1):
            start = end - dt.timedelta(weeks=back)
            before = start - dt.timedelta(weeks=request.history_weeks)
            learned = read_history(connection, before, start, settings.zone)
            happened = read_history(connection, start, start + dt.timedelta(weeks=1), settings.zone)
            concurrency = request.concurrency_for(learned)
            assumptions = Assumptions(
                handle_minutes=request.handle_minutes
                or learned.handle_alone_minutes(concurrency.slowdown),
                patience_minutes=request.patience_minutes or learned.patience_minutes,
                concurrency=concurrency,
            )
            predicted = plan(learned, request.target, assumptions=assumptions)
            # The week itself, with its own containment but the same handle time and patience.
            actual = plan(happened, request.target, assumptions=assumptions, quiet_ok=True)
            checks.append(WeekCheck(start, compare(predicted, actual)))
    return checks

