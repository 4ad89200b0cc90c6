"""The customer's side: start a conversation, send a message, read, follow and rate."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select

from tandem.domain.conversation import Actor, EventKind, State
from tandem.domain.errors import (
    Conflict,
    ConversationClosed,
    InvalidInput,
    NotFound,
    Unauthorized,
)
from tandem.services.runtime import Runtime
from tandem.services.secrets import new_token, token_hash, token_matches
from tandem.services.turn import Handoff, hand_over_after_crash, run_ai_turn
from tandem.services.validation import clean_text
from tandem.storage.conversations import (
    ConversationRecord,
    ConversationUnit,
    MessageRecord,
    create_conversation,
    find_conversation,
    messages_after,
    now,
)
from tandem.storage.db import reading, transaction
from tandem.storage.tables import ratings
from tandem.types import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, ConversationId, Language

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Started:
    conversation: ConversationRecord
    token: str
    messages: list[MessageRecord]


@dataclass(frozen=True, slots=True)
class TurnResult:
    state: State
    messages: list[MessageRecord]
    handoff: Handoff | None


def start_conversation(
    runtime: Runtime, language: str | None, customer_email: str | None
) -> Started:
    if language is not None and language not in SUPPORTED_LANGUAGES:
        raise InvalidInput(f"language must be one of {', '.join(SUPPORTED_LANGUAGES)}")
    customer = runtime.shop.customer_by_email(customer_email) if customer_email else None
    chosen: Language = DEFAULT_LANGUAGE
    if language in SUPPORTED_LANGUAGES:
        chosen = language
    elif customer is not None:
        chosen = customer.language
    token = new_token()
    with transaction(runtime.engine) as connection:
        record = create_conversation(
            connection, ConversationId(str(uuid.uuid4())), token_hash(token), chosen, customer_email
        )
        unit = ConversationUnit(connection, record)
        if customer is not None:
            unit.set(customer_id=customer.id)
        greeting = runtime.assistant.greeting(chosen, customer)
        message = unit.say(Actor.AI, greeting.text)
        unit.set(memory={"last_reply": greeting.text})
        return Started(unit.conversation, token, [message])


def _authorised(connection: Connection, conversation_id: str, token: str) -> ConversationUnit:
    unit = ConversationUnit.load(connection, conversation_id)
    if not token_matches(token, unit.conversation.token_hash):
        raise Unauthorized("wrong or missing conversation token")
    return unit


def check_access(runtime: Runtime, conversation_id: str, token: str) -> ConversationRecord:
    with reading(runtime.engine) as connection:
        record = find_conversation(connection, conversation_id)
    if record is None:
        raise NotFound("no conversation with this id")
    if not token_matches(token, record.token_hash):
        raise Unauthorized("wrong or missing conversation token")
    return record


def post_customer_message(
    runtime: Runtime, conversation_id: str, token: str, text: str, request_human: bool = False
) -> TurnResult:
    """Store the customer's words first (own transaction), then let the AI take its turn."""
    text = clean_text(text, runtime.settings.max_message_chars)
    with transaction(runtime.engine) as connection:
        unit = _authorised(connection, conversation_id, token)
        if unit.conversation.state is State.CLOSED:
            raise ConversationClosed()
        stored = unit.say(Actor.CUSTOMER, text)
    try:
        with transaction(runtime.engine) as connection:
            unit = _authorised(connection, conversation_id, token)
            turn = run_ai_turn(runtime, unit, stored, request_human)
            return TurnResult(unit.conversation.state, [stored, *turn.replies], turn.handoff)
    except Exception:
        # The message is safe; never leave the customer without an answer: hand over.
        log.exception("the AI turn failed for conversation %s", conversation_id)
        with transaction(runtime.engine) as connection:
            unit = _authorised(connection, conversation_id, token)
            turn = hand_over_after_crash(runtime, unit)
            return TurnResult(unit.conversation.state, [stored, *turn.replies], turn.handoff)


def read_messages(
    runtime: Runtime, conversation_id: str, token: str, after: int
) -> tuple[ConversationRecord, list[MessageRecord]]:
    if after < 0:
        raise InvalidInput("after must be 0 or more")
    record = check_access(runtime, conversation_id, token)
    with reading(runtime.engine) as connection:
        return record, messages_after(connection, conversation_id, after)


def rate(
    runtime: Runtime, conversation_id: str, token: str, score: int, comment: str | None
) -> tuple[int, str | None]:
    if not 1 <= score <= 5:
        raise InvalidInput("score must be a whole number from 1 to 5")
    if comment is not None:
        comment = (
            clean_text(comment, runtime.settings.max_message_chars) if comment.strip() else None
        )
    with transaction(runtime.engine) as connection:
        unit = _authorised(connection, conversation_id, token)
        if unit.conversation.state is not State.CLOSED:
            raise Conflict("a conversation can be rated once it is closed")
        if connection.execute(
            select(ratings.c.score).where(ratings.c.conversation_id == conversation_id)
        ).first():
            raise Conflict("this conversation has already been rated")
        connection.execute(
            insert(ratings).values(
                conversation_id=conversation_id, score=score, comment=comment, created_at=now()
            )
        )
        unit.record_event(EventKind.RATED, Actor.CUSTOMER, detail={"score": score})
    return score, comment
