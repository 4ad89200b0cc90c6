"""The handoff card's mood and language say what the customer's own messages say: a calm
customer who answers "yes" or "ja" is calm, an angry one (angry words, capitals, the same
complaint again) is not, and the language is the one they write in, also when their shop profile
or the widget says otherwise, or when they switch. Dutch and English, through the HTTP API."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from conftest import signed
from scenarios.chat import Chat, card_of

EMMA = "emma@example.nl"  # her shop profile says Dutch
JAMES = "james@example.com"  # his says English


def talk(client: TestClient, turns: list[str], email: str | None, **start: str) -> Chat:
    chat = Chat(client, **start, **(signed(email) if email else {}))
    for text in turns:
        chat.say(text)
    return chat


@pytest.mark.parametrize(
    ("language", "turns"),
    [
        ("en", ["I was charged twice for TD-1004", "yes"]),
        ("en", ["My order TD-1001 has not arrived", "ok", "Can I talk to someone please?", "yes"]),
        (
            "en",
            [
                "I'd like to cancel order TD-1003",
                "yes please",
                "I want to speak to a person",
                "yes please",
            ],
        ),
        (
            "en",
            ["The parcel arrived damaged", "It's TD-1001", "Could a colleague look at it?", "yes"],
        ),
        ("nl", ["Ik ben twee keer afgeschreven voor TD-1004", "ja"]),
        (
            "nl",
            [
                "Mijn bestelling TD-1001 is niet aangekomen",
                "oké",
                "Mag ik een medewerker spreken?",
                "ja graag",
            ],
        ),
        (
            "nl",
            [
                "Ik wil bestelling TD-1003 annuleren",
                "ja graag",
                "Ik wil iemand spreken",
                "ja graag",
            ],
        ),
        (
            "nl",
            [
                "Het pakket is beschadigd aangekomen",
                "Het is TD-1001",
                "Kan een collega ernaar kijken?",
                "ja",
            ],
        ),
    ],
)
def test_that_a_calm_customer_saying_yes_is_calm_on_the_card(
    client: TestClient, agent_token: str, language: str, turns: list[str]
) -> None:
    chat = talk(client, turns, EMMA, language=language)
    assert chat.state == "queued"
    frustration = card_of(client, agent_token, chat)["frustration"]
    assert frustration["mood"] == "calm", frustration
    assert frustration["last"] < 0.3
    assert len(frustration["series"]) == len(turns)  # every message, also after the hand-over


@pytest.mark.parametrize(
    ("language", "turns"),
    [
        ("en", ["This is the third time I ask: where is TD-1001?!", "yes"]),
        ("en", ["Your service is useless, I want a person", "yes"]),
        (
            "en",
            [
                "Can I talk to a person?",
                "WHERE IS MY ORDER TD-1001?? I HAVE BEEN WAITING FOR WEEKS!!",
                "yes",
            ],
        ),
        (
            "en",
            [
                "Can I talk to a person?",
                *["where is my parcel TD-1001, it is late"] * 2,
                "where is my parcel TD-1001, it is late!!",
                "ok",
            ],
        ),
        ("nl", ["Dit is de derde keer dat ik het vraag: waar is TD-1001?!", "ja"]),
        ("nl", ["Jullie service is waardeloos, ik wil een mens", "ja"]),
        (
            "nl",
            [
                "Mag ik een medewerker spreken?",
                "WAAR IS MIJN BESTELLING TD-1001?? IK WACHT AL WEKEN!!",
                "ja",
            ],
        ),
        (
            "nl",
            [
                "Mag ik een medewerker spreken?",
                *["waar blijft mijn pakket TD-1001, het is te laat"] * 2,
                "waar blijft mijn pakket TD-1001, het is te laat!!",
                "oké",
            ],
        ),
    ],
)
def test_that_an_angry_customer_is_not_calm_on_the_card_even_after_a_yes(
    client: TestClient, agent_token: str, language: str, turns: list[str]
) -> None:
    chat = talk(client, turns, EMMA, language=language)
    assert chat.state == "queued"
    frustration = card_of(client, agent_token, chat)["frustration"]
    assert frustration["mood"] in ("frustrated", "angry"), frustration
    assert frustration["last"] >= 0.6
    assert len(frustration["series"]) == len(turns)  # also what was said while waiting


@pytest.mark.parametrize(
    ("email", "widget", "turns", "language"),
    [
        (EMMA, "en", ["I was charged twice for TD-1004", "yes", "ok"], "en"),
        (EMMA, "nl", ["I was charged twice for TD-1004", "yes", "ok"], "en"),
        (EMMA, None, ["I would like to talk to a person about my parcel", "ok"], "en"),
        (JAMES, "en", ["Ik ben twee keer afgeschreven voor TD-2002", "ja", "oké"], "nl"),
        (JAMES, None, ["Ik wil een medewerker spreken over mijn bestelling", "ja"], "nl"),
        (None, "nl", ["I would like to speak to a person about my order", "ok"], "en"),
        (None, "en", ["Ik wil graag met een medewerker praten", "ok"], "nl"),
    ],
)
def test_that_the_card_gives_the_language_the_customer_writes_in(
    client: TestClient,
    agent_token: str,
    email: str | None,
    widget: str | None,
    turns: list[str],
    language: str,
) -> None:
    start = {"language": widget} if widget else {}
    chat = talk(client, turns, email, **start)
    assert chat.state == "queued"
    response = client.get(
        f"/api/v1/agent/conversations/{chat.id}",
        headers={"Authorization": f"Bearer {agent_token}"},
    )
    assert response.json()["language"] == language
    customer = response.json()["card"]["customer"]
    assert customer is None if email is None else customer["language"] == language


@pytest.mark.parametrize(
    ("email", "first", "then", "language"),
    [
        (
            EMMA,
            ["I was charged twice for TD-1004"],
            [
                "Sorry, ik schrijf liever in het Nederlands",
                "Kunnen jullie de dubbele betaling terugstorten?",
            ],
            "nl",
        ),
        (
            JAMES,
            ["Ik ben twee keer afgeschreven voor TD-2002"],
            [
                "Sorry, I would rather write in English",
                "Could you refund the second payment please?",
            ],
            "en",
        ),
    ],
)
def test_that_the_card_follows_a_customer_who_switches_language_while_waiting(
    client: TestClient,
    agent_token: str,
    email: str,
    first: list[str],
    then: list[str],
    language: str,
) -> None:
    chat = talk(client, first, email)
    assert chat.state == "queued"
    before = card_of(client, agent_token, chat)["customer"]["language"]
    assert before != language
    for text in then:
        chat.say(text)
    assert card_of(client, agent_token, chat)["customer"]["language"] == language
