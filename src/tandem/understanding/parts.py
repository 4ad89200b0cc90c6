"""The parts of one message: the requests it joins ("where is TD-1001 and get me a person").

A message is cut at sentence and clause marks (. , ; : ? !) and at the catalogue's joining words
(``joins:`` per language: "and", "also", "en", "und"). Each part with at least two words is read
on its own as well, so a request for a person inside another request counts by itself instead
of losing to the message's main intent.
"""

from __future__ import annotations

import re

from tandem.understanding.catalogue import Catalogue

#: A part needs this many words to be read on its own ("a human" does; "and" alone does not).
PART_WORDS = 2


class Parts:
    def __init__(self, catalogue: Catalogue) -> None:
        words = {w for lang in catalogue.languages.values() for w in lang.joins}
        joins = "|".join(
            r"\s+".join(map(re.escape, w.split())) for w in sorted(words, key=len, reverse=True)
        )
        marks = r"[.,;:?!]+"
        self._cut = re.compile(rf"{marks}|(?<!\w)(?:{joins})(?!\w)" if joins else marks, re.I)

    def of(self, text: str) -> list[str]:
        """The parts of `text` that say something on their own; [] when it is not cut ("cancel
        TD-1003 and get me a human" has one such part, "get me a human", next to the whole)."""
        parts = [" ".join(p.split()) for p in self._cut.split(text)]
        if len(parts) < 2:
            return []
        return [p for p in parts if len(re.findall(r"[^\W\d_]+", p)) >= PART_WORDS]
