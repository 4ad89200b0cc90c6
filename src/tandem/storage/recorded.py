"""Stored conversations as replay input: customer messages in order, and what was decided.

One streaming query, ordered by conversation and message, reads the customer messages of the
conversations started in a period up to (and including) the first hand-over, each joined with
that hand-over's event. What is not stored takes a neutral value:

* every turn before the hand-over was decided ``answer`` (the AI kept it); the hand-over turn
  was ``handoff`` or, with reason out_of_hours / no_agent_available, ``ticket``;
* agents were online and it was office hours, unless the hand-over became a ticket for that
  reason; the customer's tier, order amount, action failures and answer times are unknown;
* understanding made of each message what it stored then (language, intent, confidence,
  frustration); the runner-up and slots are not stored (runner-up ``oos``, no slots).

Those neutral values are only a fallback for conversations recorded before the ``decided``
event carried its facts. A message whose decided event holds them is replayed on exactly
those facts (who was online, the order, the attempt, the turn memory), compared with exactly
the decision recorded then (the last one on that message: after a failed shop action the
policy decides again), so the policy of the day replayed on its own history changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import groupby
from typing import Any

from sqlalchemy import Connection, Row, and_, func, or_, select

from tandem.domain.conversation import Actor, EventKind
from tandem.domain.decided import Decided
from tandem.domain.decision import Action, Decision, Priority, Reason
from tandem.domain.policy.dialogue import CustomerTurn
from tandem.domain.policy.engine import PERSON_ON_REQUEST
from tandem.domain.policy.facts import Facts
from tandem.domain.policy.replay import RecordedConversation
from tandem.domain.turns import Surroundings
from tandem.storage.tables import conversations, events, messages
from tandem.understanding.result import Understanding

_BATCH = 2000
_KEPT = Decision(Action.ANSWER, Reason.ROUTINE, "recorded")
_TICKET_REASONS = frozenset({Reason.OUT_OF_HOURS.value, Reason.NO_AGENT_AVAILABLE.value})


@dataclass(frozen=True, slots=True)
class StoredConversation:
    recorded: RecordedConversation
    understood: tuple[Understanding | None, ...]  # per turn; None: not stored, understand again


def recorded_conversations(
    connection: Connection, since: dt.datetime, until: dt.datetime
) -> Iterator[StoredConversation]:
    """Conversations started in [since, until), streamed in batches, in id order."""
    rows = connection.execute(_query(since, until).execution_options(yield_per=_BATCH))
    decided = _Decisions(connection, since, until)
    for conversation_id, group in groupby(rows, key=lambda row: row.conversation_id):
        yield _conversation(list(group), decided.of(conversation_id))


class _Decisions:
    """The decided events of the same conversations, streamed alongside in the same order."""

    def __init__(self, connection: Connection, since: dt.datetime, until: dt.datetime) -> None:
        query = _decided_query(since, until).execution_options(yield_per=_BATCH)
        self._groups = groupby(connection.execute(query), key=lambda row: row.conversation_id)
        self._next: tuple[str, list[Row[Any]]] | None = None
        self._advance()

    def _advance(self) -> None:
        found = next(self._groups, None)
        self._next = None if found is None else (found[0], list(found[1]))

    def of(self, conversation_id: str) -> dict[int, Decided]:
        """The last decision on each customer message (by offset) of this conversation."""
        while self._next is not None and self._next[0] < conversation_id:
            self._advance()
        if self._next is None or self._next[0] != conversation_id:
            return {}
        found = {}
        for row in self._next[1]:
            decided = Decided.from_detail(row.detail or {})
            found[decided.message] = decided
        self._advance()
        return found


def _first_handoff() -> Any:
    return (
        select(events.c.conversation_id, func.min(events.c.seq).label("seq"))
        .where(events.c.kind == EventKind.HANDED_OFF.value)
        .group_by(events.c.conversation_id)
        .subquery()
    )


def _decided_query(since: dt.datetime, until: dt.datetime) -> Any:
    first = _first_handoff()
    e = events.c
    return (
        select(e.conversation_id, e.detail)
        .join(conversations, conversations.c.id == e.conversation_id)
        .outerjoin(first, first.c.conversation_id == e.conversation_id)
        .where(
            conversations.c.created_at >= since,
            conversations.c.created_at < until,
            e.kind == EventKind.DECIDED.value,
            or_(first.c.seq.is_(None), e.seq < first.c.seq),
        )
        .order_by(e.conversation_id, e.seq)
    )


def _query(since: dt.datetime, until: dt.datetime) -> Any:
    first = _first_handoff()
    handoff = events.alias("handoff")
    m = messages.c
    return (
        select(m.conversation_id, m.offset, m.text, m.language, m.intent, m.confidence)
        .add_columns(m.frustration)
        .add_columns(handoff.c.reason, handoff.c.rule, handoff.c.detail)
        .join(conversations, conversations.c.id == m.conversation_id)
        .outerjoin(first, first.c.conversation_id == m.conversation_id)
        .outerjoin(
            handoff,
            and_(
                handoff.c.conversation_id == first.c.conversation_id, handoff.c.seq == first.c.seq
            ),
        )
        .where(
            conversations.c.created_at >= since,
            conversations.c.created_at < until,
            m.author == Actor.CUSTOMER.value,
            or_(handoff.c.created_at.is_(None), m.created_at <= handoff.c.created_at),
        )
        .order_by(m.conversation_id, m.offset)
    )


def _conversation(rows: Sequence[Row[Any]], decided: dict[int, Decided]) -> StoredConversation:
    last = rows[-1]
    around = _surroundings(last.reason)
    turns = [CustomerTurn(row.text, around, answer_key=row.text) for row in rows]
    if last.rule == PERSON_ON_REQUEST:  # the widget's button: the one signal not in the text
        turns[-1] = replace(turns[-1], around=replace(around, asked_for_human=True))
    decisions = [_KEPT] * len(rows)
    if last.reason is not None:
        decisions[-1] = _handoff(last.reason, last.rule, last.detail or {})
    for index, row in enumerate(rows):
        was = decided.get(row.offset)
        facts = Facts.recorded(was.facts) if was is not None else None
        if was is not None and facts is not None:
            turns[index] = replace(turns[index], facts=facts)
            decisions[index] = _decision(was)
    return StoredConversation(
        RecordedConversation(last.conversation_id, tuple(turns), tuple(decisions)),
        tuple(_understanding(row) for row in rows),
    )


def _decision(decided: Decided) -> Decision:
    return Decision(Action(decided.action), Reason(decided.reason), decided.rule)


def _surroundings(reason: str | None) -> Surroundings:
    """People were there to take over, unless the stored hand-over says otherwise."""
    return Surroundings(
        agents_online=0 if reason == Reason.NO_AGENT_AVAILABLE.value else 1,
        office_hours=reason != Reason.OUT_OF_HOURS.value,
    )


def _handoff(reason: str, rule: str | None, detail: dict[str, Any]) -> Decision:
    action = Action.TICKET if reason in _TICKET_REASONS else Action.HANDOFF
    priority = Priority(detail.get("priority", Priority.NORMAL.value))
    return Decision(action, Reason(reason), rule or "", priority, detail.get("team", "general"))


def _understanding(row: Row[Any]) -> Understanding | None:
    if row.intent is None or row.confidence is None:
        return None
    return Understanding(
        row.text,
        row.language or "en",
        row.intent,
        row.confidence,
        runner_up="oos",
        runner_up_confidence=0.0,
        out_of_scope=row.intent == "oos",
        frustration=row.frustration or 0.0,
    )
