"""The metrics API (/api/v1/metrics): what customers feel, for leads (403 for other agents).

Every figure is defined in tandem/domain/metrics/definitions.py (docs/metrics.md); the list
endpoint returns exactly the conversations a figure counts, given the same filters.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from tandem.services import metrics as service
from tandem.web.deps import AgentDep, RuntimeDep
from tandem.web.errors import Responses, documented
from tandem.web.inputs import Text
from tandem.web.metrics_schemas import (
    ConversationsOut,
    DailyOut,
    MetricsOut,
    conversations_out,
    daily_out,
    metrics_out,
)

router = APIRouter(prefix="/api/v1/metrics", tags=["metrics"])

_ERRORS = documented(401, 403, 422)
_CSV: Responses = {200: {"content": {"text/csv": {}}, "description": "One row per conversation."}}
FromQuery = Annotated[
    Text | None,
    Query(alias="from", max_length=32, description="First day, YYYY-MM-DD (UTC); default 27 "
          "days before `to`."),
]  # fmt: skip
ToQuery = Annotated[
    Text | None,
    Query(alias="to", max_length=32, description="Last day, YYYY-MM-DD (UTC); default today."),
]
BandQuery = Annotated[
    Text | None, Query(max_length=32, description="ai_only, ai_then_human or human_only.")
]
TopicQuery = Annotated[Text | None, Query(max_length=48, description="A topic of the catalogue.")]
ReasonQuery = Annotated[
    Text | None, Query(max_length=48, description="The first hand-over's reason code.")
]
ResolutionQuery = Annotated[
    Text | None,
    Query(
        max_length=32,
        description="confirmed, assumed, escalated, abandoned, unresolved, open; or honest "
        "(resolved and not re-contacted), resolved (confirmed or assumed), recontacted.",
    ),
]
RatingQuery = Annotated[int | None, Query(ge=1, le=5, description="The CSAT score given.")]
LimitQuery = Annotated[int, Query(ge=1, le=500, description="Rows per page.")]
OffsetQuery = Annotated[int, Query(ge=0, le=2**31 - 1, description="Rows to skip.")]


@router.get("", response_model=MetricsOut, responses=_ERRORS)
def metrics(
    runtime: RuntimeDep, agent: AgentDep, start: FromQuery = None, end: ToQuery = None
) -> MetricsOut:
    """Every figure over the conversations opened in the period, in total, per topic and per
    band. Resolution shows confirmed, assumed and honest side by side."""
    return metrics_out(service.report(runtime, agent, start, end))


@router.get("/daily", response_model=DailyOut, responses=_ERRORS)
def daily(
    runtime: RuntimeDep, agent: AgentDep, start: FromQuery = None, end: ToQuery = None
) -> DailyOut:
    """The same figures for each day of the period, in total and per band (for charts)."""
    days = service.daily(runtime, agent, start, end)
    first, last = (days[0].day, days[-1].day)
    return daily_out(first, last, days)


@router.get("/conversations", response_model=ConversationsOut, responses=_ERRORS)
def conversations(
    runtime: RuntimeDep,
    agent: AgentDep,
    start: FromQuery = None,
    end: ToQuery = None,
    band: BandQuery = None,
    topic: TopicQuery = None,
    reason: ReasonQuery = None,
    resolution: ResolutionQuery = None,
    rating: RatingQuery = None,
    limit: LimitQuery = 100,
    offset: OffsetQuery = 0,
) -> ConversationsOut:
    """The conversations behind a figure: the same period and filters give exactly the rows
    the figure counts (newest first)."""
    service.require_lead(agent)  # a plain agent learns nothing, not even which inputs are wrong
    chosen = service.parse_filters(band, topic, reason, resolution, rating)
    page = service.conversations(runtime, agent, start, end, chosen, limit, offset)
    return conversations_out(page)


@router.get(
    "/export.csv",
    response_class=Response,
    responses={**_CSV, **_ERRORS},
)
def export(
    runtime: RuntimeDep, agent: AgentDep, start: FromQuery = None, end: ToQuery = None
) -> Response:
    """One row per conversation opened in the period, with its figures."""
    text = service.export_csv(runtime, agent, start, end)
    headers = {"Content-Disposition": 'attachment; filename="tandem-metrics.csv"'}
    return Response(text, media_type="text/csv; charset=utf-8", headers=headers)
