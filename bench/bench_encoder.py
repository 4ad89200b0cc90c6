"""Dynamic batching of the sentence encoder: messages per second and latency when N
conversations each send one message after another, with and without the batcher.

    OMP_NUM_THREADS=1 .venv/bin/python bench/bench_encoder.py [--seconds 3]
"""

from __future__ import annotations

import argparse
import threading
import time
from collections.abc import Callable, Sequence

import numpy as np

from tandem.understanding.embeddings import Batcher, Vectors, encode

MESSAGES = [
    "Where is my order TD-2002?",
    "Ik wil mijn bestelling annuleren",
    "Can I pay with PayPal?",
    "Hoe lang duurt de levering naar België?",
]


def load(
    embed: Callable[[Sequence[str]], Vectors], senders: int, seconds: float
) -> tuple[float, float, float]:
    """Messages per second, p50 and p95 latency (ms) of ``senders`` threads for ``seconds``."""
    latencies: list[float] = []
    stop = time.monotonic() + seconds

    def sender(number: int) -> None:
        mine = []
        while time.monotonic() < stop:
            began = time.perf_counter()
            embed([MESSAGES[number % len(MESSAGES)]])
            mine.append(time.perf_counter() - began)
        latencies.extend(mine)

    threads = [threading.Thread(target=sender, args=(n,)) for n in range(senders)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    p50, p95 = np.percentile(latencies, [50, 95]) * 1000
    return len(latencies) / elapsed, float(p50), float(p95)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    encode(["warm-up"])
    print(f"{'senders':>8} {'mode':>9} {'msg/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'rows/batch':>10}")
    for senders in (1, 4, 16, 64):
        for mode in ("direct", "batched"):
            batcher = Batcher()
            embed = encode if mode == "direct" else batcher.embed
            rate, p50, p95 = load(embed, senders, args.seconds)
            rows = rate * args.seconds / max(batcher.batches, 1) if mode == "batched" else 1.0
            print(f"{senders:>8} {mode:>9} {rate:>8.0f} {p50:>8.1f} {p95:>8.1f} {rows:>10.1f}")


if __name__ == "__main__":
    main()
