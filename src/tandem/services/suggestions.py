"""What the AI would say and do now, as a suggestion for a person: computed, never performed.

It runs the turn's first phase (understanding, the customer and order loaded once, the flow's
plan) on the conversation's latest customer message, without the policy, without an LLM and
without writing anything. The agent desk and a shadow roll-out build on this.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from tandem.commerce.actions import to_json
from tandem.domain.conversation import Actor
from tandem.security.verification import MemoryFailureLog, VerificationGuard, VerificationLimits
from tandem.services.runtime import Runtime
from tandem.services.thinking import look, think
from tandem.storage.conversations import MessageRecord, messages_after
from tandem.storage.db import reading
from tandem.storage.tables import messages


@dataclass(frozen=True, slots=True)
class Suggestion:
    message: int  # the customer message it answers
    texts: tuple[str, ...]  # what the AI would say
    outcome: str  # what that would achieve (answered, asked, resolved, ...)
    action: dict[str, Any] | None  # the shop change it would make, once someone performs it
    flow: str | None


#: A request for a person is what brought the agent; the suggestion answers the question before.
_NOT_A_QUESTION = "talk_to_person"


def _answerable(connection: Connection, conversation_id: str) -> int | None:
    """The latest customer message with something to answer: not a request for a person
    (unless that is all the customer wrote)."""
    rows = connection.execute(
        select(messages.c.offset, messages.c.intent)
        .where(
            messages.c.conversation_id == conversation_id,
            messages.c.author == Actor.CUSTOMER.value,
        )
        .order_by(messages.c.offset.desc())
    ).all()
    for offset, intent in rows:
        if intent != _NOT_A_QUESTION:
            return int(offset)
    return int(rows[0].offset) if rows else None


def suggest(runtime: Runtime, conversation_id: str) -> Suggestion | None:
    """The AI's plan for the latest customer message; None when there is none to answer."""
    with reading(runtime.engine) as connection:
        snapshot = look(runtime, connection, conversation_id)
        last = _answerable(connection, conversation_id)
        found = messages_after(connection, conversation_id, last - 1, 1) if last else []
    if not found:
        return None
    message: MessageRecord = found[0]
    limits = VerificationLimits.of(runtime.settings)
    unrecorded = VerificationGuard(MemoryFailureLog(), limits, None)
    thought = think(runtime, snapshot, message, False, unrecorded)  # a suggestion counts nothing
    answer = thought.answer or runtime.assistant.respond(thought.turn)
    return Suggestion(
        message.offset,
        tuple(reply.text for reply in answer.replies),
        answer.outcome.value,
        None if answer.action is None else to_json(answer.action),
        answer.flow_name,
    )
