"""What customers say about their conversation: a thumb on an AI answer, and the NPS question.

CSAT (1-5 and a comment) is :func:`tandem.services.conversations.rate`. Each answer is an
event of the conversation (kind ``thumbs`` or ``nps``, actor customer, with its time), given
only with the conversation's own token; the metrics read them from there.
"""

from __future__ import annotations

from sqlalchemy import select

from tandem.domain.conversation import Actor, EventKind, State
from tandem.domain.errors import Conflict, InvalidInput, NotFound
from tandem.domain.nps import asks_nps
from tandem.services.access import authorised
from tandem.services.runtime import Runtime
from tandem.storage.conversations import ANSWER
from tandem.storage.db import transaction
from tandem.storage.tables import events, messages, ratings


def thumb(runtime: Runtime, conversation_id: str, token: str, offset: int, up: bool) -> bool:
    """A thumb up or down on the AI's message at ``offset``; a later thumb replaces it."""
    if offset < 1:
        raise InvalidInput("offset must be 1 or more")
    with transaction(runtime.engine) as connection:
        unit = authorised(connection, conversation_id, token)
        row = connection.execute(
            select(messages.c.author, messages.c.intent).where(
                messages.c.conversation_id == conversation_id, messages.c.offset == offset
            )
        ).first()
        if row is None:
            raise NotFound("no message with this offset in the conversation")
        if row.author != Actor.AI.value or row.intent != ANSWER:
            raise InvalidInput("offset: only the assistant's answers can get a thumb")
        unit.record_event(EventKind.THUMBS, Actor.CUSTOMER, detail={"message": offset, "up": up})
    return up


def answer_nps(runtime: Runtime, conversation_id: str, token: str, score: int) -> int:
    """The customer's 0-10 answer to "how likely are you to recommend us", once, after the
    CSAT, and only when they were asked (409 otherwise)."""
    if not 0 <= score <= 10:
        raise InvalidInput("score must be a whole number from 0 to 10")
    with transaction(runtime.engine) as connection:
        unit = authorised(connection, conversation_id, token)
        record = unit.conversation
        if record.state is not State.CLOSED:
            raise Conflict("the question comes once the conversation is closed")
        rated = connection.execute(
            select(ratings.c.score).where(ratings.c.conversation_id == conversation_id)
        ).first()
        if rated is None or not asks_nps(record.customer_key, runtime.settings.nps_share):
            raise Conflict("this conversation was not asked the question")
        answered = connection.execute(
            select(events.c.id).where(
                events.c.conversation_id == conversation_id, events.c.kind == EventKind.NPS.value
            )
        ).first()
        if answered is not None:
            raise Conflict("this question has already been answered")
        unit.record_event(EventKind.NPS, Actor.CUSTOMER, detail={"score": score})
    return score
