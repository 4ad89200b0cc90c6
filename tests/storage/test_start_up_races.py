"""Two servers starting together on a fresh database both come up: what start-up writes
(migrations, the demo shop, the demo agents) is done once, the other waits and finds it done.

Each "process" here is a thread with its own engine (its own connections), started at the
same instant; tests/commands/test_serve_processes.py starts two real `tandem serve`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Engine, func, inspect, select

from tandem.commerce.demo.generate import seed
from tandem.commerce.demo.tables import shop_orders
from tandem.services.demo_agents import DEMO_AGENTS, ensure_demo_agents
from tandem.storage.db import make_engine, reading
from tandem.storage.migrate import upgrade
from tandem.storage.schema import metadata
from tandem.storage.tables import agents

PROCESSES = 3
T = TypeVar("T")


def at_once(url: str, work: Callable[[Engine], T]) -> tuple[list[T], list[BaseException]]:
    """Run ``work`` in PROCESSES threads with an engine each, all starting together."""
    together = threading.Barrier(PROCESSES)
    results: list[T] = []
    failures: list[BaseException] = []

    def start() -> None:
        engine = make_engine(url)
        try:
            together.wait()
            results.append(work(engine))
        except BaseException as failure:  # reported below, with every other thread's
            failures.append(failure)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=start) for _ in range(PROCESSES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, failures


def test_that_migrations_started_together_on_a_fresh_database_all_succeed(
    fresh_database_url: str,
) -> None:
    _, failures = at_once(fresh_database_url, upgrade)
    assert failures == []
    engine = make_engine(fresh_database_url)
    try:
        assert {t.name for t in metadata.sorted_tables} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_that_the_demo_shop_and_agents_seeded_together_are_seeded_once(
    fresh_database_url: str,
) -> None:
    engine = make_engine(fresh_database_url)
    try:
        upgrade(engine)
        shops, failures = at_once(fresh_database_url, seed)
        assert failures == []
        assert sorted(shop.created for shop in shops) == [False] * (PROCESSES - 1) + [True]
        _, failures = at_once(fresh_database_url, lambda e: ensure_demo_agents(e, "x" * 12))
        assert failures == []
        with reading(engine) as connection:
            orders = connection.execute(select(func.count()).select_from(shop_orders)).scalar()
            team = connection.execute(select(func.count()).select_from(agents)).scalar()
        assert orders == shops[0].orders
        assert team == len(DEMO_AGENTS)
    finally:
        engine.dispose()
