"""With an LLM configured, grounded answers may be reworded; invented details never pass."""

import dataclasses
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from chat_completions import Script, chat_completions_server
from conftest import signed
from scenarios.chat import Chat
from tandem.answering.llm import LlmClient
from tandem.services.runtime import Runtime
from tandem.web.app import create_app


@pytest.fixture
def llm_chat(runtime: Runtime) -> Iterator[tuple[TestClient, Script]]:
    with chat_completions_server() as (url, script):
        llm = LlmClient(url, "small-model", "", timeout=2.0)
        with TestClient(
            create_app(runtime.settings, dataclasses.replace(runtime, writer=llm))
        ) as client:
            yield client, script
        llm.close()


def test_that_a_grounded_rewording_reaches_the_customer(
    llm_chat: tuple[TestClient, Script],
) -> None:
    client, script = llm_chat
    chat = Chat(client, **signed("james@example.com"))
    script.complete("Good news, James: TD-2002 is being packed for you right now.")
    assert chat.replies("Where is my order TD-2002?") == (
        "Good news, James: TD-2002 is being packed for you right now."
    )


def test_that_a_rewording_with_an_invented_date_falls_back_to_the_template(
    llm_chat: tuple[TestClient, Script],
) -> None:
    client, script = llm_chat
    chat = Chat(client, **signed("james@example.com"))
    script.complete("TD-2002 will arrive on 3 December.")
    answer = chat.replies("Where is my order TD-2002?")
    assert "3 December" not in answer and "TD-2002" in answer and "prepared" in answer
