"""Partial requests ("only the hoodie, not the socks"), corrections and stray yeses, through the
public API with the real models, in Dutch and English.

Emma's TD-1002 (delivered five days ago) holds a hoodie and two pairs of socks; TD-2001 is
James's order, not hers.
"""

import pytest
from fastapi.testclient import TestClient

from conftest import signed
from scenarios.chat import Chat

HOODIE_ONLY = [
    "Ik wil alleen de hoodie van TD-1002 terugsturen, niet de sokken",
    "Ik wil de hoodie retourneren maar de sokken niet, bestelling TD-1002",
    "Alles van TD-1002 terugsturen behalve de sokken",
    "I only want to return the hoodie from TD-1002, not the socks",
    "Please return everything from TD-1002 except the socks",
    "I'd like to send back the hoodie from TD-1002 without the socks",
]


def _text(body: dict[str, object]) -> str:
    messages = body["messages"]
    assert isinstance(messages, list)
    return "\n".join(m["text"] for m in messages if m["author"] != "customer")


@pytest.mark.parametrize("request_text", HOODIE_ONLY)
def test_that_only_the_named_item_and_not_the_excluded_one_is_offered_for_return(
    client: TestClient, request_text: str
) -> None:
    chat = Chat(client, **signed("emma@example.nl"))
    dutch = "ik" in request_text.lower() or "alles" in request_text
    hoodie = "Hoodie" if dutch else "Hooded sweatshirt"  # the shop names it per language
    question = chat.replies(request_text)
    assert "TD-1002" in question and hoodie in question, question
    assert "sock" not in question.lower() and "sokken" not in question.lower(), question
    done = chat.say("ja" if dutch else "yes")
    assert f"1 x {hoodie}" in _text(done) and "sok" not in _text(done).lower(), _text(done)
    assert done["handoff"] is None


def test_that_a_pick_after_the_question_narrows_the_return_and_does_not_switch_flows(
    client: TestClient,
) -> None:
    chat = Chat(client, **signed("emma@example.nl"))
    both = chat.replies("Ik wil TD-1002 retourneren")
    assert "Hoodie" in both and "sokken" in both.lower()
    narrowed = chat.replies("alleen de hoodie")
    assert "TD-1002" in narrowed and "Hoodie" in narrowed and "sokken" not in narrowed.lower()
    assert "ruil" not in narrowed.lower()  # no exchange
    assert narrowed != both
    again = chat.say("nee, ik wil mijn geld terug voor de hoodie")
    words = _text(again)
    assert again["handoff"] is None or "?" not in words.split("\n")[0], words
    done = chat.say("ja")
    assert "1 x Hoodie" in _text(done) and done["handoff"] is None, _text(done)


def test_that_all_and_a_quantity_select_what_they_say(client: TestClient) -> None:
    chat = Chat(client, **signed("emma@example.nl"))
    both = chat.replies("I want to return both items from TD-1002")
    assert "1 x Hoodie" in both and "2 x" in both
    one = chat.replies("no, just 1 pair of socks")
    assert "1 x Merino" in one and "Hoodie" not in one, one


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Cancel TD-1002, no wait, I want to return it"),
        ("en", "cancel it, actually I want to return TD-1002"),
        ("nl", "Annuleer TD-1002, nee wacht, ik wil hem retourneren"),
    ],
)
def test_that_a_correction_in_one_message_asks_about_the_last_request_and_does_nothing(
    client: TestClient, language: str, text: str
) -> None:
    chat = Chat(client, **signed("emma@example.nl"), language=language)
    body = chat.say(text)
    answer = _text(body)
    assert "TD-1002" in answer and ("(yes/no)" in answer or "(ja/nee)" in answer), answer
    assert "cancelled" not in answer and "geannuleerd" not in answer
    assert "return" in answer.lower() or "retour" in answer.lower()


@pytest.mark.parametrize(
    "text",
    [
        "Ik wil alleen de laarzen van TD-2001 terugsturen",
        "I only want to return the boots from order TD-2001, not the rest",
    ],
)
def test_that_someone_elses_order_in_a_partial_request_reveals_nothing(
    client: TestClient, text: str
) -> None:
    chat = Chat(client, **signed("emma@example.nl"))
    answer = chat.replies(text)
    assert "TD-2001" in answer  # named back honestly: not found among hers
    for secret in ("James", "boots", "Boots", "laarzen", "Laarzen", "Royal Mail", "brown"):
        assert secret not in answer, answer
    assert "(yes/no)" not in answer and "(ja/nee)" not in answer
    after = chat.say("ja" if text.startswith("Ik") else "yes")  # names no order: asked again
    again = _text(after)
    assert after["handoff"] is None and "(yes/no)" not in again and "(ja/nee)" not in again
    assert again != answer and "TD-1003" in again, again


@pytest.mark.parametrize(
    ("start", "word", "expected"),
    [
        ({"language": "nl"}, "ja", "helpen"),
        ({"language": "en"}, "yes", "help"),
        (signed("emma@example.nl"), "ja", "helpen"),
        ({"language": "en"}, "no", "help"),
    ],
)
def test_that_yes_or_no_with_no_question_open_asks_what_to_help_with(
    client: TestClient, start: dict[str, str], word: str, expected: str
) -> None:
    chat = Chat(client, **start)
    body = chat.say(word)
    answer = _text(body)
    assert expected in answer and body["handoff"] is None and body["state"] == "ai", answer
    assert "TD-" not in answer  # no order looked up, nothing done


def test_that_a_turn_handing_over_does_not_also_ask_the_drafted_question(
    client: TestClient,
) -> None:
    """The same return asked for three times: the AI asks, asks once more in other words, then
    hands over (the same answer twice) with the hand-over alone, not a third "shall I?"."""
    chat = Chat(client, **signed("emma@example.nl"))
    first = chat.replies("Ik wil de hoodie van TD-1002 terugsturen")
    second = chat.replies("ik wil de hoodie van TD-1002 terugsturen zei ik")
    assert "(ja/nee)" in first and "(ja/nee)" in second and first != second
    body = chat.say("de hoodie van TD-1002 terugsturen")
    answer = _text(body)
    assert body["handoff"] is not None and body["handoff"]["rule"].startswith("same_answer")
    assert "(ja/nee)" not in answer and "Zal ik" not in answer, answer
