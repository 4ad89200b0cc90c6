"""The metrics use cases: a lead's report, the conversations behind a figure, the CSV export.

Figures are aggregated from the stored per-conversation summaries (storage/metrics.py), which
are brought up to date first, so a report always counts every conversation written so far.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tandem.domain.decision import Reason
from tandem.domain.metrics.definitions import Figures, Summary
from tandem.domain.metrics.selection import Filters, Period, parse_period
from tandem.services.agents import Agent
from tandem.services.runtime import Runtime
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


def report(runtime: Runtime, agent: Agent, start: str | None, end: str | None) -> Report:
    raise NotImplementedError


def conversations(
    runtime: Runtime,
    agent: Agent,
    start: str | None,
    end: str | None,
    filters: Filters,
    limit: int = 100,
    offset: int = 0,
) -> Page:
    raise NotImplementedError


def export_csv(runtime: Runtime, agent: Agent, start: str | None, end: str | None) -> str:
    raise NotImplementedError
