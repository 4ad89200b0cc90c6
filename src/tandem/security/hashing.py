"""A gate for password hashing: one hash at a time, at the lowest CPU priority, a bounded queue.

Argon2id is slow on purpose (about 0.1 s of CPU per check). Without a gate, every login request
is a tenth of a second of CPU that anyone can ask for: 8 clients sending wrong passwords took a
server from 88 customer messages per second down to 4. Behind the gate a flood cannot multiply
that work: one check runs at a time on its own thread, `waiting` more may queue, and the rest are
answered 429 at once. On Linux that thread runs at nice 19, so while customers' turns want the
CPU they get it, and the hashing uses what is left.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from tandem.domain.errors import TooManyRequests

log = logging.getLogger(__name__)

T = TypeVar("T")

#: The worker's nice value: the lowest priority, so it never takes the CPU from a turn.
NICENESS = 19


def _lowest_priority() -> None:
    if sys.platform != "linux":  # elsewhere the call would lower the whole process
        return
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)
    except OSError as error:  # e.g. a sandbox that forbids it: hashing still works
        log.warning("could not lower the password hashing thread's priority: %s", error)


class HashingGate:
    """Runs password checks one at a time on one low-priority thread."""

    def __init__(self, waiting: int) -> None:
        self._places = waiting + 1  # the one running and those waiting
        self._guard = threading.Lock()
        self._worker = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="password-hashing", initializer=_lowest_priority
        )
        self.admitted = 0  # checks running or waiting now
        self.checks = 0  # checks run so far (only the worker counts): every login path hashes

    def run(self, check: Callable[[], T]) -> T:
        """The check's result; TooManyRequests at once when the queue is full."""
        with self._guard:
            if self.admitted >= self._places:
                raise TooManyRequests("logins are busy: try again in a second", 1)
            self.admitted += 1
        try:
            return self._worker.submit(self._counted, check).result()
        finally:
            with self._guard:
                self.admitted -= 1

    def _counted(self, check: Callable[[], T]) -> T:
        self.checks += 1
        return check()
