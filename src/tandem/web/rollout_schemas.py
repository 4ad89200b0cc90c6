"""The roll-out API's bodies (/api/v1/rollout) and their one mapper each."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field

from tandem.domain.rollout import ROLLOUT_TOPICS, Mode, Modes
from tandem.domain.rollout_guard import BY_NAME, Finding
from tandem.services import rollout
from tandem.services.rollout_evaluation import TopicResult
from tandem.services.rollout_impact import Impact
from tandem.understanding.topics import CATALOGUE
from tandem.web.inputs import Text

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


class EvidenceOut(BaseModel):
    metric: str
    ai_n: int
    ai_mean: float
    baseline_n: int
    baseline_mean: float
    low: float | None = Field(description="The always-valid interval of AI minus people.")
    high: float | None
    statistic: float = Field(description="The mSPRT mixture likelihood ratio.")
    threshold: float
    drop: bool
    extra_per_hour: float = Field(description="Conversations per hour the step back sent people.")
    agents_online: int
    extra_agents: int | None = Field(description="Agents it needed (Erlang C); null: too many.")


class ChangeOut(BaseModel):
    id: int
    topic: str
    mode: Mode
    percent: int | None
    previous_mode: Mode
    previous_percent: int | None
    changed_by: str | None = Field(description="The lead's agent id; null: the system.")
    changed_by_name: str | None = Field(description="The lead's name; null: the system.")
    automatic: bool = Field(description="Made by the evaluation (a step back), not a person.")
    note: str
    changed_at: dt.datetime
    evidence: list[EvidenceOut] = Field(
        description="An automatic step back: every metric's finding at that moment (why)."
    )


class FindingOut(BaseModel):
    metric: str
    label: str
    share: bool = Field(description="A share of conversations (0-1), else a mean (CSAT 1-5).")
    higher_is_better: bool
    ai_mean: float
    ai_n: int
    baseline_mean: float
    baseline_n: int
    low: float | None = Field(
        description="Always-valid interval of AI minus people at 1 - alpha/5; null: too few."
    )
    high: float | None
    statistic: float = Field(description="The mSPRT mixture likelihood ratio.")
    threshold: float = Field(description="A clear drop when the statistic reaches it.")
    drop: bool


class ImpactOut(BaseModel):
    step: str | None = Field(description="Where a step back goes; null: people answer already.")
    extra_per_hour: float = Field(description="Conversations per hour that would reach people.")
    queue_per_hour: float = Field(description="Conversations per hour reaching people now.")
    handle_minutes: float
    agents_online: int
    agents_needed_now: int | None = Field(description="Erlang C for the target; null: too many.")
    agents_needed_after: int | None
    extra_agents: int | None
    people_can_take_it: bool = Field(description="The agents online now meet the target after.")
    target: str
    summary: str


class EvaluationOut(BaseModel):
    topic: str
    label: str
    mode: str
    since: dt.datetime = Field(description="The current step began (at most 28 days back).")
    ai: int = Field(description="Conversations in the AI group (the current step).")
    people: int = Field(description="Conversations in the baseline (people, by the roll-out).")
    findings: list[FindingOut]
    verdict: str = Field(description="hold, or the step back the guardrail takes.")
    suggestion: str | None = Field(description="A next step a lead may take; never automatic.")
    suggested_mode: Mode | None = Field(description="That step's mode (a lead applies it).")
    suggested_percent: int | None
    impact: ImpactOut


def topics_out(modes: Modes) -> list[TopicOut]:
    return [
        TopicOut(
            topic=topic,
            label=CATALOGUE.topics[topic],
            mode=modes.of(topic).mode,
            percent=modes.of(topic).percent,
        )
        for topic in ROLLOUT_TOPICS
    ]


def change_out(change: rollout.Change) -> ChangeOut:
    return ChangeOut(
        id=change.id,
        topic=change.topic,
        mode=change.setting.mode,
        percent=change.setting.percent,
        previous_mode=change.previous.mode,
        previous_percent=change.previous.percent,
        changed_by=change.changed_by,
        changed_by_name=change.changed_by_name,
        automatic=change.automatic,
        note=change.note,
        changed_at=change.changed_at,
        evidence=[EvidenceOut.model_validate(rollout.fields(e)) for e in change.evidence],
    )


def finding_out(f: Finding) -> FindingOut:
    metric = BY_NAME[f.metric]
    return FindingOut(
        metric=f.metric,
        label=metric.label,
        share=metric.share,
        higher_is_better=metric.higher_is_better,
        ai_mean=f.ai.mean,
        ai_n=f.ai.n,
        baseline_mean=f.baseline.mean,
        baseline_n=f.baseline.n,
        low=f.low,
        high=f.high,
        statistic=min(f.statistic, 1e12),
        threshold=f.threshold,
        drop=f.drop,
    )


def impact_out(i: Impact) -> ImpactOut:
    return ImpactOut(
        step=i.step,
        extra_per_hour=round(i.extra_per_hour, 2),
        queue_per_hour=round(i.queue_per_hour, 2),
        handle_minutes=round(i.handle_minutes, 2),
        agents_online=i.agents_online,
        agents_needed_now=i.agents_needed_now,
        agents_needed_after=i.agents_needed_after,
        extra_agents=i.extra_agents,
        people_can_take_it=i.people_can_take_it,
        target=i.target,
        summary=i.describe(),
    )


def evaluation_out(r: TopicResult) -> EvaluationOut:
    return EvaluationOut(
        topic=r.topic,
        label=CATALOGUE.topics[r.topic],
        mode=r.mode,
        since=r.since,
        ai=r.ai,
        people=r.people,
        findings=[finding_out(f) for f in r.findings],
        verdict=r.verdict,
        suggestion=r.suggestion,
        suggested_mode=r.suggested.mode if r.suggested else None,
        suggested_percent=r.suggested.percent if r.suggested else None,
        impact=impact_out(r.impact),
    )
