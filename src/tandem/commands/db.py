"""`tandem db upgrade`: bring the database to the newest schema."""

from __future__ import annotations

import argparse

from tandem.config import get_settings
from tandem.storage.db import make_engine
from tandem.storage.migrate import upgrade


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("db", help="Database schema commands.")
    actions = parser.add_subparsers(dest="action", required=True)
    up = actions.add_parser("upgrade", help="Apply every migration (TANDEM_DATABASE_URL).")
    up.set_defaults(func=run_upgrade)


def run_upgrade(_args: argparse.Namespace) -> int:
    settings = get_settings()
    upgrade(make_engine(settings.database_url))
    print(f"database is up to date: {settings.database_url}")
    return 0
