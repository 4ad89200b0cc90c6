"""Customer messages and their turns: the handled mark, client message ids, unanswered ones.

A customer message is *handled* once the AI's turn for it has committed: whatever the turn did
(answer, hand over, open a ticket, or stay silent because a person owns the conversation) is
written in the same transaction as the mark (``messages.handled_at``). A message is
*unanswered* when its turn never committed (the process died between storing the message and
its turn) while the AI still owns the conversation and nobody has said anything since: the
AI owns the conversation, and its latest messages are the customer's, without the mark (system
notices aside, such as the one about masked payment details).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, Select, bindparam, func, select, update

from tandem.domain.conversation import Actor, State
from tandem.storage.conversations import MessageRecord, as_utc, now, to_message
from tandem.storage.tables import agents, conversations, messages
from tandem.types import ConversationId

#: Authors whose messages do not answer the customer: the customer, and system notices (such
#: as the one about masked payment details, stored with the customer's message).
UNANSWERING = (Actor.CUSTOMER.value, Actor.SYSTEM.value)

#: Replies read back for one message at most (a turn says a few things, never this many).
MAX_REPLIES = 50


@dataclass(frozen=True, slots=True)
class Pending:
    """An unanswered customer message, and when the recovery job began to re-run its turn."""

    message: MessageRecord
    retried_at: dt.datetime | None


def _named() -> Select[tuple[object, ...]]:
    return select(messages, agents.c.name.label("agent_name")).outerjoin(
        agents, agents.c.id == messages.c.agent_id
    )


def by_client_id(
    connection: Connection, conversation_id: str, client_message_id: str
) -> MessageRecord | None:
    row = connection.execute(
        _named().where(
            messages.c.conversation_id == conversation_id,
            messages.c.client_message_id == client_message_id,
        )
    ).first()
    return to_message(row) if row else None


#: Built once (every turn runs them).
_HANDLED = select(messages.c.handled_at).where(messages.c.id == bindparam("b_id"))
_MARK = update(messages).where(
    messages.c.id.in_(bindparam("b_ids", expanding=True)), messages.c.handled_at.is_(None)
)


def is_handled(connection: Connection, message_id: int) -> bool:
    handled = connection.execute(_HANDLED, {"b_id": message_id}).scalar_one_or_none()
    return handled is not None


def mark_handled(connection: Connection, *message_ids: int) -> None:
    connection.execute(_MARK, {"b_ids": list(message_ids), "handled_at": now()})


def mark_handled_through(connection: Connection, conversation_id: str, offset: int) -> None:
    """Mark every unhandled customer message up to ``offset`` (a person takes them all over)."""
    connection.execute(
        update(messages)
        .where(
            messages.c.conversation_id == conversation_id,
            messages.c.author == Actor.CUSTOMER.value,
            messages.c.handled_at.is_(None),
            messages.c.offset <= offset,
        )
        .values(handled_at=now())
    )


def mark_retried(connection: Connection, *message_ids: int) -> None:
    connection.execute(
        update(messages).where(messages.c.id.in_(message_ids)).values(retried_at=now())
    )


def replies_to(
    connection: Connection, conversation_id: str, message: MessageRecord
) -> list[MessageRecord]:
    """What the AI said after this message, up to the customer's next message."""
    rows = connection.execute(
        _named()
        .where(messages.c.conversation_id == conversation_id, messages.c.offset > message.offset)
        .order_by(messages.c.offset)
        .limit(MAX_REPLIES)
    )
    replies: list[MessageRecord] = []
    for row in rows:
        later = to_message(row)
        if later.author is Actor.CUSTOMER:
            break
        if later.author is Actor.AI:
            replies.append(later)
    return replies


def unanswered_conversations(
    connection: Connection, stored_before: dt.datetime, limit: int
) -> list[ConversationId]:
    """Conversations with an unanswered message stored before ``stored_before``, oldest first."""
    later = messages.alias("later")
    answered_since = (
        select(later.c.id)
        .where(
            later.c.conversation_id == messages.c.conversation_id,
            later.c.offset > messages.c.offset,
            later.c.author.not_in(UNANSWERING),
        )
        .exists()
    )
    query = (
        select(messages.c.conversation_id, func.min(messages.c.created_at).label("first"))
        .join(conversations, conversations.c.id == messages.c.conversation_id)
        .where(
            messages.c.author == Actor.CUSTOMER.value,
            messages.c.handled_at.is_(None),
            messages.c.created_at < stored_before,
            conversations.c.state == State.AI.value,
            ~answered_since,
        )
        .group_by(messages.c.conversation_id)
        .order_by("first")
        .limit(limit)
    )
    return [ConversationId(row.conversation_id) for row in connection.execute(query)]


def pending_messages(connection: Connection, conversation_id: str) -> list[Pending]:
    """The customer's unhandled messages after anything anyone else said, in order."""
    others = (
        select(func.coalesce(func.max(messages.c.offset), 0))
        .where(
            messages.c.conversation_id == conversation_id,
            messages.c.author.not_in(UNANSWERING),
        )
        .scalar_subquery()
    )
    rows = connection.execute(
        _named()
        .where(
            messages.c.conversation_id == conversation_id,
            messages.c.author == Actor.CUSTOMER.value,
            messages.c.handled_at.is_(None),
            messages.c.offset > others,
        )
        .order_by(messages.c.offset)
    )
    return [Pending(to_message(row), as_utc(row.retried_at)) for row in rows]
