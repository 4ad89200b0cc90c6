"""Customers during a flood of wrong logins, and what the rate limits add to a turn.

1. Over HTTP: `tandem serve` on SQLite pinned to CPU 0 (one worker process, as in
   bench_turn.py); customers on CPU 1 from several threads, each opening conversations and
   sending routine messages. Messages stored and answered per second, in phases without and
   during a flood of 8 clients (a process of their own) sending wrong logins as fast as they are
   answered: unknown emails and the demo agents' emails. TANDEM_RATE_LIMITS=off, because
   everything comes from 127.0.0.1: only the per-account login limit, the pause before each
   refusal and the hashing gate stand against the flood, its worst case. Quiet and flooded
   phases alternate so that a drift in the machine's load hits both. Target: throughput during
   the flood within 20% of the throughput without.
2. In process: what the limits add to a turn. A routine turn is not counted; opening a
   conversation and asking for a person are one count each: in memory, and in Redis when one
   answers at TANDEM_REDIS_URL or 127.0.0.1:6379. Target <= 0.2 ms.

    .venv/bin/python bench/bench_login_flood.py [--seconds 12] [--customers 8] [--flooders 8]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import tempfile
import threading
import time
import uuid
from collections import Counter
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event

import httpx
import redis

from serving import free_port, start_server
from tandem.config import Settings
from tandem.security.limits import Limiter, RateLimits

PASSWORD = "bench-password-1234"
AGENTS = ("anna@tandem.example", "ben@tandem.example", "lisa@tandem.example")
ROUNDS = 3  # quiet and flooded phases alternate

#: Routine turns the AI answers itself (as in bench_turn.py).
MESSAGES = (
    ("james@example.com", "Where is my order TD-2002?"),
    ("emma@example.nl", "waar is mijn bestelling TD-1001?"),
    ("emma@example.nl", "Hoe lang duurt de levering naar België?"),
    ("james@example.com", "how long does delivery to the UK take"),
    (None, "where is my parcel?"),
    ("james@example.com", "When will I get my refund for TD-2003?"),
)



def customer(base: str, until: float, seed: int, answered: list[int]) -> None:
    rng = random.Random(seed)
    with httpx.Client(base_url=base, timeout=30) as client:
        while time.perf_counter() < until:
            email, _ = rng.choice(MESSAGES)
            chat = client.post("/api/v1/conversations", json={"customer_email": email}).json()
            headers = {"Authorization": f"Bearer {chat['token']}"}
            own = [text for who, text in MESSAGES if who == email]
            for text in rng.sample(own, len(own)):  # each question once
                response = client.post(
                    f"/api/v1/conversations/{chat['id']}/messages",
                    json={"text": text},
                    headers=headers,
                )
                if response.status_code == 200 and len(response.json()["messages"]) > 1:
                    answered[seed] += 1


def flooder(base: str, on: Event, done: Event, seed: int, answers: Counter[int]) -> None:
    rng = random.Random(seed)
    with httpx.Client(base_url=base, timeout=30) as client:
        while not done.is_set():
            if not on.wait(0.1):
                continue
            email = rng.choice(AGENTS) if rng.random() < 0.3 else f"{uuid.uuid4().hex}@example.com"
            response = client.post(
                "/api/v1/agent/login", json={"email": email, "password": uuid.uuid4().hex}
            )
            answers[response.status_code] += 1


def flood(base: str, flooders: int, on: Event, done: Event, report: Connection) -> None:
    """The attack, in a process of its own (its threads never wait for the customers' GIL),
    started once and switched on and off by `on`."""
    answers = Counter[int]()
    threads = [
        threading.Thread(target=flooder, args=(base, on, done, n, answers))
        for n in range(flooders)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report.send(dict(answers))


def customers_per_second(base: str, seconds: float, customers: int) -> float:
    answered = [0] * customers
    until = time.perf_counter() + seconds
    crowd = [
        threading.Thread(target=customer, args=(base, until, n, answered)) for n in range(customers)
    ]
    for thread in crowd:
        thread.start()
    for thread in crowd:
        thread.join()
    return sum(answered) / seconds


def over_http(seconds: float, customers: int, flooders: int) -> None:
    """Quiet and flooded phases taking turns, so a drift in the machine's load hits both."""
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        server = start_server(
            folder,
            port,
            {"TANDEM_DEMO_PASSWORD": PASSWORD, "TANDEM_RATE_LIMITS": "off"},
            unset=("TANDEM_REDIS_URL",),
        )
        base = f"http://127.0.0.1:{port}"
        on, done = multiprocessing.Event(), multiprocessing.Event()
        receiving, sending = multiprocessing.Pipe(duplex=False)
        attack = multiprocessing.Process(
            target=flood, args=(base, flooders, on, done, sending), daemon=True
        )
        quiet, flooded = [], []
        try:
            os.sched_setaffinity(0, {1})
            attack.start()
            customers_per_second(base, 1.0, customers)  # warm up
            for _ in range(ROUNDS):
                quiet.append(customers_per_second(base, seconds / ROUNDS, customers))
                on.set()
                time.sleep(0.5)  # the flood is under way before customers count
                flooded.append(customers_per_second(base, seconds / ROUNDS, customers))
                on.clear()
            done.set()
            answers = receiving.recv()
            attack.join(10)
        finally:
            server.terminate()
            server.wait(10)
    without, during = statistics.mean(quiet), statistics.mean(flooded)
    logins = ", ".join(f"{count} x {status}" for status, count in sorted(answers.items()))
    print(
        f"HTTP, one server process on one core, SQLite, {customers} customer threads, "
        f"{ROUNDS} rounds of {seconds / ROUNDS:.1f} s each way: {without:.1f} messages/s stored "
        f"and answered without a flood, {during:.1f} /s during a flood of {flooders} clients "
        f"sending wrong logins (ratio {during / without:.2f}, target >= 0.80); "
        f"the flood's {sum(answers.values())} logins were answered {logins}"
    )


def per_count_ms(limits: RateLimits, counts: int) -> float:
    """One count, as opening a conversation or asking for a person costs (fresh addresses)."""
    addresses = [f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in range(counts)]
    begin = time.perf_counter()
    for address in addresses:
        limits.conversation_opened(address)
    return (time.perf_counter() - begin) * 1000 / counts


def redis_round_trip_ms(client: redis.Redis, times: int) -> float:
    begin = time.perf_counter()
    for _ in range(times):
        client.ping()
    return (time.perf_counter() - begin) * 1000 / times


def overhead(counts: int) -> None:
    """A turn is counted only when it asks for a person (or hands over); opening a conversation
    is counted once. So a routine turn pays nothing, and those two pay one count each."""
    settings = Settings()
    found = [f"in memory {per_count_ms(RateLimits(settings), counts):.3f} ms"]
    url = os.environ.get("TANDEM_REDIS_URL", "redis://127.0.0.1:6379/0")
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        found.append("Redis not reachable, not measured")
    else:
        prefix = f"tandem-bench-{uuid.uuid4().hex[:8]}"
        shared = per_count_ms(RateLimits(settings, Limiter(url, prefix)), counts)
        ping = redis_round_trip_ms(client, counts)
        found.append(f"in Redis {shared:.3f} ms (a bare PING here: {ping:.3f} ms)")
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)
    print(
        "Rate limits per turn: a routine turn 0 counts; opening a conversation or asking for a "
        f"person 1 count each, {counts} counts: {', '.join(found)} (target <= 0.2 ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=12.0, help="per side, all rounds")
    parser.add_argument("--customers", type=int, default=8)
    parser.add_argument("--flooders", type=int, default=8)
    args = parser.parse_args()
    overhead(1000)
    over_http(args.seconds, args.customers, args.flooders)


if __name__ == "__main__":
    main()
