"""Links the assistant may send: only to help articles and pages that exist right now."""

from __future__ import annotations

from tandem.answering.knowledge.retrieval import KnowledgeBase
from tandem.types import Language

#: Tandem's own pages a reply may link to (the shop's front page with the chat widget).
OWN_PAGES = frozenset({"/", "/console"})


def checked_link(knowledge: KnowledgeBase, language: Language, slug: str) -> str | None:
    """The URL of the help article, or None when it does not exist (in that language)."""
    article = knowledge.article(language, slug)
    return article.url if article is not None else None


def checked_page(path: str) -> str | None:
    """The path when it is one of Tandem's own pages, else None."""
    return path if path in OWN_PAGES else None
