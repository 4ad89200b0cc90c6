"""In-chat verification cannot be brute-forced: failures are counted per order and per address.

A guest proves who they are with an order number plus the postcode or e-mail address on it.
Every failed attempt is recorded durably, across conversations, for the order named and for
the client's address. Once an order or an address has `max_failures` failures within `window`,
it is locked for verification for `lock`: no attempt is checked at all, so even the right
answer reveals nothing, and attempts during the lock are not counted (the lock ends on time).
The rule itself (:func:`locked_until`) is pure; :class:`VerificationGuard` applies it to a
:class:`FailureLog` (the database in production, memory in tests of the assistant).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from tandem.config import Settings
from tandem.types import ClientAddress

T = TypeVar("T")
Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class VerificationLimits:
    max_failures: int = 5
    window: dt.timedelta = dt.timedelta(minutes=15)
    lock: dt.timedelta = dt.timedelta(minutes=15)

    @classmethod
    def of(cls, settings: Settings) -> VerificationLimits:
        return cls(
            settings.verification_max_failures,
            dt.timedelta(minutes=settings.verification_window_minutes),
            dt.timedelta(minutes=settings.verification_lock_minutes),
        )

    @property
    def memory(self) -> dt.timedelta:
        """How far back a failure can still matter: a lock it helped set may last till now."""
        return self.window + self.lock


def locked_until(failures: Sequence[dt.datetime], limits: VerificationLimits) -> dt.datetime | None:
    """When the latest lock these failures set ends: `max_failures` of them within `window`
    lock for `lock` from the last of those; None when they never reached the limit."""
    times = sorted(failures)
    n = limits.max_failures
    until = None
    for last in range(n - 1, len(times)):
        if times[last] - times[last - n + 1] <= limits.window:
            until = times[last] + limits.lock
    return until


class FailureLog(Protocol):
    """Where failed verifications are kept, by :func:`order_key` and :func:`address_key`."""

    def hold(self, keys: Sequence[str]) -> None:
        """Serialise attempts on these keys until the current transaction ends."""
        ...

    def of_order(self, order: str, since: dt.datetime) -> list[dt.datetime]: ...

    def of_address(self, address: str, since: dt.datetime) -> list[dt.datetime]: ...

    def add(
        self, order: str, address: str | None, at: dt.datetime, forget_before: dt.datetime
    ) -> None:
        """Record one failure, and forget failures older than `forget_before`."""
        ...


def order_key(order_id: str) -> str:
    return order_id.strip().upper()[:64]


def address_key(address: ClientAddress) -> str:
    """A digest: the table never holds the client's address itself."""
    return hashlib.sha256(address.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Checked(Generic[T]):
    found: T | None  # what the check found: the verified customer
    locked_for: dt.timedelta | None = None  # locked (unchecked, or by this failure): how long yet


@dataclass(frozen=True, slots=True)
class VerificationGuard:
    """Runs one verification attempt under the limits, for one client address."""

    log: FailureLog
    limits: VerificationLimits
    client: ClientAddress | None
    clock: Clock = field(default=utc_now)

    def attempt(self, order_id: str, check: Callable[[], T | None]) -> Checked[T]:
        """`check()` unless the order or the address is locked; a failure is recorded."""
        order = order_key(order_id)
        address = address_key(self.client) if self.client is not None else None
        self.log.hold([order] if address is None else [order, address])
        moment = self.clock()
        since = moment - self.limits.memory
        histories = [self.log.of_order(order, since)]
        if address is not None:
            histories.append(self.log.of_address(address, since))
        locked = self._locked_for(histories, moment)
        if locked is not None:
            return Checked(None, locked)
        found = check()
        if found is not None:
            return Checked(found)
        self.log.add(order, address, moment, forget_before=since)
        return Checked(None, self._locked_for([[*h, moment] for h in histories], moment))

    def _locked_for(
        self, histories: list[list[dt.datetime]], moment: dt.datetime
    ) -> dt.timedelta | None:
        ends = (locked_until(failures, self.limits) for failures in histories)
        latest = max((end for end in ends if end is not None), default=None)
        return latest - moment if latest is not None and latest > moment else None


@dataclass
class MemoryFailureLog:
    """A FailureLog in memory: the stand-in for the database in tests of the assistant."""

    failures: list[tuple[str, str | None, dt.datetime]] = field(default_factory=list)

    def hold(self, keys: Sequence[str]) -> None:
        return None  # one thread, one log: nothing to serialise

    def of_order(self, order: str, since: dt.datetime) -> list[dt.datetime]:
        return [at for key, _, at in self.failures if key == order and at >= since]

    def of_address(self, address: str, since: dt.datetime) -> list[dt.datetime]:
        return [at for _, key, at in self.failures if key == address and at >= since]

    def add(
        self, order: str, address: str | None, at: dt.datetime, forget_before: dt.datetime
    ) -> None:
        self.failures = [f for f in self.failures if f[2] >= forget_before]
        self.failures.append((order, address, at))
