"""`tandem policy check|test|replay`: check a policy, run scenarios, replay stored conversations."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

from tandem.domain.errors import InvalidInput
from tandem.domain.policy import Engine, InvalidPolicy, Policy, load_policy
from tandem.domain.policy.dialogue import Understands
from tandem.domain.policy.scenario_runner import Scenario, TurnCheck, parse_scenarios, run_scenario
from tandem.services.policy_replay import (
    DEFAULT_MINUTES_PER_CONVERSATION,
    ReplaySummary,
    replay_stored,
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("policy", help="Check and test handoff policies.")
    actions = parser.add_subparsers(dest="action", required=True)
    check = actions.add_parser("check", help="Validate a policy file; print each problem.")
    check.add_argument("file", type=Path)
    check.set_defaults(func=run_check)
    test = actions.add_parser("test", help="Run scenario files (or directories) on a policy.")
    test.add_argument("file", type=Path)
    test.add_argument("scenarios", type=Path, nargs="+")
    test.add_argument("--model-dir", type=Path, help="Understanding models (TANDEM_MODEL_DIR).")
    test.add_argument("--failures-only", action="store_true", help="Print failing turns only.")
    test.set_defaults(func=run_test)
    replay = actions.add_parser(
        "replay",
        help="Replay stored conversations under a policy: what would it route differently?",
    )
    replay.add_argument("file", type=Path)
    replay.add_argument("--since", type=_day, required=True, help="First day (YYYY-MM-DD, UTC).")
    replay.add_argument("--until", type=_day, help="Last day, included (default: today).")
    replay.add_argument(
        "--minutes-per-conversation",
        type=float,
        default=DEFAULT_MINUTES_PER_CONVERSATION,
        help="A person's handling time per conversation, for the workload (default: 6).",
    )
    replay.add_argument("--model-dir", type=Path, help="Understanding models (TANDEM_MODEL_DIR).")
    replay.add_argument("--json", action="store_true", help="Print the report as JSON.")
    replay.set_defaults(func=run_replay)


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2025-03-31") from None


def _load(file: Path) -> Policy | None:
    """The policy, or None after printing each problem as FILE:LINE: message."""
    try:
        return load_policy(file.read_text("utf-8"))
    except OSError as error:
        print(f"{file}: cannot read: {error.strerror}")
    except InvalidPolicy as invalid:
        for problem in invalid.problems:
            print(f"{file}:{problem.line}: {problem.message}")
    return None


def run_check(args: argparse.Namespace) -> int:
    policy = _load(args.file)
    if policy is None:
        return 1
    print(f"{args.file}: ok (version {policy.version}, {len(policy.rules)} rules)")
    return 0


def _scenario_files(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        yield from sorted(path.glob("*.yaml")) if path.is_dir() else [path]


def _scenarios(paths: list[Path]) -> list[tuple[Path, Scenario]] | None:
    found: list[tuple[Path, Scenario]] = []
    for file in _scenario_files(paths):
        try:
            found += [(file, s) for s in parse_scenarios(file.read_text("utf-8"))]
        except (OSError, InvalidInput) as error:
            print(f"{file}: {getattr(error, 'message', error)}")
            return None
    return found


def _understander(model_dir: Path | None) -> Understands:
    from tandem.config import get_settings
    from tandem.understanding.pipeline import load_or_train

    understander: Understands = load_or_train(model_dir or get_settings().model_dir)
    return understander


def _report(file: Path, check: TurnCheck, failures_only: bool) -> None:
    if check.passed and failures_only:
        return
    verdict = "pass" if check.passed else "FAIL"
    u, actual = check.understanding, check.actual
    print(f"{verdict} {file}:{check.scripted.line} {check.scenario.name} #{check.number}")
    if not check.passed:
        print(f"     customer: {check.scripted.turn.text!r}")
        print(
            f"     understood: {u.intent} {u.confidence:.2f} (runner-up {u.runner_up} "
            f"{u.runner_up_confidence:.2f}), frustration {u.frustration:.2f}"
        )
        print(
            f"     expected {check.scripted.expect}, got {actual.action}/{actual.reason} "
            f"{actual.priority} by rule {actual.rule}"
        )


def run_test(args: argparse.Namespace) -> int:
    policy, scenarios = _load(args.file), _scenarios(args.scenarios)
    if policy is None or scenarios is None:
        return 1
    engine, understander = Engine(policy), _understander(args.model_dir)
    turns = failed_turns = failed = 0
    for file, scenario in scenarios:
        checks = run_scenario(engine, understander, scenario)
        for check in checks:
            _report(file, check, args.failures_only)
        turns += len(checks)
        failed_turns += sum(not check.passed for check in checks)
        failed += not all(check.passed for check in checks)
    print(
        f"{len(scenarios) - failed} of {len(scenarios)} scenarios passed, "
        f"{turns - failed_turns} of {turns} turns"
    )
    return 1 if failed else 0


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), dt.UTC)


def run_replay(args: argparse.Namespace) -> int:
    """Exit 0 with the report; 2 when the policy cannot be read or is invalid."""
    from tandem.config import get_settings
    from tandem.storage.db import make_engine

    policy = _load(args.file)
    if policy is None:
        return 2
    settings = get_settings()
    until = (args.until or dt.datetime.now(dt.UTC).date()) + dt.timedelta(days=1)
    database = make_engine(settings.database_url)
    try:
        summary = replay_stored(
            database,
            Engine(policy),
            _understander(args.model_dir),
            _midnight(args.since),
            _midnight(until),
        )
    finally:
        database.dispose()
    _print_replay(summary, args.minutes_per_conversation, args.json)
    return 0


def _print_replay(summary: ReplaySummary, minutes: float, as_json: bool) -> None:
    hours = summary.extra_hours(minutes)
    moves = sorted(summary.moves.items(), key=lambda item: (-item[1], item[0]))
    if as_json:
        report = {
            "conversations": summary.conversations,
            "turns": summary.turns,
            "rerouted_conversations": summary.rerouted_conversations,
            "rerouted_turns": summary.rerouted_turns,
            "to_people_before": summary.to_people_before,
            "to_people_after": summary.to_people_after,
            "moves": [{"from": f, "to": t, "turns": n} for (f, t), n in moves],
            "minutes_per_conversation": minutes,
            "extra_hours": round(hours, 2),
        }
        print(json.dumps(report, indent=2))
        return
    print(f"replayed {summary.conversations} conversations, {summary.turns} turns")
    print(
        f"routed differently: {summary.rerouted_conversations} conversations, "
        f"{summary.rerouted_turns} turns"
    )
    for (before, after), count in moves:
        print(f"  {before} -> {after}: {count}")
    print(
        f"to a person: {summary.to_people_before} -> {summary.to_people_after} conversations; "
        f"extra human workload {hours:+.1f} h at {minutes:g} min per conversation"
    )
