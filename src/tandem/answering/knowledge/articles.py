"""Knowledge articles: Markdown files with YAML front matter, one language each.

```
---
id: returns                 # shared by the translations of one article
title: Returning an item
language: en                # must match the folder: articles/en/returns.md
slug: returns               # the article's URL is /help/en/returns
tags: [return, send back]
topics: [returns, exchanges] # optional: the topics (catalogue/intents.yaml) it answers best
---
One paragraph per passage; the best passage is what an answer quotes.
```
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tandem.types import SUPPORTED_LANGUAGES, Language
from tandem.understanding.topics import TOPICS

#: The articles that ship with Tandem (the demo shop's help centre).
BUILTIN_ARTICLES = Path(__file__).with_name("articles")

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n(.*)\Z", re.DOTALL)


class ArticleError(ValueError):
    """An article file that cannot be used, with the file and the reason."""


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    title: str
    language: Language
    slug: str
    tags: tuple[str, ...]
    passages: tuple[str, ...]  # the body's paragraphs, in order
    path: Path
    topics: tuple[str, ...] = ()  # the intents' topics it answers (understanding/topics.py)

    @property
    def url(self) -> str:
        return f"/help/{self.language}/{self.slug}"


def article_files(directories: Iterable[Path]) -> list[Path]:
    """Every ``<language>/*.md`` file under the directories, in a stable order."""
    return [
        path
        for directory in directories
        for language in SUPPORTED_LANGUAGES
        for path in sorted((directory / language).glob("*.md"))
    ]


def load_articles(directories: Iterable[Path]) -> list[Article]:
    """All articles; a later directory's article replaces an earlier one with the same id."""
    chosen: dict[tuple[str, str], Article] = {}
    for path in article_files(directories):
        article = parse_article(path)
        chosen[(article.language, article.id)] = article
    slugs: dict[tuple[str, str], Article] = {}
    for article in chosen.values():
        other = slugs.setdefault((article.language, article.slug), article)
        if other is not article:
            raise ArticleError(f"{article.path} and {other.path} share the URL {article.url}")
    return list(chosen.values())


def parse_article(path: Path) -> Article:
    match = _FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    if match is None:
        raise ArticleError(f"{path}: starts without a '---' front matter block")
    try:
        meta: Any = yaml.safe_load(match.group(1))
    except yaml.YAMLError as error:
        raise ArticleError(f"{path}: front matter is not valid YAML ({error})") from error
    if not isinstance(meta, dict):
        raise ArticleError(f"{path}: front matter must be a mapping")
    missing = [key for key in ("id", "title", "language", "slug") if not meta.get(key)]
    if missing:
        raise ArticleError(f"{path}: front matter lacks {', '.join(missing)}")
    return Article(
        id=str(meta["id"]),
        title=str(meta["title"]),
        language=_language(path, meta),
        slug=_slug(path, meta),
        tags=tuple(str(tag) for tag in meta.get("tags") or ()),
        passages=_passages(path, match.group(2)),
        path=path,
        topics=_topics(path, meta),
    )


def _topics(path: Path, meta: dict[str, Any]) -> tuple[str, ...]:
    topics = tuple(str(topic) for topic in meta.get("topics") or ())
    unknown = sorted(set(topics) - set(TOPICS))
    if unknown:
        raise ArticleError(f"{path}: unknown topic(s) {', '.join(unknown)} (see intents.yaml)")
    return topics


def _language(path: Path, meta: dict[str, Any]) -> Language:
    for language in SUPPORTED_LANGUAGES:
        if meta["language"] == language == path.parent.name:
            return language
    raise ArticleError(
        f"{path}: language {meta['language']!r} must be one of {SUPPORTED_LANGUAGES} "
        f"and match its folder {path.parent.name!r}"
    )


def _slug(path: Path, meta: dict[str, Any]) -> str:
    slug = str(meta["slug"])
    if not _SLUG.match(slug):
        raise ArticleError(f"{path}: slug {slug!r} must be lower-case words joined by '-'")
    return slug


def _passages(path: Path, body: str) -> tuple[str, ...]:
    paragraphs = tuple(" ".join(p.split()) for p in re.split(r"\n\s*\n", body) if p.strip())
    if not paragraphs:
        raise ArticleError(f"{path}: has no text after the front matter")
    return paragraphs
