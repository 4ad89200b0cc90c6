"""While a customer waits for a person (queued, or a ticket) the AI keeps helping, the place is
kept, and a new request for a person is told where they stand: never silence, never a second
hand-over. Only live work counts in the wait; the queue shows why a person was wanted."""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from conftest import DEMO_PASSWORD, signed
from scenarios.chat import Chat, Desk
from services.test_recovery import Crashing
from tandem.domain.conversation import Actor, State
from tandem.services import conversations
from tandem.services.demo_agents import ensure_demo_agents
from tandem.services.runtime import Runtime
from tandem.storage.db import reading
from tandem.storage.tables import events


def _ai_said(body: dict[str, Any]) -> str:
    return "\n".join(m["text"] for m in body["messages"] if m["author"] == "ai")


def _handed_off(runtime: Runtime, conversation_id: str) -> int:
    with reading(runtime.engine) as connection:
        query = select(func.count()).where(
            events.c.conversation_id == conversation_id, events.c.kind == "handed_off"
        )
        return int(connection.execute(query).scalar_one())


def _login(client: TestClient, runtime: Runtime, email: str = "anna@tandem.example") -> Desk:
    ensure_demo_agents(runtime.engine, DEMO_PASSWORD)
    response = client.post(
        "/api/v1/agent/login", json={"email": email, "password": DEMO_PASSWORD}
    )
    return Desk(client, response.json()["token"])


def test_that_a_customer_with_a_ticket_still_gets_routine_answers_in_english(
    client: TestClient, runtime: Runtime
) -> None:
    chat = Chat(client, **signed("james@example.com"))
    ticket = chat.say("I want to talk to a person")
    assert ticket["state"] == "queued" and ticket["waiting"]["kind"] == "ticket"
    promised = ticket["waiting"]["promised_by"]
    words = ticket["waiting"]["promised_text"]
    assert promised is not None and words in _ai_said(ticket)  # the header says what the chat does

    answer = chat.say("Where is my order TD-2002?")
    said = _ai_said(answer)
    assert "TD-2002" in said and "prepared" in said
    assert "Your ticket stays open" in said
    assert answer["state"] == "queued" and answer["waiting"]["promised_by"] == promised

    thanks = _ai_said(chat.say("thank you!"))
    assert thanks and "ticket stays open" not in thanks  # where they stand is said once

    person = chat.say("I want to talk to a person", request_human=True)
    assert person["state"] == "queued" and person["handoff"] is None
    assert "will answer here by" in _ai_said(person)
    assert _handed_off(runtime, chat.id) == 1
    read = client.get(f"/api/v1/conversations/{chat.id}/messages", headers=chat.auth).json()
    assert read["waiting"] == ticket["waiting"]


def test_that_a_dutch_customer_in_the_queue_keeps_their_place_and_hears_the_wait(
    client: TestClient, runtime: Runtime, agent_token: str
) -> None:
    chat = Chat(client, **signed("emma@example.nl"))
    queued = chat.say("ik wil een medewerker spreken")
    assert queued["state"] == "queued"
    assert queued["waiting"]["kind"] == "queue"
    assert queued["waiting"]["expected_wait_minutes"] == 6

    answer = chat.say("waar is mijn bestelling TD-1001?")
    said = _ai_said(answer)
    assert "TD-1001" in said and "verzonden" in said
    assert "Je houdt je plek in de wachtrij" in said and "6 minuten" in said
    assert answer["state"] == "queued"

    person = chat.say("medewerker aub")
    assert person["handoff"] is None and "wachtrij" in _ai_said(person)
    assert _handed_off(runtime, chat.id) == 1

    Desk(client, agent_token).post(f"conversations/{chat.id}/take")
    silent = chat.say("hallo?")
    assert silent["state"] == "human" and _ai_said(silent) == ""


def test_that_tickets_waiting_for_later_do_not_lengthen_the_wait_for_a_double_charge(
    client: TestClient, runtime: Runtime
) -> None:
    for _ in range(6):  # nobody online: each becomes a ticket due tomorrow
        assert Chat(client, language="en").say("human please")["waiting"]["kind"] == "ticket"
    desk = _login(client, runtime)  # now an agent is online
    chat = Chat(client, **signed("emma@example.nl"))
    body = chat.say("er is twee keer geld van mijn rekening afgeschreven voor TD-1004")
    assert body["state"] == "queued" and body["handoff"]["reason"] == "double_charge"
    assert body["handoff"]["ticket_promised_by"] is None
    assert body["waiting"]["kind"] == "queue" and body["waiting"]["expected_wait_minutes"] == 6
    reasons = {item["reason"] for item in desk.queue()}
    assert reasons == {"customer_request", "double_charge"}


def test_that_a_double_charge_ticket_shows_its_real_reason_and_says_why_once(
    client: TestClient, runtime: Runtime
) -> None:
    chat = Chat(client, **signed("james@example.com"))
    body = chat.say("I was charged twice for order TD-2002")
    assert body["handoff"]["ticket_promised_by"] is not None
    notice = _ai_said(body)
    assert notice.count("No colleague is online") == 1 and "(" not in notice
    [item] = _login(client, runtime).queue()
    assert item["reason"] == "double_charge"


def test_that_a_long_queue_makes_a_ticket_that_says_the_wait_was_too_long(
    client: TestClient, runtime: Runtime, agent_token: str
) -> None:
    for _ in range(5):  # one agent, five waiting: the sixth would wait 36 minutes
        assert Chat(client, language="nl").say("medewerker aub")["waiting"]["kind"] == "queue"
    body = Chat(client, language="nl").say("ik wil een mens spreken")
    assert body["waiting"]["kind"] == "ticket"
    notice = _ai_said(body)
    assert notice.startswith("Al mijn collega's zijn bezig") and "36 minuten" in notice
    assert "(" not in notice


def test_that_a_crash_while_waiting_still_tells_the_customer_where_they_stand(
    runtime: Runtime,
) -> None:
    started = conversations.start_conversation(runtime, "en", None)
    chat, token = started.conversation.id, started.token
    conversations.post_customer_message(runtime, chat, token, "I want to talk to a person")
    broken = dataclasses.replace(runtime, understander=Crashing())
    result = conversations.post_customer_message(broken, chat, token, "hello? anyone?")
    assert result.state is State.QUEUED and result.handoff is None
    assert result.messages[-1].author is Actor.AI
    assert "will answer here by" in result.messages[-1].text
