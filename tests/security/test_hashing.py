"""The hashing gate: one password check at a time, at the lowest priority, a bounded queue."""

from __future__ import annotations

import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tandem.domain.errors import TooManyRequests
from tandem.security.hashing import NICENESS, HashingGate


def test_that_a_full_queue_is_answered_at_once_with_retry_after() -> None:
    gate, started, release = HashingGate(waiting=1), threading.Event(), threading.Event()

    def slow() -> str:
        started.set()
        release.wait(5)
        return "checked"

    with ThreadPoolExecutor(2) as pool:
        running = pool.submit(gate.run, slow)
        started.wait(5)
        queued = pool.submit(gate.run, lambda: "queued")
        while gate.admitted < 2:  # the second one has its place in the queue
            threading.Event().wait(0.01)
        with pytest.raises(TooManyRequests) as refused:
            gate.run(lambda: "refused")
        assert refused.value.retry_after_seconds == 1
        release.set()
        assert (running.result(5), queued.result(5)) == ("checked", "queued")
    assert gate.checks == 2


def test_that_checks_run_one_at_a_time() -> None:
    gate, busy, most = HashingGate(waiting=8), [0], [0]
    guard = threading.Lock()

    def check() -> None:
        with guard:
            busy[0] += 1
            most[0] = max(most[0], busy[0])
        threading.Event().wait(0.01)
        with guard:
            busy[0] -= 1

    with ThreadPoolExecutor(6) as pool:
        for future in [pool.submit(gate.run, check) for _ in range(6)]:
            future.result(5)
    assert most[0] == 1


@pytest.mark.skipif(sys.platform != "linux", reason="per-thread nice values are Linux's")
def test_that_checks_run_at_the_lowest_cpu_priority() -> None:
    gate = HashingGate(waiting=0)
    niceness = gate.run(lambda: os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
    assert niceness == NICENESS
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) != NICENESS
