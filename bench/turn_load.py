"""Messages per second over HTTP: `tandem serve` (SQLite, or PostgreSQL with N processes) and a
load generator of concurrent customers, each pinned to its own cores when the machine has
enough of them; printed side by side with the latency and the scaling ratio.

Pinning: the server processes take the first cores the bench may use, the load generator the
next one. When there are not enough cores (two processes on a 2-core machine), the server and
the generator share all of them, and the table says so. PostgreSQL itself is never pinned.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import random
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
from sqlalchemy import create_engine, text

from serving import cpu_seconds, free_port, postgres_schema, start_server
from tandem.security.identity import signature

#: The secret the bench's "shop" signs its signed-in customers with (TANDEM_IDENTITY_SECRET).
SECRET = "bench-identity-secret-of-32-bytes"

#: (customer email or None, message): routine turns the AI answers itself.
MIX = (
    ("james@example.com", "Where is my order TD-2002?"),
    ("emma@example.nl", "waar is mijn bestelling TD-1001?"),
    ("emma@example.nl", "Hoe lang duurt de levering naar België?"),
    ("james@example.com", "how long does delivery to the UK take"),
    ("emma@example.nl", "bedankt!"),
    ("james@example.com", "hello"),
    (None, "where is my parcel?"),
    ("james@example.com", "When will I get my refund for TD-2003?"),
)


def sign(email: str) -> str:
    """What the shop's server does for its signed-in customer."""
    return signature(SECRET.encode(), email)


@dataclass(frozen=True, slots=True)
class Placement:
    """Where the server processes and the load generator run (CPU numbers)."""

    server: tuple[int, ...]
    generator: tuple[int, ...]

    @property
    def shared(self) -> bool:
        return bool(set(self.server) & set(self.generator))

    @classmethod
    def of(cls, processes: int) -> Placement:
        cores = tuple(sorted(os.sched_getaffinity(0)))
        if len(cores) > processes:
            return cls(cores[:processes], (cores[processes],))
        return cls(cores, cores)  # too few cores: everything shares all of them


@dataclass(frozen=True, slots=True)
class Run:
    database: str  # "SQLite" | "PostgreSQL"
    processes: int
    placement: Placement
    seconds: float
    answered: int
    failed: int
    latencies: list[float]  # milliseconds, sorted
    server_cpu: float  # seconds, every server process together
    generator_cpu: float  # seconds
    load: tuple[float, float]  # the 1-minute load average before and after

    @property
    def rate(self) -> float:
        return self.answered / self.seconds

    def percentile(self, share: float) -> float:
        if not self.latencies:
            return float("nan")
        return self.latencies[min(len(self.latencies) - 1, int(len(self.latencies) * share))]

    def row(self) -> str:
        cores = ",".join(map(str, self.placement.server))
        generator = ",".join(map(str, self.placement.generator))
        if self.placement.shared:
            generator += " (shared)"
        return (
            f"| {self.database} | {self.processes} | {cores} | {generator} | {self.rate:.0f} | "
            f"{self.percentile(0.5):.0f} | {self.percentile(0.95):.0f} | {self.failed} | "
            f"{self.server_cpu / max(self.answered, 1) * 1000:.1f} | "
            f"{self.server_cpu / self.seconds:.0%} | {self.generator_cpu / self.seconds:.0%} | "
            f"{self.load[0]:.1f} → {self.load[1]:.1f} |"
        )


HEADER = (
    "| database | server processes | server cores | load generator cores | messages/s | "
    "p50 ms | p95 ms | failed | server CPU ms per message | server CPU | generator CPU | "
    "load average |\n|---|---|---|---|---|---|---|---|---|---|---|---|"
)


async def _customers(base: str, seconds: float, concurrency: int) -> tuple[int, int, list[float]]:
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        rng = random.Random(11)
        done, failed, latencies = 0, 0, []
        deadline = time.perf_counter() + seconds

        async def customer() -> None:
            nonlocal done, failed
            while time.perf_counter() < deadline:
                email, _ = rng.choice(MIX)
                own = [text for who, text in MIX if who == email]
                body = {}
                if email:
                    body = {"customer_email": email, "customer_signature": sign(email)}
                try:
                    started = await client.post("/api/v1/conversations", json=body)
                except httpx.TransportError:
                    failed += 1
                    continue
                if started.status_code != 201:
                    failed += 1
                    continue
                chat = started.json()
                headers = {"Authorization": f"Bearer {chat['token']}"}
                for text in rng.sample(own, len(own)):  # each question once
                    begin = time.perf_counter()
                    try:
                        response = await client.post(
                            f"/api/v1/conversations/{chat['id']}/messages",
                            json={"text": text},
                            headers=headers,
                        )
                    except httpx.TransportError:  # counted as failed: the table shows it
                        failed += 1
                        continue
                    latencies.append((time.perf_counter() - begin) * 1000)
                    ok = response.status_code == 200 and len(response.json()["messages"]) > 1
                    done, failed = done + ok, failed + (not ok)

        await asyncio.gather(*(customer() for _ in range(concurrency)))
        return done, failed, latencies


@contextmanager
def _pinned(cores: tuple[int, ...]) -> Iterator[None]:
    """This process (the load generator) on `cores` for the time of the run."""
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, set(cores))
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


def over_http(
    seconds: float, concurrency: int, database_url: str | None = None, processes: int = 1
) -> Run:
    """One run: the server on SQLite, or on the PostgreSQL database at ``database_url`` with
    ``processes`` server processes, under ``concurrency`` customers for ``seconds``."""
    placement = Placement.of(processes)
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        # One load generator on 127.0.0.1 is many customers: the per-address limits are off.
        env = {"TANDEM_IDENTITY_SECRET": SECRET, "TANDEM_RATE_LIMITS": "off"}
        if database_url is not None:
            env["TANDEM_DATABASE_URL"] = database_url
        cores = ",".join(map(str, placement.server))
        arguments = ("--workers", str(processes)) if processes > 1 else ()
        server = start_server(folder, port, env, cores=cores, arguments=arguments)
        try:
            with _pinned(placement.generator):
                load_before = os.getloadavg()[0]
                cpu, own = cpu_seconds(server.pid), time.process_time()
                done, failed, latencies = asyncio.run(
                    _customers(f"http://127.0.0.1:{port}", seconds, concurrency)
                )
                cpu, own = cpu_seconds(server.pid) - cpu, time.process_time() - own
                load_after = os.getloadavg()[0]
        finally:
            server.terminate()
            server.wait(30)
    database = "SQLite" if database_url is None else "PostgreSQL"
    run = Run(
        database, processes, placement, seconds, done, failed, sorted(latencies), cpu, own,
        (load_before, load_after),
    )  # fmt: skip
    print(f"  {run.row()}", flush=True)
    return run


def reachable(url: str) -> str | None:
    """None when PostgreSQL at ``url`` answers, else why not (one line)."""
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # the bench reports it and goes on without PostgreSQL
        return f"{type(error).__name__}: {str(error).splitlines()[0]}"
    finally:
        engine.dispose()
    return None


def side_by_side(
    seconds: float, concurrency: int, postgres: str | None, processes: tuple[int, ...]
) -> None:
    """SQLite with one process, then PostgreSQL with each count of `processes`, in one table."""
    fast = [name for name in ("uvloop", "httptools") if importlib.util.find_spec(name)]
    print(
        f"Over HTTP: messages stored and answered per second, {concurrency} concurrent "
        f"customers, {seconds:.0f} s per run ({' + '.join(fast) or 'asyncio + h11'}; "
        f"{os.cpu_count()} cores; PostgreSQL unpinned). Target: >= 300/s on one core with "
        "SQLite; PostgreSQL: the ratio of N processes to 1 (goal >= 1.8x for 2 on 2 cores).",
        flush=True,
    )
    print(HEADER, flush=True)
    runs = [over_http(seconds, concurrency)]
    why = reachable(postgres) if postgres else "no URL given"
    if why is None and postgres:
        for count in processes:
            with postgres_schema(postgres, "bench_turn") as schema_url:
                runs.append(over_http(seconds, concurrency, schema_url, count))
    print("\nSide by side:\n" + HEADER)
    for run in runs:
        print(run.row())
    if why is not None:
        print(f"PostgreSQL not measured ({why}); pass --postgres URL or set "
              "TANDEM_BENCH_DATABASE_URL.")  # fmt: skip
        return
    one = next((run for run in runs[1:] if run.processes == 1), None)
    for run in runs[1:]:
        if one is not None and run is not one:
            shared = " (the load generator shared the server's cores)" * run.placement.shared
            print(
                f"PostgreSQL, {run.processes} processes vs 1: {run.rate / one.rate:.2f}x "
                f"(goal >= 1.8x for 2){shared}"
            )
