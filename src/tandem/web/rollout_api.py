"""The roll-out API (/api/v1/rollout, leads only): each topic's mode, changes with a note, the
kill switch, the history, the guardrail's evaluation and the staffing impact of a step back.
Agents get 403 before the body is read; a refused change (an unknown topic or mode, a
percentage outside 0-100, a pilot without one, no note) answers 4xx naming the field, and
every mode stays as it was. See docs/rollout.md.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from tandem.domain.errors import NotFound
from tandem.domain.rollout import ROLLOUT_TOPICS, Setting
from tandem.services import rollout
from tandem.services.rollout_evaluation import TopicResult, evaluate
from tandem.storage.db import reading
from tandem.web.deps import LeadDep, RuntimeDep
from tandem.web.errors import documented
from tandem.web.inputs import Text
from tandem.web.rollout_schemas import (
    ChangeIn,
    ChangeOut,
    EvaluationOut,
    ImpactOut,
    KillIn,
    TopicOut,
    change_out,
    evaluation_out,
    impact_out,
    topics_out,
)

router = APIRouter(prefix="/api/v1/rollout", tags=["rollout"])
_LEADS_ONLY = documented(401, 403)
TopicPath = Annotated[Text, Path(max_length=40, description="A topic, e.g. `refunds`.")]


def _known(topic: str) -> str:
    if topic not in ROLLOUT_TOPICS:
        raise NotFound(f"topic: {topic!r} is not one of {', '.join(ROLLOUT_TOPICS)}")
    return topic


def _evaluated(runtime: RuntimeDep) -> list[TopicResult]:
    default = runtime.settings.default_handle_minutes
    return evaluate(runtime.engine, apply=False, default_handle=default)[0]


@router.get("/topics", response_model=list[TopicOut], responses=_LEADS_ONLY)
def topics(runtime: RuntimeDep, lead: LeadDep) -> list[TopicOut]:
    """Every topic with its mode now."""
    return topics_out(rollout.modes(runtime.engine))


@router.put(
    "/topics/{topic}",
    response_model=list[TopicOut],
    responses={**_LEADS_ONLY, **documented(400, 404, 413, 422)},
)
def set_mode(
    topic: TopicPath, body: ChangeIn, runtime: RuntimeDep, lead: LeadDep
) -> list[TopicOut]:
    """Put one topic in a mode; every server process applies it at its next turn (an unknown
    topic: 404)."""
    chosen = _known(topic)
    setting = Setting.of(body.mode.value, body.percent)
    rollout.change(runtime.engine, [chosen], setting, body.note, lead.id)
    return topics_out(rollout.modes(runtime.engine))


@router.post(
    "/kill", response_model=list[TopicOut], responses={**_LEADS_ONLY, **documented(400, 413, 422)}
)
def kill(body: KillIn, runtime: RuntimeDep, lead: LeadDep) -> list[TopicOut]:
    """The kill switch: one topic (or every topic) `off` at once; a customer in the middle of a
    flow is handed to a person at their next message."""
    rollout.kill(runtime.engine, body.topic, body.note, lead.id)
    return topics_out(rollout.modes(runtime.engine))


@router.get("/evaluation", response_model=list[EvaluationOut], responses=_LEADS_ONLY)
def evaluation(runtime: RuntimeDep, lead: LeadDep) -> list[EvaluationOut]:
    """Each topic's AI group against people on the five metrics, with sample sizes and
    always-valid intervals, the verdict, a suggested next step and the staffing impact of a
    step back, as the guardrail sees it now (nothing is changed)."""
    return [evaluation_out(r) for r in _evaluated(runtime)]


@router.get(
    "/topics/{topic}/impact",
    response_model=ImpactOut,
    responses={**_LEADS_ONLY, **documented(404, 422)},
)
def topic_impact(topic: TopicPath, runtime: RuntimeDep, lead: LeadDep) -> ImpactOut:
    """Before stepping back, can the people take it? The extra conversations per hour a step
    back of this topic sends to the queue, and the agents that needs (Erlang C, 80% answered
    within 60 s) against the agents online now (an unknown topic: 404)."""
    chosen = _known(topic)
    [result] = [r for r in _evaluated(runtime) if r.topic == chosen]
    return impact_out(result.impact)


@router.get("/history", response_model=list[ChangeOut], responses=_LEADS_ONLY)
def history(runtime: RuntimeDep, lead: LeadDep) -> list[ChangeOut]:
    """Every change, newest first (the last 200): who, when, why, automatic or not; an
    automatic step back with every metric's finding at that moment."""
    with reading(runtime.engine) as connection:
        return [change_out(change) for change in rollout.history(connection)]
