"""Alembic environment: runs on the connection that tandem.storage.migrate hands it."""

from __future__ import annotations

from alembic import context

import tandem.commerce.demo.tables
import tandem.storage.tables  # noqa: F401  (registers the tables)
from tandem.storage.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
