"""Where a customer waiting for a person stands: in the queue (with the expected wait) or a
ticket (with its promised answer time). The widget's header and the AI's reminders say this.

Only live work counts towards a wait: conversations queued for a person now. A ticket waits
for an answer by its promised time and never lengthens anyone's wait.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Connection, func, select

from tandem.answering.replies import Reply, replies
from tandem.desk.queue import expected_wait_minutes
from tandem.domain.conversation import Actor, State
from tandem.services.agents import agents_online
from tandem.storage.conversations import ConversationRecord
from tandem.storage.tables import conversations, messages


class WaitKind(StrEnum):
    QUEUE = "queue"  # a person picks it up as soon as one is free
    TICKET = "ticket"  # a person answers by the promised time


@dataclass(frozen=True, slots=True)
class Standing:
    kind: WaitKind
    expected_wait_minutes: int | None  # the queue's; None when nobody is online to pick up
    promised_by: dt.datetime | None  # the ticket's
    promised_words: str | None = None  # the same moment as the AI says it (language, team zone)


def live_queue(connection: Connection) -> int:
    """Conversations queued for a person now (tickets not counted)."""
    query = select(func.count()).where(
        conversations.c.state == State.QUEUED.value,
        conversations.c.ticket_promised_by.is_(None),
    )
    return int(connection.execute(query).scalar_one())


def _ahead_of(connection: Connection, record: ConversationRecord) -> int:
    """Live conversations queued before this one."""
    query = select(func.count()).where(
        conversations.c.state == State.QUEUED.value,
        conversations.c.ticket_promised_by.is_(None),
        conversations.c.id != record.id,
    )
    if record.queued_at is not None:
        query = query.where(conversations.c.queued_at <= record.queued_at)
    return int(connection.execute(query).scalar_one())


def standing(
    connection: Connection, record: ConversationRecord, zone: dt.tzinfo
) -> Standing | None:
    """Where this conversation stands while it waits for a person; None when it does not.
    `zone`: the support team's, in which promises are made."""
    if record.state is not State.QUEUED:
        return None
    promised = record.ticket_promised_by
    if promised is not None:
        words = replies(record.language).moment(promised.astimezone(zone))
        return Standing(WaitKind.TICKET, None, promised, words)
    wait = expected_wait_minutes(_ahead_of(connection, record), agents_online(connection))
    return Standing(WaitKind.QUEUE, wait, None)


def last_ai_text(connection: Connection, conversation_id: str) -> str:
    """The AI's last message in the conversation ("" when none): a reminder is never repeated
    word for word."""
    query = (
        select(messages.c.text)
        .where(messages.c.conversation_id == conversation_id, messages.c.author == Actor.AI.value)
        .order_by(messages.c.offset.desc())
        .limit(1)
    )
    return connection.execute(query).scalar_one_or_none() or ""


def reminder(record: ConversationRecord, where: Standing, still: bool, avoid: str = "") -> Reply:
    """The AI's words on where the customer stands: `still` after an answer it gave while they
    wait ("you keep your place"), else on its own (asked for a person again, or a message the
    AI cannot answer: it is there for the person who takes over)."""
    text = replies(record.language)
    if where.promised_words is not None:
        key = "still_ticket" if still else "queued_ticket"
        return text.say(key, avoid, promised=where.promised_words)
    minutes = where.expected_wait_minutes
    prefix = "still_queued" if still else "queued"
    if minutes:
        return text.say(f"{prefix}_wait", avoid, minutes=minutes)
    return text.say(prefix, avoid)


#: "How long will it take?" while waiting for a person: the wait, not a delivery time. A
#: question about how long, or when someone comes, that names no other subject.
_HOW_LONG = re.compile(
    r"\b(how\s+long|how\s+much\s+longer|how\s+many\s+minutes|when\s+will\s+(someone|somebody|"
    r"anyone|a\s+person|an?\s+(agent|colleague|human))|is\s+(anyone|someone|somebody)\s+(there|coming)"
    r"|still\s+waiting|hoe\s*lang|hoeveel\s+minuten|wanneer\s+(komt|krijg\s+ik)\s+(er\s+)?"
    r"(iemand|een\s+(medewerker|collega|mens)|antwoord)|is\s+er\s+al\s+iemand|nog\s+steeds\s+aan\s+het"
    r"\s+wachten|duurt\s+het\s+nog)\b",
    re.IGNORECASE,
)
_OTHER_SUBJECT = re.compile(
    r"\b(deliver\w*|shipp?\w*|parcel|package|post|refund\w*|return\w*|warrant\w*|exchange\w*|"
    r"order\w*|bezorg\w*|lever\w*|verzend\w*|verzonden|pakket\w*|bestelling\w*|retour\w*|"
    r"terugbetal\w*|geld|garantie|ruil\w*|td-?\d+)\b",
    re.IGNORECASE,
)


def asks_about_the_wait(text: str) -> bool:
    """Does a message sent while waiting for a person ask how long the wait is?"""
    return bool(_HOW_LONG.search(text)) and not _OTHER_SUBJECT.search(text)
