"""Questions the help centre answers (delivery, warranty, opening hours, invoices, and general
questions about returns, refunds, cancelling and paying): the passage that answers best,
briefly, with a checked link to its article. No identification: nothing here is about the
customer's own order."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tandem.answering.flows.base import FlowTurn, Outcome, Plan
from tandem.answering.knowledge.retrieval import KnowledgeBase, KnowledgeHit
from tandem.answering.links import checked_link
from tandem.understanding.topics import topic_of

#: Below these a hit does not answer the question (fused rank score, cosine similarity).
MIN_SCORE = 0.75
MIN_SIMILARITY = 0.2
#: An article about the message's topic (the intent model is sure of the topic) needs less:
#: a passage that covers several cases in one paragraph reads less like the short question.
MIN_ON_TOPIC_SIMILARITY = 0.05
#: Questions for the help centre: its topics, and general questions about policies.
HELP_CENTRE_INTENTS = (
    "delivery_time", "warranty", "opening_hours", "invoice",
    "return_policy", "refund_policy", "cancellation_policy", "payment_options",
)  # fmt: skip
#: Hits considered: the best one whose article is about the message's topic answers.
CANDIDATES = 3
#: Longest quote; a longer passage is cut at the last sentence that fits.
MAX_QUOTE = 360


@dataclass(frozen=True, slots=True)
class KnowledgeFlow:
    knowledge: KnowledgeBase
    name: str = "knowledge"
    intents: frozenset[str] = field(default=frozenset(HELP_CENTRE_INTENTS))
    needs_customer: bool = False

    def step(self, turn: FlowTurn) -> Plan:
        u = turn.understanding
        hits = self.knowledge.search(u.question, turn.replies.language, CANDIDATES)
        hit = best_hit(hits, u.intent)
        if hit is None:
            return Plan((), Outcome.NOT_UNDERSTOOD, detail={"intent": u.intent})
        link = checked_link(self.knowledge, turn.replies.language, hit.article.slug)
        # Another question ("and how much does it cost?") that the passage just quoted answers:
        # the part of it that does, said as such; the same question again is the same answer.
        again = not u.repeated and quote(hit.passage) in turn.previous_reply
        passage = focus(hit.passage, u.text) if again else quote(hit.passage)
        fields = {"passage": passage, "title": hit.article.title}
        key = "knowledge_again" if again else "knowledge_answer"
        reply = (
            turn.replies.say(key, avoid=turn.previous_reply, link=link, **fields)
            if link
            else turn.replies.say("knowledge_answer_unlinked", avoid=turn.previous_reply, **fields)
        )
        # Which passage: two questions answered from one article are two different answers.
        number = hit.article.passages.index(hit.passage) + 1
        detail = {"article": f"{hit.article.id}#{number}"} | ({"follow_up": "yes"} if again else {})
        return Plan((reply,), Outcome.ANSWERED, detail=detail)


def best_hit(hits: list[KnowledgeHit], intent: str) -> KnowledgeHit | None:
    """The best hit whose article declares the intent's topic ("how much does sending a return
    back cost" is about returns, though the refunds article mentions money back), else the best
    hit; either only when it answers well enough."""
    topic = topic_of(intent)
    on_topic = [hit for hit in hits if topic in hit.article.topics]
    if on_topic and on_topic[0].similarity >= MIN_ON_TOPIC_SIMILARITY:
        return on_topic[0]
    if hits and hits[0].similarity >= MIN_SIMILARITY and hits[0].score >= MIN_SCORE:
        return hits[0]
    return None


#: A question about money, and the sentences of a passage that give amounts.
_MONEY_QUESTION = re.compile(
    r"\b(cost\w*|price\w*|how\s+much|fee\w*|charge\w*|free|kost\w*|prijs\w*|hoeveel|gratis|"
    r"betal\w*)\b",
    re.IGNORECASE,
)
_AMOUNT = re.compile(
    r"[€£$]\s?\d|\d+[.,]\d{2}|\b(costs?|free|fees?|extra|kost|kosten|gratis)\b", re.IGNORECASE
)


def focus(passage: str, question: str) -> str:
    """The sentences of `passage` that answer a follow-up about money (those with amounts or
    costs), else the quoted passage."""
    if _MONEY_QUESTION.search(question):
        sentences = re.split(r"(?<=[.!?])\s+", passage)
        priced = [sentence for sentence in sentences if _AMOUNT.search(sentence)]
        if priced:
            return quote(" ".join(priced))
    return quote(passage)


def quote(passage: str) -> str:
    if len(passage) <= MAX_QUOTE:
        return passage
    cut = passage[:MAX_QUOTE]
    end = cut.rfind(". ")
    return cut[: end + 1] if end > 0 else cut.rsplit(" ", 1)[0] + "..."
