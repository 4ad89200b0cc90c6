"""Routing at scale: 1,000 queued conversations assigned to 50 online agents, and the queue
page's query with 1,000 waiting. Targets: assignment ≤ 1 s on PostgreSQL, the queue ≤ 200 ms.

Runs on PostgreSQL when TANDEM_BENCH_DATABASE_URL (or TANDEM_TEST_DATABASE_URL) is set, in a
schema of its own that is dropped afterwards; otherwise on a temporary SQLite file.

    .venv/bin/python bench/bench_routing.py
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

from sqlalchemy import insert

from serving import postgres_schema
from tandem.config import Settings
from tandem.services import desk, routing
from tandem.storage.conversations import now
from tandem.storage.db import make_engine
from tandem.storage.migrate import upgrade
from tandem.storage.tables import agents, conversations, messages

CONVERSATIONS, AGENTS, CAPACITY = 1000, 50, 20
ASSIGN_TARGET_S, QUEUE_TARGET_S = 1.0, 0.2


@contextmanager
def database() -> Iterator[str]:
    url = os.environ.get("TANDEM_BENCH_DATABASE_URL") or os.environ.get("TANDEM_TEST_DATABASE_URL")
    if not url:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/routing.db"
        return
    with postgres_schema(url, "bench_routing") as schema_url:
        yield schema_url


def fill(engine: Any) -> None:
    moment = now()
    with engine.begin() as connection:
        connection.execute(insert(agents), [
            {"id": f"agent-{i:03}", "email": f"a{i}@bench.example", "name": f"Agent {i}",
             "password_hash": "-", "role": "agent", "languages": "nl,en" if i % 2 else "en",
             "max_concurrent": CAPACITY, "active": True, "created_at": moment,
             "status": "online", "teams": "general,payments" if i % 5 == 0 else "general"}
            for i in range(AGENTS)
        ])  # fmt: skip
        ids = [str(uuid.uuid4()) for _ in range(CONVERSATIONS)]
        connection.execute(insert(conversations), [
            {"id": ids[i], "token_hash": "x" * 64, "state": "queued",
             "language": "nl" if i % 3 == 0 else "en", "message_count": 2, "event_count": 1,
             "handoff_reason": "customer_request", "handoff_priority": "high" if i % 10 == 0
             else "normal", "handoff_team": "payments" if i % 7 == 0 else "general",
             "queued_at": moment, "memory": {}, "created_at": moment, "updated_at": moment}
            for i in range(CONVERSATIONS)
        ])  # fmt: skip
        connection.execute(insert(messages), [  # what the SLA clocks read: the customer's words
            {"conversation_id": cid, "offset": offset, "author": author, "text": "help",
             "created_at": moment}
            for cid in ids for offset, author in ((1, "ai"), (2, "customer"))
        ])  # fmt: skip


def main() -> None:
    with database() as url:
        engine = make_engine(url)
        upgrade(engine)
        fill(engine)
        rules = Settings().sla_rules  # the default SLA targets: the queue is in SLA order
        page = SimpleNamespace(engine=engine, shop=None, settings=SimpleNamespace(sla_rules=rules))
        began = time.perf_counter()
        waiting = desk.queue(page)  # type: ignore[arg-type]
        queue_s = time.perf_counter() - began
        began = time.perf_counter()
        assigned = routing.assign(engine, 10.0, rules)
        assign_s = time.perf_counter() - began
        engine.dispose()
    where = engine.dialect.name
    print(f"queue page, {len(waiting)} waiting ({where}): {queue_s * 1000:.0f} ms "
          f"(target ≤ {QUEUE_TARGET_S * 1000:.0f} ms)")  # fmt: skip
    print(f"assigned {len(assigned)} of {CONVERSATIONS} to {AGENTS} agents ({where}): "
          f"{assign_s:.2f} s (target ≤ {ASSIGN_TARGET_S:.1f} s)")  # fmt: skip


if __name__ == "__main__":
    main()
