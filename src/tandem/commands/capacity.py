"""`tandem capacity erlang ...`: agents needed for a workload and a service-level target;
`tandem capacity plan --week`: the same for every half hour of a week, from the history."""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from tandem.desk.capacity import (
    DEFAULT_MAX_AGENTS,
    DEFAULT_SLOWDOWN,
    Concurrency,
    Performance,
    Staffing,
    Target,
    Workload,
    evaluate,
    staff,
)
from tandem.desk.planning import DAYS
from tandem.desk.schedule import parse as parse_schedule
from tandem.desk.simulation import SimulationResult, steady
from tandem.domain.errors import InvalidInput

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from tandem.config import Settings
    from tandem.desk.planning import History, Plan

T = TypeVar("T")

EXAMPLE = """\
Erlang C (customers wait as long as it takes), or Erlang A with --patience-minutes (customers
give up after a mean patience). With --concurrency C an agent handles up to C chats at once,
each taking (1 + SLOWDOWN·(k-1)) times its handle time when the agent has k chats.
Models and assumptions: docs/capacity.md.

  tandem capacity erlang --arrivals-per-hour 120 --handle-minutes 4.5 \\
      --answer-within 20s --service-level 0.8 [--patience-minutes 2] [--concurrency 2] [--json]

Exit code 2 on bad input, or when no staffing up to --max-agents meets the target (the best
achievable is printed).
"""

PLAN_EXAMPLE = """\
From the conversations of the last --history-weeks weeks: arrivals per half hour of the week,
per topic the share reaching a person, the human handle time (take to close) and the queue's
patience. Every input can be overridden. Besides the plan as measured it prints each --what-if
(a topic's share to a person changed, e.g. when its roll-out steps back) and the AI off (an
outage): the people needed, the extra agent hours, the queue with --on-duty agents, and the
cost per resolution (TANDEM_COST_PER_AGENT_HOUR, TANDEM_COST_PER_AI_CONVERSATION).

  tandem capacity plan --week --service-level 0.8 --answer-within 60s \\
      [--on-duty 3 | --schedule 'mon-fri 09:00-17:00 4; sat 10:00-14:00 2'] \\
      [--what-if returns=0.9] [--json]

A schedule: DAYS HH:MM-HH:MM AGENTS parts separated by ';' (days: mon, mon-fri, mon,wed or
daily; times on the half hour up to 24:00); overlapping parts add up, other half hours have
nobody.
"""

_DURATION = re.compile(
    r"\s*(\d+(?:\.\d*)?|\.\d+)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?)?\s*",
    re.IGNORECASE,
)
_SECONDS = {"s": 1.0, "m": 60.0, "h": 3600.0}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("capacity", help="Capacity planning: agents needed.")
    kinds = parser.add_subparsers(dest="kind", required=True)
    erlang = kinds.add_parser(
        "erlang",
        help="Agents needed for one workload and a service-level target (Erlang C / A).",
        description=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = erlang.add_argument
    add("--arrivals-per-hour", type=float, required=True, help="Chats arriving per hour.")
    add("--handle-minutes", type=float, required=True, help="Handle time of a chat alone.")
    add("--answer-within", type=duration, required=True, help="e.g. 20s, 1.5m (plain: seconds).")
    add("--service-level", type=share, required=True, help="Share answered in time, e.g. 0.8.")
    add("--patience-minutes", type=float, help="Mean patience before giving up (Erlang A).")
    add("--concurrency", type=int, default=1, help="Chats one agent handles at once.")
    add(
        "--slowdown",
        type=float,
        default=DEFAULT_SLOWDOWN,
        help="Extra handle time per extra chat at once (default: %(default)s).",
    )
    add("--agents", type=int, help="Evaluate this many agents instead of searching.")
    add(
        "--max-agents",
        type=int,
        default=DEFAULT_MAX_AGENTS,
        help="Search no further than this (default: %(default)s).",
    )
    add("--simulate", type=int, metavar="CUSTOMERS", help="Check by simulating so many customers.")
    add("--seed", type=int, default=0, help="The simulation's seed (default: %(default)s).")
    add("--json", action="store_true", help="Print one JSON object.")
    erlang.set_defaults(func=run_erlang)
    week = kinds.add_parser(
        "plan",
        help="Agents needed per half hour of next week, from Tandem's own history.",
        description=PLAN_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = week.add_argument
    add("--week", action="store_true", help="Plan the 336 half hours of a week (the default).")
    add("--service-level", type=share, default=0.8, help="Share answered in time (default 0.8).")
    add("--answer-within", type=duration, default=60.0, help="e.g. 60s (default 60 s).")
    add("--history-weeks", type=int, default=8, help="Weeks of history to learn from (1-52).")
    add("--handle-minutes", type=float, help="Override the measured human handle time.")
    add("--patience-minutes", type=float, help="Override the measured patience (Erlang A).")
    add("--arrivals-factor", type=float, default=1.0, help="e.g. 1.2: 20%% more than measured.")
    add("--concurrency", type=int, help="Chats one agent handles at once (default: as measured).")
    duty = week.add_mutually_exclusive_group()
    duty.add_argument(
        "--on-duty", type=int, help="Agents on duty every half hour: the queue that builds up."
    )
    duty.add_argument(
        "--schedule",
        help="Agents on duty per half hour, e.g. 'mon-fri 09:00-17:00 4; sat 10:00-14:00 2'.",
    )
    add(
        "--what-if",
        action="append",
        default=[],
        type=what_if,
        metavar="TOPIC=SHARE",
        help="A topic's share reaching a person, e.g. returns=0.9 (a roll-out step back).",
    )
    add("--json", action="store_true", help="Print one JSON object.")
    week.set_defaults(func=run_plan)
    test = kinds.add_parser(
        "backtest",
        help="How well the plan would have done over the last weeks of history.",
        description=(
            "Each of the last --weeks weeks is planned from the --history-weeks before it and "
            "compared, half hour by half hour, with what its real conversations needed (same "
            "handle time and patience, so the error is the forecast's)."
        ),
    )
    add = test.add_argument
    add("--weeks", type=int, default=4, help="Weeks to test (default 4).")
    add("--history-weeks", type=int, default=4, help="Weeks each plan learns from (default 4).")
    add("--service-level", type=share, default=0.8, help="Share answered in time (default 0.8).")
    add("--answer-within", type=duration, default=60.0, help="e.g. 60s (default 60 s).")
    add("--handle-minutes", type=float, help="Override the measured human handle time.")
    add("--json", action="store_true", help="Print one JSON object.")
    test.set_defaults(func=run_backtest)


def duration(text: str) -> float:
    """Seconds from '20s', '20', '1.5m', '2 min', '1h'."""
    match = _DURATION.fullmatch(text)
    if match is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration like 20s, 1.5m or 1h")
    unit = (match.group(2) or "s")[0].lower()
    return float(match.group(1)) * _SECONDS[unit]


def share(text: str) -> float:
    """A share from '0.8' or '80%'."""
    try:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a share like 0.8 or 80%") from None
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"{text!r} must be between 0 and 1 (exclusive)")
    return value


def what_if(text: str) -> tuple[str, float]:
    """'returns=0.9' or 'returns=90%': a topic and its share to a person (0 to 1)."""
    topic, sep, value = text.partition("=")
    try:
        number = float(value[:-1]) / 100 if value.endswith("%") else float(value)
    except ValueError:
        number = math.nan
    if not sep or not topic.strip() or not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError(f"{text!r} is not TOPIC=SHARE like returns=0.9")
    return topic.strip(), number


def _on_history(command: str, work: Callable[[Engine, Settings], T]) -> T | None:
    """Run ``work`` on the migrated database of the settings; None (said on stderr) when the
    input or the history cannot give an answer."""
    from tandem.config import get_settings
    from tandem.storage.db import make_engine
    from tandem.storage.migrate import upgrade

    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        return work(engine, settings)
    except InvalidInput as error:
        print(f"tandem capacity {command}: {error.message}", file=sys.stderr)
        return None
    finally:
        engine.dispose()


def run_plan(args: argparse.Namespace) -> int:
    from tandem.services.capacity_plan import Request, as_json, week_plans

    def work(engine: Engine, settings: Settings) -> tuple[History, list[Plan]]:
        on_duty = parse_schedule(args.schedule) if args.schedule is not None else args.on_duty
        request = Request(
            Target(args.service_level, args.answer_within),  # may refuse the target
            args.history_weeks,
            args.handle_minutes,
            args.patience_minutes,
            args.concurrency,
            on_duty,
            tuple(args.what_if),
            arrivals_factor=args.arrivals_factor,
        )
        return week_plans(engine, settings, request)

    planned = _on_history("plan", work)
    if planned is None:
        return 2
    report = as_json(*planned)
    print(json.dumps(report) if args.json else _plan_text(report))
    return 0


def run_backtest(args: argparse.Namespace) -> int:
    from tandem.services.capacity_plan import Request, WeekCheck, backtest

    def work(engine: Engine, settings: Settings) -> list[WeekCheck]:
        target = Target(args.service_level, args.answer_within)  # may refuse the target
        request = Request(target, args.history_weeks, args.handle_minutes)
        return backtest(engine, settings, args.weeks, request)

    checks = _on_history("backtest", work)
    if checks is None:
        return 2
    rows = [
        {
            "week_from": check.start.date().isoformat(),
            "to_people_predicted": round(check.accuracy.predicted_to_people, 1),
            "to_people_actual": round(check.accuracy.actual_to_people, 1),
            "to_people_error_per_interval": round(check.accuracy.to_people_error, 3),
            "agents_error_per_interval": round(check.accuracy.agents_error, 3),
            "short_intervals": check.accuracy.short_intervals,
        }
        for check in checks
    ]
    if args.json:
        print(json.dumps({"weeks": rows}))
        return 0
    print(f"{'week from':<11} {'to people':>9} {'actual':>7} {'err/slot':>8} {'agents err':>10} "
          f"{'short':>5}")
    for row in rows:
        print(
            f"{row['week_from']:<11} {row['to_people_predicted']:>9.1f} "
            f"{row['to_people_actual']:>7.1f} {row['to_people_error_per_interval']:>8.3f} "
            f"{row['agents_error_per_interval']:>10.3f} {row['short_intervals']:>5}"
        )
    return 0


def _plan_text(report: dict[str, Any]) -> str:
    history = report["history"]
    seen = history["concurrency_in_practice"]
    lines = [
        f"History: {history['weeks']:g} weeks, {history['conversations_per_week']:g} "
        f"conversations a week; handle time {history['handle_minutes']} min; patience "
        f"{history['patience_minutes'] or 'not measured (nobody gave up)'} min; chats at once "
        f"{'not measured' if seen is None else f'{seen:g} on average'}; planned with "
        f"{report['scenarios'][0]['concurrency']} per agent.",
        *(f"Note: {note}." for note in report["notes"]),
        "",
        f"{'scenario':<34} {'to people':>9} {'peak':>5} {'agent h':>8} {'extra h':>8} "
        f"{'queue':>6} {'short':>5} {'cost/res':>9}",
    ]
    for s in report["scenarios"]:
        cost = s["cost_per_resolution"]
        lines.append(
            f"{s['name'][:34]:<34} {s['person_share']:>9.0%} {s['peak_agents']:>5} "
            f"{s['agent_hours']:>8.1f} {s['extra_agent_hours']:>+8.1f} "
            f"{s['peak_backlog']:>6.1f} {s['short_intervals']:>5} "
            f"{'' if cost is None else f'{cost:.2f}':>9}"
        )
    lines += [
        f"{s['name']}: the target cannot be met in {s['intervals_target_unmet']} half hours; "
        f"{s['shortfall']}"
        for s in report["scenarios"]
        if s["shortfall"]
    ]
    lines += ["", "Agents needed per hour (as measured), mon..sun:"]
    intervals = report["scenarios"][0]["intervals"]
    lines.append("      " + " ".join(f"{day:>4}" for day in DAYS))
    for hour in range(24):
        row = [max(intervals[d * 48 + hour * 2 + h]["agents"] for h in (0, 1)) for d in range(7)]
        lines.append(f"{hour:02d}:00 " + " ".join(f"{n:>4}" for n in row))
    return "\n".join(lines)


def run_erlang(args: argparse.Namespace) -> int:
    try:
        staffing = _answer(args)
        simulated = _simulate(args, staffing)
    except InvalidInput as error:
        print(f"tandem capacity erlang: {error.message}", file=sys.stderr)
        return 2
    report = as_dict(staffing, simulated)
    print(json.dumps(report) if args.json else _text(staffing, simulated))
    problem = staffing.shortfall() if args.agents is None else None
    if problem is not None:
        print(f"tandem capacity erlang: the target cannot be met: {problem}", file=sys.stderr)
        return 2
    return 0


def _answer(args: argparse.Namespace) -> Staffing:
    if args.arrivals_per_hour <= 0 or not math.isfinite(args.arrivals_per_hour):
        raise InvalidInput(f"arrivals per hour must be more than 0, not {args.arrivals_per_hour}")
    workload = Workload(
        args.arrivals_per_hour,
        args.handle_minutes,
        args.patience_minutes,
        Concurrency(args.concurrency, args.slowdown),
    )
    target = Target(args.service_level, args.answer_within)
    if args.agents is None:
        return staff(workload, target, args.max_agents)
    performance = evaluate(workload, args.agents, target.answer_within_seconds)
    met = performance.service_level >= target.service_level
    return Staffing(workload, target, performance, met, args.max_agents)


def _simulate(args: argparse.Namespace, staffing: Staffing) -> SimulationResult | None:
    if args.simulate is None:
        return None
    within = staffing.target.answer_within_seconds
    return steady(staffing.workload, staffing.agents, within, args.simulate, args.seed)


def as_dict(staffing: Staffing, simulated: SimulationResult | None = None) -> dict[str, Any]:
    """The JSON answer: the staffing, what it achieves, and the simulation's check if any."""
    workload, target = staffing.workload, staffing.target
    report: dict[str, Any] = {
        "model": workload.model,
        "arrivals_per_hour": workload.arrivals_per_hour,
        "handle_minutes": workload.handle_minutes,
        "patience_minutes": workload.patience_minutes,
        "concurrency": workload.concurrency.chats,
        "slowdown": workload.concurrency.slowdown,
        "offered_load": workload.load,
        "target_service_level": target.service_level,
        "answer_within_seconds": target.answer_within_seconds,
        "target_met": staffing.met,
        **_performance(staffing.performance),
    }
    if simulated is not None:
        total = simulated.total
        report["simulation"] = {
            "customers": total.offered,
            "service_level": total.service_level,
            "average_speed_of_answer_seconds": total.average_speed_of_answer_seconds,
            "abandonment": total.abandonment,
            "occupancy": simulated.occupancy,
        }
    return report


def _performance(performance: Performance) -> dict[str, Any]:
    answer = performance.average_speed_of_answer_seconds
    return {
        "agents": performance.agents,
        "stable": performance.stable,
        "service_level": performance.service_level,
        "probability_of_waiting": performance.probability_of_waiting,
        "average_speed_of_answer_seconds": answer if math.isfinite(answer) else None,
        "occupancy": performance.occupancy,
        "abandonment": performance.abandonment,
    }


def _text(staffing: Staffing, simulated: SimulationResult | None) -> str:
    workload, target, seen = staffing.workload, staffing.target, staffing.performance
    model = "Erlang C" if workload.model == "erlang_c" else "Erlang A"
    if workload.concurrency.chats > 1:
        model += f", up to {workload.concurrency.chats} chats per agent"
    answer = seen.average_speed_of_answer_seconds
    lines = [
        f"{model}: {workload.arrivals_per_hour:g} chats/hour of {workload.handle_minutes:g} min"
        f" = {workload.load:.2f} agents' worth of work",
        f"target: {target.service_level:.0%} answered within {target.answer_within_seconds:g} s"
        f" — {'met' if staffing.met else 'NOT met'} with {seen.agents} agents",
        f"  service level            {seen.service_level:7.2%}",
        f"  probability of waiting   {seen.probability_of_waiting:7.2%}",
        "  average speed of answer  "
        + (f"{answer:7.1f} s" if math.isfinite(answer) else "  never (the queue keeps growing)"),
        f"  occupancy                {seen.occupancy:7.2%}",
    ]
    if seen.abandonment is not None:
        lines.append(f"  abandonment              {seen.abandonment:7.2%}")
    if simulated is not None:
        total = simulated.total
        lines.append(
            f"simulated ({total.offered:,} customers): service level {total.service_level:.2%},"
            f" average speed of answer {total.average_speed_of_answer_seconds:.1f} s,"
            f" abandonment {total.abandonment:.2%}, occupancy {simulated.occupancy:.2%}"
        )
    return "\n".join(lines)
