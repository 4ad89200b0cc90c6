"""Engines and transactions for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError

from tandem.storage import briefly
from tandem.storage.changes import ChangeFeed, take_changed


def make_engine(url: str) -> Engine:
    """An engine; SQLite gets WAL, foreign keys and write-locking (immediate) transactions.

    Errors never show the statement's parameters (message texts, emails, token hashes): they
    would end up in the error log.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(
            url, pool_size=10, max_overflow=20, pool_pre_ping=True, hide_parameters=True
        )
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # Writers take the write lock at BEGIN, so read-then-write turns serialise instead of
        # failing with "database is locked"; readers never block anyone under WAL.
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


READ_ONLY = "tandem_read_only"

#: What a database that cannot be reached now raises: PostgreSQL restarting, failing over or
#: cut off (pool_pre_ping then replaces the broken connections), SQLite locked too long. The
#: transaction was rolled back; the same work may be tried again later.
DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (OperationalError, InterfaceError)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


#: SQLite admits one writer at a time, and a waiting writer sleeps in growing steps before it
#: retries. Queueing this process's writers on a lock instead hands the database over at once.
_writers: weakref.WeakKeyDictionary[Engine, threading.RLock] = weakref.WeakKeyDictionary()
_writers_guard = threading.Lock()


def _writer_lock(engine: Engine) -> threading.RLock:
    with _writers_guard:
        return _writers.setdefault(engine, threading.RLock())


#: The change feed each engine's committed conversation changes are told to (follow_changes).
_feeds: weakref.WeakKeyDictionary[Engine, ChangeFeed] = weakref.WeakKeyDictionary()


def follow_changes(engine: Engine, feed: ChangeFeed) -> None:
    """Tell ``feed`` of every conversation a committed transaction on ``engine`` changed."""
    _feeds[engine] = feed


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """One unit of work: commit on success, roll back on any error; after the commit, the
    change feed hears which conversations changed."""
    lock = _writer_lock(engine) if is_sqlite(engine) else nullcontext()
    with lock, engine.begin() as connection:
        take_changed(connection)  # nothing left over from a transaction rolled back
        briefly.taken(connection)
        yield connection
        changed = take_changed(connection)
        wrote = briefly.taken(connection)
    if wrote:
        briefly.forget(engine, wrote)
    feed = _feeds.get(engine)
    if changed and feed is not None:
        feed.publish(changed)


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A read-only unit of work: it never takes SQLite's write lock."""
    with engine.connect() as connection:
        connection.execution_options(**{READ_ONLY: True})
        with connection.begin():
            yield connection
