"""A whole customer turn: in-process latency, and messages per second over HTTP on one core.

1. In process: `post_customer_message` (store the message, understand, decide, act on the demo
   shop, render, store the replies) on SQLite, over a mix of routine messages. Target: p95 <=
   15 ms without an LLM.
2. A slow shop: every shop call takes 200 ms; 32 conversations each send one message at the
   same moment (one thread each, in process). Nothing may wait on another conversation's shop
   call: the wall time is reported, and the target is >= 5x faster than before the turn was
   split into think / decide / perform (before: 22.4 s, see the README).
3. Over HTTP (bench/turn_load.py): `tandem serve` on SQLite with one process, then on
   PostgreSQL (a throwaway schema) with 1 and 2 processes, under many concurrent customers,
   printed side by side: messages per second stored and answered, p50 / p95 latency, the
   server's CPU per message and the scaling ratio. One server process runs on core 0 and the
   load generator on core 1; with more server processes than cores to spare they share the
   cores (the table says so). Targets: >= 300 messages per second on one core with SQLite;
   on PostgreSQL >= 1.8x with two processes on two cores.

    .venv/bin/python bench/bench_turn.py [--seconds 15] [--concurrency 32] [--no-http]
        [--postgres URL | --no-postgres] [--processes 1,2]

   PostgreSQL: --postgres, else TANDEM_BENCH_DATABASE_URL or TANDEM_TEST_DATABASE_URL, else
   the local test database postgresql+psycopg://postgres@127.0.0.1:5432/test when it answers.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tandem.answering.knowledge.retrieval import KnowledgeBase
from tandem.commerce.demo.backend import DemoShop
from tandem.commerce.demo.generate import seed
from tandem.commerce.model import Address, CommerceBackend, Customer, Order, Refund
from tandem.config import Settings
from tandem.services.conversations import Started, post_customer_message, start_conversation
from tandem.services.runtime import Runtime, assemble
from tandem.storage.db import make_engine
from tandem.storage.migrate import upgrade
from tandem.types import CustomerId, OrderId
from tandem.understanding.pipeline import load_or_train
from turn_load import MIX, SECRET, side_by_side, sign

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "var" / "models"


@contextmanager
def demo_runtime(slow_shop_ms: int = 0) -> Iterator[Runtime]:
    """A runtime on fresh SQLite files with the demo shop seeded (optionally a slow shop)."""
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database_url=f"sqlite:///{folder}/t.db",
            shop_database_url=f"sqlite:///{folder}/s.db",
            identity_secret=SECRET,
        )
        engine, shop_engine = (
            make_engine(settings.database_url),
            make_engine(settings.shop_database_url),
        )
        upgrade(engine)
        upgrade(shop_engine)
        seed(shop_engine)
        shop: CommerceBackend = DemoShop(shop_engine)
        if slow_shop_ms:
            shop = SlowShop(shop, slow_shop_ms / 1000)
        yield assemble(settings, engine, shop, load_or_train(MODELS), KnowledgeBase.load())


def in_process(turns: int) -> list[float]:
    with demo_runtime() as runtime:
        rng = random.Random(7)
        timings = []
        for _ in range(turns):
            email, text = rng.choice(MIX)
            started = start_conversation(runtime, None, email, sign(email) if email else None)
            begin = time.perf_counter()
            post_customer_message(runtime, started.conversation.id, started.token, text)
            timings.append((time.perf_counter() - begin) * 1000)
        return timings


class SlowShop:
    """A shop whose every call takes `delay` seconds, like a remote shop on a bad day."""

    def __init__(self, shop: CommerceBackend, delay: float) -> None:
        self.shop, self.delay = shop, delay

    def _wait(self) -> None:
        time.sleep(self.delay)

    def customer_by_email(self, email: str) -> Customer | None:
        self._wait()
        return self.shop.customer_by_email(email)

    def customer(self, customer_id: CustomerId) -> Customer | None:
        self._wait()
        return self.shop.customer(customer_id)

    def order(self, order_id: OrderId) -> Order | None:
        self._wait()
        return self.shop.order(order_id)

    def orders_of(self, customer_id: CustomerId) -> list[Order]:
        self._wait()
        return self.shop.orders_of(customer_id)

    def cancel_order(self, order_id: OrderId, **key: str | None) -> Order:
        self._wait()
        return self.shop.cancel_order(order_id, **key)

    def start_return(
        self, order_id: OrderId, variant_ids: list[str], reason: str, **key: str | None
    ) -> Refund:
        self._wait()
        return self.shop.start_return(order_id, variant_ids, reason, **key)

    def change_address(self, order_id: OrderId, address: Address, **key: str | None) -> Order:
        self._wait()
        return self.shop.change_address(order_id, address, **key)

    def change_payment_method(self, order_id: OrderId, method: str, **key: str | None) -> Order:
        self._wait()
        return self.shop.change_payment_method(order_id, method, **key)

    def exchange_item(
        self, order_id: OrderId, variant_id: str, new_variant_id: str, **key: str | None
    ) -> Order:
        self._wait()
        return self.shop.exchange_item(order_id, variant_id, new_variant_id, **key)

    def variants_of(self, product_id: str) -> list[tuple[str, str, bool]]:
        self._wait()
        return self.shop.variants_of(product_id)


#: Seconds the slow-shop run took before the turn was split (commit b454fc8, 32 conversations,
#: 200 ms per shop call): every turn waited for the others' shop calls under the lock.
SLOW_SHOP_BEFORE = 22.4

#: One message per conversation in the slow-shop run: each reads the shop.
SLOW_MIX = (
    ("james@example.com", "Where is my order TD-2002?"),
    ("emma@example.nl", "waar is mijn bestelling TD-1001?"),
    ("james@example.com", "When will I get my refund for TD-2003?"),
)


def slow_shop(conversations: int, shop_ms: int) -> tuple[float, float]:
    """(wall seconds for all turns, slowest single turn) with every shop call taking shop_ms."""
    with demo_runtime(shop_ms) as runtime:
        chats = []
        for index in range(conversations):
            email, text = SLOW_MIX[index % len(SLOW_MIX)]
            chats.append((start_conversation(runtime, None, email, sign(email)), text))
        slowest = [0.0]
        gate = threading.Barrier(conversations + 1)

        def turn(started: Started, text: str) -> None:
            gate.wait()
            begin = time.perf_counter()
            post_customer_message(runtime, started.conversation.id, started.token, text)
            slowest[0] = max(slowest[0], time.perf_counter() - begin)

        threads = [threading.Thread(target=turn, args=chat) for chat in chats]
        for thread in threads:
            thread.start()
        gate.wait()
        begin = time.perf_counter()
        for thread in threads:
            thread.join()
        return time.perf_counter() - begin, slowest[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=400)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--shop-ms", type=int, default=200)
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP load runs")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        default=_postgres_url(),
        help="PostgreSQL for the HTTP runs (default: TANDEM_BENCH_DATABASE_URL, "
        "TANDEM_TEST_DATABASE_URL, else the local test database)",
    )
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only over HTTP")
    parser.add_argument(
        "--processes", default="1,2", help="PostgreSQL server process counts (default 1,2)"
    )
    args = parser.parse_args()
    timings = sorted(in_process(args.turns))
    print(
        f"Full AI turn in process (store, understand, decide, act, render, store), SQLite, "
        f"{len(timings)} turns: p50 {statistics.median(timings):.1f} ms, "
        f"p95 {timings[int(len(timings) * 0.95)]:.1f} ms (target p95 <= 15 ms)"
    )
    wall, slowest = slow_shop(args.concurrency, args.shop_ms)
    print(
        f"Slow shop ({args.shop_ms} ms per call), {args.concurrency} conversations at once, "
        f"one message each: all answered in {wall:.2f} s, slowest turn {slowest:.2f} s; "
        f"{SLOW_SHOP_BEFORE / wall:.1f}x faster than before the three-phase turn "
        f"({SLOW_SHOP_BEFORE} s; target >= 5x)"
    )
    if not args.no_http:
        counts = tuple(int(count) for count in args.processes.split(","))
        postgres = None if args.no_postgres else args.postgres
        side_by_side(args.seconds, args.concurrency, postgres, counts)


def _postgres_url() -> str:
    return (
        os.environ.get("TANDEM_BENCH_DATABASE_URL")
        or os.environ.get("TANDEM_TEST_DATABASE_URL")
        or "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )


if __name__ == "__main__":
    main()
