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
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import groupby
from typing import Any

from sqlalchemy import Connection, Row, and_, func, or_, select

from tandem.domain.conversation import Actor, EventKind
from tandem.domain.decision import Action, Decision, Priority, Reason
from tandem.domain.policy.dialogue import CustomerTurn
from tandem.domain.policy.engine import PERSON_ON_REQUEST
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
    for _, group in groupby(rows, key=lambda row: row.conversation_id):
        yield _conversation(list(group))


def _query(since: dt.datetime, until: dt.datetime) -> Any:
    first = (
        select(events.c.conversation_id, func.min(events.c.seq).label("seq"))
        .where(events.c.kind == EventKind.HANDED_OFF.value)
        .group_by(events.c.conversation_id)
        .subquery()
    )
    handoff = events.alias("handoff")
    m = messages.c
    return (
        select(m.conversation_id, m.text, m.language, m.intent, m.confidence, m.frustration)
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


def _conversation(rows: Sequence[Row[Any]]) -> StoredConversation:
    last = rows[-1]
    around = _surroundings(last.reason)
    turns = [CustomerTurn(row.text, around, answer_key=row.text) for row in rows]
    if last.rule == PERSON_ON_REQUEST:  # the widget's button: the one signal not in the text
        turns[-1] = replace(turns[-1], around=replace(around, asked_for_human=True))
    decisions = [_KEPT] * len(rows)
    if last.reason is not None:
        decisions[-1] = _handoff(last.reason, last.rule, last.detail or {})
    return StoredConversation(
        RecordedConversation(last.conversation_id, tuple(turns), tuple(decisions)),
        tuple(_understanding(row) for row in rows),
    )


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
