"""Payment details are masked before anything is stored, the masking is recorded, and the
customer is told once per conversation not to share them in chat.

Every path that stores what a person wrote (the customer's messages, rating comments, the
agent's replies) masks it with :func:`tandem.security.redaction.redact` first, so storage, the
agent console, understanding, the LLM, summaries and logs only ever see the masked text.
Each masking appends a ``sensitive_data_masked`` event naming the kinds found, never a value.
The notice is a *system* message, as "Anna has joined" is: the AI does not speak while a person
owns the conversation, but the customer is warned whoever answers.
"""

from __future__ import annotations

from sqlalchemy import select

from tandem.answering.replies import replies
from tandem.domain.conversation import Actor, EventKind
from tandem.security.redaction import Sensitive
from tandem.storage.conversations import ConversationUnit, MessageRecord
from tandem.storage.tables import events


def record_masking(
    unit: ConversationUnit,
    actor: Actor,
    found: tuple[Sensitive, ...],
    message: MessageRecord | None = None,
) -> list[MessageRecord]:
    """Record what was masked in ``message`` (None: a rating comment); a customer message with
    the first payment details of this conversation gets the notice: returns [notice] or []."""
    if not found:
        return []
    first = actor is Actor.CUSTOMER and message is not None and not _customer_masked_before(unit)
    detail: dict[str, object] = {"kinds": [kind.value for kind in found]}
    if message is not None:
        detail["message_offset"] = message.offset
    unit.record_event(EventKind.SENSITIVE_DATA_MASKED, actor, detail=detail)
    if not first:
        return []
    notice = replies(unit.conversation.language).say("sensitive_data_notice").text
    return [unit.say(Actor.SYSTEM, notice)]


def _customer_masked_before(unit: ConversationUnit) -> bool:
    """Read under the conversation's lock, so two messages at once send one notice."""
    query = select(events.c.id).where(
        events.c.conversation_id == unit.conversation.id,
        events.c.kind == EventKind.SENSITIVE_DATA_MASKED.value,
        events.c.actor == Actor.CUSTOMER.value,
    )
    return unit.connection.execute(query.limit(1)).first() is not None
