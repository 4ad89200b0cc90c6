"""The customer's side: start a conversation, send a message, read, follow and rate."""

from __future__ import annotations

import dataclasses
import logging
import uuid
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from tandem.domain.conversation import Actor, EventKind, State
from tandem.domain.errors import (
    Conflict,
    ConversationClosed,
    InvalidInput,
    NotFound,
    Unauthorized,
)
from tandem.domain.nps import asks_nps
from tandem.security.identity import Vouch
from tandem.security.redaction import redact
from tandem.services.access import authorised
from tandem.services.handoff import Handoff, hand_over_after_crash
from tandem.services.privacy import record_masking
from tandem.services.runtime import Runtime
from tandem.services.secrets import new_token, token_hash, token_matches
from tandem.services.telemetry import TURN_SECONDS
from tandem.services.thinking import Snapshot, look
from tandem.services.turn import finish_pending, take_turn
from tandem.services.validation import clean_client_message_id, clean_text
from tandem.services.waiting import Standing, standing
from tandem.storage.conversations import (
    ConversationRecord,
    ConversationUnit,
    MessageRecord,
    find_conversation,
    messages_after,
    now,
    open_conversation,
)
from tandem.storage.db import DATABASE_UNAVAILABLE, reading, transaction
from tandem.storage.tables import ratings
from tandem.storage.unanswered import (
    by_client_id,
    is_handled,
    mark_handled_through,
    replies_to,
)
from tandem.types import (
    SUPPORTED_LANGUAGES,
    ClientAddress,
    ConversationId,
    Language,
)

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
    version: int  # the conversation's change counter (event count) with `state`, as left


def start_conversation(
    runtime: Runtime,
    language: str | None,
    customer_email: str | None = None,
    customer_signature: str | None = None,
) -> Started:
    """Open a conversation; it is the shop's customer's only when the shop signed the address."""
    if language is not None and language not in SUPPORTED_LANGUAGES:
        raise InvalidInput(f"language must be one of {', '.join(SUPPORTED_LANGUAGES)}")
    email, vouch = _vouched_email(runtime, customer_email, customer_signature)
    customer = runtime.shop.customer_by_email(email) if email else None
    chosen: Language = runtime.settings.default_language
    if language in SUPPORTED_LANGUAGES:
        chosen = language
    elif customer is not None:
        chosen = customer.language
    token = new_token()
    opened = {"identity": vouch.value} if vouch is not None else None
    greeting = runtime.assistant.greeting(chosen, customer)
    with transaction(runtime.engine) as connection:
        unit = open_conversation(
            connection, ConversationId(str(uuid.uuid4())), token_hash(token), chosen, email
        )
        with unit.batched():  # the row's changes as one UPDATE
            unit.record_event(EventKind.OPENED, Actor.CUSTOMER, detail=opened)
            if customer is not None:
                unit.set(customer_id=customer.id)
            message = unit.say(Actor.AI, greeting.text)
            unit.remember(unit.conversation.memory.greeted(greeting.text))
    record = unit.conversation
    if vouch not in (None, Vouch.SIGNED):
        log.warning(
            "conversation %s: customer_email not vouched for (%s), so the customer is a guest; "
            "check that the shop signs it with TANDEM_IDENTITY_SECRET (docs/widget.md)",
            record.id,
            vouch,
        )
    return Started(unit.conversation, token, [message])


def _vouched_email(
    runtime: Runtime, email: str | None, signature: str | None
) -> tuple[str | None, Vouch | None]:
    """The address when the shop signed it; else None (a guest), and what became of it."""
    if not email:
        if signature:
            raise InvalidInput("customer_signature is only accepted with customer_email")
        return None, None
    vouch = runtime.identity.vouch(email, signature)
    return (email if vouch is Vouch.SIGNED else None), vouch


def check_access(runtime: Runtime, conversation_id: str, token: str) -> ConversationRecord:
    with reading(runtime.engine) as connection:
        record = find_conversation(connection, conversation_id)
    if record is None:
        raise NotFound("no conversation with this id")
    if not token_matches(token, record.token_hash):
        raise Unauthorized("wrong or missing conversation token")
    return record


def post_customer_message(
    runtime: Runtime,
    conversation_id: str,
    token: str,
    text: str,
    request_human: bool = False,
    client_message_id: str | None = None,
    *,
    client: ClientAddress | None = None,
) -> TurnResult:
    """Store the customer's words first (own transaction, payment details masked), then let
    the AI take its turn.

    A retry with the same ``client_message_id`` stores nothing: it gets the message stored
    the first time and the replies to it (its turn runs now if it never did). `client` is
    where the request came from: failed verifications are counted per address.
    """
    stored = _store(runtime, conversation_id, token, text, client_message_id)
    result = answer_customer_message(
        runtime, conversation_id, stored.message, request_human, client, stored.snapshot
    )
    if not stored.notices:
        return result
    messages = [stored.message, *stored.notices, *result.messages[1:]]
    return dataclasses.replace(result, messages=messages)


def store_customer_message(
    runtime: Runtime,
    conversation_id: str,
    token: str,
    text: str,
    client_message_id: str | None = None,
) -> tuple[MessageRecord, list[MessageRecord]]:
    """The customer's message (payment details masked), committed on its own with the notice
    about them; or the one stored earlier under this client id (and no notice)."""
    stored = _store(runtime, conversation_id, token, text, client_message_id)
    return stored.message, stored.notices


@dataclass(frozen=True, slots=True)
class _Stored:
    message: MessageRecord
    notices: list[MessageRecord]
    #: The conversation as the storing transaction left it, for the turn (None: stored earlier).
    snapshot: Snapshot | None = None


def _store(
    runtime: Runtime,
    conversation_id: str,
    token: str,
    text: str,
    client_message_id: str | None,
) -> _Stored:
    masked = redact(clean_text(text, runtime.settings.max_message_chars))
    if client_message_id is not None:
        client_message_id = clean_client_message_id(client_message_id)
        earlier = _stored_earlier(runtime, conversation_id, token, client_message_id)
        if earlier is not None:
            return _Stored(earlier, [])
    try:
        with transaction(runtime.engine) as connection:
            unit = authorised(connection, conversation_id, token)
            if unit.conversation.state is State.CLOSED:
                raise ConversationClosed()
            stored = unit.say(Actor.CUSTOMER, masked.text, client_message_id=client_message_id)
            notices = record_masking(unit, Actor.CUSTOMER, masked.found, stored)
            # The turn's look, taken here: the row is the unit's, so it is not read again.
            snapshot = look(runtime, connection, conversation_id, unit.conversation)
            return _Stored(stored, notices, snapshot)
    except IntegrityError:
        # Two identical retries at once: the other one stored it first.
        if client_message_id is None:
            raise
        earlier = _stored_earlier(runtime, conversation_id, token, client_message_id)
        if earlier is None:
            raise
        return _Stored(earlier, [])


def _stored_earlier(
    runtime: Runtime, conversation_id: str, token: str, client_message_id: str
) -> MessageRecord | None:
    check_access(runtime, conversation_id, token)
    with reading(runtime.engine) as connection:
        return by_client_id(connection, conversation_id, client_message_id)


def answer_customer_message(
    runtime: Runtime,
    conversation_id: str,
    message: MessageRecord,
    request_human: bool = False,
    client: ClientAddress | None = None,
    stored: Snapshot | None = None,
) -> TurnResult:
    """The AI's turn for a stored customer message, once: a message whose turn already ran
    (a concurrent retry, the recovery job) gets the replies that turn gave. If the turn fails,
    a person takes over (reason system_error): never a customer left without an answer. If
    the database is away, the error goes up (503) and the message waits for its retry or the
    recovery job. `stored`: the conversation as the transaction that stored the message left
    it (take_turn)."""
    try:
        with TURN_SECONDS.time():  # a handled message comes back at once (turn.again)
            turn = take_turn(runtime, conversation_id, message, request_human, client, stored)
        if turn.again:  # its turn ran before (a concurrent retry, the recovery job)
            return _replay_if_handled(runtime, conversation_id, message) or _result(
                runtime, conversation_id, [message], None
            )
        replies = [message, *turn.replies]
        if turn.version is None:
            return _result(runtime, conversation_id, replies, turn.handoff)
        return TurnResult(turn.state, replies, turn.handoff, turn.version)
    except DATABASE_UNAVAILABLE:
        # The database is away (a restart, a failover): the turn's transaction rolled back and
        # the message stays unanswered, for the client's retry (same client_message_id) or the
        # recovery job; no reason to hand a conversation the AI can answer to a person.
        raise
    except Exception:
        log.exception("the AI turn failed for conversation %s", conversation_id)
        _finish_pending(runtime, conversation_id)
        return hand_over_unanswered(runtime, conversation_id, message)


def _result(
    runtime: Runtime, conversation_id: str, messages: list[MessageRecord], handoff: Handoff | None
) -> TurnResult:
    """A turn's result with the conversation's state and version as they are now."""
    with reading(runtime.engine) as connection:
        record = find_conversation(connection, conversation_id)
    if record is None:
        raise NotFound("no conversation with this id")
    return TurnResult(record.state, messages, handoff, record.event_count)


def _finish_pending(runtime: Runtime, conversation_id: str) -> None:
    """A turn that failed after the policy agreed to a shop action: record what the shop did
    (asked again with the same key) before anything else, so the card and the customer know."""
    try:
        finish_pending(runtime, conversation_id)
    except Exception:
        log.exception("the agreed action of conversation %s stays pending", conversation_id)


def hand_over_unanswered(
    runtime: Runtime, conversation_id: str, message: MessageRecord
) -> TurnResult:
    """A person takes over a message the AI could not answer (and any unanswered before it)."""
    with transaction(runtime.engine) as connection:
        unit = ConversationUnit.load(connection, conversation_id)
        if is_handled(connection, message.id):
            return _replayed(unit, message)
        turn = hand_over_after_crash(runtime, unit)
        mark_handled_through(connection, conversation_id, message.offset)
        record = unit.conversation
        return TurnResult(record.state, [message, *turn.replies], turn.handoff, record.event_count)


def _replay_if_handled(
    runtime: Runtime, conversation_id: str, message: MessageRecord
) -> TurnResult | None:
    """The replies a handled message got, as its turn returned them; None when unhandled."""
    with reading(runtime.engine) as connection:
        if not is_handled(connection, message.id):
            return None
        record = find_conversation(connection, conversation_id)
        if record is None:
            raise NotFound("no conversation with this id")
        return _replayed(ConversationUnit(connection, record), message)


def _replayed(unit: ConversationUnit, message: MessageRecord) -> TurnResult:
    """A handled message with the replies to it, as its turn returned them (the expected wait
    of a hand-over is not kept: it is null here)."""
    record = unit.conversation
    replies = replies_to(unit.connection, record.id, message)
    latest = (replies[-1] if replies else message).offset == record.message_count
    handoff = None
    handed_over_now = record.queued_at is not None and record.queued_at >= message.created_at
    if record.state is State.QUEUED and record.handoff_reason and latest and handed_over_now:
        handoff = Handoff(
            record.handoff_reason,
            record.handoff_rule or "",
            record.handoff_priority or "",
            None,
            record.ticket_promised_by,
        )
    return TurnResult(record.state, [message, *replies], handoff, record.event_count)


def read_messages(
    runtime: Runtime, conversation_id: str, token: str, after: int
) -> tuple[ConversationRecord, list[MessageRecord]]:
    if after < 0:
        raise InvalidInput("after must be 0 or more")
    record = check_access(runtime, conversation_id, token)
    with reading(runtime.engine) as connection:
        return record, messages_after(connection, conversation_id, after)


def standing_of(runtime: Runtime, conversation_id: str) -> Standing | None:
    """Where the conversation stands while it waits for a person (None when it does not)."""
    with reading(runtime.engine) as connection:
        record = find_conversation(connection, conversation_id)
        return None if record is None else standing(connection, record, runtime.settings.zone)


@dataclass(frozen=True, slots=True)
class Rated:
    score: int
    comment: str | None
    nps_asked: bool  # the widget asks the NPS question next (TANDEM_NPS_SHARE of customers)


def rate(
    runtime: Runtime, conversation_id: str, token: str, score: int, comment: str | None
) -> Rated:
    if not 1 <= score <= 5:
        raise InvalidInput("score must be a whole number from 1 to 5")
    masked = None
    if comment is not None and comment.strip():
        masked = redact(clean_text(comment, runtime.settings.max_message_chars))
    comment = masked.text if masked else None
    with transaction(runtime.engine) as connection:
        unit = authorised(connection, conversation_id, token)
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
        if masked is not None:
            record_masking(unit, Actor.CUSTOMER, masked.found)
        asked = asks_nps(unit.conversation.customer_key, runtime.settings.nps_share)
    return Rated(score, comment, asked)
