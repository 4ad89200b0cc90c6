"""Telling live streams that a conversation changed, so they read at once instead of polling.

The database stays the one record: a notice carries only a conversation id, and a stream that
wakes reads what is new by offset, so a lost notice costs latency, never a message. A stream
registers (:meth:`ChangeFeed.watch`) before it reads, so a change committed between its read
and its wait still wakes it. Notices are sent after the commit (:func:`tandem.storage.db.
transaction`), for every conversation the transaction changed (:func:`mark_changed`).

:class:`ChangeFeed` wakes the streams of this process; :class:`RedisChangeFeed` (with
``TANDEM_REDIS_URL``) also those of every other process, through Redis pub/sub. When Redis is
away the streams fall back to re-reading every ``TANDEM_STREAM_POLL_SECONDS``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import redis
from sqlalchemy import Connection

log = logging.getLogger(__name__)

#: Where a transaction collects the conversations it changed (on its connection).
_CHANGED = "tandem_changed_conversations"
#: The Redis channel every process publishes to and listens on.
CHANNEL = "tandem:conversation-changes"
#: Seconds between attempts to reach Redis again.
RECONNECT_SECONDS = 1.0


def mark_changed(connection: Connection, conversation_id: str) -> None:
    """Note that this transaction changed the conversation (told after it commits)."""
    connection.info.setdefault(_CHANGED, set()).add(conversation_id)


def take_changed(connection: Connection) -> set[str]:
    """The conversations marked on this connection since the last call (and forget them)."""
    changed: set[str] = connection.info.pop(_CHANGED, set())
    return changed


class Watch:
    """One stream's registration: :meth:`wait` returns when its conversation changed."""

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._event = asyncio.Event()

    def notify(self) -> None:  # from any thread
        with contextlib.suppress(RuntimeError):  # the stream's loop has ended
            self._loop.call_soon_threadsafe(self._event.set)

    async def wait(self, timeout: float) -> bool:
        """True when a change was told, False after ``timeout`` seconds without one."""
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
        except TimeoutError:
            return False
        finally:
            self._event.clear()
        return True


class ChangeFeed:
    """Change notices within this process."""

    #: Whether other processes' changes reach this feed (else streams must poll for them).
    crosses_processes = False

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._watches: dict[str, set[Watch]] = {}

    def publish(self, conversation_ids: Iterable[str]) -> None:
        self.wake(conversation_ids)

    def wake(self, conversation_ids: Iterable[str]) -> None:
        with self._lock:
            found = [w for cid in conversation_ids for w in self._watches.get(cid, ())]
        for watch in found:
            watch.notify()

    def wake_all(self) -> None:
        """Every stream re-reads now (the feed lost or regained other processes' notices)."""
        with self._lock:
            found = [w for watches in self._watches.values() for w in watches]
        for watch in found:
            watch.notify()

    @contextmanager
    def watch(self, conversation_id: str) -> Iterator[Watch]:
        """Register before reading; unregistered when the stream ends."""
        watch = Watch()
        with self._lock:
            self._watches.setdefault(conversation_id, set()).add(watch)
        try:
            yield watch
        finally:
            with self._lock:
                watches = self._watches.get(conversation_id, set())
                watches.discard(watch)
                if not watches:
                    self._watches.pop(conversation_id, None)

    def close(self) -> None:
        """Stop listening (nothing to stop in one process)."""


class RedisChangeFeed(ChangeFeed):
    """Change notices for every process sharing the database, through Redis pub/sub."""

    @property
    def crosses_processes(self) -> bool:  # type: ignore[override]
        """False while Redis is away: the streams poll until it is back."""
        return self._listening.is_set()

    def __init__(self, url: str) -> None:
        super().__init__()
        self._client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        self._listener = redis.Redis.from_url(url, socket_connect_timeout=2)
        self._closed = threading.Event()
        self._listening = threading.Event()
        self._complained = False
        self._thread = threading.Thread(target=self._listen, name="change-feed", daemon=True)
        self._thread.start()

    def publish(self, conversation_ids: Iterable[str]) -> None:
        ids = list(conversation_ids)
        self.wake(ids)  # this process's streams at once; the others through Redis
        try:
            self._client.publish(CHANNEL, " ".join(ids))
        except redis.RedisError as error:
            self._complain(error)

    def close(self) -> None:
        self._closed.set()
        self._client.close()
        self._listener.close()

    def _listen(self) -> None:
        while not self._closed.is_set():
            try:
                pubsub = self._listener.pubsub(ignore_subscribe_messages=True)  # type: ignore[no-untyped-call]
                with pubsub as subscription:
                    subscription.subscribe(CHANNEL)
                    self._listening.set()
                    self._complained = False
                    self.wake_all()  # catch up on what was told while nobody listened
                    while not self._closed.is_set():
                        message = subscription.get_message(timeout=1.0)
                        if message and isinstance(message["data"], bytes):
                            self.wake(message["data"].decode().split())
            except (redis.RedisError, OSError, ValueError) as error:
                self._listening.clear()
                if self._closed.is_set():
                    return
                self.wake_all()  # streams re-read now and poll until Redis is back
                self._complain(error)
                time.sleep(RECONNECT_SECONDS)

    def _complain(self, error: Exception) -> None:
        if not self._complained:  # once per outage, not once per message
            self._complained = True
            log.warning("change notices through Redis failed (%s); streams poll", error)
