"""The limiter: moving-window tiers in memory and in Redis, shared between processes."""

from __future__ import annotations

import time

import pytest
import redis

from tandem.config import Settings
from tandem.domain.errors import TooManyRequests, Unavailable
from tandem.security.limits import Limiter, MemoryWindows, RateLimits, Scope, Tier, tiers

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: refused at once


def test_that_a_limiter_refuses_past_its_limit_and_says_how_long_to_wait() -> None:
    limiter, limit = Limiter(), tiers("2/minute")
    assert limiter.hit(Scope.CONVERSATION, "203.0.113.7", limit) is None
    assert limiter.hit(Scope.CONVERSATION, "203.0.113.7", limit) is None
    wait = limiter.hit(Scope.CONVERSATION, "203.0.113.7", limit)
    assert wait is not None and 55 <= wait <= 60
    assert limiter.hit(Scope.CONVERSATION, "198.51.100.2", limit) is None  # another key
    assert limiter.hit(Scope.PERSON, "203.0.113.7", limit) is None  # another scope


def test_that_the_wait_grows_with_each_tier_for_whoever_keeps_trying() -> None:
    limiter, limit = Limiter(), tiers("2/minute; 1/second")  # written in any order
    assert limiter.hit(Scope.LOGIN_ACCOUNT, "anna@tandem.example", limit) is None
    assert limiter.hit(Scope.LOGIN_ACCOUNT, "anna@tandem.example", limit) == 1
    time.sleep(1.05)
    assert limiter.hit(Scope.LOGIN_ACCOUNT, "anna@tandem.example", limit) is None
    wait = limiter.hit(Scope.LOGIN_ACCOUNT, "anna@tandem.example", limit)
    assert wait is not None and wait > 50


def test_that_a_cleared_count_starts_again() -> None:
    limiter, limit = Limiter(), tiers("1/minute")
    assert limiter.hit(Scope.LOGIN_ACCOUNT, "anna@tandem.example", limit) is None
    limiter.clear(Scope.LOGIN_ACCOUNT, "anna@tandem.example")
    assert limiter.hit(Scope.LOGIN_ACCOUNT, "anna@tandem.example", limit) is None


def test_that_memory_forgets_keys_whose_attempts_left_every_window() -> None:
    """A flood of made-up emails leaves no lasting trace in memory."""
    windows = MemoryWindows(sweep_seconds=0.0)
    for n in range(100):
        windows.hit(f"nobody-{n}@example.com", tiers("1/second"))
    assert len(windows) == 100
    time.sleep(1.05)
    windows.hit("anna@tandem.example", tiers("1/second"))
    assert len(windows) == 1


def test_that_rate_limits_off_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TANDEM_RATE_LIMITS", "off")
    assert Settings().rate_limits is False


def test_that_two_limiters_on_redis_share_their_counts(redis_url: str, key_prefix: str) -> None:
    """Two limiters on one Redis are two processes: one's attempts count for the other."""
    first, second = Limiter(redis_url, key_prefix), Limiter(redis_url, key_prefix)
    limit = tiers("3/minute")
    assert first.hit(Scope.LOGIN_ACCOUNT, "anna@tandem.example", limit) is None
    assert second.hit(Scope.LOGIN_ACCOUNT, "anna@tandem.example", limit) is None
    assert first.hit(Scope.LOGIN_ACCOUNT, "anna@tandem.example", limit) is None
    wait = second.hit(Scope.LOGIN_ACCOUNT, "anna@tandem.example", limit)
    assert wait is not None and 55 <= wait <= 60
    second.clear(Scope.LOGIN_ACCOUNT, "anna@tandem.example")
    assert first.hit(Scope.LOGIN_ACCOUNT, "anna@tandem.example", limit) is None


def test_that_redis_holds_no_email_or_address_in_clear(redis_url: str, key_prefix: str) -> None:
    limiter = Limiter(redis_url, key_prefix)
    limiter.hit(Scope.LOGIN_ACCOUNT, "anna@tandem.example", tiers("3/minute"))
    limiter.hit(Scope.LOGIN_ADDRESS, "203.0.113.7", tiers("3/minute"))
    client = redis.Redis.from_url(redis_url)
    keys = [key.decode() for key in client.scan_iter(match=f"{key_prefix}*")]
    client.close()
    assert len(keys) == 2
    assert not any("anna" in key or "203.0.113.7" in key for key in keys)


def test_that_the_product_limits_on_redis_refuse_logins_across_processes(
    redis_url: str, key_prefix: str
) -> None:
    settings = Settings(redis_url=redis_url, login_limit_per_account="2/minute")
    first = RateLimits(settings, Limiter(redis_url, key_prefix))
    second = RateLimits(settings, Limiter(redis_url, key_prefix))
    first.login_attempt("anna@tandem.example", "203.0.113.7")
    second.login_attempt("anna@tandem.example", "198.51.100.2")
    with pytest.raises(TooManyRequests):
        first.login_attempt("anna@tandem.example", "192.0.2.1")


def test_that_logins_fail_closed_when_redis_is_down() -> None:
    limits = RateLimits(Settings(redis_url=UNREACHABLE_REDIS))
    with pytest.raises(Unavailable) as refused:
        limits.login_attempt("anna@tandem.example", "203.0.113.7")
    assert refused.value.retry_after_seconds >= 1
    with pytest.raises(Unavailable):  # and at once while Redis is left alone
        limits.login_attempt("anna@tandem.example", "203.0.113.7")


def test_that_customers_fail_open_when_redis_is_down() -> None:
    limits = RateLimits(
        Settings(
            redis_url=UNREACHABLE_REDIS,
            conversation_limit_per_address="1/minute",
            person_limit_per_address="1/minute",
        )
    )
    for _ in range(3):
        limits.conversation_opened("203.0.113.7")
        limits.person_asked("203.0.113.7")
        limits.handed_over("203.0.113.7")


def test_that_rate_limits_off_keeps_only_the_per_account_login_limit() -> None:
    limits = RateLimits(
        Settings(
            rate_limits=False,
            login_limit_per_account="2/minute",
            login_limit_per_address="1/minute",
            conversation_limit_per_address="1/minute",
            person_limit_per_address="1/minute",
        )
    )
    for attempt in range(3):
        limits.conversation_opened("203.0.113.7")
        limits.person_asked("203.0.113.7")
        limits.login_attempt(f"nobody-{attempt}@example.com", "203.0.113.7")
    limits.login_attempt("anna@tandem.example", "203.0.113.7")
    limits.login_attempt("anna@tandem.example", "203.0.113.7")
    with pytest.raises(TooManyRequests):
        limits.login_attempt("anna@tandem.example", "203.0.113.7")


def test_that_limits_are_read_as_tiers_of_a_count_per_a_span() -> None:
    assert tiers("5/minute; 10/15 minutes, 20 per hour;1/day") == (
        Tier(5, 60),
        Tier(10, 900),
        Tier(20, 3600),
        Tier(1, 86400),
    )


@pytest.mark.parametrize("written", ["five a minute", "0/minute", "5/0 minutes", "5/week", ""])
def test_that_an_unreadable_limit_is_refused_at_start(written: str) -> None:
    with pytest.raises(ValueError, match="5/minute"):
        Settings(login_limit_per_account=written)
