"""Bring a database to the newest schema with Alembic (run at start-up and by `tandem db`)."""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from tandem.storage.locks import serialise

MIGRATIONS = Path(__file__).with_name("migrations")

#: Alembic keeps its migration context in module globals: one migration per process at a time.
_in_process = threading.Lock()


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate in one transaction; processes starting together take turns (advisory lock),
    so the second finds the schema done instead of creating the same tables again."""
    config = alembic_config()
    with _in_process, engine.begin() as connection:
        serialise(connection, "migrations")
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
