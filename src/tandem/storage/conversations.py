"""Conversations, messages and events: loaded under a lock, changed as one unit of work."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, Row, bindparam, func, insert, select, update

from tandem.domain.conversation import Actor, EventKind, State, Transition, transition
from tandem.domain.errors import Conflict, NotFound
from tandem.domain.memory import ConversationMemory
from tandem.storage.changes import mark_changed
from tandem.storage.tables import agents, conversations, events, messages
from tandem.types import AgentId, ConversationId, Language
from tandem.understanding.result import Understanding

#: The moment the storage stamps on what it writes, when one is set (:func:`written_at`).
_MOMENT: ContextVar[dt.datetime | None] = ContextVar("tandem_written_at", default=None)


def now() -> dt.datetime:
    return _MOMENT.get() or dt.datetime.now(dt.UTC)


@contextmanager
def written_at(moment: dt.datetime) -> Iterator[None]:
    """Stamp what is written inside with ``moment``: how a history of the past (the demo's)
    goes through the same storage functions as live traffic."""
    token = _MOMENT.set(moment)
    try:
        yield
    finally:
        _MOMENT.reset(token)


@dataclass(frozen=True, slots=True)
class ConversationRecord:
    id: ConversationId
    token_hash: str
    state: State
    language: Language
    customer_email: str | None
    customer_id: str | None
    agent_id: AgentId | None
    message_count: int
    event_count: int
    handoff_reason: str | None
    handoff_rule: str | None
    handoff_priority: str | None
    queued_at: dt.datetime | None
    policy_version: int | None
    summary: str | None
    card: dict[str, Any] | None
    ticket_promised_by: dt.datetime | None
    contact_email: str | None
    memory: ConversationMemory
    created_at: dt.datetime
    closed_at: dt.datetime | None
    handoff_team: str | None = None  # the team the policy routed the hand-over to

    @property
    def customer_key(self) -> str:
        """Who the customer is, as well as known: customer id, else email, else this chat."""
        return self.customer_id or self.customer_email or self.contact_email or self.id


@dataclass(frozen=True, slots=True)
class MessageRecord:
    id: int
    offset: int
    author: Actor
    author_name: str | None
    text: str
    created_at: dt.datetime
    answer: bool = False  # an AI answer (it may get a thumb), not a notice


#: The `intent` column of an AI message that answers the customer (null on its notices).
ANSWER = "answer"


@dataclass(frozen=True, slots=True)
class EventRecord:
    seq: int
    kind: EventKind
    actor: Actor
    agent_id: str | None
    agent_name: str | None
    from_state: str | None
    to_state: str | None
    reason: str | None
    rule: str | None
    detail: dict[str, Any]
    created_at: dt.datetime


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


def to_conversation(row: Row[Any]) -> ConversationRecord:
    m = row._mapping
    return ConversationRecord(
        id=ConversationId(m["id"]),
        token_hash=m["token_hash"],
        state=State(m["state"]),
        language=m["language"],
        customer_email=m["customer_email"],
        customer_id=m["customer_id"],
        agent_id=AgentId(m["agent_id"]) if m["agent_id"] else None,
        message_count=m["message_count"],
        event_count=m["event_count"],
        handoff_reason=m["handoff_reason"],
        handoff_rule=m["handoff_rule"],
        handoff_priority=m["handoff_priority"],
        queued_at=as_utc(m["queued_at"]),
        policy_version=m["policy_version"],
        summary=m["summary"],
        card=m["card"],
        ticket_promised_by=as_utc(m["ticket_promised_by"]),
        contact_email=m["contact_email"],
        memory=ConversationMemory.from_json(m["memory"] or {}),
        created_at=as_utc(m["created_at"]) or now(),
        closed_at=as_utc(m["closed_at"]),
        handoff_team=m["handoff_team"],
    )


def create_conversation(
    connection: Connection,
    conversation_id: ConversationId,
    token_hash: str,
    language: Language,
    customer_email: str | None,
    opened: dict[str, str] | None = None,
) -> ConversationRecord:
    """A new conversation owned by the AI; `opened` is the detail of its `opened` event."""
    unit = open_conversation(connection, conversation_id, token_hash, language, customer_email)
    unit.record_event(EventKind.OPENED, Actor.CUSTOMER, detail=opened)
    return unit.conversation


#: The record's fields a new conversation has no value for yet.
_EMPTY_AT_START = (
    "customer_id", "agent_id", "handoff_reason", "handoff_rule", "handoff_priority", "queued_at",
    "policy_version", "summary", "card", "ticket_promised_by", "contact_email", "closed_at",
)  # fmt: skip


def open_conversation(
    connection: Connection,
    conversation_id: ConversationId,
    token_hash: str,
    language: Language,
    customer_email: str | None,
) -> ConversationUnit:
    """A new conversation's row, owned by the AI, as a unit (its `opened` event is the caller's
    to record, so a caller that batches writes the row's changes once)."""
    moment = now()
    memory = ConversationMemory()
    connection.execute(
        insert(conversations).values(
            id=conversation_id,
            token_hash=token_hash,
            state=State.AI.value,
            language=language,
            customer_email=customer_email,
            message_count=0,
            event_count=0,
            memory=memory.to_json(),
            created_at=moment,
            updated_at=moment,
        )
    )
    # Every other column starts empty (no server defaults): the record is known without a read.
    empty = dict.fromkeys(_EMPTY_AT_START)
    record = ConversationRecord(
        id=conversation_id, token_hash=token_hash, state=State.AI, language=language,
        customer_email=customer_email, message_count=0, event_count=0, memory=memory,
        created_at=moment, **empty,
    )  # fmt: skip
    return ConversationUnit(connection, record)


#: Statements every turn runs, built once: building one costs more than running it on SQLite
#: (SQLAlchemy then also reuses its compiled form without working out a cache key again).
_BY_ID = select(conversations).where(conversations.c.id == bindparam("b_id"))
_LOCKED = _BY_ID.with_for_update()
_INSERT_MESSAGE = insert(messages).returning(messages.c.id)
_NOTE = update(messages).where(messages.c.id == bindparam("b_id"))
#: The same with the message's handled mark (kept when it has one): one UPDATE of its row.
_NOTE_HANDLED = _NOTE.values(
    handled_at=func.coalesce(messages.c.handled_at, bindparam("b_handled_at"))
)
_UPDATE = update(conversations).where(conversations.c.id == bindparam("b_id"))


def find_conversation(connection: Connection, conversation_id: str) -> ConversationRecord | None:
    row = connection.execute(_BY_ID, {"b_id": conversation_id}).first()
    return to_conversation(row) if row else None


class ConversationUnit:
    """One conversation loaded under its lock, with everything a turn appends to it.

    On PostgreSQL the row is locked with SELECT ... FOR UPDATE; on SQLite the transaction
    already holds the database's write lock (BEGIN IMMEDIATE). Either way turns of the same
    conversation run one after another, also across several worker processes.
    """

    def __init__(self, connection: Connection, record: ConversationRecord) -> None:
        self.connection = connection
        self.conversation = record
        self._batch: dict[str, Any] | None = None
        #: Messages marked handled with their understanding (:meth:`note_understanding`).
        self.handled: set[int] = set()

    @classmethod
    def load(cls, connection: Connection, conversation_id: str) -> ConversationUnit:
        """The conversation under its lock; NotFound when there is none with this id."""
        row = connection.execute(_LOCKED, {"b_id": conversation_id}).first()
        if row is None:
            raise NotFound("no conversation with this id")
        return cls(connection, to_conversation(row))

    def say(
        self,
        author: Actor,
        text: str,
        agent_id: AgentId | None = None,
        understanding: Understanding | None = None,
        client_message_id: str | None = None,
        answer: bool = False,
    ) -> MessageRecord:
        """Store a message; `answer`: an AI message that answers the customer (it may get a
        thumb), as opposed to a notice (a hand-over, a reminder, a request to rephrase)."""
        offset = self.conversation.message_count + 1
        moment = now()
        values: dict[str, Any] = {
            "conversation_id": self.conversation.id,
            "offset": offset,
            "author": author.value,
            "agent_id": agent_id,
            "text": text,
            "created_at": moment,
            "client_message_id": client_message_id,
        }
        if answer and author is Actor.AI:
            values["intent"] = ANSWER
        if understanding is not None:
            values |= {
                "language": understanding.language,
                "intent": understanding.intent,
                "confidence": understanding.confidence,
                "frustration": understanding.frustration,
            }
        message_id = self.connection.execute(_INSERT_MESSAGE, values).scalar_one()
        self._update(message_count=offset)
        name = agent_name(self.connection, agent_id) if agent_id else None
        return MessageRecord(
            message_id, offset, author, name, text, moment, answer and author is Actor.AI
        )

    def note_understanding(
        self, message: MessageRecord, understanding: Understanding, handled: bool = False
    ) -> None:
        """Store what understanding made of a message that was stored before it was read;
        `handled`: mark it handled too (storage/unanswered.py), in the same UPDATE."""
        values: dict[str, Any] = {
            "b_id": message.id,
            "language": understanding.language,
            "intent": understanding.intent,
            "confidence": understanding.confidence,
            "frustration": understanding.frustration,
        }
        if handled:
            self.connection.execute(_NOTE_HANDLED, values | {"b_handled_at": now()})
            self.handled.add(message.id)
        else:
            self.connection.execute(_NOTE, values)

    def move(
        self,
        target: State,
        actor: Actor,
        reason: str,
        *,
        agent_id: AgentId | None = None,
        rule: str | None = None,
        detail: dict[str, str] | None = None,
    ) -> Transition:
        """Change the owner through the one state machine and append the event that records it."""
        change = transition(self.conversation.state, target, actor, reason, detail)
        self._guard(change)
        self.record_event(change.kind, actor, change, agent_id=agent_id, rule=rule)
        fields: dict[str, Any] = {"state": target.value}
        if target is State.QUEUED:
            fields |= {"queued_at": now(), "agent_id": None}
        elif target is State.HUMAN:
            fields |= {"agent_id": agent_id}
        elif target is State.AI:
            fields |= {
                "agent_id": None,
                "queued_at": None,
                "handoff_reason": None,
                "ticket_promised_by": None,  # handed back: a next hand-over makes its own promise
            }
        elif target is State.CLOSED:
            fields |= {"closed_at": now()}
        self._update(**fields)
        return change

    def _guard(self, change: Transition) -> None:
        """Change the stored state only from the state this unit read: a second writer that
        read the same state (two closers, say) fails here instead of changing it twice."""
        moved = self.connection.execute(
            update(conversations)
            .where(
                conversations.c.id == self.conversation.id,
                conversations.c.state == change.from_state.value,
            )
            .values(state=change.to_state.value)
        )
        if moved.rowcount != 1:
            raise Conflict("the conversation changed meanwhile; nothing was done")

    def record_event(
        self,
        kind: EventKind,
        actor: Actor,
        change: Transition | None = None,
        *,
        agent_id: AgentId | None = None,
        reason: str | None = None,
        rule: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        seq = self.conversation.event_count + 1
        self.connection.execute(
            insert(events),  # parameters, not .values(): one cached statement for every event
            {
                "conversation_id": self.conversation.id,
                "seq": seq,
                "kind": kind.value,
                "actor": actor.value,
                "agent_id": agent_id,
                "from_state": change.from_state.value if change else None,
                "to_state": change.to_state.value if change else None,
                "reason": change.reason if change else reason,
                "rule": rule,
                "detail": dict(change.detail if change else detail or {}),
                "created_at": now(),
            },
        )
        self._update(event_count=seq)

    def set(self, **fields: Any) -> None:
        """Update other columns (language, customer id, handoff fields, summary)."""
        assert "memory" not in fields, "the memory changes through remember()"
        self._update(**fields)

    def remember(self, memory: ConversationMemory) -> None:
        """Store the conversation's memory (changed through its named operations)."""
        self._update(memory=memory.to_json())
        self.conversation = replace(self.conversation, memory=memory)

    @contextmanager
    def batched(self) -> Iterator[None]:
        """Collect the changes to the conversation's row and write them as one UPDATE at the
        end (messages and events are still inserted at once, in order)."""
        self._batch = {}
        try:
            yield
            fields, self._batch = self._batch, None
            if fields:
                self._write(fields)
        finally:
            self._batch = None

    def _update(self, **fields: Any) -> None:
        mark_changed(self.connection, self.conversation.id)  # live streams hear of it
        if self._batch is not None:
            self._batch.update(fields)
        else:
            self._write(fields)
        known = {k: v for k, v in fields.items() if k in ConversationRecord.__dataclass_fields__}
        known.pop("memory", None)  # kept typed by remember()
        if "state" in known:
            known["state"] = State(known["state"])
        self.conversation = replace(self.conversation, **known)

    def _write(self, fields: dict[str, Any]) -> None:
        self.connection.execute(
            _UPDATE, {"b_id": self.conversation.id, "updated_at": now(), **fields}
        )


def agent_name(connection: Connection, agent_id: str) -> str | None:
    name: str | None = connection.execute(
        select(agents.c.name).where(agents.c.id == agent_id)
    ).scalar()
    return name


def messages_after(
    connection: Connection, conversation_id: str, after: int, limit: int = 500
) -> list[MessageRecord]:
    query = (
        select(messages, agents.c.name.label("agent_name"))
        .outerjoin(agents, agents.c.id == messages.c.agent_id)
        .where(messages.c.conversation_id == conversation_id, messages.c.offset > after)
        .order_by(messages.c.offset)
        .limit(limit)
    )
    return [to_message(row) for row in connection.execute(query)]


def to_message(row: Row[Any]) -> MessageRecord:
    """A message from a row of ``messages`` joined with the author's ``agent_name``."""
    m = row._mapping
    return MessageRecord(
        m["id"],
        m["offset"],
        Actor(m["author"]),
        m["agent_name"],
        m["text"],
        as_utc(m["created_at"]) or now(),
        m["author"] == Actor.AI.value and m["intent"] == ANSWER,
    )


def events_of(connection: Connection, conversation_id: str) -> list[EventRecord]:
    query = (
        select(events, agents.c.name.label("agent_name"))
        .outerjoin(agents, agents.c.id == events.c.agent_id)
        .where(events.c.conversation_id == conversation_id)
        .order_by(events.c.seq)
    )
    return [
        EventRecord(
            row.seq,
            EventKind(row.kind),
            Actor(row.actor),
            row.agent_id,
            row.agent_name,
            row.from_state,
            row.to_state,
            row.reason,
            row.rule,
            dict(row.detail or {}),
            as_utc(row.created_at) or now(),
        )
        for row in connection.execute(query)
    ]


def count_messages(connection: Connection) -> int:
    return int(connection.execute(select(func.count()).select_from(messages)).scalar_one())
