"""Okapi BM25 keyword scoring over short passages, with a tokenizer for Dutch and English."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

#: Words too common to say anything about a question.
STOPWORDS = frozenset(
    (
        "a",
        "an",
        "and",
        "are",
        "be",
        "can",
        "do",
        "does",
        "for",
        "from",
        "have",
        "how",
        "i",
        "in",
        "is",
        "it",
        "me",
        "my",
        "of",
        "on",
        "or",
        "the",
        "to",
        "what",
        "when",
        "where",
        "which",
        "why",
        "will",
        "with",
        "you",
        "your",
        "aan",
        "al",
        "bij",
        "dat",
        "de",
        "die",
        "dit",
        "een",
        "en",
        "er",
        "het",
        "hoe",
        "ik",
        "in",
        "is",
        "je",
        "jij",
        "kan",
        "kun",
        "me",
        "met",
        "mijn",
        "na",
        "naar",
        "niet",
        "of",
        "om",
        "op",
        "te",
        "toe",
        "tot",
        "u",
        "uw",
        "van",
        "voor",
        "waar",
        "wanneer",
        "wat",
        "wie",
        "wij",
        "zijn",
    )
)
#: Words are cut to this many characters: a crude stemmer that joins "levering", "leveren" and
#: "levertijd", or "return" and "returned", in both languages alike.
STEM_LENGTH = 5


def tokens(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", plain)
    return [w[:STEM_LENGTH] for w in words if len(w) > 1 and w not in STOPWORDS]


class BM25:
    """Scores a query against a fixed list of documents."""

    def __init__(self, documents: Sequence[str], k1: float = 1.5, b: float = 0.75) -> None:
        self._docs = [Counter(tokens(d)) for d in documents]
        self._lengths = [sum(d.values()) for d in self._docs]
        self._average = sum(self._lengths) / len(self._docs) if self._docs else 0.0
        frequency = Counter(term for doc in self._docs for term in doc)
        n = len(self._docs)
        self._idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in frequency.items()}
        self._k1, self._b = k1, b

    def scores(self, query: str) -> list[float]:
        terms = [t for t in tokens(query) if t in self._idf]
        pairs = zip(self._docs, self._lengths, strict=True)
        return [self._score(terms, doc, length) for doc, length in pairs]

    def _score(self, terms: list[str], doc: Counter[str], length: int) -> float:
        norm = self._k1 * (1 - self._b + self._b * length / (self._average or 1))
        return sum(
            self._idf[t] * doc[t] * (self._k1 + 1) / (doc[t] + norm) for t in terms if doc[t]
        )
