"""Live updates: a widget's stream hears of a change at once, from its own process or, through
Redis, from another process sharing the database; with Redis away it falls back to polling.

Each stream here is told to re-read only every five minutes, so a message that arrives within
the test's timeout arrived because a change notice woke the stream."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import httpx
import pytest
import redis
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tandem.answering.knowledge.retrieval import KnowledgeBase
from tandem.commerce.demo.backend import DemoShop
from tandem.config import Settings
from tandem.services.runtime import Runtime, Understands, assemble
from tandem.storage.changes import RedisChangeFeed
from tandem.storage.db import make_engine
from tandem.web.app import create_app

REDIS_URL = os.environ.get("TANDEM_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"
NEVER = 300.0  # seconds between re-reads: longer than any test waits
WITHIN = 20.0  # seconds a notice may take on a loaded machine


@pytest.fixture
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {error}")
    return REDIS_URL


class MakeProcess(Protocol):
    def __call__(self, redis_url: str = "", poll: float = NEVER) -> Runtime: ...


@pytest.fixture
def process(
    engine: Engine, shop_engine: Engine, understander: Understands, knowledge: KnowledgeBase
) -> Iterator[MakeProcess]:
    """Make "a server process": its own engine on the shared database and its own feed."""
    made: list[Runtime] = []

    def make(redis_url: str = "", poll: float = NEVER) -> Runtime:
        url = engine.url.render_as_string(hide_password=False)
        settings = Settings(
            database_url=url,
            shop_database_url=shop_engine.url.render_as_string(hide_password=False),
            redis_url=redis_url,
            stream_poll_seconds=poll,
        )
        shop = DemoShop(shop_engine)
        runtime = assemble(settings, make_engine(url), shop, understander, knowledge)
        made.append(runtime)
        return runtime

    yield make
    for runtime in made:
        runtime.changes.close()
        runtime.engine.dispose()


@contextmanager
def served(runtime: Runtime) -> Iterator[str]:
    """The app on a real server (a stream needs one), in a thread; yields its base URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    config = uvicorn.Config(create_app(runtime.settings, runtime), log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]})
    thread.start()
    try:
        while not server.started:
            time.sleep(0.02)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/api/v1/conversations"
    finally:
        server.should_exit = True
        thread.join(10)
        listener.close()


def answered(line: str) -> bool:
    """The line carries an AI message after the customer's (the greeting is offset 1)."""
    if not line.startswith('data: {"id"'):
        return False
    message = json.loads(line.removeprefix("data: "))
    return bool(message["author"] == "ai" and message["offset"] > 2)


def the_reply_reaches_the_stream(streaming: Runtime, writing: Runtime) -> list[str]:
    """A customer opens a stream on one process and writes through another; the lines the
    stream delivers until the AI's answer."""
    with served(streaming) as base, TestClient(create_app(writing.settings, writing)) as other:
        chat = httpx.post(base, json={"language": "en"}).json()
        url = f"{base}/{chat['id']}/stream"
        seen: list[str] = []
        with httpx.stream(
            "GET", url, params={"token": chat["token"], "after": 0}, timeout=WITHIN
        ) as stream:
            lines = stream.iter_lines()
            while not any(answered(line) for line in seen):
                line = next(lines)
                seen.append(line)
                if line.startswith('data: {"state"'):  # the stream is open: now write
                    answer = other.post(
                        f"/api/v1/conversations/{chat['id']}/messages",
                        json={"text": "Can I pay with PayPal?"},
                        headers={"Authorization": f"Bearer {chat['token']}"},
                    )
                    assert answer.status_code == 200, answer.text
        return seen


def test_that_a_stream_hears_at_once_what_its_own_process_wrote(process: MakeProcess) -> None:
    one = process()
    seen = the_reply_reaches_the_stream(one, one)
    assert any("Can I pay with PayPal?" in line for line in seen), seen


def test_that_a_stream_hears_through_redis_what_another_process_wrote(
    process: MakeProcess, redis_url: str
) -> None:
    streaming, writing = process(redis_url), process(redis_url)
    for feed in (streaming.changes, writing.changes):
        assert isinstance(feed, RedisChangeFeed)
        deadline = time.monotonic() + WITHIN
        while not feed.crosses_processes and time.monotonic() < deadline:
            time.sleep(0.05)  # its listener subscribes in the background
    seen = the_reply_reaches_the_stream(streaming, writing)
    assert any("Can I pay with PayPal?" in line for line in seen), seen


def test_that_with_redis_away_streams_poll_and_nothing_is_lost(process: MakeProcess) -> None:
    streaming = process(UNREACHABLE_REDIS, poll=0.2)
    writing = process(UNREACHABLE_REDIS, poll=0.2)
    assert not streaming.changes.crosses_processes
    seen = the_reply_reaches_the_stream(streaming, writing)  # publishing failed, quietly
    assert any("Can I pay with PayPal?" in line for line in seen), seen


class OwnRedis:
    """A redis-server of this test's own on a free port, to stop and start again."""

    def __init__(self, workdir: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port: int = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.workdir)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + WITHIN
        while True:
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping()
                return
            except redis.RedisError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()  # as a crash would: no goodbye to the subscribers
            self.process.wait()
            self.process = None


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def _crossing(*runtimes: Runtime) -> None:
    deadline = time.monotonic() + WITHIN
    while not all(r.changes.crosses_processes for r in runtimes):
        assert time.monotonic() < deadline, "the change feed did not (re)subscribe"
        time.sleep(0.05)


def test_that_redis_stopped_and_started_under_load_loses_no_message(
    process: MakeProcess, own_redis: OwnRedis
) -> None:
    """A customer's stream on one process, the customer writing through another, four
    messages before Redis dies, four while it is away, four after it is back: the stream
    delivers every one of them and every answer."""
    streaming, writing = process(own_redis.url, poll=0.2), process(own_redis.url, poll=0.2)
    _crossing(streaming, writing)
    seen: list[dict[str, object]] = []
    with served(streaming) as base, TestClient(create_app(writing.settings, writing)) as other:
        chat = httpx.post(base, json={"language": "en"}).json()
        opened, streams = threading.Event(), list[httpx.Response]()

        def listen() -> None:
            url = f"{base}/{chat['id']}/stream"
            params = {"token": chat["token"], "after": 0}
            with httpx.stream("GET", url, params=params, timeout=None) as stream:
                streams.append(stream)
                try:
                    for line in stream.iter_lines():
                        if line.startswith('data: {"state"'):
                            opened.set()
                        if line.startswith('data: {"id"'):
                            seen.append(json.loads(line.removeprefix("data: ")))
                except (httpx.HTTPError, RuntimeError, OSError):
                    return  # closed by the test

        threading.Thread(target=listen, daemon=True).start()
        assert opened.wait(WITHIN)
        try:
            _write_across_an_outage(other, chat, seen, own_redis, streaming, writing)
        finally:
            for stream in streams:
                stream.close()  # else the server waits for the stream at shutdown
    offsets = [m["offset"] for m in seen]
    assert offsets == sorted(set(offsets))  # each once, in order


def _write_across_an_outage(
    other: TestClient,
    chat: dict[str, str],
    seen: list[dict[str, object]],
    own_redis: OwnRedis,
    streaming: Runtime,
    writing: Runtime,
) -> None:
    auth = {"Authorization": f"Bearer {chat['token']}"}

    def write(phase: str) -> None:
        for n in range(4):
            text = f"Can I pay with PayPal? ({phase} {n})"
            answer = other.post(
                f"/api/v1/conversations/{chat['id']}/messages", json={"text": text},
                headers=auth,
            )
            assert answer.status_code == 200, answer.text
            heard(text)

    def heard(text: str) -> None:
        deadline = time.monotonic() + WITHIN
        while not any(m["text"] == text for m in list(seen)):
            assert time.monotonic() < deadline, f"the stream never delivered {text!r}"
            time.sleep(0.05)

    write("before")
    own_redis.stop()
    write("during")  # publishing fails quietly; the stream polls
    own_redis.start()
    _crossing(streaming, writing)
    write("after")
    deadline = time.monotonic() + WITHIN
    while sum(m["author"] == "ai" for m in list(seen)) < 1 + 12:  # greeting + answers
        assert time.monotonic() < deadline, "an answer never reached the stream"
        time.sleep(0.05)
