"""One AI turn: understand the message, decide by the policy, answer or hand over."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from sqlalchemy import func, select

from tandem.answering.assistant import Answer, AssistantTurn
from tandem.answering.flows.base import Outcome
from tandem.answering.replies import replies
from tandem.commerce.model import Customer
from tandem.desk.queue import expected_wait_minutes
from tandem.domain.conversation import Actor, State
from tandem.domain.decision import Action, Decision, Priority, Reason
from tandem.domain.turns import Attempt, Surroundings, TurnMemory, decide_turn
from tandem.services.agents import agents_online
from tandem.services.runtime import Runtime
from tandem.storage.conversations import ConversationUnit, MessageRecord
from tandem.storage.tables import conversations, messages
from tandem.types import CustomerId, Language
from tandem.understanding.result import Context, Understanding

FAILED_OUTCOMES = frozenset({Outcome.ACTION_FAILED, Outcome.BUSINESS_RULE})


@dataclass(frozen=True, slots=True)
class Handoff:
    reason: str
    rule: str
    priority: str
    expected_wait_minutes: int | None


@dataclass(frozen=True, slots=True)
class AiTurn:
    replies: list[MessageRecord]
    handoff: Handoff | None


def _context(unit: ConversationUnit, customer: Customer | None) -> Context:
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
    )


def _queue_ahead(unit: ConversationUnit) -> int:
    query = select(func.count()).where(conversations.c.state == State.QUEUED.value)
    return int(unit.connection.execute(query).scalar_one())


def run_ai_turn(
    runtime: Runtime, unit: ConversationUnit, message: MessageRecord, request_human: bool = False
) -> AiTurn:
    record = unit.conversation
    customer = runtime.shop.customer(CustomerId(record.customer_id)) if record.customer_id else None
    understanding = runtime.understander.understand(message.text, _context(unit, customer))
    unit.note_understanding(message, understanding)
    if understanding.language != record.language:
        unit.set(language=understanding.language)
    if record.state is not State.AI:
        return AiTurn([], None)  # a person owns it or will: the AI stays silent
    online = agents_online(unit.connection)
    around = Surroundings(
        state=record.state,
        asked_for_human=request_human,
        agents_online=online,
        expected_wait_minutes=expected_wait_minutes(_queue_ahead(unit), online) or 0,
        customer_tier=customer.tier if customer else None,
    )
    memory = (
        TurnMemory.from_json(record.memory["turn"]) if "turn" in record.memory else TurnMemory()
    )
    answers: list[Answer] = []

    def attempt() -> Attempt:
        started = time.perf_counter()
        answer = runtime.assistant.respond(
            AssistantTurn(
                understanding, understanding.language, customer, record.memory, dt.date.today()
            )
        )
        answers.append(answer)
        key = (
            "|".join(reply.key for reply in answer.replies)
            + "|"
            + answer.detail.get("order_id", "")
        )
        return Attempt(
            key,
            action_failed=answer.outcome in FAILED_OUTCOMES,
            answer_ms=round((time.perf_counter() - started) * 1000),
        )

    turn = decide_turn(runtime.policy, memory, understanding, around, attempt)
    answer = answers[0] if answers else None
    memory_json = dict(answer.memory if answer else record.memory) | {"turn": turn.memory.to_json()}
    if answer is not None and answer.customer is not None:
        unit.set(customer_id=answer.customer.id)
    unit.set(memory=memory_json, policy_version=turn.decision.policy_version)
    return _apply(unit, turn.decision, understanding, answer, around.expected_wait_minutes)


def _apply(
    unit: ConversationUnit,
    decision: Decision,
    understanding: Understanding,
    answer: Answer | None,
    wait: int,
) -> AiTurn:
    say = replies(understanding.language).say
    sent: list[MessageRecord] = []
    if answer is not None and answer.outcome is not Outcome.NOT_UNDERSTOOD:
        sent += [unit.say(Actor.AI, reply.text) for reply in answer.replies]
    if decision.action is Action.CLARIFY or (
        decision.action is Action.ANSWER and (answer is None or not answer.replies)
    ):
        sent.append(unit.say(Actor.AI, say("clarify").text))
    if decision.action in (Action.HANDOFF, Action.TICKET):
        notice = _hand_over(unit, decision, understanding.language, wait)
        return AiTurn([*sent, notice], _handoff(decision, wait))
    return AiTurn(sent, None)


def _hand_over(
    unit: ConversationUnit, decision: Decision, language: Language, wait: int
) -> MessageRecord:
    text = replies(language)
    wait_text = (
        text.say("handoff_wait_known", minutes=wait).text
        if wait
        else text.say("handoff_wait_unknown").text
    )
    notice = text.say(
        "handoff",
        reason_text=text.phrase("reason_text", decision.reason.value),
        wait_text=wait_text,
    )
    unit.move(
        State.QUEUED,
        Actor.AI,
        decision.reason.value,
        rule=decision.rule,
        detail={"priority": decision.priority.value, "team": decision.team},
    )
    unit.set(
        handoff_reason=decision.reason.value,
        handoff_rule=decision.rule,
        handoff_priority=decision.priority.value,
        handoff_team=decision.team,
    )
    return unit.say(Actor.AI, notice.text)


def _handoff(decision: Decision, wait: int) -> Handoff:
    return Handoff(decision.reason.value, decision.rule, decision.priority.value, wait or None)


def hand_over_after_crash(runtime: Runtime, unit: ConversationUnit) -> AiTurn:
    """The AI failed unexpectedly: a person takes over, so the customer is never stuck."""
    if unit.conversation.state is not State.AI:
        return AiTurn([], None)
    decision = Decision(Action.HANDOFF, Reason.ACTION_FAILED, "system_error", Priority.HIGH)
    notice = _hand_over(unit, decision, unit.conversation.language, 0)
    return AiTurn([notice], _handoff(decision, 0))
