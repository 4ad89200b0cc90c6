"""What the stored record of one conversation must look like, whatever happened in it.

Read straight from the database after every step of the guarantee tests: messages and events
are the product's audit trail, so the guarantees are checked on them, not on return values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from sqlalchemy import Connection

from tandem.answering.replies import replies
from tandem.domain.conversation import Actor, EventKind, State, transition
from tandem.storage.conversations import (
    ConversationRecord,
    EventRecord,
    MessageRecord,
    events_of,
    find_conversation,
    messages_after,
)
from tandem.types import SUPPORTED_LANGUAGES

#: Events that record something other than a change of owner.
_NOT_A_CHANGE = frozenset(
    {
        EventKind.OPENED,
        EventKind.RATED,
        EventKind.DECIDED,
        EventKind.ORDER_NOTED,
        EventKind.NOTE,
        EventKind.SUGGESTION_USED,
        EventKind.SLA_APPROACHING,
        EventKind.SLA_BREACHED,
    }
)


@cache
def clarify_texts() -> frozenset[str]:
    """The "please rephrase" message, in every language and variant."""
    texts: set[str] = set()
    for language in SUPPORTED_LANGUAGES:
        first = replies(language).say("clarify").text
        texts |= {first, replies(language).say("clarify", avoid=first).text}
    return frozenset(texts)


@dataclass(frozen=True, slots=True)
class Stored:
    conversation: ConversationRecord
    messages: list[MessageRecord]
    events: list[EventRecord]


def stored(connection: Connection, conversation_id: str) -> Stored:
    record = find_conversation(connection, conversation_id)
    assert record is not None, f"conversation {conversation_id} is gone"
    return Stored(
        record,
        messages_after(connection, conversation_id, 0, limit=10_000),
        events_of(connection, conversation_id),
    )


def check_record(found: Stored) -> None:
    """Every guarantee that can be read off one conversation's stored history."""
    _check_offsets(found)
    states = _check_event_chain(found)
    _check_ai_silent_while_human(found, states)
    if found.conversation.state is State.QUEUED:  # a person sees why it waits, and since when
        assert found.conversation.handoff_reason and found.conversation.queued_at, _story(found)
    clarified = [m for m in found.messages if m.text in clarify_texts()]
    assert len(clarified) <= 1, f"asked to rephrase {len(clarified)} times: {_story(found)}"


def _check_offsets(found: Stored) -> None:
    offsets = [m.offset for m in found.messages]
    assert offsets == list(range(1, len(offsets) + 1)), f"message offsets {offsets}"
    assert found.conversation.message_count == len(offsets)
    seqs = [e.seq for e in found.events]
    assert seqs == list(range(1, len(seqs) + 1)), f"event seqs {seqs}"
    assert found.conversation.event_count == len(seqs)


def _check_event_chain(found: Stored) -> list[tuple[dt.datetime, State]]:
    """Each change of owner continues from the last one, by the rules; returns the timeline."""
    assert found.events and found.events[0].kind is EventKind.OPENED, _story(found)
    state = State.AI
    timeline = [(found.events[0].created_at, state)]
    for event in found.events[1:]:
        if event.kind in _NOT_A_CHANGE:
            assert event.from_state is None and event.to_state is None, event
            continue
        assert event.from_state == state.value, f"{event} does not follow {state}"
        target = State(str(event.to_state))
        # the one state machine must accept this step, and name it with this kind
        assert transition(state, target, event.actor, "audit").kind is event.kind, event
        if target is State.AI:  # guarantee 2: back to the AI only by an agent's hand-back
            assert event.kind is EventKind.HANDED_BACK and event.actor is Actor.AGENT, event
        state = target
        timeline.append((event.created_at, state))
    assert found.conversation.state is state, f"stored {found.conversation.state}, events {state}"
    return timeline


def _check_ai_silent_while_human(found: Stored, timeline: list[tuple[dt.datetime, State]]) -> None:
    """Guarantee 1, on the record: no AI message while an agent owned the conversation."""
    for message in found.messages:
        if message.author is not Actor.AI:
            continue
        owner = [state for moment, state in timeline if moment <= message.created_at]
        assert owner and owner[-1] is not State.HUMAN, f"AI spoke while human: {_story(found)}"


def _story(found: Stored) -> str:
    lines = [f"conversation {found.conversation.id} ({found.conversation.state})"]
    lines += [f"  #{m.offset} {m.author}: {m.text[:70]!r}" for m in found.messages]
    lines += [
        f"  event {e.seq} {e.kind} {e.from_state}->{e.to_state} by {e.actor}" for e in found.events
    ]
    return "\n".join(lines)
