"""Rate limits: moving windows counted in Redis (shared by every process) or in memory.

Built on the `limits` library: its moving-window strategy is exact (no burst at a window's
edge), it has the same algorithm in memory and in Redis (an atomic Lua script there), and it
reads limits written like "5/minute; 20/hour". Each limit is a list of tiers, shortest window
first; an attempt counts in every tier until one is full, and that tier says how long to wait.
Longer tiers with larger counts make the wait grow for whoever keeps trying.

When Redis is configured but cannot be reached, logins fail closed (503: nobody can guess
passwords uncounted) and customers fail open (their chat goes on; a warning is logged once per
outage). After a failure Redis is left alone for a few seconds, so requests never queue on it.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from enum import StrEnum

import limits
from limits.errors import StorageError
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter

from tandem.config import Settings
from tandem.domain.errors import TooManyRequests, Unavailable

log = logging.getLogger(__name__)

#: Seconds to wait for Redis before counting it as down.
REDIS_TIMEOUT = 0.25
#: Seconds Redis is left alone after it failed (the answer meanwhile: fail open or closed).
PAUSE_AFTER_FAILURE = 5.0

Rules = tuple[limits.RateLimitItem, ...]


class StoreDown(Exception):
    """The shared store (Redis) cannot be reached."""


class Scope(StrEnum):
    LOGIN_ACCOUNT = "login-account"
    LOGIN_ADDRESS = "login-address"
    CONVERSATION = "conversation"
    PERSON = "person"


def rules(text: str) -> Rules:
    """'5/minute; 20/hour' as tiers, shortest window first."""
    return tuple(sorted(limits.parse_many(text), key=lambda rule: rule.get_expiry()))


class Limiter:
    """Counts attempts per (scope, key) in moving windows; keys are stored only as hashes."""

    def __init__(self, redis_url: str = "", key_prefix: str = "tandem-limits") -> None:
        storage: Storage
        if redis_url:
            storage = RedisStorage(
                redis_url,
                key_prefix=key_prefix,
                wrap_exceptions=True,
                socket_timeout=REDIS_TIMEOUT,
                socket_connect_timeout=REDIS_TIMEOUT,
            )
        else:
            storage = MemoryStorage()
        self.shared = bool(redis_url)
        self._windows = MovingWindowRateLimiter(storage)
        self._down_until = 0.0
        self._guard = threading.Lock()

    def hit(self, scope: Scope, key: str, tiers: Rules) -> int | None:
        """Count one attempt: None when every tier has room, else whole seconds to wait.

        Raises StoreDown when Redis cannot be reached."""
        digest = _digest(key)
        with self._store():
            for tier in tiers:
                if not self._windows.hit(tier, scope.value, digest):
                    return self._wait(scope, digest, tiers)
        return None

    def _wait(self, scope: Scope, digest: str, tiers: Rules) -> int:
        """Until every full tier has room again: the longest full tier decides."""
        resets = [
            self._windows.get_window_stats(tier, scope.value, digest).reset_time
            for tier in tiers
            if not self._windows.test(tier, scope.value, digest)
        ]
        return max(1, math.ceil(max(resets, default=0.0) - time.time()))

    def clear(self, scope: Scope, key: str, tiers: Rules) -> None:
        digest = _digest(key)
        with self._store():
            for tier in tiers:
                self._windows.clear(tier, scope.value, digest)

    @contextmanager
    def _store(self) -> Iterator[None]:
        if time.monotonic() < self._down_until:
            raise StoreDown("the rate-limit store was down moments ago")
        try:
            yield
        except StorageError as error:
            with self._guard:
                tripped = time.monotonic() >= self._down_until
                self._down_until = time.monotonic() + PAUSE_AFTER_FAILURE
            if tripped:
                log.warning("the rate-limit store cannot be reached: %s", error.storage_error)
            raise StoreDown(str(error.storage_error)) from error


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:32]


class RateLimits:
    """The product's limits, each from a setting; TANDEM_RATE_LIMITS=off turns the per-address
    ones off (load tests from one address), never the per-account login limit."""

    def __init__(self, settings: Settings, limiter: Limiter | None = None) -> None:
        self.limiter = limiter or Limiter(settings.redis_url)
        self.per_address = settings.rate_limits
        self._tiers = {
            Scope.LOGIN_ACCOUNT: rules(settings.login_limit_per_account),
            Scope.LOGIN_ADDRESS: rules(settings.login_limit_per_address),
            Scope.CONVERSATION: rules(settings.conversation_limit_per_address),
            Scope.PERSON: rules(settings.person_limit_per_address),
        }

    def login_attempt(self, email: str, address: str) -> None:
        """Count a login attempt before any password is checked; fails closed."""
        try:
            if self.per_address:
                self._refuse_past(Scope.LOGIN_ADDRESS, address, "login attempts from this address")
            self._refuse_past(Scope.LOGIN_ACCOUNT, email, "login attempts for this account")
        except StoreDown:
            message = "logging in is paused: the rate-limit store cannot be reached"
            raise Unavailable(message, math.ceil(PAUSE_AFTER_FAILURE)) from None

    def login_succeeded(self, email: str) -> None:
        """A correct password starts the account's count again."""
        with suppress(StoreDown):  # the count then expires on its own
            self.limiter.clear(Scope.LOGIN_ACCOUNT, email, self._tiers[Scope.LOGIN_ACCOUNT])

    def conversation_opened(self, address: str) -> None:
        """Count a conversation about to be opened; fails open."""
        if self.per_address:
            what = "conversations opened from this address"
            self._refuse_past(Scope.CONVERSATION, address, what, fail_open=True)

    def person_asked(self, address: str) -> None:
        """Count an explicit request for a person (the widget's button); fails open."""
        if self.per_address:
            what = "requests for a person from this address"
            self._refuse_past(Scope.PERSON, address, what, fail_open=True)

    def handed_over(self, address: str) -> None:
        """Count a hand-over the customer's words caused; it already happened, so never refuse."""
        if self.per_address:
            with suppress(StoreDown):
                self.limiter.hit(Scope.PERSON, address, self._tiers[Scope.PERSON])

    def _refuse_past(self, scope: Scope, key: str, what: str, fail_open: bool = False) -> None:
        try:
            wait = self.limiter.hit(scope, key, self._tiers[scope])
        except StoreDown:
            if fail_open:
                return
            raise
        if wait is not None:
            raise TooManyRequests(f"too many {what}: try again in {_span(wait)}", wait)


def _span(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} seconds"
    if seconds < 7200:
        return f"{math.ceil(seconds / 60)} minutes"
    return f"{math.ceil(seconds / 3600)} hours"
