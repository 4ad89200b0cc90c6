"""The handoff card: everything an agent needs to take over without the customer repeating.

Built once, at handoff, from plain inputs (pure: no I/O). Language: the summary is in the
conversation's language, like the messages it summarises; the card's own lines (what the AI
tried, the suggested next step) are in English, the language of the console.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from statistics import fmean

from tandem.answering.flows.base import order_items
from tandem.commerce.model import Customer, Order
from tandem.desk.next_step import next_step
from tandem.desk.steps import AiStep
from tandem.desk.summary import Request, extractive_summary
from tandem.domain.conversation import Actor
from tandem.domain.decision import Decision, Outcome, Priority, Reason
from tandem.domain.turns import TREND_WINDOW
from tandem.types import Language

__all__ = ["AiStep", "CardMessage", "HandoffCard", "build_card"]

TREND_STEP = 0.15  # a change in frustration smaller than this is "steady"


@dataclass(frozen=True, slots=True)
class CardMessage:
    author: Actor
    text: str
    intent: str | None = None  # customer messages: what understanding found
    confidence: float | None = None
    frustration: float | None = None
    order_ids: tuple[str, ...] = ()  # order ids named in the message


class Trend(StrEnum):
    RISING = "rising"
    STEADY = "steady"
    FALLING = "falling"


@dataclass(frozen=True, slots=True)
class Frustration:
    last: float
    trend: Trend
    series: tuple[float, ...]  # per customer message, oldest first


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
            "frustration": None
            if frustration is None
            else {
                "last": frustration.last,
                "trend": frustration.trend.value,
                "series": list(frustration.series),
            },
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
    return HandoffCard(
        summary=llm_summary or extractive_summary(language, _requests(messages, orders)),
        reason=decision.reason,
        rule=decision.rule,
        priority=decision.priority,
        customer=_customer(customer),
        orders=tuple(_order(order) for order in orders),
        tried=_tried(steps),
        frustration=_frustration(messages),
        next_step=next_step(decision, steps, orders, identified=customer is not None),
    )


def _requests(messages: Sequence[CardMessage], orders: Sequence[Order]) -> list[Request]:
    only = orders[0].id if len(orders) == 1 else None
    return [
        Request(m.text, m.intent, m.confidence, m.order_ids[0] if m.order_ids else only)
        for m in messages
        if m.author is Actor.CUSTOMER
    ]


def _customer(customer: Customer | None) -> CardCustomer | None:
    if customer is None:
        return None
    return CardCustomer(customer.name, customer.email, customer.tier, customer.language)


def _order(order: Order) -> CardOrder:
    tracking = None
    if order.tracking_number:
        tracking = " ".join(part for part in (order.carrier, order.tracking_number) if part)
    payments = ", ".join(
        f"{p.status.value} {order.currency} {p.amount:.2f} ({p.method})" for p in order.payments
    )
    return CardOrder(
        id=order.id,
        status=order.status.value,
        total=f"{order.currency} {order.total:.2f}",
        items=order_items(order),
        tracking=tracking,
        payments=payments,
    )


def _tried(steps: Sequence[AiStep]) -> tuple[str, ...]:
    lines: list[str] = []
    rephrases = sum(1 for step in steps if step.outcome is Outcome.NOT_UNDERSTOOD)
    for step in steps:
        line = _tried_line(step)
        if line and (not lines or lines[-1] != line):
            lines.append(line)
    if rephrases:
        lines.append(
            "Asked to rephrase once" if rephrases == 1 else f"Asked to rephrase {rephrases} times"
        )
    return tuple(lines)


def _tried_line(step: AiStep) -> str | None:
    subject = step.subject
    error = f": {step.error.value}" if step.error else ""
    lines = {
        Outcome.ANSWERED: f"Answered {subject}",
        Outcome.ASKED: f"Asked for details ({subject})",
        Outcome.RESOLVED: f"Completed {subject}",
        Outcome.DECLINED: f"The customer called off the {subject}",
        Outcome.ACTION_FAILED: f"{subject[0].upper()}{subject[1:]} failed{error}",
        Outcome.BUSINESS_RULE: f"{subject[0].upper()}{subject[1:]} refused by a shop rule{error}",
    }
    return lines.get(step.outcome)


def _frustration(messages: Sequence[CardMessage]) -> Frustration | None:
    series = tuple(
        round(m.frustration, 2)
        for m in messages
        if m.author is Actor.CUSTOMER and m.frustration is not None
    )
    if not series:
        return None
    *before, last = series
    change = last - fmean(before[-TREND_WINDOW:]) if before else 0.0
    trend = Trend.STEADY
    if change >= TREND_STEP:
        trend = Trend.RISING
    elif change <= -TREND_STEP:
        trend = Trend.FALLING
    return Frustration(last, trend, series)
