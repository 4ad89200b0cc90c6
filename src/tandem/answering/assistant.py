"""The AI assistant: identifies the customer, runs the flow the customer needs, or says so."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tandem.answering.flows.base import Flow, FlowData, FlowTurn, Outcome, Step
from tandem.answering.identity import Partial
from tandem.answering.replies import Reply, replies
from tandem.commerce.identity import verify
from tandem.commerce.model import CommerceBackend, Customer
from tandem.security.verification import VerificationGuard
from tandem.types import Language, OrderId
from tandem.understanding.result import Understanding

SMALL_TALK = {"greeting": "greeting_reply", "thanks": "thanks_reply", "goodbye": "goodbye_reply"}
#: Below this confidence a message does not interrupt an open flow with a new request.
SWITCH_CONFIDENCE = 0.6
KNOWLEDGE = "knowledge"  # the flow that answers from the help centre, also as a fallback
#: Intents that are replies within a conversation, never questions for the help centre.
NO_LOOKUP = frozenset({"affirm", "deny", "reject_answer", "talk_to_person", "complaint"})


@dataclass(frozen=True, slots=True)
class AssistantTurn:
    understanding: Understanding
    language: Language
    customer: Customer | None
    memory: dict[str, Any]  # the assistant's part of the conversation memory
    today: dt.date
    verification: VerificationGuard  # counts failed verifications across conversations


@dataclass(frozen=True, slots=True)
class Answer:
    replies: tuple[Reply, ...]
    outcome: Outcome
    memory: dict[str, Any]  # to store for the next turn
    customer: Customer | None = None  # identified in this turn
    detail: dict[str, str] = field(default_factory=dict)


class Assistant:
    def __init__(self, shop: CommerceBackend, flows: Sequence[Flow]) -> None:
        self.shop = shop
        self.flows = {flow.name: flow for flow in flows}

    def greeting(self, language: Language, customer: Customer | None) -> Reply:
        return replies(language).say("greeting", name_part=_name_part(customer))

    def respond(self, turn: AssistantTurn) -> Answer:
        u = turn.understanding
        active = turn.memory.get("flow")
        starting = self._flow_for(u)
        if active is not None and (starting is None or _stays(active, u, starting)):
            return self._run(turn, self.flows[active["name"]], dict(active["data"]))
        if starting is not None:
            return self._run(turn, starting, {})
        if u.intent in SMALL_TALK and not u.out_of_scope:
            reply = replies(turn.language).say(
                SMALL_TALK[u.intent],
                avoid=turn.memory.get("last_reply", ""),
                name_part=_name_part(turn.customer),
            )
            return self._answer(turn, Step((reply,), Outcome.SMALL_TALK))
        if not u.out_of_scope and u.intent not in NO_LOOKUP and KNOWLEDGE in self.flows:
            return self._run(turn, self.flows[KNOWLEDGE], {})  # the help centre may know
        return self._answer(turn, Step((), Outcome.NOT_UNDERSTOOD))

    def _flow_for(self, u: Understanding) -> Flow | None:
        if u.out_of_scope:
            return None
        return next((f for f in self.flows.values() if u.intent in f.intents), None)

    def _run(self, turn: AssistantTurn, flow: Flow, data: FlowData) -> Answer:
        customer = turn.customer
        if flow.needs_customer and customer is None:
            found = self._identify(turn, flow, data)
            if isinstance(found, Answer):
                return found
            customer = found
        step = flow.step(
            FlowTurn(
                turn.understanding,
                customer,
                {k: v for k, v in data.items() if k != "identity"},
                self.shop,
                replies(turn.language),
                turn.today,
                turn.memory.get("last_reply", ""),
            )
        )
        if customer is not turn.customer and customer is not None:
            hello = replies(turn.language).say("identify_ok", name=customer.name.split()[0])
            step = Step((hello, *step.replies), step.outcome, step.data, step.detail)
        flow_state = None if step.data is None else {"name": flow.name, "data": step.data}
        return self._answer(turn, step, flow=flow_state, customer=customer)

    def _identify(self, turn: AssistantTurn, flow: Flow, data: FlowData) -> Customer | Answer:
        partial = Partial(**data.get("identity", {})).with_slots(turn.understanding.slots)
        say = replies(turn.language).say
        if partial.order_id and partial.proof:
            order_id, proof = OrderId(partial.order_id), partial.proof
            checked = turn.verification.attempt(
                order_id, lambda: verify(self.shop, order_id, proof)
            )
            if checked.found is not None:
                return checked.found
            if checked.locked_for is not None:  # the same words whether the answer was right
                minutes = max(1, math.ceil(checked.locked_for.total_seconds() / 60))
                reply = say("identify_locked", minutes=minutes)
            else:
                reply = say("identify_failed")
            partial = Partial()
        elif partial.order_id:
            reply = say("identify_ask_second", avoid=turn.memory.get("last_reply", ""))
        elif partial.proof:
            reply = say("identify_ask_order")
        else:
            reply = say("identify_ask", avoid=turn.memory.get("last_reply", ""))
        flow_state = {"name": flow.name, "data": {"identity": partial.as_data()}}
        return self._answer(turn, Step((reply,), Outcome.ASKED), flow=flow_state)

    @staticmethod
    def _answer(
        turn: AssistantTurn,
        step: Step,
        flow: dict[str, Any] | None = None,
        customer: Customer | None = None,
    ) -> Answer:
        memory = dict(turn.memory)
        memory["flow"] = flow
        if step.replies:
            memory["last_reply"] = step.replies[-1].text
        new_customer = customer if customer is not turn.customer else None
        return Answer(step.replies, step.outcome, memory, new_customer, step.detail)


def _stays(active: dict[str, Any], u: Understanding, starting: Flow) -> bool:
    """Does this message belong to the open flow rather than start `starting`?

    Yes when it asks for the same thing again (keep what was collected), when the new request
    is unsure, or when the flow is waiting for identity and the message only brings it (an
    order number with a postcode reads like "where is my order").
    """
    if starting.name == active["name"] or u.confidence < SWITCH_CONFIDENCE:
        return True
    identifying = "identity" in active["data"]
    slots = u.slots
    return identifying and bool(slots.order_ids or slots.postcodes or slots.emails)


def _name_part(customer: Customer | None) -> str:
    return f" {customer.name.split()[0]}" if customer else ""
