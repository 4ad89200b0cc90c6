"""Rate limits: moving windows counted in Redis (shared by every process) or in memory.

A limit is a list of tiers ("5/minute; 10/15 minutes"): an attempt is allowed when every tier
has room and then counts in each; when one is full, the answer is how long until all full
tiers have room again. Longer tiers with larger counts make the wait grow for whoever keeps
trying. The windows move (no burst at a window's edge): a key keeps the moments of its newest
attempts, and a tier of n per s seconds is full while the n-th newest is less than s old.

A small module of our own rather than the `limits` library: that library keeps a tier in a key
of its own (a Redis round trip per tier, and tiers not checked together), and its memory store
sweeps every key on a timer thread every 10 ms, which with a day's worth of customer addresses
would keep a core busy. Here one Lua script checks and counts all tiers of a key in one atomic
round trip, on Redis's clock; memory sweeps old keys once a minute.

When Redis is configured but cannot be reached, logins fail closed (503: nobody guesses
passwords uncounted) and customers fail open (their chat goes on; a warning is logged once per
outage). After a failure Redis is left alone for a few seconds, so requests never queue on it.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

import redis

from tandem.domain.errors import TooManyRequests, Unavailable

if TYPE_CHECKING:
    from tandem.config import Settings

log = logging.getLogger(__name__)

#: Seconds to wait for Redis before counting it as down.
REDIS_TIMEOUT = 0.25
#: Seconds Redis is left alone after it failed (the answer meanwhile: fail open or closed).
PAUSE_AFTER_FAILURE = 5.0
#: How often the memory store forgets keys whose attempts are all out of every window.
SWEEP_SECONDS = 60.0

_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_TIER = re.compile(r"^\s*(\d+)\s*(?:/|per)\s*(\d+)?\s*(second|minute|hour|day)s?\s*$", re.I)


@dataclass(frozen=True, slots=True)
class Tier:
    count: int
    seconds: int


Tiers = tuple[Tier, ...]


def tiers(text: str) -> Tiers:
    """'5/minute; 10/15 minutes; 20 per hour' as tiers; ValueError when unreadable."""
    found = []
    for part in re.split(r"[;,]", text):
        match = _TIER.match(part)
        if match is None or int(match[1]) < 1 or (match[2] is not None and int(match[2]) < 1):
            raise ValueError(f"write limits like '5/minute; 10/15 minutes', not {text!r}")
        found.append(Tier(int(match[1]), int(match[2] or 1) * _UNITS[match[3].lower()]))
    return tuple(found)


class StoreDown(Exception):
    """The shared store (Redis) cannot be reached."""


class Windows(Protocol):
    def hit(self, key: str, tiers: Tiers) -> int | None:
        """Atomically: count the attempt and answer None, or count nothing and answer the
        whole seconds until every full tier has room."""

    def clear(self, key: str) -> None: ...


class MemoryWindows:
    """This process's windows: per key the moments of its newest attempts."""

    def __init__(self, sweep_seconds: float = SWEEP_SECONDS) -> None:
        self._keys: dict[str, tuple[float, list[float]]] = {}  # key: (forget after, moments)
        self._lock = threading.Lock()
        self._sweep_seconds = sweep_seconds
        self._next_sweep = time.monotonic() + sweep_seconds

    def __len__(self) -> int:
        """How many keys are remembered."""
        return len(self._keys)

    def hit(self, key: str, tiers: Tiers) -> int | None:
        now = time.monotonic()
        with self._lock:
            if now >= self._next_sweep:
                self._sweep(now)
            _, moments = self._keys.get(key, (0.0, []))
            full = [moments[-t.count] + t.seconds for t in tiers if _full(moments, t, now)]
            if full:
                return max(1, math.ceil(max(full) - now))
            kept = max(t.count for t in tiers)
            moments = [*moments[-(kept - 1) :], now] if kept > 1 else [now]
            self._keys[key] = (now + max(t.seconds for t in tiers), moments)
            return None

    def clear(self, key: str) -> None:
        with self._lock:
            self._keys.pop(key, None)

    def _sweep(self, now: float) -> None:
        self._keys = {key: kept for key, kept in self._keys.items() if kept[0] > now}
        self._next_sweep = now + self._sweep_seconds


def _full(moments: list[float], tier: Tier, now: float) -> bool:
    return len(moments) >= tier.count and moments[-tier.count] > now - tier.seconds


#: KEYS[1]: a list of moments, newest first. ARGV: count, seconds for each tier. Redis's clock.
_HIT = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local wait, kept, longest = 0, 1, 1
for i = 1, #ARGV, 2 do
  local count, seconds = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
  kept, longest = math.max(kept, count), math.max(longest, seconds)
  local nth = redis.call('LINDEX', KEYS[1], count - 1)
  if nth and tonumber(nth) > now - seconds then
    wait = math.max(wait, tonumber(nth) + seconds - now)
  end
end
if wait > 0 then return math.max(1, math.ceil(wait)) end
redis.call('LPUSH', KEYS[1], string.format('%.6f', now))
redis.call('LTRIM', KEYS[1], 0, kept - 1)
redis.call('EXPIRE', KEYS[1], longest)
return 0
"""


class RedisWindows:
    """Windows in Redis, shared by every process: one atomic round trip per attempt."""

    def __init__(self, url: str) -> None:
        self._client = redis.Redis.from_url(
            url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT
        )
        self._hit = self._client.register_script(_HIT)

    def hit(self, key: str, tiers: Tiers) -> int | None:
        arguments = [value for tier in tiers for value in (tier.count, tier.seconds)]
        wait = int(self._hit(keys=[key], args=arguments))
        return wait or None

    def clear(self, key: str) -> None:
        self._client.delete(key)


class Scope(StrEnum):
    LOGIN_ACCOUNT = "login-account"
    LOGIN_ADDRESS = "login-address"
    CONVERSATION = "conversation"
    PERSON = "person"


class Limiter:
    """Counts attempts per (scope, key); keys are stored only as hashes, never an email."""

    def __init__(self, redis_url: str = "", key_prefix: str = "tandem-limits") -> None:
        self.windows: Windows = RedisWindows(redis_url) if redis_url else MemoryWindows()
        self._prefix = key_prefix
        self._down_until = 0.0
        self._guard = threading.Lock()

    def hit(self, scope: Scope, key: str, tiers: Tiers) -> int | None:
        """None when the attempt is allowed (and counted), else whole seconds to wait.

        Raises StoreDown when Redis cannot be reached."""
        with self._store():
            return self.windows.hit(self._key(scope, key), tiers)

    def clear(self, scope: Scope, key: str) -> None:
        with self._store():
            self.windows.clear(self._key(scope, key))

    def _key(self, scope: Scope, key: str) -> str:
        return f"{self._prefix}:{scope.value}:{hashlib.sha256(key.encode()).hexdigest()[:32]}"

    @contextmanager
    def _store(self) -> Iterator[None]:
        if time.monotonic() < self._down_until:
            raise StoreDown("the rate-limit store was down moments ago")
        try:
            yield
        except redis.RedisError as error:
            with self._guard:
                tripped = time.monotonic() >= self._down_until
                self._down_until = time.monotonic() + PAUSE_AFTER_FAILURE
            if tripped:
                log.warning("the rate-limit store cannot be reached: %s", error)
            raise StoreDown(str(error)) from error


class RateLimits:
    """The product's limits, each from a setting; TANDEM_RATE_LIMITS=off turns the per-address
    ones off (load tests from one address), never the per-account login limit."""

    def __init__(self, settings: Settings, limiter: Limiter | None = None) -> None:
        self.limiter = limiter or Limiter(settings.redis_url)
        self.per_address = settings.rate_limits
        self._tiers = {
            Scope.LOGIN_ACCOUNT: tiers(settings.login_limit_per_account),
            Scope.LOGIN_ADDRESS: tiers(settings.login_limit_per_address),
            Scope.CONVERSATION: tiers(settings.conversation_limit_per_address),
            Scope.PERSON: tiers(settings.person_limit_per_address),
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
            self.limiter.clear(Scope.LOGIN_ACCOUNT, email)

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
