"""Policy evaluation per customer message on the shipped default policy (target p95 <= 0.5 ms).

Times what the service does per message: build the facts from the turn memory, then decide
(twice when the AI answers, as decide_turn does), over a realistic mix of messages.

    .venv/bin/python bench/bench_policy.py [--messages N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

from tandem.domain.policy import DEFAULT_POLICY, Engine, load_policy
from tandem.domain.turns import Attempt, Surroundings, TurnMemory, decide_turn
from tandem.understanding.result import Understanding

TARGET_P95_MS = 0.5

#: (intent, share of traffic): mostly routine questions, some money trouble and requests.
MIX = (
    ("where_is_my_order", 25), ("delivery_time", 8), ("return_item", 10), ("refund_status", 8),
    ("cancel_order", 6), ("change_address", 4), ("greeting", 8), ("thanks", 8),
    ("talk_to_person", 5), ("complaint", 4), ("double_charge", 2), ("payment_problem", 2),
    ("reject_answer", 4), ("oos", 6),
)  # fmt: skip


def message(rng: random.Random) -> tuple[Understanding, Surroundings, Attempt]:
    intents, weights = zip(*MIX, strict=True)
    intent = rng.choices(intents, weights)[0]
    understanding = Understanding(
        "...", rng.choice(["nl", "en"]), intent, rng.betavariate(5, 1.5), "oos",
        rng.random() * 0.2, intent == "oos", rng.betavariate(1.2, 5),
    )  # fmt: skip
    around = Surroundings(
        agents_online=rng.choice([0, 1, 3]), expected_wait_minutes=rng.randint(0, 40),
        office_hours=rng.random() < 0.8, asked_for_human=rng.random() < 0.03,
        customer_tier=rng.choice([None, "standard", "gold"]),
        order_amount=rng.choice([0.0, 49.5, 129.0, 650.0, 1400.0]),
    )  # fmt: skip
    attempt = Attempt(rng.choice(["a", "b"]), rng.random() < 0.03, rng.randint(50, 9000))
    return understanding, around, attempt


def attempt_of(attempt: Attempt) -> Callable[[], Attempt]:
    return lambda: attempt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=20_000)
    args = parser.parse_args()
    engine = Engine(load_policy(DEFAULT_POLICY.read_text("utf-8")))
    rng = random.Random(4)
    messages = [message(rng) for _ in range(args.messages)]
    memory, timings = TurnMemory(), []
    for understanding, around, attempt in messages:
        started = time.perf_counter()
        turn = decide_turn(engine, memory, understanding, around, attempt_of(attempt))
        timings.append((time.perf_counter() - started) * 1000)
        memory = turn.memory if rng.random() < 0.8 else TurnMemory()
    cuts = statistics.quantiles(timings, n=100)
    p50, p95 = cuts[49], cuts[94]
    verdict = "ok" if p95 <= TARGET_P95_MS else "OVER TARGET"
    print(
        f"policy per message over {len(timings)} messages: p50 {p50:.3f} ms, "
        f"p95 {p95:.3f} ms (target p95 <= {TARGET_P95_MS} ms: {verdict})"
    )
    return 0 if p95 <= TARGET_P95_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
