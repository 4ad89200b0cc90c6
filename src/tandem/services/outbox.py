"""Ticket answers by email, through an outbox: no email lost, none sent twice by Tandem.

*Written with its cause.* An agent's message on a ticket whose customer left an address adds
an outbox row in the same transaction as the message (key ``ticket-answer:<conversation>:<offset>``,
unique), due ``email_after_minutes`` later. Nothing is sent inside a transaction.

*Sent by a job* (services/jobs.py, every ``email_interval_seconds``, one process at a time): a
due row is claimed for a lease (a conditional UPDATE, so two senders never both own it), then,
outside any transaction, either skipped (the customer wrote in the chat after the answer: they
were there and read it) or sent, and marked done. A failure is retried later with a growing
pause, up to ``MAX_ATTEMPTS``; a crash leaves the claim to expire and the row is tried again.

*"Left the chat"*: the customer has not written in the conversation within
``email_after_minutes`` after the answer. Tandem keeps no presence (a widget may poll or
stream from any server process), and a customer who answers in the chat has evidently read it.

Exactly once is impossible over SMTP (a crash after the server accepted the message and before
the row is marked done sends it again); every attempt carries the same Message-ID, derived
from the key, so mail systems can tell a repeat. The address is read from the conversation
when the email is sent and is never logged (the row id and key are).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from sqlalchemy import Connection, and_, insert, or_, select, update

from tandem.answering.replies import replies
from tandem.config import Settings
from tandem.domain.conversation import Actor
from tandem.services.mail import MailError, send
from tandem.services.runtime import Runtime
from tandem.storage.conversations import (
    ConversationRecord,
    MessageRecord,
    find_conversation,
    messages_after,
    now,
)
from tandem.storage.db import reading, transaction
from tandem.storage.tables import messages, outbox

log = logging.getLogger(__name__)

TICKET_ANSWER = "ticket_answer"
MAX_ATTEMPTS = 8
#: How long a sender owns a claimed row: longer than one SMTP exchange can take.
LEASE = dt.timedelta(minutes=5)
_BATCH = 50


@dataclass(frozen=True, slots=True)
class Due:
    id: int
    key: str
    conversation_id: str
    offset: int
    attempts: int


def ticket_answered(
    connection: Connection, settings: Settings, record: ConversationRecord, said: MessageRecord
) -> None:
    """In the agent's transaction: queue the email of this answer when the conversation is a
    ticket whose customer left an address and Tandem can send email."""
    if not settings.mail_enabled or record.ticket_promised_by is None:
        return
    if not record.contact_email or said.author is not Actor.AGENT:
        return
    moment = now()
    key = f"ticket-answer:{record.id}:{said.offset}"
    connection.execute(
        insert(outbox).values(
            key=key,
            kind=TICKET_ANSWER,
            conversation_id=record.id,
            message_offset=said.offset,
            due_at=moment + dt.timedelta(minutes=settings.email_after_minutes),
            attempts=0,
            created_at=moment,
        )
    )


def send_due(runtime: Runtime, stopping: Callable[[], bool] = lambda: False) -> int:
    """The job: send (or skip) every due email; returns how many were sent."""
    sent = 0
    for due in _due(runtime):
        if stopping():
            break
        if not _claim(runtime, due):
            continue  # another sender has it
        sent += _deliver(runtime, due)
    return sent


def _due(runtime: Runtime) -> list[Due]:
    moment = now()
    query = (
        select(outbox)
        .where(
            outbox.c.done_at.is_(None),
            outbox.c.due_at <= moment,
            or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until < moment),
        )
        .order_by(outbox.c.due_at, outbox.c.id)
        .limit(_BATCH)
    )
    with reading(runtime.engine) as connection:
        rows = connection.execute(query).all()
    return [Due(r.id, r.key, r.conversation_id, r.message_offset, r.attempts) for r in rows]


def _claim(runtime: Runtime, due: Due) -> bool:
    moment = now()
    with transaction(runtime.engine) as connection:
        claimed = connection.execute(
            update(outbox)
            .where(
                outbox.c.id == due.id,
                outbox.c.done_at.is_(None),
                or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until < moment),
            )
            .values(claimed_until=moment + LEASE, attempts=outbox.c.attempts + 1)
        )
        return claimed.rowcount == 1


def _deliver(runtime: Runtime, due: Due) -> int:
    with reading(runtime.engine) as connection:
        record = find_conversation(connection, due.conversation_id)
        answer = _message(connection, due)
        replied = _customer_wrote_after(connection, due)
    if record is None or answer is None or not record.contact_email:
        _finish(runtime, due, "skipped", "no_address")
        return 0
    if replied:
        _finish(runtime, due, "skipped", None)
        log.info("email %s skipped: the customer answered in the chat", due.key)
        return 0
    try:
        send(runtime.settings, compose(runtime.settings, record, answer, due.key))
    except MailError as error:
        _failed(runtime, due, error)
        return 0
    _finish(runtime, due, "sent", None)
    log.info("email %s sent", due.key)
    return 1


def _message(connection: Connection, due: Due) -> MessageRecord | None:
    found = messages_after(connection, due.conversation_id, due.offset - 1, limit=1)
    return found[0] if found and found[0].offset == due.offset else None


def _customer_wrote_after(connection: Connection, due: Due) -> bool:
    query = select(messages.c.id).where(
        and_(
            messages.c.conversation_id == due.conversation_id,
            messages.c.offset > due.offset,
            messages.c.author == Actor.CUSTOMER.value,
        )
    )
    return connection.execute(query.limit(1)).first() is not None


def compose(
    settings: Settings, record: ConversationRecord, answer: MessageRecord, key: str
) -> EmailMessage:
    """The email of one ticket answer, in the conversation's language."""
    text = replies(record.language)
    name = answer.author_name or text.phrase("mail", "colleague")
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = record.contact_email or ""
    message["Subject"] = text.phrase("mail", "subject")
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id(settings, key)
    message["Auto-Submitted"] = "auto-generated"
    body = text.phrase("mail", "body").format(name=name, answer=answer.text)
    message.set_content(body)
    return message


def message_id(settings: Settings, key: str) -> str:
    """The same Message-ID for every attempt of one outbox row."""
    domain = parseaddr(settings.smtp_from)[1].rpartition("@")[2] or "tandem.invalid"
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def _finish(runtime: Runtime, due: Due, outcome: str, error: str | None) -> None:
    with transaction(runtime.engine) as connection:
        connection.execute(
            update(outbox)
            .where(outbox.c.id == due.id)
            .values(done_at=now(), outcome=outcome, claimed_until=None, last_error=error)
        )


def _failed(runtime: Runtime, due: Due, error: MailError) -> None:
    attempts = due.attempts + 1
    if error.permanent or attempts >= MAX_ATTEMPTS:
        _finish(runtime, due, "failed", error.kind)
        log.warning("email %s not sent after %d attempts: %s", due.key, attempts, error.kind)
        return
    pause = dt.timedelta(minutes=min(60, 2 ** (attempts - 1)))
    with transaction(runtime.engine) as connection:
        connection.execute(
            update(outbox)
            .where(outbox.c.id == due.id)
            .values(due_at=now() + pause, claimed_until=None, last_error=error.kind)
        )
    log.info("email %s not sent (%s); trying again in %s", due.key, error.kind, pause)
