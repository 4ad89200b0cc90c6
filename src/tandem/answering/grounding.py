"""Is a generated text grounded? Every concrete detail in it must come from its sources.

An LLM may rephrase, summarise or draft, never invent: each number, amount, order id, tracking
code, date (digits, weekday and month names, "today"...), email address and URL in its output
must appear in what it was given (the grounded answer, the facts, the transcript). Otherwise the
caller drops the output and uses its template or extractive text. The check is strict on
purpose: a false rejection costs only warmer wording; a false acceptance tells a customer
something untrue.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from tandem.types import Language
from tandem.understanding.catalogue import load_catalogue

_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'()\[\]]+", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
#: A token of letters and digits with at least one of each: order ids, tracking codes, "2x".
_CODE = re.compile(r"\b(?=[\w-]*\d)(?=[\w-]*[^\W\d_])[^\W_]+(?:-[^\W_]+)*\b")
#: Codes that are really numbers: ordinals ("3rd", "3e") and quantities ("2x").
_NUMERIC_CODE = re.compile(r"^(\d+)(?:st|nd|rd|th|e|ste|de|x)$", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"[^\W\d_]+")
_TRAILING = ".,;:!?"

Detail = tuple[str, str]  # (canonical key, the text as written)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """A language's words that state a detail: dates, and numbers written as words."""

    date_words: frozenset[str] = frozenset()
    number_words: Mapping[str, int] = field(default_factory=dict)


@functools.cache
def vocabulary(language: Language) -> Vocabulary:
    """Weekday and month names, "today"-like words and number words from the catalogue.

    Number words for 1 ("one", "een") are left out: they are mostly articles and pronouns.
    """
    dates = load_catalogue().languages[language].dates
    relative = (*dates.today, *dates.yesterday, *dates.day_before_yesterday)
    words = {*dates.weekdays, *dates.months, *(w for w in relative if " " not in w)}
    numbers = {word: n for word, n in dates.number_words.items() if n != 1}
    return Vocabulary(frozenset(w.lower() for w in words), numbers)


def ungrounded(text: str, sources: Iterable[str], words: Vocabulary | None = None) -> list[str]:
    """The details in `text` that no source states, as written; empty when `text` is grounded."""
    words = words or Vocabulary()
    known = {key for key, _ in _details("\n".join(sources), words)}
    missing: list[str] = []
    for key, shown in _details(text, words):
        if key not in known and shown not in missing:
            missing.append(shown)
    return missing


def is_grounded(text: str, sources: Iterable[str], words: Vocabulary | None = None) -> bool:
    return not ungrounded(text, sources, words)


def _details(text: str, words: Vocabulary) -> Iterator[Detail]:
    for match in _URL.finditer(text):
        url = match.group().rstrip(_TRAILING)
        yield f"url:{url.lower()}", url
    text = _URL.sub(" ", text)
    for match in _EMAIL.finditer(text):
        yield f"email:{match.group().lower()}", match.group()
    text = _EMAIL.sub(" ", text)
    for match in _CODE.finditer(text):
        numeric = _NUMERIC_CODE.match(match.group())
        if numeric:
            yield f"number:{_number(numeric.group(1))}", match.group()
        else:
            yield f"code:{match.group().replace('-', '').upper()}", match.group()
    text = _CODE.sub(" ", text)
    for match in _NUMBER.finditer(text):
        yield f"number:{_number(match.group())}", match.group()
    for match in _WORD.finditer(text):
        word = match.group().lower()
        if word in words.date_words:
            yield f"word:{word}", match.group()
        elif word in words.number_words:
            yield f"number:{words.number_words[word]}", match.group()


def _number(token: str) -> str:
    """A canonical number: "59,95", "59.95" and "59.950" read as amounts, "1.000" and "1,000" as
    a thousand, "03" as 3."""
    last = max(token.rfind("."), token.rfind(","))
    whole, fraction = (token[:last], token[last + 1 :]) if last >= 0 else (token, "")
    if len(fraction) == 3:  # a thousands separator
        whole, fraction = whole + fraction, ""
    value = Decimal(f"{re.sub(r'[.,]', '', whole)}.{fraction or 0}")
    return format(value.normalize(), "f")
