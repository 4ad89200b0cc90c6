"""The intent catalogue: one YAML file per language with intents, date words and frustration cues.

Every ``<code>.yaml`` in the folder is a language (tandem.languages checks that the language's
other files are there too); see ``catalogue/README.md`` and docs/languages.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tandem.types import Language
from tandem.understanding.topics import INTENTS, OUT_OF_SCOPE

#: The shipped catalogue.
CATALOGUE_DIR = Path(__file__).parent / "catalogue"

#: The intents (every language file must have all of them) and the out-of-scope label come
#: from the one list, catalogue/intents.yaml (tandem.understanding.topics).
__all__ = ["INTENTS", "OUT_OF_SCOPE", "Catalogue", "CatalogueError", "load_catalogue"]

_DATE_LISTS = (
    "today", "yesterday", "day_before_yesterday", "days_ago", "weeks_ago", "last_weekday",
    "weekdays", "months",
)  # fmt: skip
_CUE_LISTS = ("insults", "swearing", "repetition", "angry", "calm")


class CatalogueError(ValueError):
    """A catalogue file is missing, malformed or incomplete."""


@dataclass(frozen=True, slots=True)
class DateWords:
    """Relative-date phrases; ``{n}`` stands for a number, ``{weekday}`` for a weekday name."""

    today: tuple[str, ...]
    yesterday: tuple[str, ...]
    day_before_yesterday: tuple[str, ...]
    days_ago: tuple[str, ...]
    weeks_ago: tuple[str, ...]
    last_weekday: tuple[str, ...]
    weekdays: tuple[str, ...]  # Monday first
    months: tuple[str, ...]  # January first
    number_words: Mapping[str, int]
    #: what may follow a day's number before or after its month: "1st", "1er", "1." (optional)
    day_suffixes: tuple[str, ...] = ()
    #: a day of the month in words: "premier décembre" (optional)
    day_words: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FrustrationCues:
    insults: tuple[str, ...]  # aimed at the shop or the assistant: "useless", "idiots"
    swearing: tuple[str, ...]  # a curse on its own ("damn"): weak, never a handover by itself
    repetition: tuple[str, ...]
    angry: tuple[str, ...]  # few-shot examples for the learned part
    calm: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LanguageCatalogue:
    language: Language
    intents: Mapping[str, tuple[str, ...]]
    order_words: tuple[str, ...]
    #: words between listed order numbers ("TD-1001 and 1002", "commandes 1001 et 1002")
    order_list_words: tuple[str, ...]
    #: words naming an identifier just before it ("postcode", "my email is"): masked with it
    detail_words: tuple[str, ...]
    dates: DateWords
    frustration: FrustrationCues
    corrections: tuple[str, ...] = ()  # "no wait": what follows replaces what came before
    #: words that make a short message a follow-up of the question before it ("and how much
    #: does it cost?"): openers start it, pointers refer back
    follow_up_openers: tuple[str, ...] = ()
    follow_up_pointers: tuple[str, ...] = ()
    #: words that join two requests in one message ("and", "also", "en", "und"): a message is
    #: read in parts at them too, so a request for a person inside another one counts
    joins: tuple[str, ...] = ()
    #: words that start a new clause when no mark or joining word does ("i", "ik", "je"): a
    #: message in this language is also cut before them ("my parcel never came i want a person")
    clause_starts: tuple[str, ...] = ()
    #: sentences that mention people of the shop without asking for one ("your colleague said
    #: it comes monday"): what the person request learns is no request
    people_mentioned: tuple[str, ...] = ()
    #: sentences that mention paying without a problem ("I paid with iDEAL yesterday"): what
    #: the payment request learns is no payment problem
    payments_mentioned: tuple[str, ...] = ()

    def examples(self) -> list[tuple[str, str]]:
        """(text, intent) pairs."""
        return [(text, intent) for intent, texts in self.intents.items() for text in texts]


@dataclass(frozen=True, slots=True)
class Catalogue:
    languages: Mapping[Language, LanguageCatalogue]
    fingerprint: str  # changes whenever a catalogue file changes

    def examples(self) -> list[tuple[str, str]]:
        return [pair for lang in self.languages.values() for pair in lang.examples()]


def load_catalogue(directory: Path = CATALOGUE_DIR) -> Catalogue:
    """Read every language's file (``<code>.yaml``) from ``directory``."""
    digest = hashlib.sha256()
    languages: dict[Language, LanguageCatalogue] = {}
    paths = sorted(p for p in directory.glob("*.yaml") if p.stem != "intents")
    if not paths:
        raise CatalogueError(f"{directory}: no language file (<code>.yaml)")
    for path in paths:
        language = path.stem
        try:
            raw = path.read_bytes()
            data = yaml.safe_load(raw)
            languages[language] = _parse(language, data)
        except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as exc:
            raise CatalogueError(f"{path}: {exc}") from exc
        except CatalogueError as exc:
            raise CatalogueError(f"{path}: {exc}") from exc
        digest.update(raw)
    return Catalogue(languages=languages, fingerprint=digest.hexdigest()[:16])


def _parse(language: Language, data: Any) -> LanguageCatalogue:
    if data["language"] != language:
        raise CatalogueError(f"says language {data['language']!r}, expected {language!r}")
    intents = {name: _examples(name, texts) for name, texts in data["intents"].items()}
    missing = set(INTENTS) - set(intents)
    if missing:
        raise CatalogueError(f"missing intents: {', '.join(sorted(missing))}")
    dates, cues = data["dates"], data["frustration"]
    date_lists = {key: _texts(dates[key]) for key in _DATE_LISTS}
    numbers = {str(word): int(n) for word, n in dates["number_words"].items()}
    follow = data.get("follow_ups")
    return LanguageCatalogue(
        language=language,
        intents=intents,
        order_words=_texts(data["order_words"]),
        order_list_words=_texts(data["order_list_words"]) if "order_list_words" in data else (),
        detail_words=_texts(data["detail_words"]),
        dates=DateWords(
            **date_lists,
            number_words=numbers,
            day_suffixes=tuple(str(s) for s in dates.get("day_suffixes") or ()),
            day_words={str(word): int(n) for word, n in (dates.get("day_words") or {}).items()},
        ),
        frustration=FrustrationCues(**{key: _texts(cues[key]) for key in _CUE_LISTS}),
        corrections=_texts(data["corrections"]) if "corrections" in data else (),
        follow_up_openers=_texts(follow["openers"]) if follow else (),
        follow_up_pointers=_texts(follow["pointers"]) if follow else (),
        joins=_texts(data["joins"]) if "joins" in data else (),
        clause_starts=_texts(data["clause_starts"]) if "clause_starts" in data else (),
        people_mentioned=_texts(data["people_mentioned"]) if "people_mentioned" in data else (),
        payments_mentioned=(
            _texts(data["payments_mentioned"]) if "payments_mentioned" in data else ()
        ),
    )


def _examples(intent: str, values: Any) -> tuple[str, ...]:
    if not isinstance(values, list) or not values:
        raise CatalogueError(f"intent {intent!r} has no examples")
    return _texts(values)


def _texts(values: Any) -> tuple[str, ...]:
    if not isinstance(values, list) or not values:
        raise CatalogueError(f"expected a non-empty list, got {values!r}")
    return tuple(str(value) for value in values)
