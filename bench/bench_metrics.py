"""The metrics API over 100,000 conversations (about a million events): p50/p95 on SQLite and on
PostgreSQL. Target: p95 <= 300 ms. And the lead's dashboard (/console/dashboard) in headless
Chromium: from navigation to the body with its last chart drawn. Target: <= 1 s.

The history is bulk-inserted through the same tables live traffic writes (conversations,
messages, events: decided, handed_off, taken, closed, rated, thumbs, nps), with a fixed seed;
the per-conversation summaries are then built once by the same refresh the server's job runs
(timed too), and a real `tandem serve` answers a lead's requests over HTTP.

    .venv/bin/python bench/bench_metrics.py [--conversations 100000] [--sqlite-only]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
from sqlalchemy import Engine, insert

from serving import free_port, postgres_schema, start_server
from tandem.config import Settings
from tandem.services.metrics import refresh
from tandem.storage.db import make_engine, transaction
from tandem.storage.migrate import upgrade
from tandem.storage.tables import conversations, events, messages

PASSWORD = "bench-metrics-password"
DAYS = 56
TOPICS = ("order_status", "delivery", "returns", "refunds", "cancellations", "payments",
          "invoices", "general")  # fmt: skip
REASONS = ("customer_request", "complaint", "frustration", "not_understood", "payment_problem",
           "action_failed", "too_slow", "out_of_hours")  # fmt: skip
REQUESTS = 40
BATCH = 2000


class _Conversation:
    """The rows of one generated conversation, written in order."""

    def __init__(self, cid: str, at: dt.datetime) -> None:
        self.cid, self.at = cid, at
        self.said: list[dict[str, Any]] = []
        self.done: list[dict[str, Any]] = []

    def event(self, kind: str, actor: str, **fields: Any) -> None:
        row = {"reason": None, "from_state": None, "to_state": None, "detail": {}} | fields
        self.done.append({"conversation_id": self.cid, "seq": len(self.done) + 1, "kind": kind,
                          "actor": actor, "created_at": self.at, **row})  # fmt: skip

    def say(self, author: str, words: str, frustration: float | None = None) -> None:
        self.said.append({"conversation_id": self.cid, "offset": len(self.said) + 1,
                          "author": author, "text": words, "created_at": self.at,
                          "frustration": frustration})  # fmt: skip

    def later(self, seconds: float) -> None:
        self.at += dt.timedelta(seconds=seconds)


def _one(rng: random.Random, c: _Conversation) -> None:
    topic = rng.choice(TOPICS)
    c.event("opened", "customer")
    c.say("ai", "Hello! How can I help?")
    kind = rng.random()
    for _ in range(rng.randint(4, 9) if kind < 0.75 else 1):
        c.later(rng.randint(10, 90))
        c.say("customer", "a question", round(rng.random() * 0.5, 2))
        c.later(rng.random() * 2)
        detail = {"message": len(c.said), "topic": topic, "action": "answer", "outcome": "answered"}
        c.event("decided", "ai", detail=detail)
        c.say("ai", "an answer")
    if kind >= 0.6:  # handed over: some after answers, some at once
        detail = {"message": len(c.said), "topic": topic, "action": "handoff", "outcome": None}
        c.event("decided", "ai", detail=detail)
        c.event("handed_off", "ai", reason=rng.choice(REASONS), from_state="ai", to_state="queued")
        if rng.random() < 0.1:
            c.later(rng.randint(120, 1200))
            c.event("closed", "customer", reason="ended_by_customer", from_state="queued",
                    to_state="closed")  # fmt: skip
            return
        c.later(rng.randint(20, 600))
        c.event("taken", "agent", from_state="queued", to_state="human")
        for _ in range(rng.randint(1, 3)):
            c.later(rng.randint(30, 240))
            c.say("agent", "a person's answer")
        c.later(rng.randint(60, 600))
        c.event("closed", "agent", from_state="human", to_state="closed")
    else:
        if rng.random() < 0.4:
            c.event("thumbs", "customer", detail={"message": len(c.said), "up": rng.random() < 0.8})
        c.later(rng.randint(60, 2400))
        c.event("closed", "system", reason="idle", from_state="ai", to_state="closed")
    if rng.random() < 0.35:
        c.event("rated", "customer", detail={"score": rng.randint(1, 5)})
        if rng.random() < 0.3:
            c.event("nps", "customer", detail={"score": rng.randint(0, 10)})


def _history(
    rng: random.Random, now: dt.datetime, n: int
) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]]:
    """(conversation, messages, events) rows of one generated conversation at a time."""
    for i in range(n):
        start = now - dt.timedelta(days=rng.random() * DAYS, hours=1)
        c = _Conversation(str(uuid.UUID(int=rng.getrandbits(128))), start)
        _one(rng, c)
        conversation = {
            "id": c.cid, "token_hash": "-", "state": "closed", "language": rng.choice(("nl", "en")),
            "customer_id": f"C-{rng.randint(1, n // 3)}" if rng.random() < 0.7 else None,
            "message_count": len(c.said), "event_count": len(c.done), "memory": {},
            "created_at": start, "updated_at": c.at, "closed_at": c.at,
        }  # fmt: skip
        yield conversation, c.said, c.done
        if i and i % 20000 == 0:
            print(f"   {i} conversations generated", flush=True)


def fill(engine: Engine, n: int) -> tuple[int, int]:
    rng = random.Random(20261202)
    now = dt.datetime.now(dt.UTC)
    counts = [0, 0]
    batch: tuple[list[Any], list[Any], list[Any]] = ([], [], [])

    def flush() -> None:
        with transaction(engine) as connection:
            connection.execute(insert(conversations), batch[0])
            connection.execute(insert(messages), batch[1])
            connection.execute(insert(events), batch[2])
        counts[0] += len(batch[1])
        counts[1] += len(batch[2])
        for rows in batch:
            rows.clear()

    for conversation, said, done in _history(rng, now, n):
        batch[0].append(conversation)
        batch[1].extend(said)
        batch[2].extend(done)
        if len(batch[0]) >= BATCH:
            flush()
    if batch[0]:
        flush()
    return counts[0], counts[1]


def measure(base: str, token: str) -> dict[str, tuple[float, float]]:
    today = dt.datetime.now(dt.UTC).date()
    eight_weeks = {"from": str(today - dt.timedelta(days=DAYS)), "to": str(today)}
    week = {"from": str(today - dt.timedelta(days=6)), "to": str(today)}
    cases = {
        "metrics, 8 weeks": ("/api/v1/metrics", eight_weeks),
        "metrics, 1 week": ("/api/v1/metrics", week),
        "conversations, band+reason": (
            "/api/v1/metrics/conversations",
            eight_weeks | {"band": "ai_then_human", "reason": "frustration"},
        ),
    }
    results = {}
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as client:
        for name, (path, params) in cases.items():
            client.get(path, params=params).raise_for_status()  # warm
            times = []
            for _ in range(REQUESTS):
                started = time.perf_counter()
                client.get(path, params=params).raise_for_status()
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            results[name] = (statistics.median(times), times[int(0.95 * len(times)) - 1])
    return results


DRAWS = 7
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]  # fmt: skip


def measure_dashboard(base: str, token: str) -> dict[str, tuple[float, float]]:
    """Median and worst time (ms) from navigation start to the dashboard fully drawn (the
    page's `dashboard-drawn` mark, set once its body with every chart is laid out)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is a test dependency
        return {}
    today = dt.datetime.now(dt.UTC).date()
    periods = {
        "dashboard, 4 weeks": "",
        "dashboard, 8 weeks": f"?from={today - dt.timedelta(days=DAYS - 1)}&to={today}",
    }
    results = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/console")
        page.evaluate("t => sessionStorage.setItem('tandem.agent.token', t)", token)
        for name, search in periods.items():
            times = []
            for _ in range(DRAWS + 1):  # the first one warms the server and the browser
                page.goto(f"{base}/console/dashboard{search}")
                page.wait_for_selector("body[data-drawn]", timeout=30_000)
                drawn = page.evaluate(
                    "performance.getEntriesByName('dashboard-drawn')[0].startTime"
                )
                times.append(float(drawn))
            times = sorted(times[1:])
            results[name] = (statistics.median(times), times[-1])
        browser.close()
    return results


def run(label: str, url: str, n: int, folder: str) -> None:
    print(f"== {label}: {n} conversations", flush=True)
    engine = make_engine(url)
    upgrade(engine)
    started = time.perf_counter()
    said, done = fill(engine, n)
    print(f"   inserted {said} messages and {done} events in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    built = refresh(engine, Settings(database_url=url))
    print(f"   built {built} summaries in {time.perf_counter() - started:.0f} s")
    engine.dispose()
    port = free_port()
    settings = {"TANDEM_DATABASE_URL": url, "TANDEM_DEMO_PASSWORD": PASSWORD,
                "TANDEM_RATE_LIMITS": "false"}  # fmt: skip
    server = start_server(folder, port, settings)
    try:
        base = f"http://127.0.0.1:{port}"
        login = {"email": "lisa@tandem.example", "password": PASSWORD}
        token = httpx.post(f"{base}/api/v1/agent/login", json=login).json()["token"]
        for name, (p50, p95) in measure(base, token).items():
            verdict = "ok" if p95 <= 300 else "OVER 300 ms"
            print(f"   {name:28} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   {verdict}")
        for name, (median, worst) in measure_dashboard(base, token).items():
            verdict = "ok" if worst <= 1000 else "OVER 1 s"
            print(f"   {name:28} median {median:6.0f} ms   worst {worst:6.0f} ms   {verdict}")
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run("SQLite", f"sqlite:///{folder}/t.db", args.conversations, folder)
    if args.sqlite_only:
        return
    schema = postgres_schema(args.postgres, "bench_metrics")
    with tempfile.TemporaryDirectory() as folder, schema as url:
        run("PostgreSQL", url, args.conversations, folder)


if __name__ == "__main__":
    main()
