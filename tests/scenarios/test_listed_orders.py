"""Two orders named in one breath ("TD-1001 and 1002"), through the API in every language: the
bare number is a second order, not a postcode, so a guest is asked for the postcode (never told
"no order matches"); while Tandem waits for a postcode, a number given with the order number is
the postcode ("TD-4003, 4000", a Belgian one)."""

import pytest
from fastapi.testclient import TestClient

from conftest import signed
from scenarios.chat import Chat

LISTED = {
    "en": ("Where are my orders TD-1001 and 1002?", "postcode", "shipped"),
    "nl": ("Waar blijven mijn bestellingen TD-1001 en 1002?", "postcode", "verzonden"),
    "de": ("Wo bleiben meine Bestellungen TD-1001 und 1002?", "Postleitzahl", "versandt"),
    "fr": ("Où en sont mes commandes TD-1001 et 1002 ?", "code postal", "expédiée"),
}


@pytest.mark.parametrize("language", sorted(LISTED))
def test_that_a_guest_listing_two_orders_is_asked_for_the_postcode_then_answered(
    client: TestClient, language: str
) -> None:
    question, postcode, shipped = LISTED[language]
    chat = Chat(client, language=language)
    asked = chat.replies(question)
    assert postcode in asked and "TD-1001" not in asked, asked
    answer = chat.replies("1012 AB")
    assert "Emma" in answer and "TD-1001" in answer and shipped in answer, answer


@pytest.mark.parametrize(("language", "where"), [
    ("fr", "bonjour, où en est ma commande ?"), ("de", "Hallo, wo ist meine Bestellung?"),
])  # fmt: skip
def test_that_a_number_given_with_the_order_number_when_asked_is_the_postcode(
    client: TestClient, language: str, where: str
) -> None:
    chat = Chat(client, language=language)
    chat.replies(where)
    answer = chat.replies("TD-4003, 4000")  # Claire's order, her postcode in Liège
    assert "Claire" in answer and "TD-4003" in answer, answer


@pytest.mark.parametrize("language", sorted(LISTED))
def test_that_a_customer_listing_two_orders_hears_where_each_is(
    client: TestClient, language: str
) -> None:
    question, _, shipped = LISTED[language]
    chat = Chat(client, **signed("emma@example.nl"))
    body = chat.say(question)
    said = [m["text"] for m in body["messages"] if m["author"] == "ai"]
    assert len(said) == 2 and "TD-1001" in said[0] and shipped in said[0], said
    assert "TD-1002" in said[1], said  # delivered, in the same language
    assert body["state"] == "ai"


def test_that_a_guest_giving_a_belgian_postcode_unasked_after_the_order_number_is_asked_once(
    client: TestClient,
) -> None:
    chat = Chat(client, language="fr")
    asked = chat.replies("Où en est ma commande TD-4003, 4000 ?")  # 4000: an order or a postcode
    assert "code postal" in asked and "Claire" not in asked, asked
    answer = chat.replies("4000")  # asked for: the postcode
    assert "Claire" in answer and "TD-4003" in answer, answer
