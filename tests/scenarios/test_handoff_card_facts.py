"""The handoff card states what the conversation recorded, never a guess: the order each request
was about (named in it, or given right after it, also while waiting), what the AI did in plain
words, and "ask which order" when nobody said. Dutch and English, through the real services."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import signed
from scenarios.chat import Chat, card_of

EMMA = "emma@example.nl"


def talk(client: TestClient, language: str, turns: list[str], email: str | None = EMMA) -> Chat:
    chat = Chat(client, language=language, **(signed(email) if email else {}))
    for text in turns:
        chat.say(text)
    return chat


def order_ids(card: dict[str, Any]) -> list[str]:
    return [order["id"] for order in card["orders"]]


def mentions(card: dict[str, Any]) -> set[str]:
    """Every order id written anywhere on the card."""
    text = json.dumps(card)
    return {f"TD-{n}" for n in range(1000, 3000) if f"TD-{n}" in text}


@pytest.mark.parametrize(
    ("language", "turns"),
    [
        ("en", ["I was charged twice for TD-1004"]),
        ("en", ["My card was charged two times for order TD-1004, 114.95 each time"]),
        ("nl", ["Ik ben twee keer afgeschreven voor TD-1004"]),
        ("nl", ["Bestelling TD-1004 is dubbel van mijn rekening afgeschreven, 2x €114,95"]),
    ],
)
def test_that_a_double_charge_named_in_the_first_message_is_on_the_card(
    client: TestClient, agent_token: str, language: str, turns: list[str]
) -> None:
    chat = talk(client, language, turns)
    assert chat.state == "queued"
    card = card_of(client, agent_token, chat)
    assert order_ids(card) == ["TD-1004"]
    assert mentions(card) == {"TD-1004"}
    assert "TD-1004" in card["summary"]
    assert card["next_step"] == "Check the two payments on TD-1004 and refund the duplicate."
    assert card["orders"][0]["payments"].count("114.95") == 2


@pytest.mark.parametrize(
    ("language", "first", "then"),
    [
        ("en", "I was charged twice", "It's TD-1004"),
        ("nl", "Ik ben twee keer afgeschreven", "TD-1004"),
    ],
)
def test_that_an_order_given_while_waiting_completes_the_card(
    client: TestClient, agent_token: str, language: str, first: str, then: str
) -> None:
    chat = talk(client, language, [first])
    assert chat.state == "queued"
    before = card_of(client, agent_token, chat)
    assert order_ids(before) == [] and mentions(before) == set()
    assert before["next_step"].startswith("Ask which order was charged twice")

    chat.say(then)
    after = card_of(client, agent_token, chat)
    assert order_ids(after) == ["TD-1004"]
    assert "TD-1004" in after["summary"] and '"' not in after["summary"]  # not quoted apart
    assert after["next_step"] == "Check the two payments on TD-1004 and refund the duplicate."


def test_that_another_customers_order_given_while_waiting_stays_off_the_card(
    client: TestClient, agent_token: str
) -> None:
    chat = talk(client, "en", ["I was charged twice", "TD-2002"])
    card = card_of(client, agent_token, chat)
    assert order_ids(card) == [] and "TD-2002" not in card["next_step"]


@pytest.mark.parametrize(
    ("language", "turns"),
    [
        ("en", ["Where is TD-1001?", "Also I was charged twice"]),
        ("nl", ["Waar is TD-1001?", "Ik ben ook twee keer afgeschreven"]),
    ],
)
def test_that_a_double_charge_without_an_order_is_not_pinned_on_an_earlier_one(
    client: TestClient, agent_token: str, language: str, turns: list[str]
) -> None:
    chat = talk(client, language, turns)
    assert chat.state == "queued"
    card = card_of(client, agent_token, chat)
    assert order_ids(card) == ["TD-1001"]  # the order the status question was about
    assert card["next_step"].startswith("Ask which order was charged twice")
    assert "TD-1001" in card["summary"]
    assert card["summary"].count("TD-1001") == 1  # the status question, not the charge


@pytest.mark.parametrize(
    ("language", "turns"),
    [
        ("en", ["Where is TD-1001?", "I was charged twice for TD-1004"]),
        ("nl", ["Waar is TD-1001?", "Voor TD-1004 ben ik twee keer afgeschreven"]),
        ("en", ["I was charged twice, for TD-1004 or TD-1001, I'm not sure which"]),
    ],
)
def test_that_with_two_orders_the_double_charge_lands_on_the_right_one(
    client: TestClient, agent_token: str, language: str, turns: list[str]
) -> None:
    chat = talk(client, language, turns)
    card = card_of(client, agent_token, chat)
    assert "TD-1004" in order_ids(card)
    assert card["next_step"] == "Check the two payments on TD-1004 and refund the duplicate."


@pytest.mark.parametrize(
    ("language", "turns", "tried"),
    [
        (
            "nl",
            ["Ik wil TD-1003 annuleren", "ja", "ik wil een medewerker spreken"],
            ["Asked the customer to confirm cancelling TD-1003",
             "Cancelled TD-1003 after the customer confirmed"],
        ),
        (
            "en",
            ["Please cancel TD-1003", "yes", "can I talk to a person"],
            ["Asked the customer to confirm cancelling TD-1003",
             "Cancelled TD-1003 after the customer confirmed"],
        ),
        (
            "en",
            ["I want to return something from TD-1002", "no wait, TD-1001", "I want a person"],
            ["Asked the customer to confirm the return of TD-1002",
             "Explained TD-1001 is still on its way, so it cannot be returned yet"],
        ),
    ],
)  # fmt: skip
def test_that_what_the_ai_tried_is_written_for_people(
    client: TestClient, agent_token: str, language: str, turns: list[str], tried: list[str]
) -> None:
    chat = talk(client, language, turns)
    assert chat.state == "queued"
    card = card_of(client, agent_token, chat)
    assert card["tried"] == tried
    assert all("_" not in line and "affirm" not in line for line in card["tried"])
    named = {word.strip(",.") for line in tried for word in line.split() if word.startswith("TD-")}
    assert set(order_ids(card)) == named


def test_that_a_return_switched_to_another_order_names_each_where_it_belongs(
    client: TestClient, agent_token: str
) -> None:
    chat = talk(client, "nl", ["Ik wil iets van TD-1002 terugsturen", "nee, van TD-1001",
                               "ik wil een medewerker"])  # fmt: skip
    card = card_of(client, agent_token, chat)
    assert order_ids(card) == ["TD-1002", "TD-1001"]
    assert "TD-1003" not in mentions(card)


def test_that_a_guest_s_unverified_order_is_not_stated_as_theirs(
    client: TestClient, agent_token: str
) -> None:
    chat = talk(client, "en", ["I was charged twice for TD-1004"], email=None)
    card = card_of(client, agent_token, chat)
    assert card["customer"] is None and order_ids(card) == []
    assert "not identified" in card["next_step"]


@pytest.mark.parametrize(
    ("language", "text", "proof"),
    [
        ("en", "I was charged twice for TD-1004, postcode 1012 AB", "1012 AB"),
        ("nl", "Mijn bestelling TD-1004 is dubbel afgeschreven, emma@example.nl", "e-mail"),
    ],
)
def test_that_a_guest_who_proves_the_order_in_the_hand_over_message_is_verified_first(
    client: TestClient, agent_token: str, language: str, text: str, proof: str
) -> None:
    chat = talk(client, language, [text], email=None)
    assert chat.state == "queued"
    card = card_of(client, agent_token, chat)
    assert card["customer"] is not None, proof
    assert order_ids(card) == ["TD-1004"]
    assert card["orders"][0]["payments"].count("114.95") == 2


def test_that_a_guest_with_a_wrong_proof_stays_unidentified(
    client: TestClient, agent_token: str
) -> None:
    chat = talk(client, "en", ["I was charged twice for TD-1004, postcode 9999 ZZ"], email=None)
    card = card_of(client, agent_token, chat)
    assert card["customer"] is None and order_ids(card) == []


def test_that_the_card_names_items_and_statuses_in_the_conversation_s_language(
    client: TestClient, agent_token: str
) -> None:
    english = card_of(client, agent_token, talk(client, "en", ["I was charged twice for TD-1004"]))
    assert english["orders"][0]["items"] == "Canvas backpack in sand, 2 x Stoneware mug in ochre"
    assert english["orders"][0]["status"] == "being prepared"
    dutch = card_of(client, agent_token, talk(client, "nl", ["Dubbel afgeschreven voor TD-1004"]))
    assert dutch["orders"][0]["items"] == "Canvas rugzak in zand, 2 x Stenen mok in oker"
    assert dutch["orders"][0]["status"] == "in behandeling"
