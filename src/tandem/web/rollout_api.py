"""The roll-out API (/api/v1/rollout, leads only): each topic's mode, changes with a note, the
kill switch and the history. Agents get 403 before the body is read; a refused change (an
unknown topic or mode, a percentage outside 0-100, a pilot without one, no note) answers 422
naming the field, and every mode stays as it was. See docs/rollout.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from tandem.domain.errors import NotFound
from tandem.domain.rollout import ROLLOUT_TOPICS, Mode, Modes, Setting
from tandem.services import rollout
from tandem.services.rollout_evaluation import evaluate
from tandem.storage.db import reading
from tandem.understanding.topics import CATALOGUE
from tandem.web.deps import LeadDep, RuntimeDep
from tandem.web.errors import documented
from tandem.web.inputs import Text

router = APIRouter(prefix="/api/v1/rollout", tags=["rollout"])
_LEADS_ONLY = documented(401, 403)
TopicPath = Annotated[Text, Path(max_length=40, description="A topic, e.g. `refunds`.")]
Note = Annotated[Text, Field(max_length=rollout.MAX_NOTE, description="Why: for the history.")]


class TopicOut(BaseModel):
    topic: str
    label: str = Field(description="How an agent reads the topic.")
    mode: Mode
    percent: int | None = Field(description="A pilot's share of customers; null otherwise.")


class ChangeIn(BaseModel):
    mode: Mode
    percent: int | None = Field(
        None, ge=0, le=100, description="Only, and always, for a pilot: the share of customers."
    )
    note: Note


class KillIn(BaseModel):
    topic: Text | None = Field(None, max_length=40, description="One topic; absent: every topic.")
    note: Note


class ChangeOut(BaseModel):
    id: int
    topic: str
    mode: Mode
    percent: int | None
    previous_mode: Mode
    previous_percent: int | None
    changed_by: str | None = Field(description="The lead's agent id; null: the system.")
    automatic: bool = Field(description="Made by the evaluation (a step back), not a person.")
    note: str
    changed_at: dt.datetime


def _topics(modes: Modes) -> list[TopicOut]:
    return [
        TopicOut(
            topic=topic,
            label=CATALOGUE.topics[topic],
            mode=modes.of(topic).mode,
            percent=modes.of(topic).percent,
        )
        for topic in ROLLOUT_TOPICS
    ]


def _change_out(change: rollout.Change) -> ChangeOut:
    return ChangeOut(
        id=change.id,
        topic=change.topic,
        mode=change.setting.mode,
        percent=change.setting.percent,
        previous_mode=change.previous.mode,
        previous_percent=change.previous.percent,
        changed_by=change.changed_by,
        automatic=change.automatic,
        note=change.note,
        changed_at=change.changed_at,
    )


@router.get("/topics", response_model=list[TopicOut], responses=_LEADS_ONLY)
def topics(runtime: RuntimeDep, lead: LeadDep) -> list[TopicOut]:
    """Every topic with its mode now."""
    return _topics(rollout.modes(runtime.engine))


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
    if topic not in ROLLOUT_TOPICS:
        raise NotFound(f"topic: {topic!r} is not one of {', '.join(ROLLOUT_TOPICS)}")
    setting = Setting.of(body.mode.value, body.percent)
    rollout.change(runtime.engine, [topic], setting, body.note, lead.id)
    return _topics(rollout.modes(runtime.engine))


@router.post(
    "/kill", response_model=list[TopicOut], responses={**_LEADS_ONLY, **documented(400, 413, 422)}
)
def kill(body: KillIn, runtime: RuntimeDep, lead: LeadDep) -> list[TopicOut]:
    """The kill switch: one topic (or every topic) `off` at once; a customer in the middle of a
    flow is handed to a person at their next message."""
    rollout.kill(runtime.engine, body.topic, body.note, lead.id)
    return _topics(rollout.modes(runtime.engine))


class FindingOut(BaseModel):
    metric: str
    ai_mean: float
    ai_n: int
    baseline_mean: float
    baseline_n: int
    statistic: float = Field(description="The mSPRT mixture likelihood ratio.")
    threshold: float = Field(description="A clear drop when the statistic reaches it.")
    drop: bool


class EvaluationOut(BaseModel):
    topic: str
    mode: str
    ai: int = Field(description="Conversations in the AI group (the current step).")
    people: int = Field(description="Conversations in the baseline (people, by the roll-out).")
    findings: list[FindingOut]
    verdict: str = Field(description="hold, or the step back the guardrail takes.")
    suggestion: str | None = Field(description="A next step a lead may take; never automatic.")


@router.get("/evaluation", response_model=list[EvaluationOut], responses=_LEADS_ONLY)
def evaluation(runtime: RuntimeDep, lead: LeadDep) -> list[EvaluationOut]:
    """Each topic's AI group against people, as the guardrail sees it now (nothing changed)."""
    results, _ = evaluate(runtime.engine, apply=False)
    return [
        EvaluationOut(
            topic=r.topic,
            mode=r.mode,
            ai=r.ai,
            people=r.people,
            findings=[
                FindingOut(
                    metric=f.metric,
                    ai_mean=f.ai.mean,
                    ai_n=f.ai.n,
                    baseline_mean=f.baseline.mean,
                    baseline_n=f.baseline.n,
                    statistic=min(f.statistic, 1e12),
                    threshold=f.threshold,
                    drop=f.drop,
                )
                for f in r.findings
            ],
            verdict=r.verdict,
            suggestion=r.suggestion,
        )
        for r in results
    ]


@router.get("/history", response_model=list[ChangeOut], responses=_LEADS_ONLY)
def history(runtime: RuntimeDep, lead: LeadDep) -> list[ChangeOut]:
    """Every change, newest first (the last 200): who, when, why, automatic or not."""
    with reading(runtime.engine) as connection:
        return [_change_out(change) for change in rollout.history(connection)]
