"""Okapi BM25 keyword scoring over short passages, with a tokenizer for any language: its stop
words are data (``words.stopwords`` in ``locales/<code>.yaml``)."""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence

from tandem.languages import locale

#: Words are cut to this many characters: a crude stemmer that joins "levering", "leveren" and
#: "levertijd", or "return" and "returned", in both languages alike.
STEM_LENGTH = 5


def _plain(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode()
    return re.findall(r"[a-z0-9]+", folded)


@functools.cache
def stopwords(language: str) -> frozenset[str]:
    """The language's words too common to say anything about a question, spelled as tokens
    see them ("für" -> "fur"); none for a language whose locale lacks them."""
    listed: Iterable[str] = locale(language).words.get("stopwords") or ()
    return frozenset(word for text in listed for word in _plain(str(text)))


def tokens(text: str, stop: frozenset[str] = frozenset()) -> list[str]:
    return [w[:STEM_LENGTH] for w in _plain(text) if len(w) > 1 and w not in stop]


class BM25:
    """Scores a query against a fixed list of documents, leaving out the ``stop`` words."""

    def __init__(
        self,
        documents: Sequence[str],
        k1: float = 1.5,
        b: float = 0.75,
        stop: frozenset[str] = frozenset(),
    ) -> None:
        self._stop = stop
        self._docs = [Counter(tokens(d, stop)) for d in documents]
        self._lengths = [sum(d.values()) for d in self._docs]
        self._average = sum(self._lengths) / len(self._docs) if self._docs else 0.0
        frequency = Counter(term for doc in self._docs for term in doc)
        n = len(self._docs)
        self._idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in frequency.items()}
        self._k1, self._b = k1, b

    def scores(self, query: str) -> list[float]:
        terms = [t for t in tokens(query, self._stop) if t in self._idf]
        pairs = zip(self._docs, self._lengths, strict=True)
        return [self._score(terms, doc, length) for doc, length in pairs]

    def _score(self, terms: list[str], doc: Counter[str], length: int) -> float:
        norm = self._k1 * (1 - self._b + self._b * length / (self._average or 1))
        return sum(
            self._idf[t] * doc[t] * (self._k1 + 1) / (doc[t] + norm) for t in terms if doc[t]
        )
