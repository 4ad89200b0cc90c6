"""The demo customers who speak German and French, through the API: Lukas is answered in German
and his items are named in German; Claire is greeted by name (in French once French is data)."""

from fastapi.testclient import TestClient

from conftest import signed
from scenarios.chat import Chat


def test_that_lukas_hears_where_his_order_is_in_german(client: TestClient) -> None:
    chat = Chat(client, **signed("lukas@example.de"))
    assert "Lukas" in chat.greeting
    answer = chat.replies("Wo ist meine Bestellung TD-3001?")
    assert "TD-3001" in answer and "versandt" in answer


def test_that_lukas_returns_his_rain_jacket_named_in_german(
    client: TestClient, agent_token: str
) -> None:
    chat = Chat(client, **signed("lukas@example.de"))
    answer = chat.replies(
        "Ich möchte die Regenjacke aus TD-3002 zurückschicken, nicht den Strickschal"
    )
    assert "Regenjacke" in answer
    assert "Rain jacket" not in answer and "Regenjas" not in answer and "Strickschal" not in answer


def test_that_claire_is_greeted_by_name(client: TestClient) -> None:
    chat = Chat(client, **signed("claire@example.fr"))
    assert "Claire" in chat.greeting


def test_that_a_french_guest_identifies_with_a_belgian_postcode(client: TestClient) -> None:
    chat = Chat(client, language="fr")
    asked = chat.replies("bonjour, où en est ma commande ?")
    assert "code postal" in asked.lower(), asked
    answer = chat.replies("TD-4003, 4000")
    assert "TD-4003" in answer and "code postal" not in answer.lower(), answer


def test_that_a_german_guest_identifies_with_a_postcode_named_plz(client: TestClient) -> None:
    chat = Chat(client, language="de")
    chat.replies("Hallo, wo ist meine Bestellung?")
    answer = chat.replies("TD-3001, PLZ 4700")
    assert "TD-3001" in answer and "versandt" in answer, answer
