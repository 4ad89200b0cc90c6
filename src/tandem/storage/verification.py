"""Failed in-chat verifications in the database: the FailureLog of security/verification.py."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

from sqlalchemy import Connection, delete, insert, select, text
from sqlalchemy.sql.elements import ColumnElement

from tandem.storage.tables import verification_failures as failures


class FailureRecords:
    """The verification_failures table, within the caller's transaction."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def hold(self, keys: Sequence[str]) -> None:
        """PostgreSQL: a transaction-scoped advisory lock per key, so parallel guesses on one
        order queue up instead of all reading the same count. SQLite: writers already take
        the database's write lock at BEGIN."""
        if self.connection.dialect.name != "postgresql":
            return
        for key in keys:  # always the order first, then the address: no lock cycles
            self.connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _lock_id(key)}
            )

    def of_order(self, order: str, since: dt.datetime) -> list[dt.datetime]:
        return self._times(failures.c.order_key == order, since)

    def of_address(self, address: str, since: dt.datetime) -> list[dt.datetime]:
        return self._times(failures.c.address_key == address, since)

    def add(
        self, order: str, address: str | None, at: dt.datetime, forget_before: dt.datetime
    ) -> None:
        self.connection.execute(delete(failures).where(failures.c.failed_at < forget_before))
        self.connection.execute(
            insert(failures).values(order_key=order, address_key=address, failed_at=at)
        )

    def _times(self, which: ColumnElement[bool], since: dt.datetime) -> list[dt.datetime]:
        rows = self.connection.execute(
            select(failures.c.failed_at).where(which, failures.c.failed_at >= since)
        ).scalars()
        return [_utc(moment) for moment in rows]


def _utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _lock_id(key: str) -> int:
    digest = hashlib.sha256(b"tandem.verification:" + key.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)
