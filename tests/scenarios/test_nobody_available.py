"""When nobody can take over, the customer gets an honest ticket, never a dead end."""

import dataclasses
import datetime as dt

from fastapi.testclient import TestClient

from conftest import DEMO_PASSWORD, signed
from scenarios.chat import Chat, Desk
from tandem.services.demo_agents import ensure_demo_agents
from tandem.services.runtime import Runtime
from tandem.web.app import create_app


def test_that_with_no_agent_online_a_request_for_a_person_becomes_a_ticket(
    mail_runtime: Runtime,
) -> None:
    with TestClient(create_app(mail_runtime.settings, mail_runtime)) as client:
        chat = Chat(client, language="en")
        body = chat.say("I want to talk to a person")
    assert body["state"] == "queued"
    assert body["handoff"]["reason"] == "no_agent_available"
    assert body["handoff"]["ticket_promised_by"] is not None
    notice = body["messages"][-1]["text"]
    assert notice.startswith("No colleague is online right now") and "(" not in notice
    assert "email address" in notice


def test_that_without_a_mail_server_a_ticket_never_promises_email(client: TestClient) -> None:
    for language, start in (("en", "I want to talk to a person"), ("nl", "medewerker aub")):
        notice = Chat(client, language=language).say(start)["messages"][-1]["text"]
        assert "mail" not in notice.lower(), notice


def test_that_an_email_left_for_a_ticket_is_kept_and_confirmed(mail_runtime: Runtime) -> None:
    with TestClient(create_app(mail_runtime.settings, mail_runtime)) as client:
        chat = Chat(client, language="nl")
        chat.say("ik wil een medewerker spreken")
        answer = chat.replies("mijn mail is klant@voorbeeld.nl")
    assert "klant@voorbeeld.nl" in answer and "mailen" in answer


def test_that_a_known_customer_is_promised_an_email_at_their_own_address(
    mail_runtime: Runtime,
) -> None:
    with TestClient(create_app(mail_runtime.settings, mail_runtime)) as client:
        chat = Chat(client, **signed("james@example.com"))
        notice = chat.say("let me speak to a human")["messages"][-1]["text"]
    assert "james@example.com" in notice


def test_that_outside_office_hours_a_hand_over_becomes_a_ticket_for_out_of_hours(
    runtime: Runtime, agent_token: str
) -> None:
    local = dt.datetime.now(runtime.settings.zone)
    opens = (local.hour + 2) % 23  # an hour that is never this hour nor the next
    hours = f"mon-sun {opens:02d}:00-{opens + 1:02d}:00"
    closed = dataclasses.replace(runtime)
    closed.settings = runtime.settings.model_copy(update={"office_hours": hours})
    with TestClient(create_app(closed.settings, closed)) as client:
        body = Chat(client, language="en").say("I want to talk to a person")
        assert body["handoff"]["reason"] == "out_of_hours"
        notice = body["messages"][-1]["text"]
        assert notice.startswith("We're outside office hours") and "(" not in notice


def test_that_a_ticket_appears_in_the_agents_queue_with_its_promise(
    client: TestClient, runtime: Runtime
) -> None:
    chat = Chat(client, language="en")
    chat.say("human please")
    ensure_demo_agents(runtime.engine, DEMO_PASSWORD)
    token = client.post(
        "/api/v1/agent/login", json={"email": "ben@tandem.example", "password": DEMO_PASSWORD}
    ).json()["token"]
    [item] = Desk(client, token).queue()
    assert item["id"] == chat.id and item["ticket_promised_by"] is not None
