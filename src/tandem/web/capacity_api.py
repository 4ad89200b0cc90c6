"""The capacity plan for leads (/api/v1/capacity/plan): agents needed per half hour of a week
from Tandem's own history, beside a roll-out step back (what-if) and the AI off."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from tandem.desk import schedule as schedules
from tandem.desk.capacity import Target
from tandem.domain.errors import InvalidInput
from tandem.services import capacity_plan as service
from tandem.services.metrics import require_lead
from tandem.web.deps import AgentDep, RuntimeDep
from tandem.web.errors import documented

router = APIRouter(prefix="/api/v1/capacity", tags=["capacity"])
MAX_WHAT_IFS = 20


class TopicOut(BaseModel):
    conversations: int
    to_person: int
    person_share: float
    handle_minutes: float | None


class HistoryOut(BaseModel):
    weeks: float
    conversations_per_week: float
    handle_minutes: float | None
    patience_minutes: float | None
    concurrency_in_practice: float | None
    typical_chats_at_once: int | None
    chat_minutes_by_concurrency: dict[str, float]
    topics: dict[str, TopicOut]


class IntervalOut(BaseModel):
    day: str
    start: str
    arrivals: float
    to_people: float
    agents: int
    target_met: bool
    extra_agents: int
    service_level: float
    average_speed_of_answer_seconds: float | None
    abandonment: float | None
    on_duty: int | None
    on_duty_service_level: float | None
    on_duty_average_speed_of_answer_seconds: float | None
    on_duty_abandonment: float | None
    backlog: float


class ScenarioOut(BaseModel):
    name: str
    service_level: float
    answer_within_seconds: float
    handle_minutes: float
    patience_minutes: float | None
    arrivals_factor: float
    concurrency: int
    person_share: float
    peak_agents: int
    agent_hours: float
    extra_agent_hours: float
    cost: float
    cost_per_resolution: float | None
    peak_backlog: float
    short_intervals: int
    intervals_target_unmet: int
    shortfall: str | None
    intervals: list[IntervalOut]


class PlanOut(BaseModel):
    agents_online_now: int | None
    notes: list[str]
    history: HistoryOut
    scenarios: list[ScenarioOut]


@router.get("/plan", response_model=PlanOut, responses=documented(401, 403, 422))
async def plan(
    runtime: RuntimeDep,
    agent: AgentDep,
    service_level: Annotated[float, Query(gt=0, lt=1)] = 0.8,
    answer_within_seconds: Annotated[float, Query(gt=0, le=86_400)] = 60.0,
    history_weeks: Annotated[int, Query(ge=1, le=service.MAX_HISTORY_WEEKS)] = 8,
    handle_minutes: Annotated[float | None, Query(gt=0, le=1440)] = None,
    patience_minutes: Annotated[float | None, Query(gt=0, le=1440)] = None,
    concurrency: Annotated[
        int | None, Query(ge=1, le=10, description="Chats at once; default: as measured.")
    ] = None,
    on_duty: Annotated[int | None, Query(ge=0, le=20_000)] = None,
    schedule: Annotated[
        str | None,
        Query(
            max_length=schedules.MAX_TEXT,
            description="Agents on duty per half hour, e.g. 'mon-fri 09:00-17:00 4; "
            "sat 10:00-14:00 2' (instead of on_duty).",
        ),
    ] = None,
    arrivals_factor: Annotated[
        float,
        Query(gt=0, le=service.MAX_ARRIVALS_FACTOR, description="e.g. 1.2: 20% above history."),
    ] = 1.0,
    what_if: Annotated[
        list[str] | None,
        Query(description="TOPIC=SHARE, e.g. returns=0.9: a step back (at most 20)."),
    ] = None,
) -> PlanOut:
    """Agents needed per half hour of a week to answer `service_level` of customers within
    `answer_within_seconds`, learned from the last `history_weeks` weeks (every input can be
    overridden); then each what-if and the AI off, with the extra agent hours, what the agents
    on duty (`on_duty`, or per half hour `schedule`) achieve, the queue that builds up with
    them, and the cost per resolution."""
    require_lead(agent)
    if len(what_if or ()) > MAX_WHAT_IFS:
        raise InvalidInput(f"what_if: at most {MAX_WHAT_IFS} scenarios")
    if schedule is not None and on_duty is not None:
        raise InvalidInput("schedule: give on_duty or a schedule, not both")
    duty = schedules.parse(schedule) if schedule is not None else on_duty
    request = service.Request(
        Target(service_level, answer_within_seconds),
        history_weeks,
        handle_minutes,
        patience_minutes,
        concurrency,
        duty,
        tuple(_what_if(text) for text in what_if or ()),
        arrivals_factor=arrivals_factor,
    )
    history, plans = await run_in_threadpool(
        service.week_plans, runtime.engine, runtime.settings, request
    )
    online = await run_in_threadpool(service.online_now, runtime.engine)
    return PlanOut.model_validate(service.as_json(history, plans, online))


def _what_if(text: str) -> tuple[str, float]:
    topic, _, value = text.partition("=")
    try:
        share = float(value)
    except ValueError:
        share = -1.0
    if not topic or not 0.0 <= share <= 1.0:
        raise InvalidInput(f"what_if: {text!r} is not TOPIC=SHARE with a share from 0 to 1")
    return topic, share
