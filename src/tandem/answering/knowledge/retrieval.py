"""Knowledge retrieval: BM25 keywords and multilingual embeddings, fused by reciprocal rank.

Articles are ranked by their best passage (paragraph): keywords of the passage with its
article's title and tags, and the meaning of the passage plus a smaller share of its title's
meaning. (Embedded as one text, a short passage was mostly its title, and a question-shaped
title, "When will I get my money back?", drew every question: "How do I start a return?" went
to refunds.) Within an article the passage quoted is
chosen by its own meaning and the question's content words it contains, so the title and tags
that every passage shares cannot favour a short, off-point paragraph (a question-shaped title
read with each passage made the shortest passage look closest to any question), and a general
"what is your X policy" question gets the paragraph that states the policy. The index
rebuilds itself when an article file is added, changed or removed (checked on each search by
file modification times), or at once with ``reindex()``; embeddings of unchanged passages are
reused, so re-indexing after adding one article costs one article's worth of embedding.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tandem.answering.knowledge.articles import (
    BUILTIN_ARTICLES,
    Article,
    article_files,
    load_articles,
)
from tandem.answering.knowledge.bm25 import BM25, stopwords
from tandem.types import SUPPORTED_LANGUAGES, Language
from tandem.understanding.embeddings import DIMENSION, Vectors, embed

#: Reciprocal rank fusion constant: higher flattens the difference between ranks.
RRF_K = 60
_BEST_FUSED = 2 / (RRF_K + 1)  # first in both rankings
#: Within an article, a passage's own words count as the question's content words it contains,
#: each weighted by rarity (BM25 with almost no term-frequency saturation and no length
#: normalisation): a short passage that repeats a shared word does not beat the one that covers
#: more of the question.
COVERAGE_K1 = 0.01
#: Within an article: weight of the passage's own keyword score (scaled to 0..1 over the
#: article's passages) against its cosine similarity to the question.
OWN_WORDS_WEIGHT = 0.5
#: Share of the title's meaning in a passage's meaning, when ranking articles.
TITLE_WEIGHT = 0.2
#: Within an article: bonus for the passage that states the policy, for a policy question.
POLICY_BONUS = 0.3
#: "What is your return policy?", "Wat is jullie retourbeleid?": a question about the rule itself.
_POLICY_QUESTION = re.compile(r"polic|beleid|voorwaarden|\bterms\b|\brules?\b|regels", re.I)
_POLICY_PASSAGE = re.compile(r"polic|beleid", re.I)

_Signature = tuple[tuple[str, int, int], ...]


@dataclass(frozen=True, slots=True)
class KnowledgeHit:
    article: Article
    passage: str  # the article's paragraph that answers best
    score: float  # fused rank score, 1.0 when first by keywords and by meaning
    similarity: float  # best cosine similarity of question and the article's passages, for
    # "is this relevant?"


@dataclass(frozen=True, slots=True)
class _Index:
    """Everything searchable in one language."""

    articles: tuple[Article, ...]
    owners: tuple[int, ...]  # per passage: its article's position
    passages: tuple[str, ...]
    keywords: BM25  # each passage with its article's title and tags
    own_words: BM25  # each passage alone
    vectors: Vectors  # each passage alone
    titled: Vectors  # each passage after its article's title ("is this relevant?")
    titles: Vectors  # each passage's article title alone


class KnowledgeBase:
    """Articles from the built-in directory plus, optionally, the operator's own directory."""

    def __init__(self, directories: tuple[Path, ...]) -> None:
        self._directories = directories
        self._lock = threading.Lock()
        self._vectors: dict[str, np.ndarray] = {}  # embedded passage text -> vector
        self._signature: _Signature = ()
        self._indexes: dict[Language, _Index] = {}
        self.reindex()

    @classmethod
    def load(cls, directory: Path = BUILTIN_ARTICLES, extra: Path | None = None) -> KnowledgeBase:
        """Articles of ``directory``; those in ``extra`` are added or replace the same id."""
        return cls((directory,) if extra is None else (directory, extra))

    def reindex(self) -> None:
        """Read every article again and rebuild the indexes (ArticleError on a bad file)."""
        with self._lock:
            signature = self._current_signature()
            articles = load_articles(self._directories)
            self._indexes = {
                language: self._build(language, [a for a in articles if a.language == language])
                for language in SUPPORTED_LANGUAGES
            }
            self._signature = signature

    def refresh(self) -> None:
        """Reindex when an article file was added, changed or removed since the last index."""
        if self._current_signature() != self._signature:
            self.reindex()

    def search(self, question: str, language: Language, limit: int = 3) -> list[KnowledgeHit]:
        """The best articles for the question in its language, best first (maybe none)."""
        self.refresh()
        index = self._indexes[language]
        if not index.passages or not question.strip():
            return []
        asked = embed([question])[0]
        similarity = index.titled @ asked
        meaning = index.vectors @ asked + TITLE_WEIGHT * (index.titles @ asked)
        keyword = np.asarray(index.keywords.scores(question))
        fused = _rrf(-meaning) + np.where(keyword > 0, _rrf(-keyword), 0.0)
        within = _within_article(index, question, asked)
        hits: dict[int, KnowledgeHit] = {}
        for passage in np.argsort(-fused, kind="stable"):
            owner = index.owners[passage]
            if owner not in hits:
                members = [i for i, o in enumerate(index.owners) if o == owner]
                chosen = max(members, key=lambda i: within[i])
                hits[owner] = KnowledgeHit(
                    index.articles[owner], index.passages[chosen],
                    float(fused[passage] / _BEST_FUSED), float(similarity[members].max()),
                )
            if len(hits) == limit:
                break
        return list(hits.values())

    def article(self, language: Language, slug: str) -> Article | None:
        self.refresh()
        index = self._indexes.get(language)
        return next((a for a in index.articles if a.slug == slug), None) if index else None

    def article_exists(self, language: Language, slug: str) -> bool:
        """Whether /help/{language}/{slug} is a real article (check links before sending)."""
        return self.article(language, slug) is not None

    def articles(self, language: Language) -> tuple[Article, ...]:
        self.refresh()
        return self._indexes[language].articles

    def _build(self, language: Language, articles: list[Article]) -> _Index:
        owners = tuple(i for i, a in enumerate(articles) for _ in a.passages)
        passages = tuple(p for a in articles for p in a.passages)
        texts = [f"{articles[i].title}. {p}" for i, p in zip(owners, passages, strict=True)]
        tagged = zip(owners, texts, strict=True)
        stop = stopwords(language)
        keywords = BM25([f"{text} {' '.join(articles[i].tags)}" for i, text in tagged], stop=stop)
        titles = [articles[i].title for i in owners]
        every = (*passages, *texts, *titles)
        missing = list(dict.fromkeys(t for t in every if t not in self._vectors))
        self._vectors.update(zip(missing, embed(missing), strict=True))
        return _Index(
            tuple(articles), owners, passages, keywords,
            BM25(passages, k1=COVERAGE_K1, b=0.0, stop=stop),
            self._stack(passages), self._stack(texts), self._stack(titles),
        )

    def _stack(self, texts: Sequence[str]) -> Vectors:
        return np.asarray([self._vectors[t] for t in texts], np.float32).reshape(-1, DIMENSION)

    def _current_signature(self) -> _Signature:
        files = article_files(self._directories)
        return tuple((str(p), (s := p.stat()).st_mtime_ns, s.st_size) for p in files)


def _within_article(index: _Index, question: str, asked: np.ndarray) -> np.ndarray:
    """Per passage, how well it answers compared with the other passages of its article: its
    own meaning and words, and for a policy question whether it states the policy."""
    score: np.ndarray = np.array(index.vectors @ asked, np.float64)
    own = np.asarray(index.own_words.scores(question))
    owners = np.asarray(index.owners)
    policy = _POLICY_QUESTION.search(question) is not None
    for owner in set(index.owners):
        members = np.flatnonzero(owners == owner)
        best = own[members].max()
        if best > 0:
            score[members] += OWN_WORDS_WEIGHT * own[members] / best
        if policy:
            stating = [m for m in members if _POLICY_PASSAGE.search(index.passages[m])]
            score[stating[0] if stating else members[0]] += POLICY_BONUS
    return score


def _rrf(values: np.ndarray) -> np.ndarray:
    """Reciprocal rank fusion terms: 1 / (k + rank), rank 1 for the smallest value."""
    ranks = np.empty(len(values))
    ranks[np.argsort(values, kind="stable")] = np.arange(1, len(values) + 1)
    return 1.0 / (RRF_K + ranks)
