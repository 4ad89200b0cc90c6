import pytest
from fastapi.testclient import TestClient

from conftest import signed
from scenarios.chat import Chat


def test_that_the_greeting_says_it_is_an_ai_and_that_a_person_is_always_available(
    client: TestClient,
) -> None:
    chat = Chat(client, language="en")
    assert "AI assistant" in chat.greeting
    assert "person" in chat.greeting
    assert chat.state == "ai"


def test_that_a_customer_asking_for_someone_real_is_handed_over_in_the_same_turn(
    client: TestClient, agent_token: str
) -> None:
    chat = Chat(client, language="en")
    body = chat.say("can I talk to someone real")
    assert body["state"] == "queued"
    assert body["handoff"]["reason"] == "customer_request"
    assert "colleague" in body["messages"][-1]["text"]


def test_that_james_logged_in_hears_that_his_order_is_being_prepared(client: TestClient) -> None:
    chat = Chat(client, **signed("james@example.com"))
    assert "James" in chat.greeting
    answer = chat.replies("Where is my order TD-2002?")
    assert "TD-2002" in answer and "prepared" in answer
    assert chat.state == "ai"


def test_that_a_guest_proves_who_they_are_before_seeing_an_order(client: TestClient) -> None:
    chat = Chat(client, language="en")
    first = chat.replies("where is my order?")
    assert "order number" in first and "TD-2002" not in first
    second = chat.replies("It's TD-2002")
    assert "postcode" in second
    third = chat.replies("SW1A 1AA")
    assert "James" in third and "TD-2002" in third and "prepared" in third


def test_that_a_wrong_postcode_reveals_nothing_about_the_order(client: TestClient) -> None:
    chat = Chat(client, language="en")
    chat.replies("where is my parcel")
    answer = chat.replies("TD-1001 and my postcode is SW1A 1AA")
    assert "couldn't match" in answer
    assert "Emma" not in answer and "tracking" not in answer.lower()


def test_that_another_customers_order_number_is_refused_without_revealing_it(
    client: TestClient,
) -> None:
    chat = Chat(client, **signed("james@example.com"))
    answer = chat.replies("where is order TD-1001?")
    assert "can't find an order TD-1001" in answer
    assert "shipped" not in answer and "Emma" not in answer


def test_that_a_complaint_goes_to_a_person(client: TestClient, agent_token: str) -> None:
    chat = Chat(client, language="en")
    body = chat.say("I want to file a complaint about how rude your delivery driver was")
    assert body["state"] == "queued"
    assert body["handoff"]["reason"] == "complaint"


def test_that_a_double_charge_goes_to_a_person_with_priority(
    client: TestClient, agent_token: str
) -> None:
    chat = Chat(client, language="en")
    body = chat.say("I was charged twice for the same order")
    assert body["state"] == "queued"
    assert body["handoff"]["reason"] == "double_charge"
    assert body["handoff"]["priority"] in ("high", "urgent")


def test_that_the_second_message_it_cannot_help_with_goes_to_a_person(
    client: TestClient, agent_token: str
) -> None:
    chat = Chat(client, language="en")
    first = chat.say("what is the airspeed velocity of an unladen swallow")
    assert first["state"] == "ai"
    honest = first["messages"][-1]["text"]
    assert "can't help with here" in honest and "person" in honest
    assert "other words" not in honest  # not "please rephrase": rephrasing would not help
    second = chat.say("how many moons does jupiter have")
    assert second["state"] == "queued"
    assert second["handoff"]["reason"] in ("not_understood", "repeated_failure")
    said = [m["text"] for m in chat.messages() if m["author"] == "ai"]
    assert sum("can't help with here" in text for text in said) == 1


@pytest.mark.parametrize(
    ("language", "text", "honest"),
    [
        ("en", "I forgot the password of my account, can you reset it?", "can't help with here"),
        ("en", "please take me off your newsletter list", "can't help with here"),
        ("nl", "ik kan niet meer inloggen met mijn wachtwoord", "niet mee helpen"),
        ("nl", "ik wil me afmelden voor de nieuwsbrief", "niet mee helpen"),
    ],
)
def test_that_accounts_and_newsletters_get_an_honest_not_here_with_the_way_to_a_person(
    client: TestClient, language: str, text: str, honest: str
) -> None:
    chat = Chat(client, language=language)
    body = chat.say(text)
    assert body["state"] == "ai"
    reply = body["messages"][-1]["text"]
    assert honest in reply
    assert ("person" if language == "en" else "medewerker") in reply
