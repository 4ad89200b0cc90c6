"""A conversation in German end to end through the API: greeting, an order's status, asking for
a person; every reply in German (the language is only data: locales/, catalogue, templates and
help articles named de)."""

from fastapi.testclient import TestClient

from conftest import signed
from scenarios.chat import Chat


def test_that_the_german_greeting_says_it_is_an_ai_and_offers_a_person(
    client: TestClient,
) -> None:
    chat = Chat(client, language="de")
    assert "KI-Assistent" in chat.greeting and "Mitarbeiter" in chat.greeting
    assert "hallo" in chat.replies("Hallo!").lower()


def test_that_a_german_guest_hears_where_the_order_is_in_german(client: TestClient) -> None:
    chat = Chat(client, language="de")
    first = chat.replies("Wo bleibt mein Paket?")
    assert "Bestellnummer" in first
    answer = chat.replies("TD-1001, Postleitzahl 1012 AB")
    assert "Emma" in answer and "TD-1001" in answer
    assert "versandt" in answer and "Sendungsnummer" in answer


def test_that_a_signed_in_customer_writing_german_is_answered_in_german(
    client: TestClient,
) -> None:
    chat = Chat(client, **signed("emma@example.nl"))
    body = chat.say("Hallo, wo ist meine Bestellung TD-1001? Ich warte schon lange darauf.")
    answer = body["messages"][-1]["text"]
    assert "TD-1001" in answer and "versandt" in answer


def test_that_asking_for_a_person_in_german_reaches_one(
    client: TestClient, agent_token: str
) -> None:
    chat = Chat(client, language="de")
    body = chat.say("Ich möchte mit einem Menschen sprechen")
    assert body["state"] == "queued"
    assert body["handoff"]["reason"] == "customer_request"
    assert "Kollegen" in body["messages"][-1]["text"]


def test_that_a_german_double_charge_goes_to_a_person(client: TestClient, agent_token: str) -> None:
    chat = Chat(client, **signed("emma@example.nl"))
    body = chat.say("Mir wurde für TD-1004 doppelt abgebucht, bitte prüfen")
    assert body["state"] == "queued"
    assert body["handoff"]["reason"] == "double_charge"


def test_that_ja_to_a_german_cancellation_question_cancels(
    client: TestClient, agent_token: str
) -> None:
    chat = Chat(client, language="de")
    question = chat.replies("Bitte storniere Bestellung TD-1003, Postleitzahl 1012 AB")
    assert "stornieren" in question
    done = chat.say("ja")
    assert done["state"] == "ai" and done["handoff"] is None
    assert "storniert" in done["messages"][-1]["text"]


def test_that_a_german_help_question_links_the_german_article(client: TestClient) -> None:
    chat = Chat(client, language="de")
    answer = chat.replies("Wie lange habe ich Zeit, etwas zurückzuschicken?")
    assert "/help/de/ruecksendung" in answer and "Rücksendung" in answer


def test_that_a_message_in_a_language_tandem_does_not_speak_gets_the_shops_language_and_a_person(
    client: TestClient,
) -> None:
    chat = Chat(client, language="de")
    answer = chat.replies("¿Dónde está mi pedido? Lo compré hace una semana y no llega.")
    assert "English" in answer and "Deutsch" in answer and "Nederlands" in answer
    assert "Talk to a person" in answer  # TANDEM_DEFAULT_LANGUAGE: en
