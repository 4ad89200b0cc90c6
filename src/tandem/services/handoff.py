"""Handing a conversation to a person (or a ticket), and what the AI says while it waits.

Used under the conversation's lock by the turn (phase 2, or after a failed shop action) and
by the crash path; the card is built from what the turn already loaded and recorded.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from tandem.answering.replies import replies
from tandem.commerce.model import Customer, Order
from tandem.desk.hours import ticket_deadline
from tandem.desk.queue import expected_wait_minutes
from tandem.domain.conversation import Actor, State
from tandem.domain.decision import Action, Decision, Priority, Reason
from tandem.domain.turns import Attempt, TurnMemory, turn_facts
from tandem.services.cards import handoff_card
from tandem.services.runtime import Runtime
from tandem.services.thinking import Thought, look, surroundings
from tandem.storage.conversations import ConversationUnit, MessageRecord, now
from tandem.understanding.result import Understanding


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
    state: State = State.AI
    again: bool = False  # the message's turn had run before: nothing new was decided


@dataclass(frozen=True, slots=True)
class Known:
    """What the card may state about the customer and their orders: loaded by the turn."""

    customer: Customer | None
    orders: dict[str, Order]


def hand_over(
    runtime: Runtime, unit: ConversationUnit, decision: Decision, known: Known, wait: int | None
) -> AiTurn:
    """ai → queued (or a ticket when the decision says so), with its reason, rule and card."""
    if decision.action is Action.TICKET:
        return _open_ticket(runtime, unit, decision, known)
    notice = _moved(unit, decision, known, _handoff_text(unit, decision, wait))
    return AiTurn([notice], _handoff(decision, wait), unit.conversation.state)


def _handoff_text(unit: ConversationUnit, decision: Decision, wait: int | None) -> str:
    text = replies(unit.conversation.language)
    wait_text = (
        text.say("handoff_wait_known", minutes=wait) if wait else text.say("handoff_wait_unknown")
    )
    reason_text = text.phrase("reason_text", decision.reason.value)
    return text.say("handoff", reason_text=reason_text, wait_text=wait_text.text).text


def _moved(unit: ConversationUnit, decision: Decision, known: Known, notice: str) -> MessageRecord:
    card = handoff_card(unit, decision, known.customer, known.orders)
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
    runtime: Runtime, unit: ConversationUnit, decision: Decision, known: Known
) -> AiTurn:
    """Nobody can take over now: queue it as a ticket with an honest promise."""
    settings = runtime.settings
    promised = ticket_deadline(now(), settings.ticket_answer_hours)
    customer = known.customer
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
    message = _moved(unit, decision, known, notice.text)
    return AiTurn([message], _handoff(decision, None, promised), unit.conversation.state)


def while_queued(runtime: Runtime, unit: ConversationUnit, thought: Thought) -> AiTurn:
    """Waiting for a person: the AI notes an email address left for a ticket, and tells a
    customer who asks for a person again where they stand; otherwise it stays quiet."""
    record = unit.conversation
    understanding = thought.understanding
    text = replies(record.language)
    emails = understanding.slots.emails
    if record.ticket_promised_by is not None and emails:
        unit.set(contact_email=emails[0])
        said = unit.say(Actor.AI, text.say("ticket_email_noted", email=emails[0]).text)
        return AiTurn([said], None, record.state)
    if not (thought.request_human or understanding.intent == "talk_to_person"):
        return AiTurn([], None, record.state)
    if record.ticket_promised_by is not None:
        promised = text.moment(record.ticket_promised_by.astimezone(runtime.settings.zone))
        reminder = text.say("queued_ticket", promised=promised)
    else:
        snapshot = thought.snapshot
        minutes = expected_wait_minutes(snapshot.waiting, snapshot.agents_online) or 0
        reminder = text.say("queued_wait", minutes=minutes) if minutes else text.say("queued")
    return AiTurn([unit.say(Actor.AI, reminder.text)], None, record.state)


def _handoff(decision: Decision, wait: int | None, promised: dt.datetime | None = None) -> Handoff:
    return Handoff(decision.reason.value, decision.rule, decision.priority.value, wait, promised)


def hand_over_after_crash(runtime: Runtime, unit: ConversationUnit) -> AiTurn:
    """The AI failed unexpectedly: a person takes over (reason system_error), or, when
    nobody can, a ticket.

    The active policy decides as for a failed action, so its rules for when nobody is
    available apply here too; a policy that would let the AI carry on is overruled. The card
    states only what was recorded (no shop is asked: it may be why the turn failed).
    """
    if unit.conversation.state is not State.AI:
        return AiTurn([], None, unit.conversation.state)
    snapshot = look(runtime, unit.connection, unit.conversation.id)
    nothing = Understanding("", unit.conversation.language, "oos", 0.0, "oos", 0.0, True, 0.0)
    around = surroundings(
        runtime, snapshot.record, None, None,
        asked_for_human=False, online=snapshot.agents_online, queued=snapshot.waiting,
    )  # fmt: skip
    facts = turn_facts(TurnMemory(), nothing, around, Attempt("", action_failed=True))
    decision = snapshot.policy.decide(facts)
    if decision.action is Action.TICKET:
        decision = dataclasses.replace(decision, cause=Reason.SYSTEM_ERROR)
    else:  # the policy's team and version kept
        decision = dataclasses.replace(
            decision,
            action=Action.HANDOFF,
            reason=Reason.SYSTEM_ERROR,
            rule="system_error",
            priority=Priority.HIGH,
            cause=None,
        )
    wait = around.expected_wait_minutes or None
    return hand_over(runtime, unit, decision, Known(None, {}), wait)
