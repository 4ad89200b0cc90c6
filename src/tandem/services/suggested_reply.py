"""The suggested reply on a handed-over conversation, without an LLM: what the assistant would
say and do (services/suggestions.py, computed, never performed), sent by the owning agent as
is or edited.

Every reply that started as a suggestion is recorded as a ``suggestion_used`` event with the
actor ``agent_on_behalf_of_ai`` and whether (and how much) it was edited; the messages
themselves are the agent's. A suggestion whose plan changes the shop ("I have cancelled
TD-2002") is sent unedited only together with the action (``perform``), exactly once (the
turn's idempotency key), so the customer is never told of something not done.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from tandem.commerce.actions import Done, from_json, perform
from tandem.commerce.model import CommerceError
from tandem.domain.conversation import Actor, EventKind
from tandem.domain.decided import Performed
from tandem.domain.errors import Conflict, InvalidInput, NotFound
from tandem.security.redaction import redact
from tandem.services.agents import Agent
from tandem.services.desk import require_owner
from tandem.services.drafts import edit_size
from tandem.services.outbox import ticket_answered
from tandem.services.privacy import record_masking
from tandem.services.runtime import Runtime
from tandem.services.suggestions import Suggestion, suggest
from tandem.services.validation import clean_text
from tandem.storage.conversations import ConversationUnit, MessageRecord, find_conversation
from tandem.storage.db import reading, transaction
from tandem.storage.tables import events


@dataclass(frozen=True, slots=True)
class Sent:
    messages: list[MessageRecord]
    edited: bool
    edit_size: float  # 0: as suggested ... 1: nothing of it kept
    performed: Performed | None


def current(runtime: Runtime, agent: Agent, conversation_id: str) -> Suggestion | None:
    """The suggestion for the conversation now (any agent may look; None: nothing to answer)."""
    with reading(runtime.engine) as connection:
        if find_conversation(connection, conversation_id) is None:
            raise NotFound("no conversation with this id")
    found = suggest(runtime, conversation_id)
    if found is None or not (found.action or any(t.strip() for t in found.texts)):
        return None  # nothing to say or do beyond handing over
    return None if _sent_for(runtime, conversation_id, found.message) else found


def _sent_for(runtime: Runtime, conversation_id: str, message: int) -> bool:
    """A suggestion for this customer message was sent already."""
    with reading(runtime.engine) as connection:
        rows = connection.execute(
            select(events.c.detail).where(
                events.c.conversation_id == conversation_id,
                events.c.kind == EventKind.SUGGESTION_USED.value,
            )
        ).scalars()
        return any((detail or {}).get("message") == message for detail in rows)


def send(
    runtime: Runtime,
    agent: Agent,
    conversation_id: str,
    message: int,
    text: str | None,
    do_action: bool,
) -> Sent:
    """Send the suggestion for customer message `message` (as is, or `text` instead)."""
    with reading(runtime.engine) as connection:
        record = find_conversation(connection, conversation_id)
        if record is None:
            raise NotFound("no conversation with this id")
        require_owner(ConversationUnit(connection, record), agent)
    found = suggest(runtime, conversation_id)
    if found is None or found.message != message:
        raise Conflict("the customer wrote again: look at the new suggestion")
    if _sent_for(runtime, conversation_id, message):
        raise Conflict("this suggestion was sent already")
    original = "\n\n".join(found.texts)
    masked = redact(clean_text(text, runtime.settings.max_message_chars)) if text else None
    edited = masked is not None and masked.text.strip() != original.strip()
    if not (found.texts or masked):
        raise InvalidInput("text: write what to tell the customer about this change")
    if found.action is not None and not edited and not do_action:
        raise Conflict("this reply says the shop change is done: perform it too, or edit it")
    done = _perform(runtime, conversation_id, found) if found.action and do_action else None
    if done is not None and not done.ok:
        raise Conflict(f"the shop refused the change ({done.error}); nothing was sent")
    lines = [masked.text] if masked is not None and edited else list(found.texts)
    with transaction(runtime.engine) as connection:
        unit = ConversationUnit.load(connection, conversation_id)
        require_owner(unit, agent)
        said = [unit.say(Actor.AGENT, line, agent_id=agent.id) for line in lines]
        if masked is not None and edited:
            record_masking(unit, Actor.AGENT, masked.found, said[0])
        size = edit_size(original, lines[0]) if edited else 0.0
        detail = {
            "message": found.message,
            "edited": edited,
            "edit_size": size,
            "flow": found.flow,
            "outcome": found.outcome,
            "action": None if found.action is None else found.action["kind"],
            "performed": done is not None,
            "sent": [m.offset for m in said],
        }
        unit.record_event(
            EventKind.SUGGESTION_USED, Actor.AGENT_ON_BEHALF_OF_AI, agent_id=agent.id, detail=detail
        )
        if done is not None:
            unit.record_event(
                EventKind.PERFORMED,
                Actor.AGENT_ON_BEHALF_OF_AI,
                agent_id=agent.id,
                detail=done.to_detail(),
            )
        for one in said:
            ticket_answered(connection, runtime.settings, unit.conversation, one)
    return Sent(said, edited, size, done)


def _perform(runtime: Runtime, conversation_id: str, found: Suggestion) -> Performed:
    """The plan's shop change, once per customer message (the turn's idempotency key)."""
    assert found.action is not None
    action = from_json(found.action)
    key = f"{conversation_id}:{found.message}:{action.kind}"
    result: Done | CommerceError
    try:
        result = perform(runtime.shop, action, key)
    except CommerceError as error:
        result = error
    ok = isinstance(result, Done)
    refund = result.refunds[0].id if isinstance(result, Done) and result.refunds else None
    error_code = None if isinstance(result, Done) else result.code.value
    topic = found.flow or "unknown"
    return Performed(
        found.message, key, action.kind, str(action.order_id), topic, ok, error_code, refund
    )
