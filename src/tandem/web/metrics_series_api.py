"""The figures over time (/api/v1/metrics/series): what the dashboard's charts draw, for leads.

Each point is computed by the same definitions as /api/v1/metrics, over the days it covers.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from tandem.domain.metrics.definitions import Figures
from tandem.services import metrics_series as service
from tandem.web.deps import AgentDep, RuntimeDep
from tandem.web.errors import documented
from tandem.web.inputs import Text
from tandem.web.metrics_api import FromQuery, ToQuery
from tandem.web.metrics_schemas import Bands, Period

router = APIRouter(prefix="/api/v1/metrics", tags=["metrics"])

StepQuery = Annotated[
    Text | None,
    Query(max_length=16, description="day or week; default day up to 31 days, week beyond."),
]


class BandPoint(BaseModel):
    conversations: int
    honest: int = Field(description="Confirmed or assumed, and no re-contact about it.")
    honest_rate: float | None = Field(description="honest / closed conversations.")
    csat_average: float | None = Field(description="Mean CSAT (1-5); null without responses.")
    csat_responses: int


class SeriesPoint(BandPoint):
    start: dt.date = Field(alias="from", description="First day of the point (UTC).")
    end: dt.date = Field(alias="to", description="Last day of the point (UTC), inclusive.")
    bands: Bands
    by_band: dict[str, BandPoint] = Field(description="The same figures per band.")

    model_config = {"populate_by_name": True}


class SeriesOut(BaseModel):
    period: Period
    step: str = Field(description="day or week.")
    points: list[SeriesPoint] = Field(description="One per step, oldest first.")


def band_point(f: Figures) -> BandPoint:
    rate = f.resolution["honest_rate"]
    return BandPoint(
        conversations=f.conversations,
        honest=int(f.resolution["honest"] or 0),
        honest_rate=None if rate is None else float(rate),
        csat_average=f.csat_average,
        csat_responses=f.csat_responses,
    )


def point_out(point: service.Point) -> SeriesPoint:
    return SeriesPoint(
        **band_point(point.total).model_dump(),
        start=point.period.start,
        end=point.period.end,
        bands=Bands(**point.total.bands),
        by_band={name: band_point(f) for name, f in point.by_band.items()},
    )


@router.get("/series", response_model=SeriesOut, responses=documented(401, 403, 422))
def series(
    runtime: RuntimeDep,
    agent: AgentDep,
    start: FromQuery = None,
    end: ToQuery = None,
    step: StepQuery = None,
) -> SeriesOut:
    """Volume, honest resolution and CSAT per day or week, in total and per band."""
    chosen, chosen_step, points = service.series(runtime, agent, start, end, step)
    return SeriesOut(
        period=Period(start=chosen.start, end=chosen.end),
        step=chosen_step.value,
        points=[point_out(p) for p in points],
    )
