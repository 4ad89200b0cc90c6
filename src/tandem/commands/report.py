"""`tandem report --since DATE [--until DATE] [--json]`: the lead's figures in a terminal.

The same figures as GET /api/v1/metrics (the same definitions, the same summaries); --json
prints exactly that API's body.
"""

from __future__ import annotations

import argparse
import json
import sys

from tandem.config import get_settings
from tandem.domain.errors import InvalidInput
from tandem.domain.metrics.definitions import Figures
from tandem.services.metrics import period, report_for
from tandem.storage.db import make_engine
from tandem.web.metrics_schemas import metrics_out

_FLAGS = {"from": "--since", "to": "--until"}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "report",
        help="Print what customers feel: resolution, CSAT, NPS, hand-overs, cost.",
    )
    parser.add_argument("--since", required=True, help="First day, YYYY-MM-DD (UTC).")
    parser.add_argument("--until", help="Last day, YYYY-MM-DD (UTC); default today.")
    parser.add_argument("--json", action="store_true", help="The API's JSON body instead.")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        chosen = period(args.since, args.until)
    except InvalidInput as invalid:
        field, _, why = invalid.message.partition(":")
        print(f"tandem report: {_FLAGS.get(field, field)}:{why}", file=sys.stderr)
        return 2
    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        report = report_for(engine, settings, chosen)
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps(metrics_out(report).model_dump(mode="json", by_alias=True), indent=2))
        return 0
    print(f"Tandem report {chosen.start} .. {chosen.end}\n")
    print(_table([("all", report.total), *report.by_band.items(), *report.by_topic.items()]))
    return 0


def _pct(value: float | int | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def _num(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _table(rows: list[tuple[str, Figures]]) -> str:
    head = (
        "", "chats", "confirmed", "assumed", "honest", "escalated", "abandoned", "re-contact",
        "CSAT", "NPS", "hand-over", "cost/res.",
    )  # fmt: skip
    lines = [head]
    for name, f in rows:
        r = f.resolution
        lines.append(
            (
                name, str(f.conversations), str(r["confirmed"]), str(r["assumed"]),
                _pct(r["honest_rate"]), str(r["escalated"]), str(r["abandoned"]),
                _pct(f.recontact_rate), _num(f.csat_average), _num(f.nps_score, 0),
                _pct(f.handoff_rate), _num(f.cost_per_resolution, 2),
            )
        )  # fmt: skip
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    return "\n".join(
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        )
        for line in lines
    )
