"""The metrics use cases: a lead's report, the conversations behind a figure, the CSV export.

Figures are aggregated from the stored per-conversation summaries (storage/metrics.py), which
are brought up to date first, so a report always counts every conversation written so far.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from sqlalchemy import Engine

from tandem.config import Settings
from tandem.domain.decision import Reason
from tandem.domain.errors import Forbidden
from tandem.domain.metrics.definitions import Band, Costs, Figures, Summary, figures
from tandem.domain.metrics.selection import Filters, Period, parse_period
from tandem.services.agents import Agent, Role
from tandem.services.runtime import Runtime
from tandem.storage import metrics as store
from tandem.storage.db import reading, transaction
from tandem.understanding.topics import TOPICS

#: Every reason code a hand-over can carry (the list filter accepts only these).
REASONS: tuple[str, ...] = tuple(reason.value for reason in Reason)


@dataclass(frozen=True, slots=True)
class Report:
    period: Period
    total: Figures
    by_topic: dict[str, Figures]
    by_band: dict[str, Figures]


@dataclass(frozen=True, slots=True)
class Page:
    total: int
    rows: list[Summary]


def parse_filters(
    band: str | None,
    topic: str | None,
    reason: str | None,
    resolution: str | None,
    rating: int | None,
) -> Filters:
    return Filters.parse(band, topic, reason, resolution, rating, topics=TOPICS, reasons=REASONS)


def period(start: str | None, end: str | None) -> Period:
    return parse_period(start, end, dt.datetime.now(dt.UTC).date())


def require_lead(agent: Agent) -> None:
    if agent.role is not Role.LEAD:
        raise Forbidden("only support leads can see the metrics")


def costs(settings: Settings) -> Costs:
    return Costs(settings.cost_per_agent_hour, settings.cost_per_ai_conversation)


def bring_up_to_date(runtime: Runtime) -> int:
    return refresh(runtime.engine, runtime.settings)


def refresh(engine: Engine, settings: Settings) -> int:
    """Recompute the summaries of conversations changed since, and the daily sums of their
    days; the number recomputed. A chunk at a time, each its own short transaction, so a first
    build over a large history never holds the database's write lock for long."""
    with reading(engine) as connection:
        stale = store.stale(connection)
    days: set[dt.date] = set()
    for start in range(0, len(stale), store.CHUNK):
        with transaction(engine) as connection:
            chunk = stale[start : start + store.CHUNK]
            days |= store.refresh_chunk(connection, chunk, settings.recontact_days)
    if days:
        with transaction(engine) as connection:
            store.rebuild_days(connection, days)
    return len(stale)


def report_for(engine: Engine, settings: Settings, chosen: Period) -> Report:
    """Every figure over the conversations opened in ``chosen`` (no role check: the CLI)."""
    refresh(engine, settings)
    with reading(engine) as connection:
        tallies = store.tallies(connection, chosen)
    price = costs(settings)
    topics = sorted({t.topic for t in tallies})
    return Report(
        chosen,
        figures(tallies, price),
        {name: figures([t for t in tallies if t.topic == name], price) for name in topics},
        {band.value: figures([t for t in tallies if t.band is band], price) for band in Band},
    )


@dataclass(frozen=True, slots=True)
class Day:
    day: dt.date
    total: Figures
    by_band: dict[str, Figures]


def daily(runtime: Runtime, agent: Agent, start: str | None, end: str | None) -> list[Day]:
    """The figures of each day of the period (days without conversations too), for charts."""
    require_lead(agent)
    chosen = period(start, end)
    bring_up_to_date(runtime)
    with reading(runtime.engine) as connection:
        found = store.by_day(connection, chosen)
    price = costs(runtime.settings)
    days = []
    for offset in range((chosen.end - chosen.start).days + 1):
        day = chosen.start + dt.timedelta(days=offset)
        tallies = found.get(day, [])
        bands = {b.value: figures([t for t in tallies if t.band is b], price) for b in Band}
        days.append(Day(day, figures(tallies, price), bands))
    return days


def report(runtime: Runtime, agent: Agent, start: str | None, end: str | None) -> Report:
    require_lead(agent)
    return report_for(runtime.engine, runtime.settings, period(start, end))


def conversations(
    runtime: Runtime,
    agent: Agent,
    start: str | None,
    end: str | None,
    filters: Filters,
    limit: int = 100,
    offset: int = 0,
) -> Page:
    require_lead(agent)
    chosen = period(start, end)
    bring_up_to_date(runtime)
    with reading(runtime.engine) as connection:
        total, rows = store.rows(connection, chosen, filters, limit, offset)
    return Page(total, rows)


CSV_COLUMNS = (
    "id", "created_at", "closed_at", "language", "topic", "band", "resolution", "honest",
    "recontacted", "handoff_reason", "csat", "nps", "thumbs_up", "thumbs_down", "human_minutes",
    "first_response_seconds", "ai_answer_seconds",
)  # fmt: skip


def export_csv(runtime: Runtime, agent: Agent, start: str | None, end: str | None) -> str:
    """One row per conversation opened in the period (no customer data: ids and figures)."""
    require_lead(agent)
    chosen = period(start, end)
    bring_up_to_date(runtime)
    with reading(runtime.engine) as connection:
        _, rows = store.rows(connection, chosen, Filters(), None)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for s in rows:
        writer.writerow(
            [
                s.conversation_id, s.created_at.isoformat(),
                s.ended_at.isoformat() if s.ended_at else "", s.language, s.topic,
                s.band.value, s.resolution.value, s.honest, s.recontacted,
                s.handoff_reason or "", _blank(s.csat), _blank(s.nps), s.thumbs_up,
                s.thumbs_down, round(s.human_seconds / 60, 2),
                _blank(s.first_response_seconds),
                round(s.ai_answer_seconds / s.ai_answers, 2) if s.ai_answers else "",
            ]
        )  # fmt: skip
    return out.getvalue()


def _blank(value: object) -> object:
    return "" if value is None else value
