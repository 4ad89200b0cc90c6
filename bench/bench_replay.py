"""Policy replay over stored conversations (target: 100,000 conversations in under a minute).

Generates short stored conversations (2-4 customer messages, understanding stored, about one
in five handed over) in a temporary SQLite database with bulk inserts, then times
``replay_stored`` under a stricter policy: reading, streaming and deciding every turn.

    .venv/bin/python bench/bench_replay.py [--conversations N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert

from tandem.config import get_settings
from tandem.domain.policy import DEFAULT_POLICY, load_policy
from tandem.domain.policy import Engine as PolicyEngine
from tandem.services.policy_replay import replay_stored
from tandem.storage.db import make_engine, transaction
from tandem.storage.migrate import upgrade
from tandem.storage.tables import conversations, events, messages
from tandem.understanding.pipeline import load_or_train

TARGET_SECONDS = 60.0
START = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)

#: (text, intent, confidence, frustration)
MESSAGES = (
    ("Where is my order 100234?", "where_is_my_order", 0.92, 0.05),
    ("When will it be delivered?", "delivery_time", 0.81, 0.1),
    ("I want to return my shoes", "return_item", 0.88, 0.08),
    ("Has my refund been paid yet?", "refund_status", 0.77, 0.2),
    ("Please cancel order 100871", "cancel_order", 0.9, 0.1),
    ("Hello", "greeting", 0.97, 0.0),
    ("Thanks!", "thanks", 0.95, 0.0),
    ("No, that is not what I mean", "reject_answer", 0.7, 0.4),
    ("What about the weather", "oos", 0.6, 0.1),
    ("This is the third time I ask, ridiculous", "complaint", 0.66, 0.8),
)
STRICTER = DEFAULT_POLICY.read_text("utf-8").replace(
    "rules:\n",
    "rules:\n  - {name: cancellations_to_people, when: 'intent == \"cancel_order\"', "
    "action: handoff, reason: business_rule}\n",
    1,
)


def conversation(rng: random.Random, number: int) -> tuple[Any, list[Any], list[Any]]:
    cid, at = str(uuid.uuid4()), START + dt.timedelta(seconds=number)
    said = [rng.choice(MESSAGES) for _ in range(rng.randint(2, 4))]
    rows = [
        dict(conversation_id=cid, offset=i, author="customer", text=text, created_at=at,
             language="en", intent=intent, confidence=confidence, frustration=frustration)
        for i, (text, intent, confidence, frustration) in enumerate(said, 1)
    ]  # fmt: skip
    handed = []
    if rng.random() < 0.2:
        handed = [
            dict(conversation_id=cid, seq=2, kind="handed_off", actor="ai", from_state="ai",
                 to_state="queued", reason="complaint", rule="complaint",
                 detail={"priority": "normal", "team": "general"}, created_at=at)
        ]  # fmt: skip
    head = dict(id=cid, token_hash="-", state="ai", language="en", message_count=len(rows),
                event_count=1 + len(handed), memory={}, created_at=at, updated_at=at)  # fmt: skip
    return head, rows, handed


def fill(database: Engine, count: int) -> None:
    rng = random.Random(7)
    for start in range(0, count, 10_000):
        heads, rows, handed = [], [], []
        for number in range(start, min(count, start + 10_000)):
            head, said, event = conversation(rng, number)
            heads.append(head)
            rows += said
            handed += event
        with transaction(database) as connection:
            connection.execute(insert(conversations), heads)
            connection.execute(insert(messages), rows)
            if handed:
                connection.execute(insert(events), handed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, default=100_000)
    args = parser.parse_args()
    models = load_or_train(get_settings().model_dir)
    policy = PolicyEngine(load_policy(STRICTER))
    with tempfile.TemporaryDirectory() as folder:
        database = make_engine(f"sqlite:///{Path(folder) / 'replay.db'}")
        upgrade(database)
        started = time.perf_counter()
        fill(database, args.conversations)
        print(f"stored {args.conversations} conversations in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        summary = replay_stored(database, policy, models, START, START + dt.timedelta(days=30))
        seconds = time.perf_counter() - started
        database.dispose()
    verdict = "ok" if seconds < TARGET_SECONDS else "TOO SLOW"
    print(
        f"replayed {summary.conversations} conversations ({summary.turns} turns, "
        f"{summary.rerouted_conversations} rerouted) in {seconds:.1f} s "
        f"(target < {TARGET_SECONDS:.0f} s: {verdict})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
