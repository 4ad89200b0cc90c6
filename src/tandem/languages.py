"""The languages Tandem speaks: found in the data folders, never listed in code.

A language is a code (``de``) with one file or folder of each kind below, all under the package:

- ``locales/<code>.yaml``: its name, the widget's and the console's labels, the summary
  wordings, the macros' neutral words and how amounts are written;
- ``understanding/catalogue/<code>.yaml``: the intent examples, date words, frustration cues;
- ``answering/templates/<code>.yaml``: the reply templates;
- ``answering/knowledge/articles/<code>/``: the help articles (at least one ``.md``).

A code present in one place but missing in another stops the start with an error naming the
missing file. Adding a language is adding these files; no Python or JavaScript changes.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

#: The package folder the data folders live in.
PACKAGE = Path(__file__).parent

#: (where, how a code's file is named there); "/" at the end marks a folder.
_KINDS = (
    ("locales", "{code}.yaml"),
    ("understanding/catalogue", "{code}.yaml"),
    ("answering/templates", "{code}.yaml"),
    ("answering/knowledge/articles", "{code}/"),
)
#: Files in those folders that are no language.
_NOT_A_LANGUAGE = frozenset({"intents"})
#: The sections every locale file has.
_LOCALE_SECTIONS = ("name", "widget", "summary", "placeholders", "money")


class LanguageDataError(ValueError):
    """A language's data is incomplete or malformed; the message names the file."""


@dataclass(frozen=True, slots=True)
class Locale:
    """One language's wordings outside the catalogue and the templates."""

    code: str
    name: str  # in the language itself: "Deutsch"
    widget: Mapping[str, str]  # the chat widget's labels
    summary: Mapping[str, Any]  # the handoff card's extractive summary (tandem.desk.summary)
    placeholders: Mapping[str, str]  # a macro placeholder the conversation does not know
    money: Mapping[str, str]  # decimal, thousands, pattern ("{sign}{amount}")
    path: Path
    #: words Tandem reads: ``stopwords`` (help search) and ``items`` (naming an order's items);
    #: optional, so a language without them still runs (check_locales reports the gap)
    words: Mapping[str, Any] = field(default_factory=dict)


def discover(root: Path = PACKAGE) -> tuple[str, ...]:
    """The language codes found under `root`, sorted; LanguageDataError naming the first
    missing or empty file of a code that is present elsewhere."""
    codes: set[str] = set()
    for folder, pattern in _KINDS:
        where = root / folder
        if pattern.endswith("/"):
            codes |= {p.name for p in where.iterdir() if p.is_dir()} if where.is_dir() else set()
        else:
            codes |= {p.stem for p in where.glob("*.yaml")} - _NOT_A_LANGUAGE
    for code in sorted(codes):
        for path in language_files(code, root):
            if path.is_dir():
                if not any(path.glob("*.md")):
                    raise LanguageDataError(f"{path}: no help articles (*.md) for {code!r}")
            elif not path.is_file():
                raise LanguageDataError(f"{path}: missing; language {code!r} needs it")
    if not codes:
        raise LanguageDataError(f"{root / 'locales'}: no language found")
    return tuple(sorted(codes))


def language_files(code: str, root: Path = PACKAGE) -> list[Path]:
    """The files and folders a language needs."""
    return [root / folder / pattern.format(code=code).rstrip("/") for folder, pattern in _KINDS]


def load_locale(code: str, root: Path = PACKAGE) -> Locale:
    path = root / "locales" / f"{code}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise LanguageDataError(f"{path}: {error}") from error
    if not isinstance(data, dict):
        raise LanguageDataError(f"{path}: must be a mapping")
    missing = [key for key in _LOCALE_SECTIONS if not data.get(key)]
    if missing:
        raise LanguageDataError(f"{path}: lacks {', '.join(missing)}")
    words = data.get("words") or {}
    if not isinstance(words, dict):
        raise LanguageDataError(f"{path}: words must be a mapping")
    return Locale(
        code=code,
        name=str(data["name"]),
        widget={str(k): str(v) for k, v in data["widget"].items()},
        summary=data["summary"],
        placeholders={str(k): str(v) for k, v in data["placeholders"].items()},
        money={str(k): str(v) for k, v in data["money"].items()},
        path=path,
        words=words,
    )


@functools.cache
def supported() -> tuple[str, ...]:
    """The shipped languages (read once)."""
    return discover()


@functools.cache
def locale(code: str) -> Locale:
    """A shipped language's locale; KeyError for a code that is not one."""
    if code not in supported():
        raise KeyError(code)
    return load_locale(code)


def check_locales(root: Path = PACKAGE) -> list[str]:
    """Widget labels, placeholder words, word lists (``words``) and summary phrases missing from
    a language compared with the union of all languages (a test keeps this list empty)."""
    loaded = [load_locale(code, root) for code in discover(root)]
    problems: list[str] = []
    for section in ("widget", "placeholders"):
        every = set().union(*(getattr(x, section) for x in loaded))
        for one in loaded:
            have = set(getattr(one, section))
            problems += [f"{one.path}: {section}.{k}" for k in sorted(every - have)]
    every_word = set().union(*(_word_keys(x.words) for x in loaded))
    for one in loaded:
        problems += [f"{one.path}: words.{k}" for k in sorted(every_word - _word_keys(one.words))]
    every_intent = set().union(*(x.summary.get("intents", {}) for x in loaded))
    for one in loaded:
        have = set(one.summary.get("intents", {}))
        problems += [f"{one.path}: summary.intents.{k}" for k in sorted(every_intent - have)]
    return problems


def _word_keys(words: Mapping[str, Any]) -> set[str]:
    """``stopwords``, ``items.numbers``, ...: the word lists a locale has, empty ones left out."""
    keys = {key for key, value in words.items() if value and not isinstance(value, dict)}
    items = words.get("items")
    if isinstance(items, dict):
        keys |= {f"items.{key}" for key, value in items.items() if value}
    return keys
