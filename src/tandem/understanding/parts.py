"""The parts of one message: the requests it joins ("where is TD-1001 and get me a person").

A message is cut at sentence and clause marks (. , ; : ? !), at the catalogue's joining words
(``joins:`` per language: "and", "also", "en", "und") and, in the message's language, before
the words that start a new clause when nothing marks it (``clause_starts:``: "i", "ik", "ich",
"je": "my parcel never came i want a person"). Each part with at least two words is read on its
own as well, so a request for a person (or a complaint) inside another request counts by
itself instead of losing to the message's main intent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tandem.types import Language
from tandem.understanding.catalogue import Catalogue

#: A part needs this many words to be read on its own ("a human" does; "and" alone does not).
PART_WORDS = 2

_WORD = re.compile(r"[^\W\d_]+")


class Parts:
    def __init__(self, catalogue: Catalogue) -> None:
        words = {w for lang in catalogue.languages.values() for w in lang.joins}
        joins = "|".join(_phrases(words))
        marks = r"[.,;:?!]+"
        self._cut = re.compile(rf"{marks}|(?<!\w)(?:{joins})" if joins else marks, re.I)
        # Per language: "je" starts a clause in French and means "you" in Dutch.
        self._starts = {
            code: re.compile(rf"(?<!\w)(?=(?:{'|'.join(_phrases(lang.clause_starts))}))", re.I)
            for code, lang in catalogue.languages.items()
            if lang.clause_starts
        }

    def of(self, text: str, language: Language | None = None) -> list[str]:
        """The parts of `text` that say something on their own; [] when it is not cut ("cancel
        TD-1003 and get me a human" has one such part, "get me a human", next to the whole)."""
        pieces = self._cut.split(text)
        starts = self._starts.get(language) if language else None
        if starts is not None:
            pieces = [part for piece in pieces for part in _clauses(starts, piece)]
        parts = [" ".join(p.split()) for p in pieces]
        if len(parts) < 2:
            return []
        whole = " ".join(text.split())  # a cut before the first word leaves the whole message
        return [p for p in parts if p != whole and len(_WORD.findall(p)) >= PART_WORDS]


def _clauses(starts: re.Pattern[str], piece: str) -> list[str]:
    """`piece` cut before its clause starts, except after a single word: that word is the verb
    of a question asked the other way round ("kan ik met maestro betalen", "can I pay with
    Maestro", "kann ich ..."), not a clause of its own."""
    clauses: list[str] = []
    for clause in starts.split(piece):
        if clauses and len(_WORD.findall(clauses[-1])) < PART_WORDS:
            clauses[-1] += clause
        else:
            clauses.append(clause)
    return clauses


def _phrases(words: Iterable[str]) -> list[str]:
    """Patterns for whole words or phrases, longest first; one ending in an apostrophe ("j'")
    runs on into the next word."""
    found = []
    for word in sorted(set(words), key=len, reverse=True):
        pattern = r"\s+".join(map(re.escape, word.split()))
        found.append(pattern if word.endswith(("'", "\u2019")) else rf"{pattern}(?!\w)")
    return found
