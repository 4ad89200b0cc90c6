"""Response bodies of the metrics API (/api/v1/metrics); docs/metrics.md defines each figure."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from tandem.domain.metrics.definitions import Figures, Summary
from tandem.services.metrics import Day, Page, Report

BandName = str  # ai_only | ai_then_human | human_only (domain/metrics/definitions.py: Band)
ResolutionName = str  # confirmed | assumed | escalated | abandoned | unresolved | open


class Bands(BaseModel):
    ai_only: int = Field(description="No person ever owned the conversation.")
    ai_then_human: int = Field(description="The AI answered, then a person took over.")
    human_only: int = Field(description="A person from the first reply on.")


class ResolutionOut(BaseModel):
    confirmed: int = Field(description="The customer said it helped (thumbs up, CSAT >= 4).")
    assumed: int = Field(description="Closed without a hand-over, complaint or thumbs down.")
    escalated: int = Field(description="Handed over to a person.")
    abandoned: int = Field(description="The customer left while waiting in the queue.")
    unresolved: int = Field(
        description="Closed by the AI after a complaint, thumbs down or CSAT <= 2."
    )
    open: int = Field(description="Not closed yet (counted in no rate).")
    honest: int = Field(description="Confirmed or assumed, and no re-contact about it.")
    confirmed_rate: float | None = Field(description="confirmed / closed conversations.")
    resolved_rate: float | None = Field(description="(confirmed + assumed) / closed conversations.")
    honest_rate: float | None = Field(description="honest / closed conversations.")


class Csat(BaseModel):
    average: float | None = Field(description="Mean CSAT (1-5); null without responses.")
    responses: int


class Nps(BaseModel):
    score: float | None = Field(description="% promoters (9-10) minus % detractors (0-6).")
    responses: int


class Thumbs(BaseModel):
    up: int
    down: int


class Handoffs(BaseModel):
    rate: float | None = Field(description="Conversations handed over / conversations.")
    reasons: dict[str, int] = Field(description="Count per reason code of the first hand-over.")


class Times(BaseModel):
    first_response_seconds: float | None = Field(
        description="Mean time from a hand-over to a person's first message."
    )
    handle_minutes: float | None = Field(
        description="Mean minutes a person owned a conversation, over those a person owned."
    )
    ai_answer_seconds: float | None = Field(
        description="Mean time from a customer's message to the AI's answer."
    )


class Frustration(BaseModel):
    start: float | None = Field(description="Mean frustration (0-1) of first customer messages.")
    end: float | None = Field(description="Mean frustration (0-1) of last customer messages.")
    trend: float | None = Field(description="end - start: below 0, customers calmed down.")


class Cost(BaseModel):
    human_minutes: float = Field(
        description="Minutes people owned conversations (re-contacts too)."
    )
    total: float = Field(
        description="Agent hours x TANDEM_COST_PER_AGENT_HOUR + AI conversations "
        "x TANDEM_COST_PER_AI_CONVERSATION."
    )


class FiguresOut(BaseModel):
    conversations: int = Field(description="Conversations opened in the period.")
    bands: Bands
    resolution: ResolutionOut
    recontact_rate: float | None = Field(
        description="Closed conversations with a re-contact / closed conversations."
    )
    csat: Csat
    nps: Nps
    thumbs: Thumbs
    handoffs: Handoffs
    times: Times
    frustration: Frustration
    cost: Cost
    cost_per_resolution: float | None = Field(
        description="cost.total / honest resolutions; null without any."
    )


class Period(BaseModel):
    start: dt.date = Field(alias="from", description="First day (UTC), inclusive.")
    end: dt.date = Field(alias="to", description="Last day (UTC), inclusive.")

    model_config = {"populate_by_name": True}


class MetricsOut(FiguresOut):
    period: Period
    by_topic: dict[str, FiguresOut] = Field(description="The same figures per topic.")
    by_band: dict[str, FiguresOut] = Field(description="The same figures per band.")


class DayOut(BaseModel):
    day: dt.date
    total: FiguresOut
    by_band: dict[str, FiguresOut]


class DailyOut(BaseModel):
    period: Period
    days: list[DayOut] = Field(description="Every day of the period, oldest first.")


class ConversationRow(BaseModel):
    id: str
    created_at: dt.datetime
    closed_at: dt.datetime | None
    language: str
    topic: str
    band: BandName
    resolution: ResolutionName
    honest: bool
    recontacted: bool
    handoff_reason: str | None
    csat: int | None
    nps: int | None
    thumbs_up: int
    thumbs_down: int
    human_minutes: float


class ConversationsOut(BaseModel):
    total: int = Field(description="Rows matching the filters (all pages).")
    conversations: list[ConversationRow] = Field(description="Newest first, one page.")


def _rate(value: float | int | None) -> float | None:
    return None if value is None else float(value)


def figures_out(f: Figures) -> FiguresOut:
    r = f.resolution
    return FiguresOut(
        conversations=f.conversations,
        bands=Bands(**f.bands),
        resolution=ResolutionOut(
            confirmed=int(r["confirmed"] or 0),
            assumed=int(r["assumed"] or 0),
            escalated=int(r["escalated"] or 0),
            abandoned=int(r["abandoned"] or 0),
            unresolved=int(r["unresolved"] or 0),
            open=int(r["open"] or 0),
            honest=int(r["honest"] or 0),
            confirmed_rate=_rate(r["confirmed_rate"]),
            resolved_rate=_rate(r["resolved_rate"]),
            honest_rate=_rate(r["honest_rate"]),
        ),
        recontact_rate=f.recontact_rate,
        csat=Csat(average=f.csat_average, responses=f.csat_responses),
        nps=Nps(score=f.nps_score, responses=f.nps_responses),
        thumbs=Thumbs(up=f.thumbs_up, down=f.thumbs_down),
        handoffs=Handoffs(rate=f.handoff_rate, reasons=f.handoff_reasons),
        times=Times(
            first_response_seconds=f.first_response_seconds,
            handle_minutes=f.handle_minutes,
            ai_answer_seconds=f.ai_answer_seconds,
        ),
        frustration=Frustration(
            start=f.frustration_start, end=f.frustration_end, trend=f.frustration_trend
        ),
        cost=Cost(human_minutes=f.human_minutes, total=f.cost),
        cost_per_resolution=f.cost_per_resolution,
    )


def metrics_out(report: Report) -> MetricsOut:
    total = figures_out(report.total)
    return MetricsOut(
        **total.model_dump(),
        period=Period(start=report.period.start, end=report.period.end),
        by_topic={name: figures_out(f) for name, f in report.by_topic.items()},
        by_band={name: figures_out(f) for name, f in report.by_band.items()},
    )


def row_out(s: Summary) -> ConversationRow:
    return ConversationRow(
        id=s.conversation_id,
        created_at=s.created_at,
        closed_at=s.ended_at,
        language=s.language,
        topic=s.topic,
        band=s.band.value,
        resolution=s.resolution.value,
        honest=s.honest,
        recontacted=s.recontacted,
        handoff_reason=s.handoff_reason,
        csat=s.csat,
        nps=s.nps,
        thumbs_up=s.thumbs_up,
        thumbs_down=s.thumbs_down,
        human_minutes=round(s.human_seconds / 60, 2),
    )


def conversations_out(page: Page) -> ConversationsOut:
    return ConversationsOut(total=page.total, conversations=[row_out(s) for s in page.rows])


def daily_out(start: dt.date, end: dt.date, days: list[Day]) -> DailyOut:
    return DailyOut(
        period=Period(start=start, end=end),
        days=[
            DayOut(
                day=d.day,
                total=figures_out(d.total),
                by_band={name: figures_out(f) for name, f in d.by_band.items()},
            )
            for d in days
        ],
    )
