"""Periodic jobs: one scheduler per server process, each job run by one process at a time.

Every server process runs a :class:`Scheduler` (started and stopped by the web app's
lifespan) over the jobs :func:`periodic_jobs` lists. Each job runs at start and then every
``every_seconds``; a run first takes the job's lock (:func:`tandem.storage.locks.exclusive`,
a PostgreSQL advisory lock), so when several processes share a database exactly one of them
runs it and the others skip that turn. Jobs must still be safe to run twice (the lock goes
with a broken connection): they change conversations under the conversation's lock.

A job is a function of the runtime and a ``stopping`` check it should look at between units
of work, so the server shuts down promptly.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tandem.config import Settings
from tandem.services.closing import close_idle
from tandem.services.metrics import bring_up_to_date
from tandem.services.outbox import send_due
from tandem.services.presence import mark_silent_away
from tandem.services.recovery import recover_unanswered
from tandem.services.rollout_evaluation import evaluate
from tandem.services.runtime import Runtime
from tandem.services.sla import record_clocks
from tandem.storage.db import DATABASE_UNAVAILABLE
from tandem.storage.locks import exclusive

log = logging.getLogger(__name__)

Stopping = Callable[[], bool]

#: Seconds a stopping server waits for a job in progress before it goes on shutting down.
STOP_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    every_seconds: float
    run: Callable[[Runtime, Stopping], object]


def periodic_jobs(settings: Settings) -> tuple[Job, ...]:
    """The registry: every periodic job a server runs."""
    presence_every = max(1.0, min(30.0, settings.away_after_seconds / 4))
    jobs = [
        Job("recover-unanswered", settings.recovery_interval_seconds, recover_unanswered),
        Job("agents-away", presence_every, mark_silent_away),
        Job("close-idle", settings.metrics_interval_seconds, close_idle),
        Job("metrics-summaries", settings.metrics_interval_seconds, _refresh_metrics),
        Job("rollout-guardrail", settings.metrics_interval_seconds, _rollout_guardrail),
        Job("sla-clocks", settings.sla_interval_seconds, record_clocks),
    ]
    if settings.mail_enabled:
        jobs.append(Job("send-email", settings.email_interval_seconds, send_due))
    return tuple(jobs)


def _refresh_metrics(runtime: Runtime, _stopping: Stopping) -> int:
    """Keep the summaries current, so a report has little left to bring up to date."""
    return bring_up_to_date(runtime)


def _rollout_guardrail(runtime: Runtime, _stopping: Stopping) -> int:
    """Step back a topic whose AI group is clearly worse than people (docs/rollout.md)."""
    results, _ = evaluate(runtime.engine, default_handle=runtime.settings.default_handle_minutes)
    return sum(result.verdict != "hold" for result in results)


def run_job(runtime: Runtime, job: Job, stopping: Stopping = lambda: False) -> bool:
    """Run ``job`` unless another process (or thread) is running it; True when it ran here."""
    with exclusive(runtime.engine, f"job:{job.name}") as held:
        if held:
            job.run(runtime, stopping)
        return held


class Scheduler:
    """Runs the jobs on one background thread: each at start, then every ``every_seconds``."""

    def __init__(self, runtime: Runtime, jobs: Sequence[Job]) -> None:
        self.runtime = runtime
        self.jobs = tuple(jobs)
        self._stop = threading.Event()
        self._database_away = False  # said once per outage, not by every job every run
        self._thread = threading.Thread(target=self._loop, name="tandem-jobs", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop after the job in progress (if any) finishes its current unit of work."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(STOP_TIMEOUT_SECONDS)

    def _loop(self) -> None:
        due = dict.fromkeys((job.name for job in self.jobs), time.monotonic())
        while not self._stop.is_set():
            for job in self.jobs:
                if self._stop.is_set() or due[job.name] > time.monotonic():
                    continue
                self._run(job)
                due[job.name] = time.monotonic() + job.every_seconds
            if due:
                self._stop.wait(max(0.0, min(due.values()) - time.monotonic()))
            else:
                self._stop.wait()

    def _run(self, job: Job) -> None:
        try:
            run_job(self.runtime, job, self._stop.is_set)
        except DATABASE_UNAVAILABLE as error:
            if not self._database_away:
                self._database_away = True
                log.warning(
                    "database unavailable (%s); periodic jobs wait for it",
                    type(error.__cause__ or error).__name__,
                )
            return
        except Exception:
            log.exception("periodic job %s failed; it runs again later", job.name)
        if self._database_away:
            self._database_away = False
            log.warning("database reachable again; periodic jobs run again")
