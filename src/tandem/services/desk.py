"""The agent's side: the queue, a conversation in full, take over, reply, hand back, close."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, or_, select, update

from tandem.answering.replies import replies
from tandem.desk.sla import Clock
from tandem.domain.conversation import Actor, EventKind, State
from tandem.domain.errors import Forbidden, NotFound, NotOwner
from tandem.security.redaction import Redacted, redact
from tandem.services import routing, sla
from tandem.services.agents import Agent, Role
from tandem.services.outbox import ticket_answered
from tandem.services.privacy import record_masking
from tandem.services.runtime import Runtime
from tandem.services.validation import clean_text
from tandem.storage.conversations import (
    ConversationRecord,
    ConversationUnit,
    EventRecord,
    MessageRecord,
    agent_name,
    as_utc,
    events_of,
    find_conversation,
    messages_after,
    now,
    to_conversation,
)
from tandem.storage.db import reading, transaction
from tandem.storage.tables import agents, conversations

#: The longest internal note, in characters.
MAX_NOTE = 2000


@dataclass(frozen=True, slots=True)
class QueueItem:
    conversation: ConversationRecord
    waiting_seconds: int
    customer_name: str | None
    clock: Clock | None = None  # the running SLA clock


@dataclass(frozen=True, slots=True)
class ConversationView:
    conversation: ConversationRecord
    agent_name: str | None
    messages: list[MessageRecord]
    events: list[EventRecord]
    card: dict[str, Any] | None


def _items(
    runtime: Runtime, records: list[ConversationRecord], clocks: dict[str, Clock]
) -> list[QueueItem]:
    moment = now()
    items = []
    for record in records:
        customer = runtime.shop.customer(record.customer_id) if record.customer_id else None  # type: ignore[arg-type]
        since = record.queued_at or record.created_at
        items.append(
            QueueItem(
                record,
                int((moment - since).total_seconds()),
                customer.name if customer else None,
                clocks.get(record.id),
            )
        )
    return items


def queue(runtime: Runtime) -> list[QueueItem]:
    with reading(runtime.engine) as connection:
        rows = connection.execute(
            select(conversations).where(conversations.c.state == State.QUEUED.value)
        ).all()
        records = {row.id: to_conversation(row) for row in rows}
        rules = runtime.settings.sla_rules
        ordered, clocks = sla.in_order(connection, list(records.values()), rules)
    return _items(runtime, [records[w.conversation_id] for w in ordered], clocks)


def mine(runtime: Runtime, agent: Agent, only_mine: bool = True) -> list[QueueItem]:
    """The conversations the agent owns (assigned or taken); ``only_mine=False``: every
    conversation an agent owns now."""
    query = select(conversations).where(conversations.c.state == State.HUMAN.value)
    if only_mine:
        query = query.where(conversations.c.agent_id == agent.id)
    with reading(runtime.engine) as connection:
        rows = connection.execute(query.order_by(conversations.c.updated_at.desc())).all()
        records = [to_conversation(row) for row in rows]
        clocks = sla.running(connection, records, runtime.settings.sla_rules)
    return _items(runtime, records, clocks)


@dataclass(frozen=True, slots=True)
class Earlier:
    id: str
    state: State
    created_at: dt.datetime
    reason: str | None
    summary: str | None


def earlier(runtime: Runtime, conversation_id: str, limit: int = 10) -> list[Earlier]:
    """The same customer's other conversations, newest first (known by customer id or e-mail;
    a guest who never said who they are has none)."""
    with reading(runtime.engine) as connection:
        record = find_conversation(connection, conversation_id)
        if record is None:
            raise NotFound("no conversation with this id")
        c = conversations.c
        same = [c.customer_id == record.customer_id] if record.customer_id else []
        for email in {record.customer_email, record.contact_email} - {None}:
            same += [c.customer_email == email, c.contact_email == email]
        if not same:
            return []
        rows = connection.execute(
            select(c.id, c.state, c.created_at, c.handoff_reason, c.summary)
            .where(or_(*same), c.id != record.id)
            .order_by(c.created_at.desc())
            .limit(limit)
        ).all()
    return [
        Earlier(r.id, State(r.state), as_utc(r.created_at) or now(), r.handoff_reason, r.summary)
        for r in rows
    ]


def view(runtime: Runtime, conversation_id: str) -> ConversationView:
    with reading(runtime.engine) as connection:
        record = find_conversation(connection, conversation_id)
        if record is None:
            raise NotFound("no conversation with this id")
        return view_of(runtime, connection, record)


def view_of(
    runtime: Runtime, connection: Connection, record: ConversationRecord
) -> ConversationView:
    name = None
    if record.agent_id:
        name = connection.execute(
            select(agents.c.name).where(agents.c.id == record.agent_id)
        ).scalar()
    return ConversationView(
        record,
        name,
        messages_after(connection, record.id, 0),
        events_of(connection, record.id),
        record.card,
    )


def take(runtime: Runtime, agent: Agent, conversation_id: str) -> ConversationView:
    """Queued → human. Under the row lock exactly one of two simultaneous takers wins.

    Taking what you already own changes nothing and answers the same (a double click, a retry);
    a conversation someone else owns is a NotOwner conflict that names them."""
    with transaction(runtime.engine) as connection:
        unit = ConversationUnit.load(connection, conversation_id)
        record = unit.conversation
        if record.state is State.HUMAN and record.agent_id == agent.id:
            return view_of(runtime, connection, record)
        if record.state is State.HUMAN and record.agent_id is not None:
            owner = agent_name(connection, record.agent_id) or "another agent"
            raise NotOwner(f"{owner} already took this conversation")
        unit.move(State.HUMAN, Actor.AGENT, "taken", agent_id=agent.id)
        say = replies(unit.conversation.language).say
        unit.say(Actor.SYSTEM, say("agent_joined", agent=agent.name).text)
        return view_of(runtime, connection, unit.conversation)


def agent_say(runtime: Runtime, agent: Agent, conversation_id: str, text: str) -> MessageRecord:
    masked = redact(clean_text(text, runtime.settings.max_message_chars))
    with transaction(runtime.engine) as connection:
        unit = ConversationUnit.load(connection, conversation_id)
        require_owner(unit, agent)
        said = unit.say(Actor.AGENT, masked.text, agent_id=agent.id)
        record_masking(unit, Actor.AGENT, masked.found, said)
        ticket_answered(connection, runtime.settings, unit.conversation, said)
        return said


def hand_back(
    runtime: Runtime, agent: Agent, conversation_id: str, note: str | None = None
) -> ConversationView:
    """Human → AI, with an internal note for whoever looks at it later (optional)."""
    masked = redact(clean_text(note, MAX_NOTE)) if note and note.strip() else None
    with transaction(runtime.engine) as connection:
        unit = ConversationUnit.load(connection, conversation_id)
        require_owner(unit, agent)
        if masked is not None:
            record_note(unit, agent, masked, handed_back="ai")
        unit.move(State.AI, Actor.AGENT, "handed_back", agent_id=agent.id)
        unit.remember(unit.conversation.memory.handed_back())
        unit.say(Actor.AI, replies(unit.conversation.language).say("handed_back").text)
        handed = view_of(runtime, connection, unit.conversation)
    routing.assign_waiting(runtime)  # the agent has room again
    return handed


def close(runtime: Runtime, agent: Agent, conversation_id: str) -> ConversationView:
    """An agent closes a conversation they own; a lead any (Forbidden otherwise)."""
    with transaction(runtime.engine) as connection:
        unit = ConversationUnit.load(connection, conversation_id)
        _require_may_close(unit.conversation, agent)
        unit.move(State.CLOSED, Actor.AGENT, "closed_by_agent", agent_id=agent.id)
        unit.say(Actor.SYSTEM, replies(unit.conversation.language).say("closed").text)
        connection.execute(
            update(agents).where(agents.c.id == agent.id).values(last_closed_at=now())
        )
        closed = view_of(runtime, connection, unit.conversation)
    routing.assign_waiting(runtime)  # the agent has room again
    return closed


def record_note(unit: ConversationUnit, agent: Agent, masked: Redacted, **about: str) -> None:
    """An internal note: a ``note`` event, never a message, so the customer never sees it."""
    detail = {"text": masked.text, **about}
    unit.record_event(EventKind.NOTE, Actor.AGENT, agent_id=agent.id, detail=detail)
    record_masking(unit, Actor.AGENT, masked.found, None)


def _require_may_close(record: ConversationRecord, agent: Agent) -> None:
    if agent.role is Role.LEAD or record.state is State.CLOSED:  # closing twice: 409 below
        return
    if record.state is not State.HUMAN or record.agent_id != agent.id:
        raise Forbidden("only the agent who took this conversation, or a lead, can close it")


def require_owner(unit: ConversationUnit, agent: Agent) -> None:
    record = unit.conversation
    if record.state is not State.HUMAN or record.agent_id != agent.id:
        raise NotOwner("only the agent who took this conversation can do that")


def draft(runtime: Runtime, agent: Agent, conversation_id: str) -> str | None:
    """A reply for the owning agent to approve or edit, from the optional LLM; None without one.

    The draft is grounded in the conversation and the card's shop data (the writer rejects
    invented numbers, ids and dates); it is never sent by itself and never acts.
    """
    with reading(runtime.engine) as connection:
        record = find_conversation(connection, conversation_id)
        if record is None:
            raise NotFound("no conversation with this id")
        unit = ConversationUnit(connection, record)
        require_owner(unit, agent)
        transcript = [(m.author.value, m.text) for m in messages_after(connection, record.id, 0)]
    facts = [str(value) for value in (record.card or {}).values() if value]
    return runtime.writer.draft_reply(record.language, transcript, facts)
