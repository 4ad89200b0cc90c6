"""What every action flow shares: the explicit yes before a change, and how a flow ends.

A flow asks with `ask_confirmation`; on the next turns `confirmation` reads the answer: yes
proposes the action (the turn performs it once the policy agrees), no ends the flow politely,
and a confirmation that never comes (two unrelated answers) is let go so the assistant can
treat the message as a new question.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from enum import StrEnum
from typing import TypeVar

from tandem.answering.flows.base import FlowTurn, Outcome, Plan, pick_order
from tandem.commerce.model import CommerceError, Order
from tandem.domain.flow_records import OrderRecord

#: Unrelated answers to a pending confirmation before the flow lets it go.
STRAYS_BEFORE_LETTING_GO = 2
#: Intents with which a customer pushes back on an answer they did not want.
PUSHBACK = frozenset({"deny", "reject_answer"})

R = TypeVar("R", bound=OrderRecord)


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    OTHER = "other"


def answer_of(turn: FlowTurn) -> Answer:
    intent = turn.understanding.intent
    if intent == "affirm":
        return Answer.YES
    if intent == "deny":
        return Answer.NO
    return Answer.OTHER


def open_order(
    turn: FlowTurn,
    kind: type[R],
    own_intents: frozenset[str],
    statuses: frozenset[str],
    blocked: Callable[[FlowTurn, Order], Plan | None],
) -> tuple[Order, R] | Plan:
    """The opening every order action shares: react to a refused request, start afresh when
    another order is named, let a plain "no" end it, pick the order (among `statuses`) and
    check what the shop allows. The order and the flow's record, or the plan to say instead."""
    record = turn.state(kind)
    reaction = after_refusal(turn, record, own_intents)
    if reaction is not None:
        return reaction
    record = fresh_record(turn, record)
    if backs_out(turn, record):
        return declined(turn)
    picked = pick_order(turn.with_record(record), statuses)
    if isinstance(picked, Plan):
        return picked
    refusal = blocked(turn, picked)
    if refusal is not None:
        return refusal
    return picked, dataclasses.replace(record, order_id=picked.id)


def backs_out(turn: FlowTurn, record: OrderRecord) -> bool:
    """A plain "no" before a change was proposed ends the flow; "no, I mean TD-2002" is a
    correction that names another order, so the flow carries on with that one."""
    named = turn.understanding.slots.order_ids
    return answer_of(turn) is Answer.NO and not record.confirm and not named


def ask_confirmation(turn: FlowTurn, key: str, record: OrderRecord, **fields: object) -> Plan:
    """State the exact change and ask for a yes; the flow keeps `record` until the answer.

    The change is the plan's detail, so asking about other items is another question, and
    asking about the same change again (`record` already asked) is marked as such: the first
    time it is reworded, a second time is the same answer twice (the policy hands over)."""
    again = record.confirm  # asked before: in other words
    say = turn.replies.rephrase if again else turn.replies.say
    reply = say(key, avoid=turn.previous_reply, **fields)
    detail = {name: str(value) for name, value in fields.items()}
    if again:
        detail["asked"] = "again"
    kept = dataclasses.replace(record, confirm=True, strays=0, interrupted=False)
    return Plan((reply,), Outcome.ASKED, kept, detail)


def confirmation(
    turn: FlowTurn, record: OrderRecord, perform: Callable[[], Plan], ask_again: Callable[[], Plan]
) -> Plan:
    """The plan for an answer to a pending confirmation: yes proposes the action, unless a
    message the AI did not understand came in between (then it asks again)."""
    answer = answer_of(turn)
    if answer is Answer.YES and not record.interrupted:
        return perform()
    if answer is Answer.NO:
        return declined(turn)
    strays = record.strays + 1
    if strays >= STRAYS_BEFORE_LETTING_GO:
        return Plan((turn.replies.say("confirm_let_go"),), Outcome.DECLINED)
    plan = ask_again()
    kept = plan.record
    if isinstance(kept, OrderRecord):
        kept = dataclasses.replace(kept, strays=strays)
    return dataclasses.replace(plan, record=kept)


def declined(turn: FlowTurn) -> Plan:
    return Plan((turn.replies.say("declined", avoid=turn.previous_reply),), Outcome.DECLINED)


def action_failed(turn: FlowTurn, order_id: str, error: CommerceError) -> Plan:
    """The shop refused or failed: say so honestly; the handoff policy brings in a person."""
    return Plan(
        (turn.replies.say("action_failed", order_id=order_id),),
        Outcome.ACTION_FAILED,
        detail={"order_id": order_id, "error": error.code.value},
    )


def business_rule(turn: FlowTurn, key: str, order_id: str, rule: str, **fields: str) -> Plan:
    """A shop rule forbids what the customer needs: explain briefly, a person takes over."""
    return Plan(
        (turn.replies.say(key, order_id=order_id, **fields),),
        Outcome.BUSINESS_RULE,
        detail={"order_id": order_id, "rule": rule},
    )


def refused(
    turn: FlowTurn, kind: type[OrderRecord], key: str, order_id: str, rule: str, **fields: str
) -> Plan:
    """Explain why the flow cannot do it and what is possible; pushing back reaches a person."""
    reply = turn.replies.say(key, order_id=order_id, **fields)
    return Plan(
        (reply,),
        Outcome.ANSWERED,
        kind(order_id=order_id, refused=rule),
        detail={"order_id": order_id, "rule": rule},
    )


def after_refusal(turn: FlowTurn, record: OrderRecord, own_intents: frozenset[str]) -> Plan | None:
    """The customer's reaction to `refused`: insisting becomes a business-rule handoff."""
    if not record.refused:
        return None
    named = turn.understanding.slots.order_ids
    if named and named[0] != record.order_id:
        return None  # another order: the flow starts afresh with it
    order_id, rule = str(record.order_id), record.refused
    intent = turn.understanding.intent
    if intent in PUSHBACK or intent in own_intents:
        return business_rule(turn, "rule_insist", order_id, rule)
    if intent in ("affirm", "thanks"):
        reply = turn.replies.say("anything_else", avoid=turn.previous_reply)
        return Plan((reply,), Outcome.ANSWERED)
    return Plan((), Outcome.NOT_UNDERSTOOD)


def fresh_record(turn: FlowTurn, record: R) -> R:
    """The flow's record, forgotten when the customer names another order than the one in it."""
    named = turn.understanding.slots.order_ids
    if named and record.order_id and named[0] != record.order_id:
        return type(record)()
    return record
