"""Reads of data that changes rarely, kept for at most a second (per database engine).

Every customer turn looks at the active policy, the roll-out modes, the agents online and the
live queue's length. They change rarely compared with how often turns read them, so a turn
takes them from here: a value is read again once it is older than ``MAX_AGE`` seconds, or at
once after this process wrote to a table it comes from (any statement on the engine that
inserts, updates or deletes there, seen by a cursor event; and again after that transaction
commits). Another process's change is seen at most ``MAX_AGE`` seconds late: a policy or a
roll-out mode just changed, an agent who just logged in or out, the queue's length in the
expected-wait text. Nothing that decides which conversation goes to whom is read from here
(routing reads the database itself).
"""

from __future__ import annotations

import re
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import ExecutionContext

#: The longest a value is kept (seconds).
MAX_AGE = 1.0

T = TypeVar("T")

#: What each kind of value is read from: a write to one of these tables forgets the value.
#: The queue's length changes only with a conversation's state or its ticket promise.
SOURCES: dict[str, tuple[str, ...]] = {
    "policy": ("policies",),
    "rollout": ("rollout_modes",),
    "agents_online": ("agent_sessions",),
    "waiting": ("conversations:state", "conversations:ticket_promised_by"),
}

_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE)\s+"?(\w+)"?', re.I)
_WROTE = "briefly_wrote"  # connection.info: the kinds this transaction's writes touched


@dataclass
class _Kept:
    values: dict[str, tuple[float, Any]] = field(default_factory=dict)
    generation: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def forget(self, kinds: set[str]) -> None:
        with self.lock:
            for kind in kinds:
                self.values.pop(kind, None)
                self.generation[kind] = self.generation.get(kind, 0) + 1


_kept: weakref.WeakKeyDictionary[Engine, _Kept] = weakref.WeakKeyDictionary()
_kept_guard = threading.Lock()


def read(connection: Connection, kind: str, load: Callable[[Connection], T]) -> T:
    """The value of ``kind`` (a key of SOURCES): kept, or loaded on ``connection`` and kept."""
    kept = _of(connection.engine)
    moment = time.monotonic()
    with kept.lock:
        found = kept.values.get(kind)
        if found is not None and moment - found[0] < MAX_AGE:
            value: T = found[1]
            return value
        generation = kept.generation.get(kind, 0)
    value = load(connection)
    with kept.lock:
        if kept.generation.get(kind, 0) == generation:  # no write since the read began
            kept.values[kind] = (moment, value)
    return value


def forget(engine: Engine, kinds: set[str] | None = None) -> None:
    """Read these kinds (all: None) again next time: after a commit that wrote them (a read
    that ran meanwhile may have kept the old value), or after a change by other means."""
    kept = _kept.get(engine)
    if kept is not None:
        kept.forget(set(SOURCES) if kinds is None else kinds)


def taken(connection: Connection) -> set[str]:
    """The kinds this connection's writes touched since the last call (and forget them)."""
    kinds: set[str] = connection.info.pop(_WROTE, set())
    return kinds


def _of(engine: Engine) -> _Kept:
    with _kept_guard:
        kept = _kept.get(engine)
        if kept is None:
            kept = _kept[engine] = _Kept()
            event.listen(engine, "after_cursor_execute", _after_execute)
        return kept


def _after_execute(
    connection: Connection,
    cursor: Any,
    statement: str,
    parameters: Any,
    context: ExecutionContext | None,
    *_: Any,
) -> None:
    match = _WRITE.match(statement)
    if match is None:
        return
    if statement.lstrip()[:8].upper() == "TRUNCATE":  # it may name several tables
        kinds = set(SOURCES)
    else:
        kinds = _kinds(match.group(1).lower(), statement, _rows(context))
    if kinds:
        connection.info.setdefault(_WROTE, set()).update(kinds)
        kept = _kept.get(connection.engine)
        if kept is not None:
            kept.forget(kinds)


def _rows(context: ExecutionContext | None) -> list[dict[str, Any]] | None:
    """The values of a compiled INSERT, by column; None when unknown (a text statement)."""
    compiled = getattr(context, "compiled", None)
    if compiled is None or not getattr(compiled, "isinsert", False):
        return None
    rows: list[dict[str, Any]] = list(getattr(context, "compiled_parameters", None) or [])
    return rows or None


def _kinds(table: str, statement: str, inserted: list[dict[str, Any]] | None) -> set[str]:
    """The kinds a write to ``table`` changes: an UPDATE only through the columns named, an
    INSERT of known values only with a value there (a new conversation is not queued)."""
    sources = _BY_TABLE.get(table)
    if not sources:
        return set()
    setting = ""
    if statement.lstrip()[:6].upper() == "UPDATE":
        setting = statement.split(" WHERE ", 1)[0]
    found = set()
    for kind, column, assigned in sources:
        if column is None or assigned is None:
            found.add(kind)
        elif setting:
            if assigned.search(setting):
                found.add(kind)
        elif inserted is None or any(_counts(column, row.get(column)) for row in inserted):
            found.add(kind)
    return found


def _by_table() -> dict[str, list[tuple[str, str | None, re.Pattern[str] | None]]]:
    """SOURCES by table: (kind, column or None, the column's assignment in a SET clause)."""
    tables: dict[str, list[tuple[str, str | None, re.Pattern[str] | None]]] = {}
    for kind, sources in SOURCES.items():
        for source in sources:
            name, _, column = source.partition(":")
            assigned = re.compile(rf"\b{column}\s*=") if column else None
            tables.setdefault(name, []).append((kind, column or None, assigned))
    return tables


_BY_TABLE = _by_table()


def _counts(column: str, value: Any) -> bool:
    """Does an inserted row with this value change what is kept? (A conversation inserted in
    any state but "queued", without a ticket promise, leaves the queue's length alone.)"""
    if column == "state":
        return bool(value == "queued")
    return value is not None
