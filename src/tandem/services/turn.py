"""One AI turn: understand the message, decide by the policy, answer, hand over or open a ticket."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from dataclasses import dataclass

from sqlalchemy import func, select

from tandem.answering.assistant import Answer, AssistantTurn
from tandem.answering.flows.base import Outcome
from tandem.answering.replies import Reply, replies
from tandem.commerce.model import Customer, Order
from tandem.desk.hours import ticket_deadline
from tandem.desk.queue import expected_wait_minutes
from tandem.domain.conversation import Actor, State
from tandem.domain.decision import Action, Decision, Priority, Reason
from tandem.domain.turns import (
    Attempt,
    Surroundings,
    Turn,
    TurnMemory,
    TurnOutcome,
    decide_turn,
    turn_facts,
)
from tandem.security.verification import VerificationGuard, VerificationLimits
from tandem.services.agents import agents_online
from tandem.services.cards import handoff_card, remember_step
from tandem.services.runtime import Runtime
from tandem.storage.conversations import ConversationUnit, MessageRecord, now
from tandem.storage.tables import conversations, messages
from tandem.storage.verification import FailureRecords
from tandem.types import ClientAddress, CustomerId, Language, OrderId
from tandem.understanding.result import Context, Understanding

#: Outcomes whose replies the optional LLM may reword (never questions, refusals or errors).
REWORDABLE = frozenset({Outcome.ANSWERED, Outcome.RESOLVED})


@dataclass(frozen=True, slots=True)
class Handoff:
    reason: str
    rule: str
    priority: str
    expected_wait_minutes: int | None
    ticket_promised_by: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class AiTurn:
    replies: list[MessageRecord]
    handoff: Handoff | None


def run_ai_turn(
    runtime: Runtime,
    unit: ConversationUnit,
    message: MessageRecord,
    request_human: bool = False,
    client: ClientAddress | None = None,
) -> AiTurn:
    record = unit.conversation
    customer = runtime.shop.customer(CustomerId(record.customer_id)) if record.customer_id else None
    context = _context(unit, _known_products(runtime, unit, customer))
    understanding = runtime.understander.understand(message.text, context)
    unit.note_understanding(message, understanding)
    if understanding.language != record.language:
        unit.set(language=understanding.language)
    if record.state is State.QUEUED:
        return _while_queued(runtime, unit, understanding, request_human)
    if record.state is not State.AI:
        return AiTurn([], None)  # a person owns it: the AI stays silent
    around = _surroundings(runtime, unit, customer, understanding, request_human)
    memory = (
        TurnMemory.from_json(record.memory["turn"]) if "turn" in record.memory else TurnMemory()
    )
    answers: list[Answer] = []
    limits = VerificationLimits.of(runtime.settings)
    guard = VerificationGuard(FailureRecords(unit.connection), limits, client)  # per order, address

    def attempt() -> Attempt:
        started = time.perf_counter()
        turn = AssistantTurn(
            understanding, understanding.language, customer, record.memory, dt.date.today(), guard
        )
        answers.append(_warmer(runtime, understanding.language, runtime.assistant.respond(turn)))
        return _attempt_of(answers[0], time.perf_counter() - started)

    policy = runtime.policies.current(unit.connection)
    turn = decide_turn(policy, memory, understanding, around, attempt)
    answer = answers[0] if answers else None
    kept = dict(answer.memory if answer else record.memory) | {"turn": turn.memory.to_json()}
    if answer is not None:
        kept = remember_step(kept, understanding.intent, answer.outcome, answer.detail)
    unit.set(memory=kept, policy_version=turn.decision.policy_version)
    if answer is not None and answer.customer is not None:
        unit.set(customer_id=answer.customer.id)
        customer = answer.customer
    return _apply(runtime, unit, turn, understanding, answer, around, customer)


def _warmer(runtime: Runtime, language: Language, answer: Answer) -> Answer:
    """The optional LLM may reword a grounded answer; its wording is used only when it invents
    nothing (every number, id, date and link checked), else the template stands."""
    if answer.outcome not in REWORDABLE:
        return answer
    facts = list(answer.detail.values())
    reworded = tuple(
        Reply(reply.key, runtime.writer.rephrase(language, reply.text, facts) or reply.text)
        for reply in answer.replies
    )
    return dataclasses.replace(answer, replies=reworded)


def _attempt_of(answer: Answer, seconds: float) -> Attempt:
    key = "|".join(reply.key for reply in answer.replies) + "|" + answer.detail.get("order_id", "")
    return Attempt(
        key,
        action_failed=answer.outcome is Outcome.ACTION_FAILED,
        answer_ms=round(seconds * 1000),
        understood=answer.outcome is not Outcome.NOT_UNDERSTOOD,
        shop_rule_refused=answer.outcome is Outcome.BUSINESS_RULE,
        asks=answer.outcome is Outcome.ASKED,
    )


def _known_products(
    runtime: Runtime, unit: ConversationUnit, customer: Customer | None
) -> tuple[tuple[str, str], ...]:
    """The customer's own products, to recognise "the socks" while a flow asks which item."""
    if customer is None or unit.conversation.memory.get("flow") is None:
        return ()
    lines = (line for order in runtime.shop.orders_of(customer.id) for line in order.lines)
    return tuple(dict.fromkeys((line.product_id, line.product_name) for line in lines))


def _context(unit: ConversationUnit, known_products: tuple[tuple[str, str], ...]) -> Context:
    rows = unit.connection.execute(
        select(messages.c.text, messages.c.frustration)
        .where(
            messages.c.conversation_id == unit.conversation.id,
            messages.c.author == Actor.CUSTOMER.value,
            messages.c.intent.is_not(None),
        )
        .order_by(messages.c.offset.desc())
        .limit(5)
    ).all()
    return Context(
        language=unit.conversation.language,
        previous_customer_texts=tuple(row.text for row in reversed(rows)),
        previous_frustration=tuple(row.frustration or 0.0 for row in reversed(rows)),
        today=dt.date.today(),
        known_products=known_products,
    )


def _surroundings(
    runtime: Runtime,
    unit: ConversationUnit,
    customer: Customer | None,
    understanding: Understanding,
    request_human: bool,
) -> Surroundings:
    online = agents_online(unit.connection)
    waiting = unit.connection.execute(
        select(func.count()).where(conversations.c.state == State.QUEUED.value)
    ).scalar_one()
    order = _order_in_question(runtime, unit, customer, understanding)
    settings = runtime.settings
    return Surroundings(
        state=unit.conversation.state,
        agents_online=online,
        expected_wait_minutes=expected_wait_minutes(int(waiting), online) or 0,
        office_hours=settings.hours.open_at(now().astimezone(settings.zone)),
        asked_for_human=request_human,
        awaiting_details=unit.conversation.memory.get("flow") is not None,
        customer_tier=customer.tier if customer else None,
        order_amount=float(order.total) if order else 0.0,
        order_status=order.status.value if order else "none",
        answer_budget_ms=settings.answer_budget_ms,
    )


def _order_in_question(
    runtime: Runtime, unit: ConversationUnit, customer: Customer | None, u: Understanding
) -> Order | None:
    """The identified customer's order named now or in the open flow; never someone else's."""
    flow = unit.conversation.memory.get("flow") or {}
    named = u.slots.order_ids[0] if u.slots.order_ids else flow.get("data", {}).get("order_id")
    if customer is None or not named:
        return None
    order = runtime.shop.order(OrderId(named))
    return order if order is not None and order.customer_id == customer.id else None


def _apply(
    runtime: Runtime,
    unit: ConversationUnit,
    turn: Turn,
    understanding: Understanding,
    answer: Answer | None,
    around: Surroundings,
    customer: Customer | None,
) -> AiTurn:
    decision = turn.decision
    text = replies(understanding.language)
    sent: list[MessageRecord] = []
    if answer is not None and answer.outcome is not Outcome.NOT_UNDERSTOOD:
        sent += [unit.say(Actor.AI, reply.text) for reply in answer.replies]
    if decision.action is Action.CLARIFY:
        sent.append(unit.say(Actor.AI, text.say("clarify").text))
    elif turn.memory.last_outcome is TurnOutcome.OFFERED:
        sent.append(unit.say(Actor.AI, text.say("offer_human").text))
    elif decision.action is Action.HANDOFF:
        wait = around.expected_wait_minutes or None
        sent.append(_hand_over(runtime, unit, decision, _handoff_text(unit, decision, wait)))
        return AiTurn(sent, _handoff(decision, wait))
    elif decision.action is Action.TICKET:
        return _open_ticket(runtime, unit, decision, customer, sent)
    return AiTurn(sent, None)


def _handoff_text(unit: ConversationUnit, decision: Decision, wait: int | None) -> str:
    text = replies(unit.conversation.language)
    wait_text = (
        text.say("handoff_wait_known", minutes=wait) if wait else text.say("handoff_wait_unknown")
    )
    reason_text = text.phrase("reason_text", decision.reason.value)
    return text.say("handoff", reason_text=reason_text, wait_text=wait_text.text).text


def _hand_over(
    runtime: Runtime, unit: ConversationUnit, decision: Decision, notice: str
) -> MessageRecord:
    """ai → queued through the state machine, with the decision's reason, rule and card."""
    card = handoff_card(runtime, unit, decision)
    detail = {"priority": decision.priority.value, "team": decision.team}
    if decision.cause is not None:
        detail["cause"] = decision.cause.value
    unit.move(State.QUEUED, Actor.AI, decision.reason.value, rule=decision.rule, detail=detail)
    unit.set(
        handoff_reason=decision.reason.value,
        handoff_rule=decision.rule,
        handoff_priority=decision.priority.value,
        handoff_team=decision.team,
        card=card,
        summary=card["summary"],
    )
    return unit.say(Actor.AI, notice)


def _open_ticket(
    runtime: Runtime,
    unit: ConversationUnit,
    decision: Decision,
    customer: Customer | None,
    sent: list[MessageRecord],
) -> AiTurn:
    """Nobody can take over now: queue it as a ticket with an honest promise."""
    settings = runtime.settings
    promised = ticket_deadline(now(), settings.ticket_answer_hours)
    email = unit.conversation.contact_email or (customer.email if customer else None)
    unit.set(ticket_promised_by=promised, contact_email=email)
    text = replies(unit.conversation.language)
    notice = text.say(
        "ticket",
        reason_text=text.phrase("reason_text", decision.reason.value),
        promised=text.moment(promised.astimezone(settings.zone)),
        email_part=text.say("ticket_email_known", email=email).text
        if email
        else text.say("ticket_email_ask").text,
    )
    sent.append(_hand_over(runtime, unit, decision, notice.text))
    return AiTurn(sent, _handoff(decision, None, promised))


def _while_queued(
    runtime: Runtime, unit: ConversationUnit, understanding: Understanding, request_human: bool
) -> AiTurn:
    """Waiting for a person: the AI notes an email address left for a ticket, and tells a
    customer who asks for a person again where they stand; otherwise it stays quiet."""
    record = unit.conversation
    text = replies(record.language)
    emails = understanding.slots.emails
    if record.ticket_promised_by is not None and emails:
        unit.set(contact_email=emails[0])
        return AiTurn(
            [unit.say(Actor.AI, text.say("ticket_email_noted", email=emails[0]).text)], None
        )
    if not (request_human or understanding.intent == "talk_to_person"):
        return AiTurn([], None)
    if record.ticket_promised_by is not None:
        promised = text.moment(record.ticket_promised_by.astimezone(runtime.settings.zone))
        reminder = text.say("queued_ticket", promised=promised)
    else:
        around = _surroundings(runtime, unit, None, understanding, request_human)
        wait = around.expected_wait_minutes
        reminder = text.say("queued_wait", minutes=wait) if wait else text.say("queued")
    return AiTurn([unit.say(Actor.AI, reminder.text)], None)


def _handoff(decision: Decision, wait: int | None, promised: dt.datetime | None = None) -> Handoff:
    return Handoff(decision.reason.value, decision.rule, decision.priority.value, wait, promised)


def hand_over_after_crash(runtime: Runtime, unit: ConversationUnit) -> AiTurn:
    """The AI failed unexpectedly: a person takes over (reason system_error), or, when
    nobody can, a ticket.

    The active policy decides as for a failed action, so its rules for when nobody is
    available apply here too; a policy that would let the AI carry on is overruled.
    """
    if unit.conversation.state is not State.AI:
        return AiTurn([], None)
    nothing = Understanding("", unit.conversation.language, "oos", 0.0, "oos", 0.0, True, 0.0)
    around = _surroundings(runtime, unit, None, nothing, request_human=False)
    failed = Attempt("", action_failed=True)
    facts = turn_facts(TurnMemory(), nothing, around, failed)
    decision = runtime.policies.current(unit.connection).decide(facts)
    if decision.action is Action.TICKET:
        ticket = dataclasses.replace(decision, cause=Reason.SYSTEM_ERROR)
        return _open_ticket(runtime, unit, ticket, None, [])
    decision = dataclasses.replace(
        decision,
        action=Action.HANDOFF,
        reason=Reason.SYSTEM_ERROR,
        rule="system_error",
        priority=Priority.HIGH,
        cause=None,
    )
    wait = around.expected_wait_minutes or None
    notice = _hand_over(runtime, unit, decision, _handoff_text(unit, decision, wait))
    return AiTurn([notice], _handoff(decision, wait))
