"""Conversations end: the customer ends the chat, says goodbye, or nobody writes for a while.

Every close goes through the one state machine (a ``closed`` event; the stored state changes
only from the state read, so two closers never both close) and tells the customer it is over,
after which the widget asks for a rating. The idle close is a periodic job (services/jobs.py)
that one process at a time runs; each conversation is closed under its own lock.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from sqlalchemy import func, select

from tandem.answering.replies import replies
from tandem.domain.conversation import Actor, State
from tandem.domain.errors import Conflict
from tandem.services.access import authorised
from tandem.services.runtime import Runtime
from tandem.storage.conversations import (
    ConversationRecord,
    ConversationUnit,
    MessageRecord,
    as_utc,
    now,
)
from tandem.storage.db import reading, transaction
from tandem.storage.tables import conversations, messages

log = logging.getLogger(__name__)

#: Reason codes of the ``closed`` event.
ENDED_BY_CUSTOMER = "ended_by_customer"
GOODBYE = "goodbye"
IDLE = "idle"


def close_as(unit: ConversationUnit, actor: Actor, reason: str) -> MessageRecord:
    """Close the conversation and tell the customer (the widget then asks for a rating)."""
    unit.move(State.CLOSED, actor, reason)
    return unit.say(Actor.SYSTEM, replies(unit.conversation.language).say("closed").text)


def end_chat(runtime: Runtime, conversation_id: str, token: str) -> ConversationRecord:
    """The customer pressed "end chat": closed at once, whoever owns it. Ending a closed
    conversation changes nothing."""
    with transaction(runtime.engine) as connection:
        unit = authorised(connection, conversation_id, token)
        if unit.conversation.state is not State.CLOSED:
            close_as(unit, Actor.CUSTOMER, ENDED_BY_CUSTOMER)
        return unit.conversation


def idle_candidates(runtime: Runtime, cutoff: dt.datetime) -> list[str]:
    """Open conversations nothing was written in since ``cutoff`` (tickets stay open)."""
    with reading(runtime.engine) as connection:
        return list(
            connection.execute(
                select(conversations.c.id).where(
                    conversations.c.state != State.CLOSED.value,
                    conversations.c.updated_at < cutoff,
                    conversations.c.ticket_promised_by.is_(None),
                )
            ).scalars()
        )


def close_idle(runtime: Runtime, stopping: Callable[[], bool] = lambda: False) -> int:
    """The job: close every conversation nobody has written in for TANDEM_AUTO_CLOSE_MINUTES;
    the number closed here."""
    cutoff = now() - dt.timedelta(minutes=runtime.settings.auto_close_minutes)
    closed = 0
    for conversation_id in idle_candidates(runtime, cutoff):
        if stopping():
            break
        closed += close_if_idle(runtime, conversation_id, cutoff)
    return closed


def close_if_idle(runtime: Runtime, conversation_id: str, cutoff: dt.datetime) -> bool:
    """Close one conversation if, under its lock, it is still open and quiet since ``cutoff``;
    False when someone wrote meanwhile or another closer was first."""
    try:
        with transaction(runtime.engine) as connection:
            unit = ConversationUnit.load(connection, conversation_id)
            record = unit.conversation
            if record.state is State.CLOSED or record.ticket_promised_by is not None:
                return False
            last = connection.execute(
                select(func.max(messages.c.created_at)).where(
                    messages.c.conversation_id == conversation_id
                )
            ).scalar()
            if (as_utc(last) or record.created_at) >= cutoff:
                return False
            close_as(unit, Actor.SYSTEM, IDLE)
            return True
    except Conflict:  # another closer changed it first
        log.info("conversation %s was closed by another process", conversation_id)
        return False
