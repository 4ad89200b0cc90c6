"""A ticket's answer reaches a customer who left the chat by email: through the outbox, sent to
a real local SMTP server, once, never with the address in the logs."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from conftest import DEMO_PASSWORD, signed
from mail_server import Inbox, free_port
from scenarios.chat import Chat, Desk
from tandem.services.demo_agents import ensure_demo_agents
from tandem.services.outbox import send_due
from tandem.services.runtime import Runtime
from tandem.storage.conversations import as_utc, now
from tandem.storage.db import reading, transaction
from tandem.storage.tables import outbox
from tandem.web.app import create_app


def _ticket_answered(client: TestClient, runtime: Runtime, start: dict[str, str], ask: str) -> Chat:
    """A ticket (nobody online), then an agent logs in, takes it and answers."""
    chat = Chat(client, **start)
    assert chat.say(ask)["waiting"]["kind"] == "ticket"
    ensure_demo_agents(runtime.engine, DEMO_PASSWORD)
    token = client.post(
        "/api/v1/agent/login", json={"email": "anna@tandem.example", "password": DEMO_PASSWORD}
    ).json()["token"]
    desk = Desk(client, token)
    assert desk.post(f"conversations/{chat.id}/take").status_code == 200
    reply = desk.post(
        f"conversations/{chat.id}/messages", text="Your refund of 25.00 is on its way."
    )
    assert reply.status_code in (200, 201), reply.text
    return chat


def _rows(runtime: Runtime) -> list[dict[str, object]]:
    with reading(runtime.engine) as connection:
        return [dict(row._mapping) for row in connection.execute(select(outbox))]


def test_that_a_ticket_answer_is_emailed_once_to_the_customer_who_left(
    mail_runtime: Runtime, inbox: Inbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    with TestClient(create_app(mail_runtime.settings, mail_runtime)) as client:
        chat = _ticket_answered(client, mail_runtime, signed("james@example.com"), "human please")
    assert send_due(mail_runtime) == 1
    assert send_due(mail_runtime) == 0  # never twice
    [mail] = inbox.received
    assert inbox.recipients == [["james@example.com"]]
    assert mail["To"] == "james@example.com"
    assert mail["From"] == "Tandem Shop <help@shop.example>"
    assert mail["Subject"] == "The answer to your question"
    assert mail["Message-ID"].endswith("@shop.example>")
    body = mail.get_content()
    assert "Your refund of 25.00 is on its way." in body and "Anna" in body
    [row] = _rows(mail_runtime)
    assert row["outcome"] == "sent" and row["key"] == f"ticket-answer:{chat.id}:5"
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("tandem")]
    assert any("sent" in line for line in ours)
    assert not any("james@example.com" in line for line in ours)


def test_that_a_dutch_answer_is_emailed_in_dutch_to_the_address_left_in_the_chat(
    mail_runtime: Runtime, inbox: Inbox
) -> None:
    with TestClient(create_app(mail_runtime.settings, mail_runtime)) as client:
        chat = Chat(client, language="nl")
        chat.say("ik wil een medewerker spreken")
        chat.say("mijn e-mailadres is klant@voorbeeld.nl")
        ensure_demo_agents(mail_runtime.engine, DEMO_PASSWORD)
        token = client.post(
            "/api/v1/agent/login", json={"email": "anna@tandem.example", "password": DEMO_PASSWORD}
        ).json()["token"]
        desk = Desk(client, token)
        desk.post(f"conversations/{chat.id}/take")
        desk.post(f"conversations/{chat.id}/messages", text="Je pakket komt morgen.")
    send_due(mail_runtime)
    [mail] = inbox.received
    assert mail["To"] == "klant@voorbeeld.nl"
    assert mail["Subject"] == "Het antwoord op je vraag"
    assert "Je pakket komt morgen." in mail.get_content()


def test_that_a_customer_who_answers_in_the_chat_gets_no_email(
    mail_runtime: Runtime, inbox: Inbox
) -> None:
    with TestClient(create_app(mail_runtime.settings, mail_runtime)) as client:
        chat = _ticket_answered(client, mail_runtime, signed("james@example.com"), "human please")
        chat.say("thanks, got it")
    assert send_due(mail_runtime) == 0
    assert inbox.received == []
    assert [row["outcome"] for row in _rows(mail_runtime)] == ["skipped"]


def test_that_a_mail_server_that_is_down_is_tried_again_and_a_claimed_email_is_not_sent_twice(
    mail_runtime: Runtime, inbox: Inbox
) -> None:
    down = dataclasses.replace(mail_runtime)
    down.settings = mail_runtime.settings.model_copy(
        update={"smtp_port": free_port()}
    )
    with TestClient(create_app(down.settings, down)) as client:
        _ticket_answered(client, down, signed("james@example.com"), "human please")
    assert send_due(down) == 0  # refused: nothing listens there
    [row] = _rows(down)
    assert row["outcome"] is None and row["attempts"] >= 1 and row["last_error"]
    due_at = row["due_at"]
    assert isinstance(due_at, dt.datetime)
    assert as_utc(due_at) > now() + dt.timedelta(seconds=30)  # tried again later, not now

    # Due again; another sender claimed it (then crashed): not sent while its claim holds.
    with transaction(mail_runtime.engine) as connection:
        connection.execute(
            update(outbox).values(due_at=now(), claimed_until=now() + dt.timedelta(minutes=5))
        )
    assert send_due(mail_runtime) == 0 and inbox.received == []
    with transaction(mail_runtime.engine) as connection:  # the claim ran out
        connection.execute(update(outbox).values(claimed_until=now() - dt.timedelta(seconds=1)))
    assert send_due(mail_runtime) == 1 and send_due(mail_runtime) == 0
    assert len(inbox.received) == 1


def test_that_without_a_mail_server_no_email_is_queued(
    client: TestClient, runtime: Runtime
) -> None:
    _ticket_answered(client, runtime, signed("james@example.com"), "human please")
    assert _rows(runtime) == []
