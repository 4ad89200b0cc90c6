"""The lead's dashboard (/console/dashboard): headline cards, charts over time, hand-over
reasons and a table per topic, every figure opening the conversations it counts.

The page is a shell that uses the console's login; its body is drawn here on the server
(/console/dashboard/view, leads only: 403 for other agents) from the metrics service, charts
as SVG (web/charts.py). Each card, bar, point and cell carries the filters of
GET /api/v1/metrics/conversations that list exactly the conversations behind it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from tandem.domain.metrics.definitions import Band, Figures, figures
from tandem.domain.metrics.selection import Period
from tandem.services import metrics as service
from tandem.services.metrics_series import Point, Step, series_for
from tandem.storage import metrics as metrics_store
from tandem.storage.db import reading
from tandem.web import charts
from tandem.web.deps import AgentDep, RuntimeDep
from tandem.web.metrics_api import FromQuery, ToQuery
from tandem.web.pages import templates

router = APIRouter(include_in_schema=False)

BANDS = {
    Band.AI_ONLY.value: "AI only",
    Band.AI_THEN_HUMAN.value: "AI, then a person",
    Band.HUMAN_ONLY.value: "Person only",
}


@dataclass(frozen=True, slots=True)
class Card:
    key: str
    label: str
    value: str
    detail: str  # what the value is made of
    previous: str
    delta: str
    tone: str  # good, bad or flat: how the change reads
    query: str


NONE = "\u2013"  # an en dash: no figure


def pct(rate: float | None) -> str:
    return NONE if rate is None else f"{rate * 100:.1f}%"


def number(value: float | None, digits: int = 1, unit: str = "") -> str:
    return NONE if value is None else f"{unit}{value:,.{digits}f}"


def _delta(now: float | None, before: float | None, better: int, points: bool) -> tuple[str, str]:
    """The change as text, and its tone (``better``: +1 up is good, -1 down is good, 0 none)."""
    if now is None or before is None:
        return "no earlier figure", "flat"
    change = now - before
    if points:
        text = f"{change * 100:+.1f} pts"
    elif before:
        text = f"{change / before * 100:+.0f}%"
    else:
        text = f"{change:+.1f}"
    if abs(change) < 1e-9 or not better:
        return text, "flat"
    return text, "good" if change * better > 0 else "bad"


def query(chosen: Period, **filters: str) -> str:
    return urlencode({"from": str(chosen.start), "to": str(chosen.end), **filters})


def cards(now: Figures, before: Figures, chosen: Period) -> list[Card]:
    r = now.resolution

    def card(
        key: str,
        label: str,
        shown: Callable[[Figures], str],
        value: Callable[[Figures], float | None],
        detail: str,
        better: int,
        points: bool,
        **filters: str,
    ) -> Card:
        delta, tone = _delta(value(now), value(before), better, points)
        return Card(key, label, shown(now), detail, shown(before), delta, tone,
                    query(chosen, **filters))  # fmt: skip

    def rate(name: str) -> Callable[[Figures], float | None]:
        return lambda f: None if f.resolution[name] is None else float(f.resolution[name] or 0)

    honest = rate("honest_rate")
    return [
        card("volume", "Conversations", lambda f: f"{f.conversations:,}",
             lambda f: float(f.conversations),
             f"{now.bands['ai_only']:,} AI only · {now.bands['ai_then_human']:,} handed over",
             0, False),
        card("honest", "Honest resolution", lambda f: pct(honest(f)), honest,
             f"confirmed {pct(rate('confirmed_rate')(now))} · resolved "
             f"{pct(rate('resolved_rate')(now))}", 1, True, resolution="honest"),
        card("csat", "CSAT", lambda f: number(f.csat_average, 2),
             lambda f: f.csat_average, f"{now.csat_responses:,} ratings (1-5)", 1, False,
             has="csat"),
        card("nps", "NPS", lambda f: number(f.nps_score, 0), lambda f: f.nps_score,
             f"{now.nps_responses:,} answers (-100 to 100)", 1, False, has="nps"),
        card("handoff", "Handoff rate", lambda f: pct(f.handoff_rate), lambda f: f.handoff_rate,
             f"{sum(now.handoff_reasons.values()):,} handed to a person", -1, True,
             has="handoff"),
        card("recontact", "Re-contact", lambda f: pct(f.recontact_rate),
             lambda f: f.recontact_rate, "came back about the same topic", -1, True,
             resolution="recontacted"),
        card("cost", "Cost / resolution", lambda f: number(f.cost_per_resolution, 2, "€ "),
             lambda f: f.cost_per_resolution,
             f"€ {now.cost:,.0f} for {int(r['honest'] or 0):,} honest resolutions", -1, False,
             resolution="honest"),
    ]  # fmt: skip


def _label(point: Point, step: Step) -> str:
    start = point.period.start
    return start.strftime("%d %b") if step is Step.DAY else f"wk {start.strftime('%d %b')}"


def volume_chart(points: list[Point], step: Step, width: int = 1200) -> charts.Chart:
    stacks = []
    for p in points:
        parts = []
        for band, name in BANDS.items():
            n = p.total.bands[band]
            parts.append((band, n, query(p.period, band=band), f"{_span(p)}: {n} {name}"))
        stacks.append(parts)
    return charts.stacked_bars([_label(p, step) for p in points], stacks, width, 250)


def _span(p: Point) -> str:
    start, end = p.period.start, p.period.end
    same = start == end
    return start.strftime("%a %d %b") if same else f"{start:%d %b} to {end:%d %b}"


#: The honest-resolution lines: all conversations, and the AI's own (a hand-over is escalated,
#: never resolved, so the other bands would lie flat at zero).
RATE_LINES = {"all": "All conversations", Band.AI_ONLY.value: "AI only"}


def rate_chart(points: list[Point], step: Step) -> charts.Chart:
    series = []
    for kind, name in RATE_LINES.items():
        values = []
        for p in points:
            f = p.total if kind == "all" else p.by_band[kind]
            rate = f.resolution["honest_rate"]
            title = f"{_span(p)}, {name}: {pct(None if rate is None else float(rate))} honest"
            band = {} if kind == "all" else {"band": kind}
            values.append((None if rate is None else float(rate),
                           query(p.period, resolution="honest", **band), title))  # fmt: skip
        series.append((kind, values))
    return charts.lines([_label(p, step) for p in points], series, 0.0, 1.0, "{:.0%}")


def csat_chart(points: list[Point], step: Step) -> charts.Chart:
    series = []
    for band, name in BANDS.items():
        values = []
        for p in points:
            f = p.by_band[band]
            title = f"{_span(p)}, {name}: CSAT {number(f.csat_average, 2)} ({f.csat_responses})"
            values.append((f.csat_average, query(p.period, band=band, has="csat"), title))
        series.append((band, values))
    return charts.lines([_label(p, step) for p in points], series, 1.0, 5.0, "{:.0f}")


@dataclass(frozen=True, slots=True)
class BandRow:
    band: str
    label: str
    share: str
    cells: list[tuple[str, str]]  # (text, query)


def band_rows(by_band: dict[str, Figures], total: Figures, chosen: Period) -> list[BandRow]:
    """AI versus people: the same figures per band, each opening its conversations."""
    rows = []
    for band, name in BANDS.items():
        f = by_band[band]
        honest = f.resolution["honest_rate"]
        share = f.conversations / total.conversations if total.conversations else None
        rows.append(
            BandRow(
                band,
                name,
                pct(share),
                [
                    (f"{f.conversations:,}", query(chosen, band=band)),
                    (pct(None if honest is None else float(honest)),
                     query(chosen, band=band, resolution="honest")),
                    (number(f.csat_average, 2), query(chosen, band=band, has="csat")),
                    (number(f.handle_minutes, 1), query(chosen, band=band)),
                ],
            )
        )  # fmt: skip
    return rows


def reason_label(code: str) -> str:
    return code.replace("_", " ").capitalize()


def reasons_chart(now: Figures, chosen: Period) -> charts.Chart:
    ordered = sorted(now.handoff_reasons.items(), key=lambda kv: (-kv[1], kv[0]))
    return charts.hbars([(reason_label(k), v, query(chosen, reason=k)) for k, v in ordered])


@dataclass(frozen=True, slots=True)
class TopicRow:
    topic: str
    label: str
    cells: list[tuple[str, str]]  # (text, query)


def topic_rows(by_topic: dict[str, Figures], chosen: Period) -> list[TopicRow]:
    rows = []
    for topic, f in sorted(by_topic.items(), key=lambda kv: -kv[1].conversations):
        honest = f.resolution["honest_rate"]

        def q(**filters: str) -> str:
            return query(chosen, topic=topic, **filters)  # noqa: B023 (used at once)

        rows.append(
            TopicRow(
                topic,
                reason_label(topic),
                [
                    (f"{f.conversations:,}", q()),
                    (f"{f.bands['ai_only']:,}", q(band="ai_only")),
                    (pct(None if honest is None else float(honest)), q(resolution="honest")),
                    (number(f.csat_average, 2), q(has="csat")),
                    (pct(f.handoff_rate), q(has="handoff")),
                    (pct(f.recontact_rate), q(resolution="recontacted")),
                ],
            )
        )
    return rows


def view_context(runtime: Any, chosen: Period) -> dict[str, Any]:
    engine, settings = runtime.engine, runtime.settings
    now = service.report_for(engine, settings, chosen)  # brings the summaries up to date
    with reading(engine) as connection:  # the previous period's totals: no second refresh
        before = figures(
            metrics_store.tallies(connection, chosen.previous()), service.costs(settings)
        )
    step = Step.DAY if (chosen.end - chosen.start).days < 14 else Step.WEEK
    found = series_for(engine, settings, chosen, (Step.DAY, step), fresh=True)
    daily, stepped = found[Step.DAY], found[step]
    previous = chosen.previous()
    return {
        "period": chosen,
        "previous": previous,
        "cards": cards(now.total, before, chosen),
        "volume": volume_chart(daily, Step.DAY),
        "volume_narrow": volume_chart(daily, Step.DAY, 640),  # for phones
        "honest": rate_chart(stepped, step),
        "csat": csat_chart(stepped, step),
        "reasons": reasons_chart(now.total, chosen),
        "topics": topic_rows(now.by_topic, chosen),
        "bands": BANDS,
        "rate_lines": RATE_LINES,
        "band_rows": band_rows(now.by_band, now.total, chosen),
        "step": step.value,
        "total": now.total,
        "resolution_parts": _resolution_parts(now.total, chosen),
    }


def _resolution_parts(f: Figures, chosen: Period) -> list[tuple[str, str, int, str]]:
    """Every resolution side by side (never one blended number): key, label, count, query."""
    names = (
        ("confirmed", "Confirmed"), ("assumed", "Assumed"), ("escalated", "Escalated"),
        ("abandoned", "Abandoned"), ("unresolved", "Unresolved"), ("open", "Open"),
    )  # fmt: skip
    return [
        (k, label, int(f.resolution[k] or 0), query(chosen, resolution=k)) for k, label in names
    ]


@router.get("/console/dashboard", response_class=HTMLResponse)
def dashboard(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(request, "dashboard.html", {})


@router.get("/console/dashboard/view", response_class=HTMLResponse)
def dashboard_view(
    request: Request, runtime: RuntimeDep, agent: AgentDep, start: FromQuery = None,
    end: ToQuery = None,
) -> HTMLResponse:  # fmt: skip
    """The dashboard's body for the period: leads only (403), 422 on a bad period."""
    service.require_lead(agent)
    chosen = service.period(start, end)
    return templates.TemplateResponse(request, "dashboard_view.html", view_context(runtime, chosen))
