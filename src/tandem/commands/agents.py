"""`tandem agents create|list|deactivate|reset-password`: agent accounts without the demo.

The password is asked twice at the terminal, or read as one line from standard input with
--password-stdin (for scripts: `printf '%s\\n' "$PW" | tandem agents create ...`); it is never
an argument, so it stays out of shell history and process lists. Exit codes: 0 done, 1 refused
(no such agent, email taken, the last lead), 2 invalid input.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

from tandem.config import get_settings
from tandem.domain.errors import InvalidInput, TandemError
from tandem.services import agent_accounts as accounts
from tandem.storage.db import make_engine, reading, transaction
from tandem.storage.migrate import upgrade

REFUSED, INVALID = 1, 2


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "agents",
        help="Manage agent accounts (create the first lead without the demo).",
        description=__doc__.split("\n\n")[1] if __doc__ else None,
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    create = actions.add_parser("create", help="Create an account; asks for its password.")
    create.add_argument("email")
    create.add_argument("--name", required=True, help="The name customers and colleagues see.")
    create.add_argument("--role", choices=("agent", "lead"), default="agent")
    _password_option(create)
    create.set_defaults(func=_run(_create))

    listing = actions.add_parser("list", help="List every account.")
    listing.add_argument("--json", action="store_true", help="Print JSON.")
    listing.set_defaults(func=_run(_list))

    deactivate = actions.add_parser(
        "deactivate", help="Stop an account logging in; its sessions end at once."
    )
    deactivate.add_argument("email")
    deactivate.set_defaults(func=_run(_deactivate))

    reset = actions.add_parser("reset-password", help="Set a new password; sessions end.")
    reset.add_argument("email")
    _password_option(reset)
    reset.set_defaults(func=_run(_reset_password))


def _password_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="Read the password as one line from standard input instead of asking.",
    )


def _run(action: Callable[[argparse.Namespace, Engine], int]) -> Callable[..., int]:
    def run(args: argparse.Namespace) -> int:
        engine = make_engine(get_settings().database_url)
        try:
            upgrade(engine)  # a fresh database gets its first lead in one step
            return action(args, engine)
        except InvalidInput as error:
            print(f"tandem agents: {error.message}", file=sys.stderr)
            return INVALID
        except TandemError as error:
            print(f"tandem agents: {error.message}", file=sys.stderr)
            return REFUSED
        finally:
            engine.dispose()

    return run


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise InvalidInput("no terminal to ask for the password: use --password-stdin")
    first = getpass.getpass("Password: ")
    accounts.valid_password(first)
    if getpass.getpass("Password again: ") != first:
        raise InvalidInput("the two passwords differ")
    return first


def _create(args: argparse.Namespace, engine: Engine) -> int:
    new = accounts.NewAccount(args.email, args.name, accounts.valid_role(args.role))
    accounts.valid_email(new.email)
    accounts.valid_name(new.name)
    password_hash = accounts.hashed(_password(args))
    with transaction(engine) as connection:
        made = accounts.create(connection, new, password_hash)
    print(f"created {made.role.value} {made.email} ({made.name}); they log in at /console")
    return 0


def _list(args: argparse.Namespace, engine: Engine) -> int:
    with reading(engine) as connection:
        found = accounts.accounts(connection)
    if args.json:
        rows = [
            {"id": a.id, "email": a.email, "name": a.name, "role": a.role.value,
             "active": a.active, "created_at": a.created_at.isoformat()}
            for a in found
        ]  # fmt: skip
        print(json.dumps(rows, indent=2))
        return 0
    if not found:
        print("no agents yet: tandem agents create EMAIL --name NAME --role lead")
    for a in found:
        state = "" if a.active else "  (deactivated)"
        print(f"{a.email:<32} {a.name:<24} {a.role.value:<5}{state}")
    return 0


def _deactivate(args: argparse.Namespace, engine: Engine) -> int:
    with transaction(engine) as connection:
        found = accounts.by_email(connection, args.email)
        accounts.change(connection, found.id, accounts.Changes(active=False), by=None)
    print(f"deactivated {found.email}: they cannot log in, their sessions ended")
    return 0


def _reset_password(args: argparse.Namespace, engine: Engine) -> int:
    with reading(engine) as connection:
        found = accounts.by_email(connection, args.email)
    password_hash = accounts.hashed(_password(args))
    with transaction(engine) as connection:
        accounts.set_password_hash(connection, found.id, password_hash)
    print(f"new password set for {found.email}; their sessions ended")
    return 0
