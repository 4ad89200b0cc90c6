"""Every word a customer reads is in the conversation's language, and reads as a person wrote it.

Checked on every reply template, on every scripted bench conversation (bench/conversations),
and, through scenarios/chat.py, on every reply of every scenario test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from conftest import signed
from scenarios.chat import Chat
from scenarios.wording import (
    foreign_words,
    machine_text,
    other_language_words,
    reply_language,
    template_texts,
)
from tandem.services.runtime import Runtime
from tandem.web.app import create_app

BENCH = Path(__file__).parents[2] / "bench" / "conversations"


@pytest.mark.parametrize("language", ["en", "nl"])
def test_that_no_reply_template_holds_a_word_of_the_other_language(language: str) -> None:
    found = {key: foreign_words(text, language) for key, text in template_texts(language)}
    assert {key: words for key, words in found.items() if words} == {}


@pytest.mark.parametrize("language", ["en", "nl"])
def test_that_no_reply_template_holds_machine_text(language: str) -> None:
    found = {key: machine_text(text) for key, text in template_texts(language)}
    assert {key: pieces for key, pieces in found.items() if pieces} == {}


def test_that_the_checks_catch_what_was_seen_on_the_demo() -> None:
    assert foreign_words("Bestelling TD-1003 is al cancelled", "nl") == {"cancelled"}
    assert foreign_words("We mailen je ook een bevestiging.", "en") >= {"mailen", "je", "ook"}
    assert foreign_words("Canvas sneakers in 39 / wit, grey / green", "en") == {"wit"}
    assert machine_text("none of my human colleagues is available (nobody is available at the "
                        "moment)")  # fmt: skip
    assert machine_text("Ik draag je over (een dubbele afschrijving controleert een collega).")
    assert machine_text("Shall I go ahead? (yes/no)") and machine_text("reason double_charge")
    assert not machine_text("Rain jacket in M / ochre (PostNL, €4.95, free from €40)")


def _bench_scripts() -> list[tuple[str, dict[str, object]]]:
    scripts: list[tuple[str, dict[str, object]]] = []
    for path in sorted(BENCH.glob("*.yaml")):
        scripts += list(yaml.safe_load(path.read_text(encoding="utf-8")).items())
    return scripts


def test_that_every_bench_conversation_is_answered_in_its_own_language(
    runtime: Runtime, agent_token: str
) -> None:
    if runtime.engine.dialect.name != "sqlite":
        pytest.skip("the wording does not depend on the database: checked once, on SQLite")
    wrong: list[str] = []
    app = create_app(runtime.settings, runtime)
    for number, (name, script) in enumerate(_bench_scripts()):
        language = str(script["language"])
        email = script.get("customer_email")
        # each conversation from its own address, as customers are (rate limits per address)
        client = TestClient(app, client=(f"10.1.{number // 200}.{number % 200}", 50000))
        chat = Chat(client, language=language, **(signed(str(email)) if email else {}))
        for text in script["turns"]:  # type: ignore[attr-defined]
            for message in chat.say(str(text))["messages"]:
                if message["author"] == "customer":
                    continue
                said = message["text"]
                if other_language_words(said, language):
                    wrong.append(f"{name}: {said}")
    assert wrong == []


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("gibberish", ["asdkj qwpoe zmxnc", "hgfd jhgf kjhg lkjh", "kjhsdf"])
def test_that_gibberish_is_answered_in_the_widget_s_language(
    client: TestClient, language: str, gibberish: str
) -> None:
    chat = Chat(client, language=language)
    said = chat.replies(gibberish)
    assert reply_language(said) == language
    conversation = client.get(f"/api/v1/conversations/{chat.id}/messages", headers=chat.auth)
    assert conversation.status_code == 200


def test_that_a_dutch_customer_writing_english_reads_english_names_statuses_and_dates(
    client: TestClient,
) -> None:
    chat = Chat(client, language="en", **signed("emma@example.nl"))
    status = chat.replies("Where is my order TD-1001?")
    assert "Rain jacket in M / ochre" in status and "Regenjas" not in status
    assert reply_language(status) == "en"
    exchange = chat.replies("I want to exchange the hoodie from TD-1002")
    assert "Hooded sweatshirt in M / grey" in exchange and "grijs" not in exchange
    assert "L / grey" in exchange
    cancel = chat.replies("Please cancel TD-1003")
    assert "Canvas sneakers in 39 / white" in cancel and "wit" not in cancel.split()


def test_that_an_english_customer_writing_dutch_reads_dutch_names(client: TestClient) -> None:
    chat = Chat(client, language="nl", **signed("james@example.com"))
    status = chat.replies("Waar is mijn bestelling TD-2002?")
    assert "Linnen overhemd in L / blauw" in status and "Linen shirt" not in status
    assert "in behandeling" in status or reply_language(status) == "nl"
    exchange = chat.replies("Ik wil het overhemd van TD-2002 ruilen")
    assert reply_language(exchange) == "nl"
    assert "blue" not in exchange and "white" not in exchange


@pytest.mark.parametrize(
    ("language", "question"),
    [("en", "How long does delivery take?"), ("en", "what are the shipping costs"),
     ("nl", "Wat zijn de verzendkosten?")],
)  # fmt: skip
def test_that_a_guest_asking_about_delivery_hears_every_country_we_ship_to(
    client: TestClient, language: str, question: str
) -> None:
    said = Chat(client, language=language).replies(question)
    assert all(price in said for price in ("4", "6", "7")), said  # NL, BE and UK costs
    assert ("Netherlands" in said) if language == "en" else ("Nederland" in said)
