from fastapi.testclient import TestClient

from conftest import signed
from scenarios.chat import Chat


def test_that_the_dutch_greeting_says_it_is_an_ai_and_offers_a_person(client: TestClient) -> None:
    chat = Chat(client, language="nl")
    assert "AI-assistent" in chat.greeting
    assert "medewerker" in chat.greeting


def test_that_ik_wil_een_mens_spreken_hands_over_at_once(
    client: TestClient, agent_token: str
) -> None:
    chat = Chat(client, language="nl")
    body = chat.say("ik wil een mens spreken")
    assert body["state"] == "queued"
    assert body["handoff"]["reason"] == "customer_request"
    assert "collega" in body["messages"][-1]["text"]


def test_that_medewerker_aub_hands_over_at_once(client: TestClient, agent_token: str) -> None:
    chat = Chat(client, language="nl")
    assert chat.say("medewerker aub")["state"] == "queued"


def test_that_emma_logged_in_hears_where_her_parcel_is_in_dutch(client: TestClient) -> None:
    chat = Chat(client, **signed("emma@example.nl"))
    assert "Emma" in chat.greeting and "AI-assistent" in chat.greeting
    answer = chat.replies("waar is mijn bestelling TD-1001?")
    assert "TD-1001" in answer and "verzonden" in answer and "track-and-trace" in answer


def test_that_a_dutch_guest_identifies_with_order_number_and_postcode(client: TestClient) -> None:
    chat = Chat(client, language="nl")
    first = chat.replies("Waar blijft mijn pakketje?")
    assert "bestelnummer" in first
    answer = chat.replies("TD-1001, postcode 1012 AB")
    assert "Emma" in answer and "TD-1001" in answer and "verzonden" in answer


def test_that_a_dutch_double_charge_goes_to_a_person(client: TestClient, agent_token: str) -> None:
    chat = Chat(client, **signed("emma@example.nl"))
    body = chat.say("er is twee keer geld van mijn rekening afgeschreven voor TD-1004")
    assert body["state"] == "queued"
    assert body["handoff"]["reason"] == "double_charge"


def test_that_a_dutch_complaint_goes_to_a_person(client: TestClient, agent_token: str) -> None:
    chat = Chat(client, language="nl")
    body = chat.say("Ik wil een klacht indienen, de service is echt slecht")
    assert body["state"] == "queued"
    assert body["handoff"]["reason"] in ("complaint", "frustration")


def test_that_ja_to_a_cancellation_question_cancels_and_does_not_call_a_person(
    client: TestClient, agent_token: str
) -> None:
    chat = Chat(client, language="nl")
    question = chat.replies("Annuleer bestelling TD-1003 alsjeblieft, postcode 1012 AB")
    assert "annuleren" in question and "medewerker" not in question
    done = chat.say("ja")
    assert done["state"] == "ai" and done["handoff"] is None
    assert "geannuleerd" in done["messages"][-1]["text"]
