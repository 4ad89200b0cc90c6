"""Phase 1 of a turn, without the conversation's lock: look at the conversation as it stands,
understand the message, load the customer and the order in question once, let the flow propose
its plan and the optional LLM word it. Nothing is written and nothing in the shop changes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, bindparam, select

from tandem.answering.assistant import Answer, AssistantTurn, Verifies
from tandem.answering.replies import Reply, replies
from tandem.commerce.identity import verify
from tandem.commerce.model import Customer, Order
from tandem.commerce.reading import TurnShop
from tandem.desk.queue import expected_wait_minutes
from tandem.domain.conversation import Actor, State
from tandem.domain.decision import Action, Outcome
from tandem.domain.errors import NotFound
from tandem.domain.flow_records import Partial
from tandem.domain.policy.engine import Engine as PolicyEngine
from tandem.domain.rollout import Gate, Modes
from tandem.domain.turns import Attempt, Surroundings, decide_turn, turn_facts
from tandem.security.verification import Checked, VerificationGuard, VerificationLimits
from tandem.services import rollout
from tandem.services.agents import agents_online
from tandem.services.runtime import Runtime
from tandem.services.waiting import live_queue
from tandem.storage import briefly
from tandem.storage.conversations import (
    ConversationRecord,
    MessageRecord,
    find_conversation,
    now,
)
from tandem.storage.db import transaction
from tandem.storage.tables import messages
from tandem.storage.verification import FailureRecords
from tandem.types import ClientAddress, CustomerId, Language, OrderId
from tandem.understanding.result import Context, Understanding
from tandem.understanding.topics import topic_of

#: Outcomes whose replies the optional LLM may reword (never questions, refusals or errors).
REWORDABLE = frozenset({Outcome.ANSWERED, Outcome.RESOLVED})


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The conversation as the turn found it; phase 2 checks that it still stands."""

    record: ConversationRecord
    earlier_texts: tuple[str, ...]
    earlier_frustration: tuple[float, ...]
    policy: PolicyEngine
    agents_online: int
    waiting: int  # conversations queued for a person now (tickets not counted)
    rollout: Modes  # every topic's roll-out mode, read for this turn

    @property
    def version(self) -> tuple[int, int, State]:
        record = self.record
        return (record.message_count, record.event_count, record.state)

    def decided(self, message: MessageRecord) -> bool:
        """The AI decided on exactly this message before: a retry or a recovery."""
        return self.record.memory.decided == message.offset

    def decided_later(self, message: MessageRecord) -> bool:
        """The AI decided on a later message: this one may still be unanswered (two tabs
        posting at once), or been answered before that one (see ``is_handled``)."""
        return self.record.memory.decided > message.offset


@dataclass(frozen=True, slots=True)
class Thought:
    """Everything phase 1 prepared for one message."""

    snapshot: Snapshot
    message: MessageRecord
    understanding: Understanding
    customer: Customer | None  # known before the message, or identified by it
    shop: TurnShop
    turn: AssistantTurn
    answer: Answer | None  # None: the policy will not let the AI answer
    attempt: Attempt | None
    order: Order | None  # the order in question, chosen once
    request_human: bool
    #: The orders the conversation recorded were read, for a hand-over's card (_load_recorded).
    recorded: bool = False

    def around(self, runtime: Runtime, online: int, queued: int) -> Surroundings:
        return surroundings(
            runtime, self.snapshot.record, self.customer, self.order,
            asked_for_human=self.request_human, online=online, queued=queued,
            language=self.understanding.language,
        )  # fmt: skip

    @property
    def topic(self) -> str:
        return topic_for(self.understanding.intent, self.answer, self.snapshot.record)

    @property
    def gate(self) -> Gate:
        """What the AI may do on this turn's topic for this customer (the one place it is
        decided; docs/rollout.md)."""
        record = self.snapshot.record
        return self.snapshot.rollout.gate(self.topic, pilot_subject(record))


def pilot_subject(record: ConversationRecord) -> str:
    """Whom a pilot assigns: the signed-in customer (the same group in every conversation),
    else the conversation (a guest who proves who they are later does not change group)."""
    if record.customer_email:
        return f"customer:{record.customer_email.lower()}"
    return f"conversation:{record.id}"


#: The customer's last understood messages (built once: every turn reads them).
_EARLIER = (
    select(messages.c.text, messages.c.frustration)
    .where(
        messages.c.conversation_id == bindparam("b_id"),
        messages.c.author == Actor.CUSTOMER.value,
        messages.c.intent.is_not(None),
    )
    .order_by(messages.c.offset.desc())
    .limit(5)
)


def look(
    runtime: Runtime,
    connection: Connection,
    conversation_id: str,
    record: ConversationRecord | None = None,
) -> Snapshot:
    """The conversation as it stands; `record`: its row, when the caller holds it current."""
    record = record or find_conversation(connection, conversation_id)
    if record is None:
        raise NotFound("no conversation with this id")
    rows = connection.execute(_EARLIER, {"b_id": conversation_id}).all()
    return Snapshot(
        record,
        tuple(row.text for row in reversed(rows)),
        tuple(row.frustration or 0.0 for row in reversed(rows)),
        briefly.read(connection, "policy", runtime.policies.current),
        briefly.read(connection, "agents_online", agents_online),
        briefly.read(connection, "waiting", waiting),
        briefly.read(connection, "rollout", rollout.current),
    )


def waiting(connection: Connection) -> int:
    """Live work ahead of a new hand-over (services/waiting.py): tickets not counted."""
    return live_queue(connection)


def think(
    runtime: Runtime,
    snapshot: Snapshot,
    message: MessageRecord,
    request_human: bool,
    verification: Verifies,
    recorded: bool = False,
) -> Thought:
    """Phase 1 for `message`. `recorded`: read the orders the conversation recorded whatever
    the plan (else only when the turn may hand over: _may_hand_over)."""
    record = snapshot.record
    shop = TurnShop(runtime.shop)
    customer = shop.customer(CustomerId(record.customer_id)) if record.customer_id else None
    understanding = runtime.understander.understand(
        message.text, _context(snapshot, shop, customer)
    )
    if understanding.foreign_language:  # a language we do not speak: answer in the shop's
        understanding = dataclasses.replace(
            understanding, language=runtime.settings.default_language
        )
    today = dt.date.today()
    turn = AssistantTurn(
        understanding, understanding.language, customer, record.memory, today, verification, shop
    )
    if record.state in (State.AI, State.QUEUED):  # items of the open flow's order: its request
        understanding = runtime.assistant.read_in_flow(turn)
        turn = dataclasses.replace(turn, understanding=understanding)
    thought = Thought(
        snapshot, message, understanding, customer, shop, turn, None, None, None, request_human
    )
    if record.state not in (State.AI, State.QUEUED):  # a person owns it: the AI is silent,
        return _shadow_draft(runtime, thought)  # but drafts for them in shadow mode
    named = _named_order(thought)
    thought = dataclasses.replace(thought, order=_own_order(shop, customer, named))
    if not _may_answer(runtime, thought):
        found = customer or _identified_on_the_way(thought, verification)
        if found is not customer:
            thought = dataclasses.replace(
                thought, customer=found, order=_own_order(shop, found, named)
            )
        _load_recorded(snapshot, shop, found)
        return dataclasses.replace(thought, recorded=True)
    started = time.perf_counter()
    answer = _warmer(runtime, understanding, runtime.assistant.respond(turn))
    attempt = _attempt_of(answer, time.perf_counter() - started, record.memory.last_reply)
    customer = answer.customer or customer
    order = _own_order(shop, customer, answer.detail.get("order_id") or named)
    thought = dataclasses.replace(
        thought, answer=answer, attempt=attempt, customer=customer, order=order
    )
    if recorded or _may_hand_over(runtime, thought):
        _load_recorded(snapshot, shop, customer)
        thought = dataclasses.replace(thought, recorded=True)
    return thought


def verifying(
    runtime: Runtime, client: ClientAddress | None, connection: Connection | None = None
) -> Verifies:
    """The brute-force guard for this turn's verification attempts (security/verification.py).
    Without a `connection` each attempt runs in its own short transaction: the turn thinks
    outside the conversation's lock, but an attempt must read the count, check and record the
    failure as one (the check then reads the shop inside it; only guests' attempts do)."""
    limits = VerificationLimits.of(runtime.settings)
    if connection is not None:
        return VerificationGuard(FailureRecords(connection), limits, client)
    return _GuardInTransaction(runtime.engine, limits, client)


@dataclass(frozen=True, slots=True)
class _GuardInTransaction:
    engine: Engine
    limits: VerificationLimits
    client: ClientAddress | None

    def attempt(self, order_id: str, check: Callable[[], Customer | None]) -> Checked[Customer]:
        with transaction(self.engine) as connection:
            guard = VerificationGuard(FailureRecords(connection), self.limits, self.client)
            return guard.attempt(order_id, check)


def surroundings(
    runtime: Runtime,
    record: ConversationRecord,
    customer: Customer | None,
    order: Order | None,
    *,
    asked_for_human: bool,
    online: int,
    queued: int,
    language: Language | None = None,
) -> Surroundings:
    """What the policy knows beyond the message: `online` agents, `queued` conversations;
    `language`: the one the AI answers in (the conversation's when not given)."""
    settings = runtime.settings
    return Surroundings(
        state=record.state,
        agents_online=online,
        expected_wait_minutes=expected_wait_minutes(queued, online) or 0,
        office_hours=settings.hours.open_at(now().astimezone(settings.zone)),
        asked_for_human=asked_for_human,
        awaiting_details=record.memory.awaiting_details,
        customer_tier=customer.tier if customer else None,
        order_amount=float(order.total) if order else 0.0,
        order_status=order.status.value if order else "none",
        answer_budget_ms=settings.answer_budget_ms,
        offer_asks=replies(language or record.language).asks("offer_human"),
    )


def topic_for(intent: str, answer: Answer | None, record: ConversationRecord) -> str:
    """The topic of a turn: the flow's, when one answered or is open; else the intent's."""
    flow = answer.flow_name if answer else None
    flow = flow or (record.memory.flow.name if record.memory.flow else None)
    if flow is not None and topic_of(intent) in ("conversation", "out_of_scope"):
        return FLOW_TOPICS.get(flow, topic_of(intent))
    return topic_of(intent)


#: The topic each built-in flow serves when the message itself is a "yes" or an order number.
FLOW_TOPICS = {
    "order_status": topic_of("where_is_my_order"),
    "cancel_order": topic_of("cancel_order"),
    "return_item": topic_of("return_item"),
    "refund_status": topic_of("refund_status"),
    "change_address": topic_of("change_address"),
    "change_payment": topic_of("change_payment_method"),
    "exchange_item": topic_of("exchange_item"),
}


def _context(snapshot: Snapshot, shop: TurnShop, customer: Customer | None) -> Context:
    known: tuple[tuple[str, str], ...] = ()
    if customer is not None and snapshot.record.memory.flow is not None:
        lines = [line for order in shop.orders_of(customer.id) for line in order.lines]
        names = [(line.product_id, line.product_name) for line in lines] + [
            (line.product_id, name.product) for line in lines for name in line.names
        ]  # the customer may name a product in any language the shop names it in
        known = tuple(dict.fromkeys(names))
    return Context(
        language=snapshot.record.language,
        previous_customer_texts=snapshot.earlier_texts,
        previous_frustration=snapshot.earlier_frustration,
        today=dt.date.today(),
        known_products=known,
    )


def _shadow_draft(runtime: Runtime, thought: Thought) -> Thought:
    """A person answers a conversation handed over in shadow mode: the AI still drafts its
    answer to each customer message for them (services/drafts.py), never sending it."""
    record = thought.snapshot.record
    if record.state is not State.HUMAN or not (record.card or {}).get("draft"):
        return thought
    answer = runtime.assistant.respond(thought.turn)
    customer = answer.customer or thought.customer
    order = _own_order(thought.shop, customer, answer.detail.get("order_id"))
    return dataclasses.replace(thought, answer=answer, customer=customer, order=order)


def _load_recorded(snapshot: Snapshot, shop: TurnShop, customer: Customer | None) -> None:
    """Read the orders the conversation recorded so far (one call), should the turn hand over:
    the card states them from these reads, never from a shop call under the lock."""
    loaded = shop.loaded()
    if customer is not None and any(i not in loaded for i in snapshot.record.memory.orders):
        shop.orders_of(customer.id)


def _may_hand_over(runtime: Runtime, thought: Thought) -> bool:
    """Can this turn end in a hand-over, whose card states the recorded orders? While waiting
    for a person, with a shop action (it may fail), on a topic the roll-out gives to people,
    or when the policy hands over on the plan. Phase 2 decides again on the same facts and
    thinks again when it hands over all the same (office hours that ended meanwhile)."""
    answer, snapshot = thought.answer, thought.snapshot
    if snapshot.record.state is not State.AI or answer is None or answer.action is not None:
        return True
    if thought.gate.reason is not None or thought.attempt is None:
        return True
    attempt = thought.attempt
    around = thought.around(runtime, snapshot.agents_online, snapshot.waiting)
    memory = snapshot.record.memory.turn
    turn = decide_turn(snapshot.policy, memory, thought.understanding, around, lambda: attempt)
    return turn.decision.action in (Action.HANDOFF, Action.TICKET)


def _identified_on_the_way(thought: Thought, verification: Verifies) -> Customer | None:
    """A guest whose message goes to a person but also holds an order number and its postcode
    or e-mail (a double charge reported in full) is verified first, under the same brute-force
    limits, so the card names the verified order; a failed check changes nothing (the person
    asks)."""
    partial = Partial().with_slots(thought.understanding.slots)
    if not (partial.order_id and partial.proof):
        return None
    order_id, proof = OrderId(partial.order_id), partial.proof
    return verification.attempt(order_id, lambda: verify(thought.shop, order_id, proof)).found


def _named_order(thought: Thought) -> str | None:
    slots = thought.understanding.slots
    flow = thought.snapshot.record.memory.flow
    kept = flow.record.order_id if flow is not None and flow.record is not None else None
    return slots.order_ids[0] if slots.order_ids else kept


def _own_order(shop: TurnShop, customer: Customer | None, order_id: str | None) -> Order | None:
    """The identified customer's order with this id; never someone else's."""
    if customer is None or not order_id:
        return None
    mine = {order.id: order for order in shop.orders_of(customer.id)}  # the flow reads them too
    return mine.get(OrderId(order_id))


def _may_answer(runtime: Runtime, thought: Thought) -> bool:
    """Will the policy let the AI answer at all (on what is known before it tries)?"""
    snapshot = thought.snapshot
    around = thought.around(runtime, snapshot.agents_online, snapshot.waiting)
    facts = turn_facts(snapshot.record.memory.turn, thought.understanding, around)
    return thought.snapshot.policy.decide(facts).action in (Action.ANSWER, Action.OFFER_HUMAN)


def _warmer(runtime: Runtime, understanding: Understanding, answer: Answer) -> Answer:
    """The optional LLM may reword a grounded answer; its wording is used only when it invents
    nothing (every number, id, date and link checked), else the template stands."""
    if answer.outcome not in REWORDABLE or not answer.replies:
        return answer
    return dataclasses.replace(answer, replies=reworded(runtime, understanding, answer))


def reworded(runtime: Runtime, understanding: Understanding, answer: Answer) -> tuple[Reply, ...]:
    facts = list(answer.detail.values())
    language = understanding.language
    return tuple(
        Reply(reply.key, runtime.writer.rephrase(language, reply.text, facts) or reply.text)
        for reply in answer.replies
    )


def _attempt_of(answer: Answer, seconds: float, last_reply: str | None) -> Attempt:
    # The same answer: the same templates about the same things (order, article, ...), so two
    # help-centre answers from different articles are two answers, not one repeated.
    about = ",".join(f"{name}={value}" for name, value in sorted(answer.detail.items()))
    key = "|".join(reply.key for reply in answer.replies) + "|" + about
    if answer.action is not None:
        key += "|" + answer.action.kind
    return Attempt(
        key,
        action_failed=answer.outcome is Outcome.ACTION_FAILED,
        answer_ms=round(seconds * 1000),
        understood=answer.outcome is not Outcome.NOT_UNDERSTOOD,
        shop_rule_refused=answer.outcome is Outcome.BUSINESS_RULE,
        asks=answer.outcome is Outcome.ASKED,
        repeats_question=answer.outcome is Outcome.ASKED and answer.last_words == last_reply,
    )
