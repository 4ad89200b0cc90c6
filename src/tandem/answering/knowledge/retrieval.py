"""Knowledge retrieval: BM25 keywords and multilingual embeddings, fused by reciprocal rank.

Passages (paragraphs) are what is ranked; an article scores as its best passage. The index
rebuilds itself when an article file is added, changed or removed (checked on each search by
file modification times), or at once with ``reindex()``; embeddings of unchanged passages are
reused, so re-indexing after adding one article costs one article's worth of embedding.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tandem.answering.knowledge.articles import (
    BUILTIN_ARTICLES,
    Article,
    article_files,
    load_articles,
)
from tandem.answering.knowledge.bm25 import BM25
from tandem.types import SUPPORTED_LANGUAGES, Language
from tandem.understanding.embeddings import DIMENSION, Vectors, embed

#: Reciprocal rank fusion constant: higher flattens the difference between ranks.
RRF_K = 60
_BEST_FUSED = 2 / (RRF_K + 1)  # first in both rankings

_Signature = tuple[tuple[str, int, int], ...]


@dataclass(frozen=True, slots=True)
class KnowledgeHit:
    article: Article
    passage: str  # the article's paragraph that answers best
    score: float  # fused rank score, 1.0 when first by keywords and by meaning
    similarity: float  # cosine similarity of question and passage, for "is this relevant?"


@dataclass(frozen=True, slots=True)
class _Index:
    """Everything searchable in one language."""

    articles: tuple[Article, ...]
    owners: tuple[int, ...]  # per passage: its article's position
    passages: tuple[str, ...]
    keywords: BM25
    vectors: Vectors


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
                language: self._build([a for a in articles if a.language == language])
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
        similarity = index.vectors @ embed([question])[0]
        keyword = np.asarray(index.keywords.scores(question))
        fused = _rrf(-similarity) + np.where(keyword > 0, _rrf(-keyword), 0.0)
        hits: dict[int, KnowledgeHit] = {}
        for passage in np.argsort(-fused, kind="stable"):
            owner = index.owners[passage]
            if owner not in hits:
                hits[owner] = KnowledgeHit(
                    index.articles[owner],
                    index.passages[passage],
                    float(fused[passage] / _BEST_FUSED),
                    float(similarity[passage]),
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

    def _build(self, articles: list[Article]) -> _Index:
        owners = tuple(i for i, a in enumerate(articles) for _ in a.passages)
        passages = tuple(p for a in articles for p in a.passages)
        texts = [f"{articles[i].title}. {p}" for i, p in zip(owners, passages, strict=True)]
        tagged = zip(owners, texts, strict=True)
        keywords = BM25([f"{text} {' '.join(articles[i].tags)}" for i, text in tagged])
        missing = [t for t in texts if t not in self._vectors]
        self._vectors.update(zip(missing, embed(missing), strict=True))
        vectors = np.asarray([self._vectors[t] for t in texts], np.float32).reshape(-1, DIMENSION)
        return _Index(tuple(articles), owners, passages, keywords, vectors)

    def _current_signature(self) -> _Signature:
        files = article_files(self._directories)
        return tuple((str(p), (s := p.stat()).st_mtime_ns, s.st_size) for p in files)


def _rrf(values: np.ndarray) -> np.ndarray:
    """Reciprocal rank fusion terms: 1 / (k + rank), rank 1 for the smallest value."""
    ranks = np.empty(len(values))
    ranks[np.argsort(values, kind="stable")] = np.arange(1, len(values) + 1)
    return 1.0 / (RRF_K + ranks)
