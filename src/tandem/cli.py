"""`tandem ...`: one argparse entry point; each command lives in tandem.commands.<name>."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from pydantic import ValidationError

#: Each module exposes ``register(subparsers)`` and sets ``func`` on its parser(s).
COMMAND_MODULES: tuple[str, ...] = (
    "tandem.commands.serve",
    "tandem.commands.demo",
    "tandem.commands.db",
    "tandem.commands.policy",
    "tandem.commands.train",
    "tandem.commands.eval",
    "tandem.commands.capacity",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tandem", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", required=True)
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
