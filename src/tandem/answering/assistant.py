"""The AI assistant: identifies the customer, lets the flow the customer needs propose a plan,
or says so. It changes nothing: the turn performs a plan's shop action, then asks the flow to
word the result (:meth:`Assistant.performed`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from tandem.answering.flows.base import Flow, FlowTurn, Outcome, Performs, Plan, SelectsItems
from tandem.answering.flows.confirm import action_failed
from tandem.answering.flows.items import picks_items
from tandem.answering.replies import Reply, replies
from tandem.commerce.actions import Done, ShopAction
from tandem.commerce.identity import verify
from tandem.commerce.model import CommerceError, Customer, ShopReader
from tandem.commerce.reading import LocalizedShop
from tandem.domain.flow_records import FlowRecord, Partial
from tandem.domain.memory import ConversationMemory, OpenFlow
from tandem.languages import locale
from tandem.security.verification import Checked
from tandem.types import SUPPORTED_LANGUAGES, Language, OrderId
from tandem.understanding.result import Understanding

SMALL_TALK = {"greeting": "greeting_reply", "thanks": "thanks_reply", "goodbye": "goodbye_reply"}
#: "Yes" or "no" when no flow asked anything: what can I help with, never an action.
NOTHING_ASKED = {"affirm": "nothing_asked", "deny": "nothing_asked_no"}
#: Below this confidence a message does not interrupt an open flow with a new request.
SWITCH_CONFIDENCE = 0.6
KNOWLEDGE = "knowledge"  # the flow that answers from the help centre, also as a fallback
#: General questions that, naming an order, are about that order: the flow that answers them.
ABOUT_AN_ORDER = {"delivery_time": "order_status", "refund_policy": "refund_status"}
#: Intents that are replies within a conversation, never questions for the help centre.
NO_LOOKUP = frozenset({"affirm", "deny", "reject_answer", "talk_to_person", "complaint"})


class Verifies(Protocol):
    """Runs one verification attempt under the brute-force limits (security/verification.py)."""

    def attempt(
        self, order_id: str, check: Callable[[], Customer | None]
    ) -> Checked[Customer]: ...


@dataclass(frozen=True, slots=True)
class AssistantTurn:
    understanding: Understanding
    language: Language
    customer: Customer | None
    memory: ConversationMemory
    today: dt.date
    verification: Verifies  # counts failed verifications across conversations
    shop: ShopReader | None = None  # the turn's reader (loads each thing once); default: own


@dataclass(frozen=True, slots=True)
class Answer:
    """What the assistant proposes for one message; nothing is performed yet."""

    replies: tuple[Reply, ...]
    outcome: Outcome
    flow: OpenFlow | None  # the flow left open for the next message
    customer: Customer | None = None  # identified in this turn
    detail: dict[str, str] = field(default_factory=dict)
    action: ShopAction | None = None  # the shop change to perform once the policy agrees
    flow_name: str | None = None  # the flow that answered
    record: FlowRecord | None = None  # that flow's record as the message found it

    @property
    def last_words(self) -> str | None:
        return self.replies[-1].text if self.replies else None


class Assistant:
    def __init__(self, shop: ShopReader, flows: Sequence[Flow]) -> None:
        self.shop = shop
        self.flows = {flow.name: flow for flow in flows}

    def greeting(self, language: Language, customer: Customer | None) -> Reply:
        return replies(language).say("greeting", name_part=_name_part(customer))

    def respond(self, turn: AssistantTurn) -> Answer:
        u = turn.understanding
        if u.foreign_language:  # we cannot read it: say which languages we speak, and the way
            spoken = ", ".join(locale(code).name for code in SUPPORTED_LANGUAGES)
            reply = replies(turn.language).say("foreign_language", languages=spoken)
            return Answer((reply,), Outcome.ANSWERED, turn.memory.flow)
        active = turn.memory.flow
        starting = self._flow_for(u)
        known = active is not None and active.name in self.flows
        if (
            active is not None
            and known
            and (starting is None or _stays(active, u, starting) or self._picks(turn, active))
        ):
            return self._run(turn, self.flows[active.name], active)
        if starting is not None:
            return self._run(turn, starting, None)
        if u.intent in NOTHING_ASKED and not u.out_of_scope:  # "yes" to no question
            reply = replies(turn.language).say(
                NOTHING_ASKED[u.intent], avoid=turn.memory.last_reply
            )
            return Answer((reply,), Outcome.ANSWERED, None)
        if u.intent in SMALL_TALK and not u.out_of_scope:
            reply = replies(turn.language).say(
                SMALL_TALK[u.intent],
                avoid=turn.memory.last_reply,
                name_part=_name_part(turn.customer),
            )
            return Answer((reply,), Outcome.SMALL_TALK, None)
        if not u.out_of_scope and u.intent not in NO_LOOKUP and KNOWLEDGE in self.flows:
            return self._run(turn, self.flows[KNOWLEDGE], None)  # the help centre may know
        return Answer((), Outcome.NOT_UNDERSTOOD, None)

    def performed(
        self,
        turn: AssistantTurn,
        flow_name: str,
        record: FlowRecord | None,
        action: ShopAction,
        done: Done | CommerceError,
    ) -> Answer:
        """The words for a performed action (or its failure), from the flow that proposed it
        (`record`: its state when it did)."""
        flow = self.flows[flow_name]
        flow_turn = self._flow_turn(turn, turn.customer, record)
        if isinstance(done, CommerceError) or not isinstance(flow, Performs):
            error = done if isinstance(done, CommerceError) else CommerceError("no wording")
            plan = action_failed(flow_turn, action.order_id, error)
        else:
            plan = flow.performed(flow_turn, action, done)
        return Answer(plan.replies, plan.outcome, None, None, plan.detail, None, flow.name)

    def read_in_flow(self, turn: AssistantTurn) -> Understanding:
        """A message that picks items of the open flow's order ("2 sokken dan") is that flow's
        request, whatever else it reads like (a number of socks is no double charge): so the
        policy decides on it as such."""
        u, active = turn.understanding, turn.memory.flow
        if active is None or active.name not in self.flows or u.intent in ("affirm", "deny"):
            return u
        if not self._picks(turn, active):
            return u
        intent = min(self.flows[active.name].intents)
        return dataclasses.replace(u, intent=intent, confidence=max(u.confidence, 0.9))

    def _picks(self, turn: AssistantTurn, active: OpenFlow) -> bool:
        """Does the message pick items of the open flow's order ("alleen de hoodie")? Then it
        continues that flow, even if it reads like another request (an exchange)."""
        flow, record, customer = self.flows[active.name], active.record, turn.customer
        if not isinstance(flow, SelectsItems) or not flow.selects_items:
            return False
        if record is None or record.order_id is None or customer is None:
            return False
        order = (turn.shop or self.shop).order(OrderId(record.order_id))
        own = order is not None and order.customer_id == customer.id
        return own and order is not None and picks_items(turn.understanding.text, order)

    def _flow_for(self, u: Understanding) -> Flow | None:
        if u.out_of_scope:
            return None
        about_order = ABOUT_AN_ORDER.get(u.intent) if u.slots.order_ids else None
        if about_order in self.flows:  # "wanneer wordt TD-1003 verzonden?": that order's status
            return self.flows[str(about_order)]
        return next((f for f in self.flows.values() if u.intent in f.intents), None)

    def _flow_turn(
        self, turn: AssistantTurn, customer: Customer | None, record: FlowRecord | None
    ) -> FlowTurn:
        return FlowTurn(
            turn.understanding,
            customer,
            record,
            LocalizedShop(turn.shop or self.shop, turn.language),
            replies(turn.language),
            turn.today,
            turn.memory.last_reply,
        )

    def _run(self, turn: AssistantTurn, flow: Flow, active: OpenFlow | None) -> Answer:
        customer = turn.customer
        record = active.record if active else None
        start = record
        if flow.needs_customer and customer is None:
            found = self._identify(turn, flow, active.identity if active else None)
            if isinstance(found, Answer):
                return found
            customer, proven = found
            # the order proven with is the one asked about ("where is TD-1001?", then "1012
            # AB"), unless this message names another
            start = record or FlowRecord(order_id=proven)
        plan = flow.step(self._flow_turn(turn, customer, start))
        hello: tuple[Reply, ...] = ()
        if customer is not turn.customer and customer is not None:
            hello = (replies(turn.language).say("identify_ok", name=customer.name.split()[0]),)
        return _answer(turn, flow, plan, hello, customer, record)

    def _identify(
        self, turn: AssistantTurn, flow: Flow, identity: Partial | None
    ) -> tuple[Customer, OrderId] | Answer:
        """The customer proven (with the order number proven with), or what to ask."""
        slots = turn.understanding.slots
        partial = (identity or Partial()).with_slots(slots, asked=identity is not None)
        say = replies(turn.language).say
        if partial.order_id and partial.proof:
            order_id, proof, shop = OrderId(partial.order_id), partial.proof, turn.shop or self.shop
            checked = turn.verification.attempt(order_id, lambda: verify(shop, order_id, proof))
            if checked.found is not None:
                return checked.found, order_id
            if checked.locked_for is not None:  # the same words whether the answer was right
                minutes = max(1, math.ceil(checked.locked_for.total_seconds() / 60))
                reply = say("identify_locked", minutes=minutes)
            else:
                reply = say("identify_failed")
            partial = Partial()
        elif partial.order_id:
            reply = say("identify_ask_second", avoid=turn.memory.last_reply)
        elif partial.proof:
            reply = say("identify_ask_order")
        else:
            reply = say("identify_ask", avoid=turn.memory.last_reply)
        waiting = OpenFlow(flow.name, None, partial)
        return Answer((reply,), Outcome.ASKED, waiting, flow_name=flow.name)


def _answer(
    turn: AssistantTurn,
    flow: Flow,
    plan: Plan,
    hello: tuple[Reply, ...],
    customer: Customer | None,
    record: FlowRecord | None,
) -> Answer:
    kept = None if plan.record is None else OpenFlow(flow.name, plan.record)
    new_customer = customer if customer is not turn.customer else None
    return Answer(
        (*hello, *plan.replies),
        plan.outcome,
        kept,
        new_customer,
        plan.detail,
        plan.action,
        flow.name,
        record,
    )


def _stays(active: OpenFlow, u: Understanding, starting: Flow) -> bool:
    """Does this message belong to the open flow rather than start `starting`?

    Yes when it asks for the same thing again (keep what was collected), when the new request
    is unsure, or when the flow is waiting for identity and the message only brings it (an
    order number with a postcode reads like "where is my order").
    """
    if starting.name == active.name or u.confidence < SWITCH_CONFIDENCE:
        return True
    slots = u.slots
    identifying = active.identity is not None
    given = slots.order_ids or slots.postcodes or slots.emails or slots.order_or_postcode
    return identifying and bool(given)


def _name_part(customer: Customer | None) -> str:
    return f" {customer.name.split()[0]}" if customer else ""
