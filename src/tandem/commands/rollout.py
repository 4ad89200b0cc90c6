"""`tandem rollout list|set|off|evaluate`: the roll-out modes per topic from the command line.

Changes made here are recorded with no agent (the system) and the note given; bad input exits
2 and changes nothing. See docs/rollout.md.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sqlalchemy import Engine

from tandem.config import get_settings
from tandem.domain.errors import InvalidInput
from tandem.domain.rollout import ROLLOUT_TOPICS, Mode, Setting
from tandem.services import rollout
from tandem.services.rollout_evaluation import evaluate, report
from tandem.storage.db import make_engine, reading
from tandem.storage.migrate import upgrade


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser("rollout", help="Roll the AI out per topic (off ... on).")
    actions = parser.add_subparsers(dest="action", required=True)
    listed = actions.add_parser("list", help="Every topic's mode, and the latest changes.")
    listed.set_defaults(func=_run(_list))
    chosen = actions.add_parser("set", help="Put a topic in a mode.")
    chosen.add_argument("topic", choices=ROLLOUT_TOPICS)
    chosen.add_argument("mode", choices=[m.value for m in Mode])
    chosen.add_argument("--percent", type=int, help="A pilot's share of customers (0-100).")
    chosen.add_argument("--note", required=True, help="Why, for the history.")
    chosen.set_defaults(func=_run(_set))
    off = actions.add_parser("off", help="The kill switch: one topic, or --all, off at once.")
    which = off.add_mutually_exclusive_group(required=True)
    which.add_argument("--all", action="store_true", help="Every topic.")
    which.add_argument("--topic", choices=ROLLOUT_TOPICS)
    off.add_argument("--note", required=True, help="Why, for the history.")
    off.set_defaults(func=_run(_off))
    evaluated = actions.add_parser(
        "evaluate", help="Compare each topic's AI group with people; step back on a clear drop."
    )
    evaluated.set_defaults(func=_run(_evaluate))


def _run(action: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        engine = make_engine(get_settings().database_url)
        try:
            upgrade(engine)
            action(engine, args)
        except InvalidInput as error:
            print(f"tandem rollout: {error.message}", file=sys.stderr)
            return 2
        finally:
            engine.dispose()
        return 0

    return run


def _list(engine: Engine, args: argparse.Namespace) -> None:
    modes = rollout.modes(engine)
    for topic in ROLLOUT_TOPICS:
        print(f"{topic:<18} {modes.of(topic).describe()}")
    with reading(engine) as connection:
        latest = rollout.history(connection, limit=10)
    if latest:
        print("\nLatest changes (newest first):")
    for change in latest:
        who = "automatic" if change.automatic else (change.changed_by or "system")
        print(
            f"  {change.changed_at:%Y-%m-%d %H:%M} {change.topic}: {change.previous.describe()}"
            f" -> {change.setting.describe()} ({who}): {change.note}"
        )


def _set(engine: Engine, args: argparse.Namespace) -> None:
    setting = Setting.of(args.mode, args.percent)
    made = rollout.change(engine, [args.topic], setting, args.note, None)
    print(f"{args.topic}: {setting.describe()}" + ("" if made else " (already)"))


def _off(engine: Engine, args: argparse.Namespace) -> None:
    made = rollout.kill(engine, None if args.all else args.topic, args.note, None)
    print(f"off: {len(made)} topic(s) changed" + "".join(f"\n  {c.topic}" for c in made))


def _evaluate(engine: Engine, args: argparse.Namespace) -> None:
    print(report(evaluate(engine, default_handle=get_settings().default_handle_minutes)))
