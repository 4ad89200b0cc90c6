"""Reply templates per language: varied, never the identical reply twice in a row."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from tandem.types import Language

TEMPLATES = Path(__file__).with_name("templates")


@dataclass(frozen=True, slots=True)
class Reply:
    key: str  # the template key: the flows and the policy compare answers by it
    text: str


class Replies:
    """The templates of one language."""

    def __init__(self, language: Language, data: dict[str, Any]) -> None:
        self.language = language
        self._data = data

    def say(self, key: str, avoid: str = "", **fields: object) -> Reply:
        """Fill the first variant that differs from `avoid` (the previous AI reply): in its text,
        and in its question, so "Shall I go ahead?" is not asked twice in the same words."""
        return self._fill(key, avoid, 0, fields)

    def rephrase(self, key: str, avoid: str = "", **fields: object) -> Reply:
        """As :meth:`say`, trying the second variant first: a question asked again, in other
        words (the first variant was used the first time)."""
        return self._fill(key, avoid, 1, fields)

    def _fill(self, key: str, avoid: str, start: int, fields: dict[str, object]) -> Reply:
        variants: list[str] = self._data[key]
        variants = variants[start % len(variants) :] + variants[: start % len(variants)]
        text = ""
        asked = _question(avoid)
        for variant in variants:
            text = variant.format(**fields)
            if text != avoid and (not asked or _question(text) != asked):
                break
        return Reply(key, text)

    def asks(self, key: str) -> bool:
        """Does what :meth:`say` says first for `key` ask a question? ("Would you rather talk to
        a colleague?" does; "If you'd rather talk to a person, just say so." does not.)"""
        variants: list[str] = self._data[key]
        return bool(_question(variants[0]))

    def phrase(self, group: str, key: str, default: str | None = None) -> str:
        """One phrase of a group ("order_status", "payment_method"); `default` when the group
        has none for `key` (else KeyError)."""
        phrases: dict[str, str] = self._data[group]
        if default is not None:
            return phrases.get(key, default)
        return phrases[key]

    def status(self, status: StrEnum) -> str:
        """An order's status in words ("being prepared", "verzonden")."""
        return self.phrase("order_status", status.value)

    def date(self, day: dt.date) -> str:
        """A day as the language writes it, from the template `date_format`: "Friday 4
        December", "Freitag, 4. Dezember", "vendredi 4 décembre"; a day of the month the
        template `days` names is written so ("mardi 1er décembre")."""
        date_format: str = self._data["date_format"]
        weekday = self._data["weekdays"][day.weekday()]
        month = self._data["months"][day.month - 1]
        number = (self._data.get("days") or {}).get(day.day, day.day)
        return date_format.format(weekday=weekday, day=number, month=month)

    def moment(self, when: dt.datetime) -> str:
        """A day and a time in `when`'s own time zone, named as the console names it, e.g.
        "Monday 23 November 10:13 CET" (template `moment_format`): customer and agent read the
        same time."""
        moment_format: str = self._data["moment_format"]
        zone = when.tzname() if when.tzinfo is not None else None
        moment = moment_format.format(date=self.date(when.date()), time=f"{when:%H:%M}")
        return moment + (f" {zone}" if zone else "")

    @property
    def agent_label(self) -> str:
        label: str = self._data["agent_label"]
        return label


def _question(text: str) -> str:
    """The last sentence of `text` that asks something ("" when none does)."""
    sentences = re.split(r"(?<=[.!?])\s+", text.strip())
    return next((s for s in reversed(sentences) if "?" in s), "")


@functools.cache
def replies(language: Language) -> Replies:
    path = TEMPLATES / f"{language}.yaml"
    with path.open(encoding="utf-8") as handle:
        return Replies(language, yaml.safe_load(handle))


def check_templates(directory: Path = TEMPLATES) -> list[str]:
    """Every difference between the languages' templates: a key one language has and another
    lacks, or a template whose {placeholders} differ from the other languages' (a test keeps
    this list empty)."""
    loaded = {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted(directory.glob("*.yaml"))
    }
    every = set().union(*(set(data) for data in loaded.values()))
    problems = [
        f"{directory / f'{code}.yaml'}: lacks {key}"
        for code, data in loaded.items()
        for key in sorted(every - set(data))
    ]
    for key in sorted(every):
        fields = {code: _fields(data[key]) for code, data in loaded.items() if key in data}
        if len(set(fields.values())) > 1:
            problems.append(f"{key}: placeholders differ: {fields}")
    return problems


def _fields(value: Any) -> frozenset[str]:
    """The {placeholders} in a template's variants (or in a group's phrases)."""
    if isinstance(value, list | tuple):
        return frozenset().union(*(_fields(item) for item in value))
    if isinstance(value, dict):
        return frozenset().union(*(_fields(item) for item in value.values()))
    return frozenset(re.findall(r"\{(\w+)\}", str(value)))
