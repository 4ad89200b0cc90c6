"""The LLM adapter against a real OpenAI-compatible HTTP server with scripted completions."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from chat_completions import Script, chat_completions_server
from tandem.answering.llm import LlmClient, NoLlm, writer

TEMPLATE = "Je bestelling TD-1001 is verzonden met PostNL (3SABC1234567) en komt dinsdag 4 maart."
FACTS = ["order TD-1001", "status shipped", "total EUR 59,95"]
TRANSCRIPT = [
    ("customer", "Waar is mijn bestelling TD-1001?"),
    ("ai", TEMPLATE),
    ("customer", "Ik wil een medewerker spreken"),
]


@pytest.fixture
def llm_server() -> Iterator[tuple[str, Script]]:
    with chat_completions_server() as served:
        yield served


@pytest.fixture
def client(llm_server: tuple[str, Script]) -> Iterator[LlmClient]:
    llm = LlmClient(llm_server[0], "small-model", "secret-key", timeout=1.0)
    yield llm
    llm.close()


def test_that_a_grounded_rephrase_is_used(
    client: LlmClient, llm_server: tuple[str, Script]
) -> None:
    _, script = llm_server
    warm = "Goed nieuws! TD-1001 is onderweg met PostNL (3SABC1234567), dinsdag 4 maart is hij er."
    script.complete(warm)

    assert client.rephrase("nl", TEMPLATE, FACTS) == warm


def test_that_the_request_is_a_plain_chat_completion_with_a_bearer_key(
    client: LlmClient, llm_server: tuple[str, Script]
) -> None:
    _, script = llm_server
    script.complete("Bestelling TD-1001 is onderweg.")

    client.rephrase("nl", TEMPLATE, FACTS)

    path, headers, body = script.requests[0]
    assert path == "/v1/chat/completions"
    assert headers["Authorization"] == "Bearer secret-key"
    assert body["model"] == "small-model"
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    assert TEMPLATE in body["messages"][1]["content"]
    assert "tools" not in body


@pytest.mark.parametrize(
    "invented",
    [
        "Je bestelling TD-1002 is verzonden en komt dinsdag 4 maart.",  # another order
        "Bestelling TD-1001 komt dinsdag 4 maart; je krijgt € 10 terug.",  # an amount
        "Bestelling TD-1001 komt woensdag 5 maart.",  # a date
        "Bestelling TD-1001 is verzonden (3SABC7654321).",  # a tracking code
        "Volg TD-1001 op https://track.example/3SABC1234567.",  # a link
    ],
)
def test_that_a_rephrase_that_invents_a_detail_is_rejected(
    client: LlmClient, llm_server: tuple[str, Script], invented: str
) -> None:
    llm_server[1].complete(invented)

    assert client.rephrase("nl", TEMPLATE, FACTS) is None


def test_that_a_summary_is_checked_against_the_transcript(
    client: LlmClient, llm_server: tuple[str, Script]
) -> None:
    _, script = llm_server
    script.complete("Klant vroeg waar TD-1001 is en wil nu een medewerker.")
    assert (
        client.summarise("nl", TRANSCRIPT)
        == "Klant vroeg waar TD-1001 is en wil nu een medewerker."
    )

    script.complete("Klant vroeg waar TD-1004 is en wil nu een medewerker.")
    assert client.summarise("nl", TRANSCRIPT) is None


def test_that_a_draft_may_use_the_facts_but_no_more(
    client: LlmClient, llm_server: tuple[str, Script]
) -> None:
    _, script = llm_server
    script.complete("Hallo! Ik help je verder met TD-1001 (EUR 59,95).")
    assert (
        client.draft_reply("nl", TRANSCRIPT, FACTS)
        == "Hallo! Ik help je verder met TD-1001 (EUR 59,95)."
    )

    script.complete("Hallo! Je krijgt EUR 59,95 binnen 3 dagen terug.")
    assert client.draft_reply("nl", TRANSCRIPT, FACTS) is None


def test_that_a_slow_server_gives_none_within_about_the_timeout(
    client: LlmClient, llm_server: tuple[str, Script]
) -> None:
    _, script = llm_server
    script.complete("Bestelling TD-1001 is onderweg.")
    script.delay = 5.0

    started = time.monotonic()
    assert client.rephrase("nl", TEMPLATE, FACTS) is None
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, b'{"error": "boom"}'),
        (200, b"<html>not json"),
        (200, b'{"choices": []}'),
        (200, b'{"choices": [{"message": {"content": "  "}}]}'),
        (401, b'{"error": "bad key"}'),
    ],
)
def test_that_a_failing_or_garbled_server_gives_none(
    client: LlmClient, llm_server: tuple[str, Script], status: int, body: bytes
) -> None:
    _, script = llm_server
    script.status, script.body = status, body

    assert client.rephrase("nl", TEMPLATE, FACTS) is None
    assert client.summarise("nl", TRANSCRIPT) is None
    assert client.draft_reply("nl", TRANSCRIPT, FACTS) is None


def test_that_an_unreachable_server_gives_none() -> None:
    llm = LlmClient("http://127.0.0.1:9", "small-model", "", timeout=1.0)
    try:
        assert llm.rephrase("en", "Your order TD-1001 has shipped.", []) is None
    finally:
        llm.close()


def test_that_without_a_configured_llm_every_use_gives_none() -> None:
    offline = writer("", "", "")

    assert isinstance(offline, NoLlm)
    assert offline.rephrase("en", "Your order TD-1001 has shipped.", []) is None
    assert offline.summarise("en", TRANSCRIPT) is None
    assert offline.draft_reply("en", TRANSCRIPT, []) is None
