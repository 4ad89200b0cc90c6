"""The handoff card: everything an agent needs to take over without the customer repeating.

Built at handoff from plain inputs (pure: no I/O), and again when the customer names one of
their orders while waiting. Every fact on it comes from what the conversation recorded: an
order the AI never had in question is never on it, and a request whose order is not known says
so. Language: the summary and the orders' items are in the conversation's language, like the
messages, and the customer's language on it is the conversation's (the one they write in, not
their shop profile's); the card's own lines (what the AI tried, the suggested next step) are in
English, the language of the console. The mood is the customer's latest message that says
something: a short reply ("yes", "ja graag", an order number) carries no mood of its own, so it
never calms an angry customer down on the card, nor makes a calm one look tense.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from statistics import fmean

from tandem.answering.flows.base import order_items
from tandem.answering.replies import replies
from tandem.commerce.model import Customer, Order
from tandem.desk.next_step import next_step
from tandem.desk.steps import AiStep
from tandem.desk.summary import Request, extractive_summary
from tandem.desk.tried import tried_lines
from tandem.domain.conversation import Actor
from tandem.domain.decision import Decision, Priority, Reason
from tandem.domain.turns import TREND_WINDOW
from tandem.types import Language

__all__ = ["AiStep", "CardMessage", "HandoffCard", "Mood", "build_card", "frustration_of"]

TREND_STEP = 0.15  # a change in frustration smaller than this is "steady"
#: Messages that only answer the AI ("yes", "no thanks", "hi"): no mood of their own.
REPLIES = frozenset({"affirm", "deny", "greeting", "thanks", "goodbye"})
#: Intents of a message that only gives details (an order number, "yes"): it answers the
#: request before it rather than making one.
DETAILS = frozenset({"oos", "affirm", "deny", "greeting", "thanks"})


@dataclass(frozen=True, slots=True)
class CardMessage:
    author: Actor
    text: str
    intent: str | None = None  # customer messages: what understanding found
    confidence: float | None = None
    frustration: float | None = None
    order_ids: tuple[str, ...] = ()  # order ids named in the message


class Mood(StrEnum):
    """How the customer sounds, as the console words it (calm, getting frustrated, ...)."""

    CALM = "calm"
    TENSE = "tense"
    FRUSTRATED = "frustrated"
    ANGRY = "angry"

    @classmethod
    def of(cls, score: float) -> Mood:
        """The mood of a frustration score, 0..1."""
        for floor, mood in ((0.8, cls.ANGRY), (0.6, cls.FRUSTRATED), (0.3, cls.TENSE)):
            if score >= floor:
                return mood
        return cls.CALM


class Trend(StrEnum):
    RISING = "rising"
    STEADY = "steady"
    FALLING = "falling"


@dataclass(frozen=True, slots=True)
class Frustration:
    last: float  # of the latest message that says something (see REPLIES)
    trend: Trend
    series: tuple[float, ...]  # per customer message, oldest first
    mood: Mood

    def to_json(self) -> dict[str, object]:
        return {
            "last": self.last,
            "trend": self.trend.value,
            "series": list(self.series),
            "mood": self.mood.value,
        }


@dataclass(frozen=True, slots=True)
class CardCustomer:
    name: str
    email: str
    tier: str
    language: Language


@dataclass(frozen=True, slots=True)
class CardOrder:
    id: str
    status: str
    total: str
    items: str
    tracking: str | None
    payments: str


@dataclass(frozen=True, slots=True)
class HandoffCard:
    summary: str
    reason: Reason
    rule: str
    priority: Priority
    customer: CardCustomer | None  # None: the customer is not identified
    orders: tuple[CardOrder, ...]
    tried: tuple[str, ...]
    frustration: Frustration | None  # None: no customer message scored yet
    next_step: str

    def to_json(self) -> dict[str, object]:
        """The JSON the console renders, and that is stored with the conversation."""
        customer = self.customer
        frustration = self.frustration
        return {
            "summary": self.summary,
            "reason": self.reason.value,
            "rule": self.rule,
            "priority": self.priority.value,
            "customer": None
            if customer is None
            else {k: getattr(customer, k) for k in ("name", "email", "tier", "language")},
            "orders": [
                {
                    k: getattr(o, k)
                    for k in ("id", "status", "total", "items", "tracking", "payments")
                }
                for o in self.orders
            ],
            "tried": list(self.tried),
            "frustration": None if frustration is None else frustration.to_json(),
            "next_step": self.next_step,
        }


def build_card(
    language: Language,
    messages: Sequence[CardMessage],
    decision: Decision,
    steps: Sequence[AiStep] = (),
    customer: Customer | None = None,
    orders: Sequence[Order] = (),
    llm_summary: str | None = None,
) -> HandoffCard:
    """The card for a conversation handed over on `decision`.

    `llm_summary` (from :meth:`tandem.answering.llm.Writer.summarise`) replaces the extractive
    summary when given.
    """
    requests = _requests(messages, orders)
    return HandoffCard(
        summary=llm_summary or extractive_summary(language, requests),
        reason=decision.reason,
        rule=decision.rule,
        priority=decision.priority,
        customer=_customer(customer, language),
        orders=tuple(_order(language, order) for order in orders),
        tried=tried_lines(steps),
        frustration=frustration_of(messages),
        next_step=next_step(
            decision, steps, _subject(decision, requests, orders), identified=customer is not None
        ),
    )


def _requests(messages: Sequence[CardMessage], orders: Sequence[Order]) -> list[Request]:
    """Each customer message with the order it is about: the one recorded for it, or else the
    one the customer gave in the replies that followed it (before their next request). Never
    a guess: a request whose order was not recorded stays without one."""
    said = [m for m in messages if m.author is Actor.CUSTOMER]
    about = [_one(m, orders) for m in said]
    answered: set[int] = set()  # details that answered a request: summarised with it
    for index, message in enumerate(said):
        if about[index] is not None or message.intent in DETAILS:
            continue
        for later, reply in enumerate(said[index + 1 :], start=index + 1):
            if reply.intent not in DETAILS:
                break
            if about[later] is not None:
                about[index] = about[later]
                answered.add(later)
                break
    return [
        Request(m.text, m.intent, m.confidence, about[index])
        for index, m in enumerate(said)
        if index not in answered
    ]


def _one(message: CardMessage, orders: Sequence[Order]) -> str | None:
    """The order a message is about, when it named one (or several, one of which fits)."""
    if len(message.order_ids) <= 1:
        return message.order_ids[0] if message.order_ids else None
    if message.intent == "double_charge":  # the shop's payments tell which one it is
        charged = [o.id for o in orders if o.id in message.order_ids and o.double_charged]
        return charged[0] if len(charged) == 1 else None
    return None


def _subject(
    decision: Decision, requests: Sequence[Request], orders: Sequence[Order]
) -> Order | None:
    """The order the hand-over is about: that of the latest request for its reason (a double
    charge...), else of the latest request at all. None: not known."""
    wanted = (decision.cause or decision.reason).value
    topical = [r for r in requests if r.intent not in DETAILS]
    matching = [r for r in topical if r.intent == wanted] or topical
    order_id = matching[-1].order_id if matching else None
    return next((order for order in orders if order.id == order_id), None)


def _customer(customer: Customer | None, language: Language) -> CardCustomer | None:
    """The customer, with the language the conversation is in (their profile's may differ)."""
    if customer is None:
        return None
    return CardCustomer(customer.name, customer.email, customer.tier, language)


def _order(language: Language, order: Order) -> CardOrder:
    tracking = None
    if order.tracking_number:
        tracking = " ".join(part for part in (order.carrier, order.tracking_number) if part)
    text = replies(language)
    payments = ", ".join(
        f"{p.status.value} {order.currency} {p.amount:.2f} via "
        + text.phrase("payment_method", p.method, p.method)
        for p in order.payments
    )
    return CardOrder(
        id=order.id,
        status=replies(language).phrase("order_status", order.status.value),
        total=f"{order.currency} {order.total:.2f}",
        items=order_items(text, order.in_language(language)),
        tracking=tracking,
        payments=payments,
    )


def frustration_of(messages: Sequence[CardMessage]) -> Frustration | None:
    """The customer's mood over their messages: each scored message, where a reply (REPLIES)
    or details alone (an order number, a postcode: understanding scores them 0.0) keep the mood
    before it unless the reply sounds worse itself ("NO!!")."""
    said = [m for m in messages if m.author is Actor.CUSTOMER and m.frustration is not None]
    if not said:
        return None
    series = tuple(round(m.frustration or 0.0, 2) for m in said)
    felt: list[float] = []  # the mood after each message
    for message, score in zip(said, series, strict=True):
        reply = bool(felt) and (message.intent in REPLIES or message.frustration == 0.0)
        felt.append(max(felt[-1], score) if reply else score)
    *before, last = felt
    change = last - fmean(before[-TREND_WINDOW:]) if before else 0.0
    trend = Trend.STEADY
    if change >= TREND_STEP:
        trend = Trend.RISING
    elif change <= -TREND_STEP:
        trend = Trend.FALLING
    return Frustration(last, trend, series, Mood.of(last))
