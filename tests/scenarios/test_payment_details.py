"""Card numbers, CVVs and IBANs a customer (or an agent) types are stored masked, shown masked to
agents, never sent to the LLM; the customer is told once not to share them in chat."""

import dataclasses
import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from chat_completions import Script, chat_completions_server
from scenarios.chat import Chat, Desk
from tandem.answering.llm import LlmClient
from tandem.answering.replies import replies
from tandem.services.runtime import Runtime
from tandem.storage.tables import conversations, events, messages, ratings
from tandem.web.app import create_app

CARD = "4242 4242 4242 4242"
IBAN = "NL91 ABNA 0417 1643 00"
#: Every way the details could leak: as typed, without spaces, the CVV with its name.
RAW = (CARD, CARD.replace(" ", ""), "cvv 123", IBAN, IBAN.replace(" ", ""), "0417 1643")
NOTICE_NL = replies("nl").say("sensitive_data_notice").text


@pytest.fixture
def llm_client(runtime: Runtime) -> Iterator[tuple[TestClient, Script]]:
    with chat_completions_server() as (url, script):
        llm = LlmClient(url, "small-model", "", timeout=2.0)
        with TestClient(
            create_app(runtime.settings, dataclasses.replace(runtime, writer=llm))
        ) as client:
            yield client, script
        llm.close()


def stored_everywhere(runtime: Runtime, conversation_id: str) -> str:
    """Every stored row of the conversation, as one text."""
    with runtime.engine.connect() as connection:
        rows = [
            *connection.execute(
                select(messages).where(messages.c.conversation_id == conversation_id)
            ),
            *connection.execute(select(events).where(events.c.conversation_id == conversation_id)),
            *connection.execute(select(conversations).where(conversations.c.id == conversation_id)),
            *connection.execute(
                select(ratings).where(ratings.c.conversation_id == conversation_id)
            ),
        ]
    return json.dumps([row._asdict() for row in rows], default=str, ensure_ascii=False)


def masking_events(runtime: Runtime, conversation_id: str) -> list[tuple[str, object]]:
    with runtime.engine.connect() as connection:
        query = (
            select(events.c.actor, events.c.detail)
            .where(
                events.c.conversation_id == conversation_id,
                events.c.kind == "sensitive_data_masked",
            )
            .order_by(events.c.seq)
        )
        return [(row.actor, row.detail) for row in connection.execute(query)]


def test_that_payment_details_are_stored_masked_shown_masked_and_never_sent_to_the_llm(
    runtime: Runtime, llm_client: tuple[TestClient, Script], agent_token: str
) -> None:
    client, script = llm_client
    script.complete("De klant wil een medewerker spreken.")
    chat = Chat(client, language="nl")
    first = chat.say(f"Mijn creditcard is {CARD}, cvv 123. Hoe lang duurt een terugbetaling?")
    said = [(m["author"], m["text"]) for m in first["messages"]]
    assert said[0] == (
        "customer",
        "Mijn creditcard is [card •••• 4242], cvv [•••]. Hoe lang duurt een terugbetaling?",
    )
    assert said[1] == ("system", NOTICE_NL)
    assert said[2][0] == "ai"  # the AI still answers, after the notice
    second = chat.say(f"Mijn IBAN is {IBAN}")
    assert second["messages"][0]["text"] == "Mijn IBAN is [IBAN NL•• •••• 4300]"
    chat.say("Ik wil een medewerker", request_human=True)
    assert chat.state == "queued"

    desk = Desk(client, agent_token)
    assert desk.post(f"conversations/{chat.id}/take").status_code == 200
    assert desk.post(f"conversations/{chat.id}/draft").status_code == 200
    reply = desk.post(f"conversations/{chat.id}/messages", text=f"Ik zie kaart {CARD} cvc 123")
    assert reply.json()["text"] == "Ik zie kaart [card •••• 4242] cvc [•••]"
    assert desk.post(f"conversations/{chat.id}/close").status_code == 200
    rated = client.post(
        f"/api/v1/conversations/{chat.id}/rating",
        json={"score": 4, "comment": f"snel, maar waarom vroeg niemand om {CARD}?"},
        headers=chat.auth,
    )
    assert rated.json()["comment"] == "snel, maar waarom vroeg niemand om [card •••• 4242]?"

    view = client.get(f"/api/v1/agent/conversations/{chat.id}", headers=desk.headers).text
    seen_by = {
        "the agent's view": view,
        "the customer's messages": json.dumps(chat.messages(), ensure_ascii=False),
        "storage": stored_everywhere(runtime, chat.id),
        "the LLM": json.dumps([body for _, _, body in script.requests], ensure_ascii=False),
    }
    for where, text in seen_by.items():
        assert not [raw for raw in RAW if raw in text], f"{where} saw a payment detail"
    prompts = [body["messages"][0]["content"] for _, _, body in script.requests]
    assert any("Summarise" in p for p in prompts) and any("Draft" in p for p in prompts)
    assert [m["text"] for m in chat.messages()].count(NOTICE_NL) == 1
    assert masking_events(runtime, chat.id) == [
        ("customer", {"kinds": ["card", "cvv"], "message_offset": 2}),
        ("customer", {"kinds": ["iban"], "message_offset": first["messages"][-1]["offset"] + 1}),
        ("agent", {"kinds": ["card", "cvv"], "message_offset": reply.json()["offset"]}),
        ("customer", {"kinds": ["card"]}),
    ]


def test_that_the_notice_reaches_a_customer_a_person_is_helping_and_the_ai_stays_silent(
    client: TestClient, agent_token: str
) -> None:
    chat = Chat(client, language="en")
    chat.say("I want to talk to a person")
    desk = Desk(client, agent_token)
    assert desk.post(f"conversations/{chat.id}/take").status_code == 200
    answer = chat.say(f"my card is {CARD} and the security code is 123")
    said = [(m["author"], m["text"]) for m in answer["messages"]]
    assert said == [
        ("customer", "my card is [card •••• 4242] and the security code is [•••]"),
        ("system", replies("en").say("sensitive_data_notice").text),
    ]
    assert chat.say(f"again: {CARD}")["messages"][1:] == []  # told once
