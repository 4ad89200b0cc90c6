"""What every action flow shares: the explicit yes before a change, and how a flow ends.

A flow asks with `ask_confirmation`; on the next turns `confirmation` reads the answer: yes runs
the action, no ends the flow politely, and a confirmation that never comes (two unrelated
answers) is let go so the assistant can treat the message as a new question.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from tandem.answering.flows.base import FlowData, FlowTurn, Outcome, Step, pick_order
from tandem.commerce.model import CommerceError, Order

#: Unrelated answers to a pending confirmation before the flow lets it go.
STRAYS_BEFORE_LETTING_GO = 2
#: Intents with which a customer pushes back on an answer they did not want.
PUSHBACK = frozenset({"deny", "reject_answer"})


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
    own_intents: frozenset[str],
    statuses: frozenset[str],
    blocked: Callable[[FlowTurn, Order], Step | None],
) -> tuple[Order, FlowData] | Step:
    """The opening every order action shares: react to a refused request, start afresh when
    another order is named, let a plain "no" end it, pick the order (among `statuses`) and
    check what the shop allows. The order and the flow's state, or the step to say instead."""
    reaction = after_refusal(turn, own_intents)
    if reaction is not None:
        return reaction
    data = fresh_data(turn)
    if backs_out(turn, data):
        return declined(turn)
    picked = pick_order(turn, statuses)
    if isinstance(picked, Step):
        return picked
    refusal = blocked(turn, picked)
    if refusal is not None:
        return refusal
    return picked, data | {"order_id": picked.id}


def backs_out(turn: FlowTurn, data: FlowData) -> bool:
    """A plain "no" before a change was proposed ends the flow; "no, I mean TD-2002" is a
    correction that names another order, so the flow carries on with that one."""
    named = turn.understanding.slots.order_ids
    return answer_of(turn) is Answer.NO and not data.get("confirm") and not named


def ask_confirmation(turn: FlowTurn, key: str, data: FlowData, **fields: object) -> Step:
    """State the exact change and ask for a yes; the flow keeps `data` until the answer."""
    reply = turn.replies.say(key, avoid=turn.previous_reply, **fields)
    return Step((reply,), Outcome.ASKED, data | {"confirm": True, "strays": 0})


def confirmation(
    turn: FlowTurn, perform: Callable[[], Step], ask_again: Callable[[], Step]
) -> Step:
    """The step for an answer to a pending confirmation."""
    answer = answer_of(turn)
    if answer is Answer.YES:
        return perform()
    if answer is Answer.NO:
        return declined(turn)
    strays = int(turn.data.get("strays", 0)) + 1
    if strays >= STRAYS_BEFORE_LETTING_GO:
        return Step((turn.replies.say("confirm_let_go"),), Outcome.DECLINED)
    step = ask_again()
    return Step(step.replies, step.outcome, (step.data or {}) | {"strays": strays}, step.detail)


def declined(turn: FlowTurn) -> Step:
    return Step((turn.replies.say("declined", avoid=turn.previous_reply),), Outcome.DECLINED)


def action_failed(turn: FlowTurn, order_id: str, error: CommerceError) -> Step:
    """The shop refused or failed: say so honestly; the handoff policy brings in a person."""
    return Step(
        (turn.replies.say("action_failed", order_id=order_id),),
        Outcome.ACTION_FAILED,
        detail={"order_id": order_id, "error": error.code.value},
    )


def business_rule(turn: FlowTurn, key: str, order_id: str, rule: str, **fields: str) -> Step:
    """A shop rule forbids what the customer needs: explain briefly, a person takes over."""
    return Step(
        (turn.replies.say(key, order_id=order_id, **fields),),
        Outcome.BUSINESS_RULE,
        detail={"order_id": order_id, "rule": rule},
    )


def refused(turn: FlowTurn, key: str, order_id: str, rule: str, **fields: str) -> Step:
    """Explain why the flow cannot do it and what is possible; pushing back reaches a person."""
    reply = turn.replies.say(key, order_id=order_id, **fields)
    return Step(
        (reply,),
        Outcome.ANSWERED,
        {"order_id": order_id, "refused": rule},
        detail={"order_id": order_id, "rule": rule},
    )


def after_refusal(turn: FlowTurn, own_intents: frozenset[str]) -> Step | None:
    """The customer's reaction to `refused`: insisting becomes a business-rule handoff."""
    if not turn.data.get("refused"):
        return None
    order_id, rule = str(turn.data["order_id"]), str(turn.data["refused"])
    intent = turn.understanding.intent
    if intent in PUSHBACK or intent in own_intents:
        return business_rule(turn, "rule_insist", order_id, rule)
    if intent in ("affirm", "thanks"):
        reply = turn.replies.say("anything_else", avoid=turn.previous_reply)
        return Step((reply,), Outcome.ANSWERED)
    return Step((), Outcome.NOT_UNDERSTOOD)


def fresh_data(turn: FlowTurn) -> FlowData:
    """The flow's state, forgotten when the customer names another order than the one in it."""
    named = turn.understanding.slots.order_ids
    current = turn.data.get("order_id")
    if named and current and named[0] != current:
        return {}
    return dict(turn.data)
