"""Named locks shared by every process on one database: PostgreSQL advisory locks.

A lock's key is derived from its name and the connection's schema, so installations (or test
runs) that share a PostgreSQL database in different schemas never block each other. SQLite
needs less: its writing transactions already run one at a time (BEGIN IMMEDIATE), and a
SQLite installation runs one server process, so there a lock is held within the process.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, func, select

log = logging.getLogger(__name__)

_local: dict[tuple[str, str], threading.Lock] = {}
_local_guard = threading.Lock()


def lock_key(connection: Connection, name: str) -> int:
    """The advisory-lock key of ``name`` in this connection's schema (a signed 64-bit int)."""
    schema = connection.execute(select(func.current_schema())).scalar_one()
    digest = hashlib.blake2b(f"tandem:{schema}:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def serialise(connection: Connection, name: str) -> None:
    """Make the rest of this transaction wait for every other transaction serialised on
    ``name``, in any process (released at commit or rollback). For check-then-write work at
    start-up: migrations, seeding. On SQLite the transaction already holds the write lock."""
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(lock_key(connection, name))))


@contextmanager
def exclusive(engine: Engine, name: str) -> Iterator[bool]:
    """Try to take the lock ``name`` without waiting: yields True when this caller holds it
    (across all processes on PostgreSQL), False when someone else does. Held on a connection
    of its own for the whole block; a process that dies loses it with its connection."""
    if engine.dialect.name != "postgresql":
        with _local_lock(engine, name) as held:
            yield held
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        key = lock_key(connection, name)
        held = bool(connection.execute(select(func.pg_try_advisory_lock(key))).scalar_one())
        try:
            yield held
        finally:
            if held:
                _unlock(connection, key)


def _unlock(connection: Connection, key: int) -> None:
    try:
        connection.execute(select(func.pg_advisory_unlock(key)))
    except Exception:
        # The connection broke, and the lock went with its session; never pool it again.
        log.warning("could not release advisory lock %s; dropping the connection", key)
        connection.invalidate()


@contextmanager
def _local_lock(engine: Engine, name: str) -> Iterator[bool]:
    with _local_guard:
        lock = _local.setdefault((str(engine.url), name), threading.Lock())
    held = lock.acquire(blocking=False)
    try:
        yield held
    finally:
        if held:
            lock.release()
