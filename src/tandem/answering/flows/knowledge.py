"""Questions the help centre answers (delivery, warranty, opening hours, invoices, and general
questions about returns, refunds, cancelling and paying): the passage that answers best,
briefly, with a checked link to its article. No identification: nothing here is about the
customer's own order."""

from __future__ import annotations

from dataclasses import dataclass, field

from tandem.answering.flows.base import FlowTurn, Outcome, Plan
from tandem.answering.knowledge.retrieval import KnowledgeBase
from tandem.answering.links import checked_link

#: Below these a hit does not answer the question (fused rank score, cosine similarity).
MIN_SCORE = 0.75
MIN_SIMILARITY = 0.2
#: Longest quote; a longer passage is cut at the last sentence that fits.
MAX_QUOTE = 360


@dataclass(frozen=True, slots=True)
class KnowledgeFlow:
    knowledge: KnowledgeBase
    name: str = "knowledge"
    intents: frozenset[str] = field(
        default=frozenset(
            {
                "delivery_time", "warranty", "opening_hours", "invoice",
                "return_policy", "refund_policy", "cancellation_policy", "payment_options",
            }
        )  # fmt: skip
    )
    needs_customer: bool = False

    def step(self, turn: FlowTurn) -> Plan:
        u = turn.understanding
        hits = self.knowledge.search(u.text, turn.replies.language, limit=1)
        if not hits or hits[0].score < MIN_SCORE or hits[0].similarity < MIN_SIMILARITY:
            return Plan((), Outcome.NOT_UNDERSTOOD, detail={"intent": u.intent})
        hit = hits[0]
        link = checked_link(self.knowledge, turn.replies.language, hit.article.slug)
        fields = {"passage": quote(hit.passage), "title": hit.article.title}
        reply = (
            turn.replies.say("knowledge_answer", avoid=turn.previous_reply, link=link, **fields)
            if link
            else turn.replies.say("knowledge_answer_unlinked", avoid=turn.previous_reply, **fields)
        )
        return Plan((reply,), Outcome.ANSWERED, detail={"article": hit.article.id})


def quote(passage: str) -> str:
    if len(passage) <= MAX_QUOTE:
        return passage
    cut = passage[:MAX_QUOTE]
    end = cut.rfind(". ")
    return cut[: end + 1] if end > 0 else cut.rsplit(" ", 1)[0] + "..."
