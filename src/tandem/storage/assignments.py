"""Many conversations assigned in one go: the writes of the ``taken`` moves, batched.

Each conversation gets what :meth:`ConversationUnit.move` and :meth:`ConversationUnit.say`
would write (the ``taken`` event, the agent-joined message, the row's new state, owner and
counters), as three statements for the whole batch instead of five per conversation. The
caller holds the conversations' locks; the state machine checks the move once for all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, insert, update

from tandem.domain.conversation import Actor, State, transition
from tandem.storage.changes import mark_changed
from tandem.storage.conversations import ConversationRecord, now
from tandem.storage.tables import conversations, events, messages


@dataclass(frozen=True, slots=True)
class Assignment:
    record: ConversationRecord  # queued, locked by the caller
    agent_id: str
    joined_text: str  # the system message the customer sees


def assign_all(connection: Connection, batch: Sequence[Assignment], reason: str) -> None:
    if not batch:
        return
    change = transition(State.QUEUED, State.HUMAN, Actor.SYSTEM, reason)
    moment = now()
    connection.execute(
        insert(events),
        [
            {
                "conversation_id": a.record.id,
                "seq": a.record.event_count + 1,
                "kind": change.kind.value,
                "actor": change.actor.value,
                "agent_id": a.agent_id,
                "from_state": change.from_state.value,
                "to_state": change.to_state.value,
                "reason": reason,
                "rule": None,
                "detail": {},
                "created_at": moment,
            }
            for a in batch
        ],
    )
    connection.execute(
        insert(messages),
        [
            {
                "conversation_id": a.record.id,
                "offset": a.record.message_count + 1,
                "author": Actor.SYSTEM.value,
                "agent_id": None,
                "text": a.joined_text,
                "created_at": moment,
            }
            for a in batch
        ],
    )
    connection.execute(
        update(conversations)
        .where(conversations.c.id == bindparam("conversation"))
        .values(
            state=State.HUMAN.value,
            agent_id=bindparam("agent"),
            event_count=bindparam("events"),
            message_count=bindparam("messages"),
            updated_at=moment,
        ),
        [
            {
                "conversation": a.record.id,
                "agent": a.agent_id,
                "events": a.record.event_count + 1,
                "messages": a.record.message_count + 1,
            }
            for a in batch
        ],
    )
    for a in batch:
        mark_changed(connection, a.record.id)
