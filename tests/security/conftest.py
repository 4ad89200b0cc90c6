"""Redis for the limiter tests: 127.0.0.1:6379 (or TANDEM_TEST_REDIS_URL), a key prefix per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import redis

REDIS_URL = os.environ.get("TANDEM_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        if os.environ.get("CI"):
            raise  # CI starts Redis: a missing one is a failure there, not a skip
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {error}")
    return REDIS_URL


@pytest.fixture
def key_prefix(redis_url: str) -> Iterator[str]:
    """A prefix no other test (or test run) uses; its keys are deleted afterwards."""
    prefix = f"tandem-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match=f"{prefix}*"):
        client.delete(key)
    client.close()
