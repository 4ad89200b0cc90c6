"""The customer is typing: the widget signals it (never the text), the agent's console shows it.

One timestamp on the conversation row, so every server process sharing the database sees the
same signal; no message, no event per keystroke. The indicator lives a few seconds after the
last signal and ends as soon as a customer message newer than it arrives."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, exists, or_, select, update

from tandem.domain.conversation import Actor, State
from tandem.services.agents import Agent, Role
from tandem.services.conversations import check_access
from tandem.services.runtime import Runtime
from tandem.storage.conversations import MessageRecord, now
from tandem.storage.db import reading, transaction
from tandem.storage.tables import conversations, messages

#: How long "Customer is typing…" stays after the last signal (the widget signals every ~3 s).
SHOWN_SECONDS = 6.0
#: A signal this soon after the stored one writes nothing: a flood of requests costs one write.
COALESCE_SECONDS = 2.0


def signal(runtime: Runtime, conversation_id: str, token: str) -> None:
    """Record that the conversation's own customer is typing (401/404 as every customer call).

    A closed conversation has nobody to tell: the signal is accepted and ignored."""
    record = check_access(runtime, conversation_id, token)
    if record.state is State.CLOSED:
        return
    moment = now()
    stale = moment - dt.timedelta(seconds=COALESCE_SECONDS)
    with transaction(runtime.engine) as connection:
        connection.execute(
            update(conversations)
            .where(
                conversations.c.id == conversation_id,
                or_(
                    conversations.c.customer_typing_at.is_(None),
                    conversations.c.customer_typing_at < stale,
                    _answered_since(),  # a message ended the last signal: a new one starts
                ),
            )
            .values(customer_typing_at=moment)
        )


def _answered_since() -> ColumnElement[bool]:
    """The customer sent a message at or after the stored signal."""
    return exists().where(
        messages.c.conversation_id == conversations.c.id,
        messages.c.author == Actor.CUSTOMER.value,
        messages.c.created_at >= conversations.c.customer_typing_at,
    )


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)  # SQLite drops the zone


def is_typing(
    typing_at: dt.datetime | None, messages: list[MessageRecord], at: dt.datetime
) -> bool:
    """True while the last signal is recent and no customer message came after it."""
    if typing_at is None:
        return False
    since = _aware(typing_at)
    if at - since > dt.timedelta(seconds=SHOWN_SECONDS):
        return False
    return not any(
        m.author is Actor.CUSTOMER and _aware(m.created_at) >= since for m in messages
    )


def seen_by(
    runtime: Runtime,
    agent: Agent,
    conversation_id: str,
    owner: str | None,
    messages: list[MessageRecord],
) -> bool:
    """Whether to show ``agent`` the indicator: only the owner of the conversation and leads."""
    if agent.role is not Role.LEAD and agent.id != owner:
        return False
    with reading(runtime.engine) as connection:
        typing_at = connection.execute(
            select(conversations.c.customer_typing_at).where(
                conversations.c.id == conversation_id
            )
        ).scalar()
    return is_typing(typing_at, messages, now())
