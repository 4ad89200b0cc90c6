"""Build the handoff card when the AI hands over, from what the conversation holds."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tandem.answering.flows.base import Outcome
from tandem.commerce.model import CommerceErrorCode, Customer, Order
from tandem.desk.card import AiStep, CardMessage, build_card
from tandem.domain.conversation import Actor
from tandem.domain.decision import Decision
from tandem.services.runtime import Runtime
from tandem.storage.conversations import ConversationUnit
from tandem.storage.tables import messages
from tandem.types import CustomerId, OrderId

MAX_STEPS = 20  # AI steps remembered for the card


def remember_step(
    memory: dict[str, Any], intent: str, outcome: Outcome, detail: dict[str, str]
) -> dict[str, Any]:
    """The memory with this AI step appended (the card's "what the AI tried")."""
    step = {"intent": intent, "outcome": outcome.value, **detail}
    return memory | {"steps": [*memory.get("steps", []), step][-MAX_STEPS:]}


def _steps(memory: dict[str, Any]) -> list[AiStep]:
    known_errors = {code.value for code in CommerceErrorCode}
    return [
        AiStep(
            step["intent"],
            Outcome(step["outcome"]),
            step.get("order_id"),
            CommerceErrorCode(step["error"]) if step.get("error") in known_errors else None,
        )
        for step in memory.get("steps", [])
    ]


def _messages(unit: ConversationUnit) -> list[CardMessage]:
    rows = unit.connection.execute(
        select(messages)
        .where(messages.c.conversation_id == unit.conversation.id)
        .order_by(messages.c.offset)
    ).all()
    return [
        CardMessage(Actor(row.author), row.text, row.intent, row.confidence, row.frustration)
        for row in rows
    ]


def _orders(runtime: Runtime, customer: Customer | None, steps: list[AiStep]) -> list[Order]:
    """The customer's orders the conversation was about; none for an unidentified customer."""
    if customer is None:
        return []
    named = list(dict.fromkeys(step.order_id for step in steps if step.order_id))
    found = [runtime.shop.order(OrderId(order_id)) for order_id in named]
    return [order for order in found if order is not None and order.customer_id == customer.id]


def handoff_card(runtime: Runtime, unit: ConversationUnit, decision: Decision) -> dict[str, Any]:
    record = unit.conversation
    customer_id = record.customer_id
    customer = runtime.shop.customer(CustomerId(customer_id)) if customer_id else None
    steps = _steps(record.memory)
    conversation = _messages(unit)
    transcript = [(m.author.value, m.text) for m in conversation]
    card = build_card(
        record.language,
        conversation,
        decision,
        steps,
        customer,
        _orders(runtime, customer, steps),
        llm_summary=runtime.writer.summarise(record.language, transcript),
    )
    return card.to_json()
