"""Handing a conversation to a person (or a ticket), and what the AI says while it waits.

Used under the conversation's lock by the turn (phase 2, or after a failed shop action) and
by the crash path; the card is built from what the turn already loaded and recorded.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from tandem.answering.replies import replies
from tandem.commerce.model import Customer, Order
from tandem.desk.hours import ticket_deadline
from tandem.domain.conversation import Actor, State
from tandem.domain.decision import Action, Decision, Priority, Reason
from tandem.domain.policy.facts import Facts
from tandem.domain.turns import Attempt, Turn, TurnMemory, turn_facts
from tandem.services.cards import handoff_card
from tandem.services.runtime import Runtime
from tandem.services.thinking import Thought, look, surroundings
from tandem.services.waiting import last_ai_text, reminder, standing
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
    #: The conversation's change counter (event count) as the turn's last write left it, with
    #: `state`; None when the turn does not know it (the caller reads it again).
    version: int | None = None


@dataclass(frozen=True, slots=True)
class Known:
    """What the card may state about the customer and their orders: loaded by the turn."""

    customer: Customer | None
    orders: dict[str, Order]


class TicketWhy(StrEnum):
    """Why a hand-over became a ticket, as the customer is told: read from the facts the
    policy decided on, so the message is true whichever unavailable rule fired."""

    OUT_OF_HOURS = "out_of_hours"
    NOBODY_ONLINE = "nobody_online"
    LONG_WAIT = "long_wait"


def ticket_why(facts: Facts) -> TicketWhy:
    if not facts.office_hours:
        return TicketWhy.OUT_OF_HOURS
    if facts.agents_online <= 0:
        return TicketWhy.NOBODY_ONLINE
    return TicketWhy.LONG_WAIT


def hand_over(
    runtime: Runtime, unit: ConversationUnit, decision: Decision, known: Known, facts: Facts
) -> AiTurn:
    """ai → queued (or a ticket when the decision says so), with its reason, rule and card."""
    if decision.action is Action.TICKET:
        return _open_ticket(runtime, unit, decision, known, facts)
    wait = facts.expected_wait_minutes or None
    notice = _moved(unit, decision, known, _handoff_text(unit, decision, wait))
    return AiTurn([notice], _handoff(decision, wait), unit.conversation.state)


def _handoff_text(unit: ConversationUnit, decision: Decision, wait: int | None) -> str:
    text = replies(unit.conversation.language)
    wait_text = (
        text.say("handoff_wait_known", minutes=wait) if wait else text.say("handoff_wait_unknown")
    )
    handed_over = text.phrase("handed_over", decision.reason.value)
    return text.say("handoff", handed_over=handed_over, wait_text=wait_text.text).text


def _moved(
    unit: ConversationUnit, decision: Decision, known: Known, notice: str
) -> MessageRecord:
    # A ticket's decision names why nobody can take it now; the person who answers (the card,
    # the queue) needs why a person was wanted: the cause. The event keeps both.
    wanted = dataclasses.replace(decision, reason=decision.cause or decision.reason)
    card = handoff_card(unit, wanted, known.customer, known.orders)
    detail = {"priority": decision.priority.value, "team": decision.team}
    if decision.cause is not None:
        detail["cause"] = decision.cause.value
    unit.move(State.QUEUED, Actor.AI, decision.reason.value, rule=decision.rule, detail=detail)
    unit.set(
        handoff_reason=wanted.reason.value,
        handoff_rule=decision.rule,
        handoff_priority=decision.priority.value,
        handoff_team=decision.team,
        card=card,
        summary=card["summary"],
    )
    return unit.say(Actor.AI, notice)


def _open_ticket(
    runtime: Runtime, unit: ConversationUnit, decision: Decision, known: Known, facts: Facts
) -> AiTurn:
    """Nobody can take over now: queue it as a ticket with an honest promise, saying why (once,
    in plain words) and promising email only when Tandem can send it."""
    settings = runtime.settings
    promised = ticket_deadline(now(), settings.ticket_answer_hours)
    customer = known.customer
    email = unit.conversation.contact_email or (customer.email if customer else None)
    unit.set(ticket_promised_by=promised, contact_email=email)
    text = replies(unit.conversation.language)
    email_part = ""
    if settings.mail_enabled:
        email_part = (
            text.say("ticket_email_known", email=email).text
            if email
            else text.say("ticket_email_ask").text
        )
    notice = text.say(
        f"ticket_{ticket_why(facts).value}",
        minutes=facts.expected_wait_minutes,
        promised=text.moment(promised.astimezone(settings.zone)),
        email_part=email_part,
    )
    message = _moved(unit, decision, known, notice.text.strip())
    return AiTurn([message], _handoff(decision, None, promised), unit.conversation.state)


def email_left(runtime: Runtime, unit: ConversationUnit, thought: Thought) -> AiTurn | None:
    """A customer waiting for a ticket's answer left an email address: keep it (the answer is
    mailed there when email is configured) and confirm it. None: the message holds none."""
    record = unit.conversation
    emails = thought.understanding.slots.emails
    if record.ticket_promised_by is None or not emails:
        return None
    unit.set(contact_email=emails[0])
    key = "ticket_email_noted" if runtime.settings.mail_enabled else "ticket_email_kept"
    said = unit.say(Actor.AI, replies(record.language).say(key, email=emails[0]).text)
    return AiTurn([said], None, record.state)


def while_waiting(
    runtime: Runtime, unit: ConversationUnit, turn: Turn, sent: list[MessageRecord], still: bool
) -> AiTurn:
    """The AI's turn while the customer waits for a person (queued, or a ticket): it answers
    what it can and the customer keeps their place; `still` (its first answer since the
    hand-over) adds where they stand. A message it does not answer (a new request for a person,
    something for the person) gets where they stand: never a second hand-over, never silence."""
    record = unit.conversation
    answered = bool(sent) and turn.decision.action in (Action.ANSWER, Action.OFFER_HUMAN)
    if answered and not still:
        return AiTurn(sent, None, record.state)
    where = standing(unit.connection, record, runtime.settings.zone)
    if where is None:  # cannot happen under the lock; stay truthful anyway
        return AiTurn(sent, None, record.state)
    said = reminder(record, where, answered, last_ai_text(unit.connection, record.id))
    return AiTurn([*sent, unit.say(Actor.AI, said.text)], None, record.state)


def the_wait(runtime: Runtime, unit: ConversationUnit, message: int) -> AiTurn:
    """A customer waiting for a person asked how long it takes ("How long will it take?"):
    where they stand (the queue's wait or the ticket's promise), not a delivery time. The open
    flow stays as it was."""
    record = unit.conversation
    where = standing(unit.connection, record, runtime.settings.zone)
    if where is None:  # not waiting after all: nothing to say here
        return AiTurn([], None, record.state)
    said = reminder(record, where, False, last_ai_text(unit.connection, record.id))
    memory = record.memory
    unit.remember(memory.after_turn(memory.turn, memory.flow, said.text, None, None, message))
    return AiTurn([unit.say(Actor.AI, said.text)], None, record.state)


def _handoff(decision: Decision, wait: int | None, promised: dt.datetime | None = None) -> Handoff:
    return Handoff(decision.reason.value, decision.rule, decision.priority.value, wait, promised)


def hand_over_after_crash(runtime: Runtime, unit: ConversationUnit) -> AiTurn:
    """The AI failed unexpectedly: a person takes over (reason system_error), or, when
    nobody can, a ticket.

    While the customer already waits for a person, they are told where they stand instead.
    The active policy decides as for a failed action, so its rules for when nobody is
    available apply here too; a policy that would let the AI carry on is overruled. The card
    states only what was recorded (no shop is asked: it may be why the turn failed).
    """
    record = unit.conversation
    if record.state is State.QUEUED:  # already waiting for a person: say where they stand
        where = standing(unit.connection, record, runtime.settings.zone)
        if where is not None:
            said = reminder(record, where, False, last_ai_text(unit.connection, record.id))
            return AiTurn([unit.say(Actor.AI, said.text)], None, record.state)
    if record.state is not State.AI:
        return AiTurn([], None, record.state)
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
    return hand_over(runtime, unit, decision, Known(None, {}), facts)
