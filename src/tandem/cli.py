"""`tandem ...`: one argparse entry point; each command lives in tandem.commands.<name>."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

from pydantic import ValidationError

#: Each module exposes ``register(subparsers)`` and sets ``func`` on its parser(s).
COMMAND_MODULES: tuple[str, ...] = (
    "tandem.commands.serve",
    "tandem.commands.demo",
    "tandem.commands.db",
    "tandem.commands.agents",
    "tandem.commands.policy",
    "tandem.commands.train",
    "tandem.commands.eval",
    "tandem.commands.capacity",
    "tandem.commands.rollout",
    "tandem.commands.report",
)


DESCRIPTION = """\
Tandem is self-hostable customer service where an AI assistant and a human team work in
tandem: the assistant answers routine questions in the customer's language and acts on the
shop's data, explainable handoff rules decide when a person takes over, and agents work the
queue in the console. Settings come from TANDEM_* environment variables (see
docs/configuration.md)."""


def _version() -> str:
    try:
        return version("tandem")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tandem",
        description=DESCRIPTION,
        epilog="Run 'tandem COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"tandem {_version()}")
    subparsers = parser.add_subparsers(
        title="commands", dest="command", required=True, metavar="COMMAND"
    )
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except ValidationError as error:
        if error.title != "Settings":
            raise
        problems = (f"  TANDEM_{str(e['loc'][0]).upper()}: {e['msg']}" for e in error.errors())
        print("tandem: the configuration is not valid:", *problems, sep="\n", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
