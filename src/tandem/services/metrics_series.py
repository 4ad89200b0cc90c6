"""The figures over time, for the lead's dashboard: the period cut into days or weeks
(GET /api/v1/metrics/daily gives the days; the dashboard's lines also need weeks).

Each point is :func:`tandem.domain.metrics.definitions.figures` over the daily sums of its days
(storage/metrics.py ``by_day``): the same definitions as the report, never a second copy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Engine

from tandem.config import Settings
from tandem.domain.metrics.definitions import Band, Figures, Tally, figures
from tandem.domain.metrics.selection import Period
from tandem.services.metrics import costs, refresh
from tandem.storage import metrics as store
from tandem.storage.db import reading


class Step(StrEnum):
    DAY = "day"
    WEEK = "week"

    @property
    def days(self) -> int:
        return 1 if self is Step.DAY else 7


@dataclass(frozen=True, slots=True)
class Point:
    period: Period  # the days this point covers (the last may be shorter)
    total: Figures
    by_band: dict[str, Figures]


def buckets(chosen: Period, step: Step) -> list[Period]:
    """The period cut into steps from its first day; the last one ends with the period."""
    found, first = [], chosen.start
    while first <= chosen.end:
        last = min(chosen.end, first + dt.timedelta(days=step.days - 1))
        found.append(Period(first, last))
        first = last + dt.timedelta(days=1)
    return found


def series_for(
    engine: Engine,
    settings: Settings,
    chosen: Period,
    steps: tuple[Step, ...],
    *,
    fresh: bool = False,
) -> dict[Step, list[Point]]:
    """One point per step of the period, for each step asked (no role check: the caller's);
    the daily sums are read once (brought up to date first unless ``fresh``: just done)."""
    if not fresh:
        refresh(engine, settings)
    with reading(engine) as connection:
        days = store.by_day(connection, chosen)
    price = costs(settings)
    found = {}
    for step in steps:
        points = []
        for bucket in buckets(chosen, step):
            rows: list[Tally] = [
                t for day, tallies in days.items() if bucket.start <= day <= bucket.end
                for t in tallies
            ]  # fmt: skip
            by_band = {b.value: figures([t for t in rows if t.band is b], price) for b in Band}
            points.append(Point(bucket, figures(rows, price), by_band))
        found[step] = points
    return found
