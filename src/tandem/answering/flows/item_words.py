"""The words customers name an order's items with, per language in ``locales/<code>.yaml``
(``words.items``), read together: a Dutch customer writing "not the socks" is understood too.

A language without them adds none (its customers' item lists are read with the other
languages' words); ``tandem.languages.check_locales`` reports the gap.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rapidfuzz import utils

from tandem.languages import locale
from tandem.types import SUPPORTED_LANGUAGES


@dataclass(frozen=True, slots=True)
class ItemWords:
    numbers: Mapping[str, int]  # "two" -> 2
    filler: frozenset[str]  # never an item's name: "pairs", "the"
    not_before: frozenset[str]  # leave out the items listed after them: "not", "zonder"
    listing: frozenset[str]  # may stand between listed items: "the", "and"
    not_after: frozenset[str]  # right after an item, leave it out: "niet"
    all: frozenset[str]  # ask for everything left: "both", "alles"
    picking: frozenset[str]  # pick among items: "only"
    of: frozenset[str]  # "one of the two jackets"
    options: Mapping[str, str]  # a customer's size or colour word -> the shop's: "small" -> "s"
    clause: re.Pattern[str]  # what ends a clause (a negation reaches no further)


def _words(values: Iterable[Any]) -> frozenset[str]:
    return frozenset(utils.default_process(str(value)) for value in values)


@functools.cache
def item_words() -> ItemWords:
    """Every language's item words together."""
    found: list[Mapping[str, Any]] = [
        locale(code).words.get("items") or {} for code in SUPPORTED_LANGUAGES
    ]

    def joined(key: str) -> frozenset[str]:
        return frozenset().union(*(_words(items.get(key) or ()) for items in found))

    def mapping(key: str) -> dict[str, Any]:
        return {str(k): v for items in found for k, v in (items.get(key) or {}).items()}

    breaks = sorted(joined("clause"))
    words = r"|\b(?:" + "|".join(map(re.escape, breaks)) + r")\b" if breaks else ""
    return ItemWords(
        numbers={k: int(v) for k, v in mapping("numbers").items()},
        filler=joined("filler"), not_before=joined("not_before"), listing=joined("listing"),
        not_after=joined("not_after"), all=joined("all"), picking=joined("picking"),
        of=joined("of"), options={k: str(v) for k, v in mapping("options").items()},
        clause=re.compile(r"[,;.!?]" + words, re.IGNORECASE),
    )
