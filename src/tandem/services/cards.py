"""Build the handoff card when the AI hands over, from recorded facts only.

What the AI tried, and which orders the conversation is about, come from the conversation's
``decided``, ``performed`` and ``order_noted`` events; the customer and the orders' details
from what the turn already loaded from the shop (no shop call under the lock). An order never
recorded is never on the card. When a waiting customer names one of their orders, it is noted
and the card is built again (:func:`note_order`); every message they write while the card is
shown updates its mood and language (:func:`follow_customer`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select

from tandem.commerce.model import CommerceErrorCode, Customer, Order
from tandem.desk.card import AiStep, CardMessage, build_card, frustration_of
from tandem.domain.conversation import Actor, EventKind
from tandem.domain.decided import Decided, Noted, Performed
from tandem.domain.decision import Action, Decision, Outcome, Priority, Reason
from tandem.storage.conversations import ConversationUnit, EventRecord, events_of
from tandem.storage.tables import messages

_ERRORS = {code.value: code for code in CommerceErrorCode}


def steps_of(events: list[EventRecord]) -> list[AiStep]:
    """What the AI tried, in order: each answer it gave, and each shop action's result."""
    steps: list[AiStep] = []
    for event in events:
        if event.kind is EventKind.DECIDED:
            decided = Decided.from_detail(event.detail)
            if decided.outcome is None or decided.shop_action is not None:
                continue  # no answer, or an action whose result is recorded when performed
            error = _ERRORS.get(decided.error or "")
            outcome = Outcome(decided.outcome)
            steps.append(
                AiStep(
                    decided.intent, outcome, decided.order_id, error, decided.topic, decided.said
                )
            )
        elif event.kind is EventKind.PERFORMED:
            done = Performed.from_detail(event.detail)
            outcome = Outcome.RESOLVED if done.ok else Outcome.ACTION_FAILED
            error = _ERRORS.get(done.error or "")
            steps.append(AiStep(done.kind, outcome, done.order_id, error, done.topic))
    return steps


def recorded_orders(events: list[EventRecord]) -> list[str]:
    """The order ids the decisions and actions were about, and the customer's own orders their
    messages named ("TD-1002 and 1004"), first seen first."""
    ids: list[str | None] = []
    for event in events:
        if event.kind is EventKind.DECIDED:
            decided = Decided.from_detail(event.detail)
            ids += [decided.order_id, *decided.named]
        elif event.kind is EventKind.PERFORMED:
            ids.append(Performed.from_detail(event.detail).order_id)
        elif event.kind is EventKind.ORDER_NOTED:
            ids.append(Noted.from_detail(event.detail).order_id)
    return list(dict.fromkeys(i for i in ids if i))


def _messages(unit: ConversationUnit, events: list[EventRecord]) -> list[CardMessage]:
    rows = unit.connection.execute(
        select(messages)
        .where(messages.c.conversation_id == unit.conversation.id)
        .order_by(messages.c.offset)
    ).all()
    about: dict[int, tuple[str, ...]] = {}
    for event in events:
        if event.kind is EventKind.DECIDED:
            decided = Decided.from_detail(event.detail)
            named = decided.named or ((decided.order_id,) if decided.order_id else ())
            if named:
                about.setdefault(decided.message, named)
        elif event.kind is EventKind.ORDER_NOTED:
            noted = Noted.from_detail(event.detail)
            about[noted.message] = (*about.get(noted.message, ()), noted.order_id)
    return [
        CardMessage(
            Actor(row.author),
            row.text,
            row.intent,
            row.confidence,
            row.frustration,
            about.get(row.offset, ()),
        )
        for row in rows
    ]


def handoff_card(
    unit: ConversationUnit,
    decision: Decision,
    customer: Customer | None,
    loaded: dict[str, Order],
) -> dict[str, Any]:
    """The card for a hand-over on `decision` (the LLM's summary is added after the commit)."""
    events = events_of(unit.connection, unit.conversation.id)
    mine = {k: o for k, o in loaded.items() if customer and o.customer_id == customer.id}
    own = [mine[order_id] for order_id in recorded_orders(events) if order_id in mine]
    card = build_card(
        unit.conversation.language,
        _messages(unit, events),
        decision,
        steps_of(events),
        customer,
        own,
    )
    return card.to_json()


def note_order(
    unit: ConversationUnit,
    message: int,
    named: Sequence[str],
    customer: Customer | None,
    loaded: dict[str, Order],
) -> None:
    """A waiting customer named orders in `message`: note those that are their own (read by
    the turn) and build the card again, so it names the order the request was about."""
    record = unit.conversation
    if customer is None or record.card is None:
        return
    events = events_of(unit.connection, record.id)
    known = set(recorded_orders(events))
    new = [
        order_id
        for order_id in dict.fromkeys(named)
        if order_id in loaded and loaded[order_id].customer_id == customer.id
        and order_id not in known
    ]
    if not new:
        return
    for order_id in new:
        detail = Noted(message, order_id).to_detail()
        unit.record_event(EventKind.ORDER_NOTED, Actor.CUSTOMER, detail=detail)
    card = handoff_card(unit, _handed_off(unit, events), customer, loaded)
    unit.set(card=card, summary=card["summary"])


def follow_customer(unit: ConversationUnit) -> None:
    """The customer wrote while the card is shown (waiting, or with a person): its mood and the
    customer's language follow what they write now, not what they wrote before the hand-over."""
    record = unit.conversation
    if record.card is None:
        return
    frustration = frustration_of(_messages(unit, []))
    card = dict(record.card)
    card["frustration"] = None if frustration is None else frustration.to_json()
    customer = card.get("customer")
    if isinstance(customer, dict):
        card["customer"] = customer | {"language": record.language}
    if card != record.card:
        unit.set(card=card)


def _handed_off(unit: ConversationUnit, events: list[EventRecord]) -> Decision:
    """The decision the conversation was handed over on, as recorded."""
    record = unit.conversation
    cause = next(
        (e.detail.get("cause") for e in reversed(events) if e.kind is EventKind.HANDED_OFF), None
    )
    reason = Reason(record.handoff_reason or Reason.ROUTINE.value)
    return Decision(
        Action.TICKET if record.ticket_promised_by is not None else Action.HANDOFF,
        reason,
        record.handoff_rule or "",
        Priority(record.handoff_priority or Priority.NORMAL.value),
        cause=Reason(cause) if cause else None,
    )


def transcript(connection: Connection, conversation_id: str) -> list[tuple[str, str]]:
    rows = connection.execute(
        select(messages.c.author, messages.c.text)
        .where(messages.c.conversation_id == conversation_id)
        .order_by(messages.c.offset)
    ).all()
    return [(row.author, row.text) for row in rows]
