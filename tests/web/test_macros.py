"""Macros: leads maintain canned replies per language; agents get them filled in with the
customer's name and order; an unknown placeholder is refused naming it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from conftest import DEMO_PASSWORD, signed
from scenarios.chat import Chat
from tandem.services.demo_agents import ensure_demo_agents
from tandem.services.runtime import Runtime

MACROS = "/api/v1/macros"


def login(client: TestClient, email: str) -> dict[str, str]:
    response = client.post("/api/v1/agent/login", json={"email": email, "password": DEMO_PASSWORD})
    return {"Authorization": f"Bearer {response.json()['token']}"}


@pytest.fixture
def lisa(runtime: Runtime, client: TestClient) -> dict[str, str]:
    ensure_demo_agents(runtime.engine, DEMO_PASSWORD)
    return login(client, "lisa@tandem.example")


def test_that_a_lead_maintains_macros_and_an_agent_gets_them_filled_in(
    client: TestClient, lisa: dict[str, str]
) -> None:
    dutch = {
        "title": "Bestelling in behandeling",
        "language": "nl",
        "text": "Hoi {first_name}, bestelling {order_id} is {order_status}. Groet, {agent_name}",
    }
    made = client.post(MACROS, json=dutch, headers=lisa)
    assert made.status_code == 201, made.text
    english = {"title": "Hello", "language": "en", "text": "Hi {customer_name}, about {order_id}:"}
    english_id = client.post(MACROS, json=english, headers=lisa).json()["id"]
    anna = login(client, "anna@tandem.example")
    assert [m["title"] for m in client.get(MACROS, headers=anna).json()["macros"]] == [
        "Hello", "Bestelling in behandeling",
    ]  # fmt: skip
    chat = Chat(client, language="nl", **signed("emma@example.nl"))
    chat.say("Waar is mijn bestelling TD-1004?")
    chat.say("Ik wil een medewerker spreken")
    filled = client.get(f"/api/v1/agent/conversations/{chat.id}/macros", headers=anna).json()
    assert [m["text"] for m in filled["macros"]] == [
        "Hoi Emma, bestelling TD-1004 is in behandeling. Groet, Anna de Jong"  # the card's words
    ]
    guest = Chat(client, language="en")
    guest.say("I want to talk to a person")
    filled = client.get(f"/api/v1/agent/conversations/{guest.id}/macros", headers=anna).json()
    assert [m["text"] for m in filled["macros"]] == ["Hi there, about your order:"]
    changed = client.put(
        f"{MACROS}/{english_id}", json=english | {"text": "Hello {first_name}!"}, headers=lisa
    )
    assert changed.json()["text"] == "Hello {first_name}!"
    assert client.delete(f"{MACROS}/{english_id}", headers=lisa).status_code == 204
    assert client.delete(f"{MACROS}/{english_id}", headers=lisa).status_code == 404
    assert [m["language"] for m in client.get(MACROS, headers=anna).json()["macros"]] == ["nl"]


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"text": "Hi {customer}, see {order_id}"}, "unknown placeholder {customer}"),
        ({"text": "Dear {first_name} {voucher_code}"}, "unknown placeholder {voucher_code}"),
        ({"language": "es"}, "unknown language 'es'"),
        ({"title": "  "}, "title"),
        ({"text": " "}, "text"),
    ],
)
def test_that_a_bad_macro_is_refused_naming_the_problem(
    client: TestClient, lisa: dict[str, str], body: dict[str, str], named: str
) -> None:
    good = {"title": "Greeting", "language": "en", "text": "Hello {first_name}"}
    refused = client.post(MACROS, json=good | body, headers=lisa)
    assert refused.status_code == 422, refused.text
    assert named in refused.json()["error"]["message"]
    assert client.get(MACROS, headers=lisa).json()["macros"] == []


def test_that_only_a_lead_changes_macros(client: TestClient, lisa: dict[str, str]) -> None:
    anna = login(client, "anna@tandem.example")
    body = {"title": "Greeting", "language": "en", "text": "Hello {first_name}"}
    assert client.post(MACROS, json=body, headers=anna).status_code == 403
    made = client.post(MACROS, json=body, headers=lisa).json()
    assert client.put(f"{MACROS}/{made['id']}", json=body, headers=anna).status_code == 403
    assert client.delete(f"{MACROS}/{made['id']}", headers=anna).status_code == 403
    assert client.post(MACROS, json=body).status_code == 401
