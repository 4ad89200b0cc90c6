"""Agents get AI-drafted replies to approve or edit; the draft never invents details."""

import dataclasses

from fastapi.testclient import TestClient

from chat_completions import chat_completions_server
from conftest import signed
from scenarios.chat import Chat, Desk
from tandem.answering.llm import LlmClient
from tandem.services.runtime import Runtime
from tandem.web.app import create_app


def _taken_chat(client: TestClient, agent_token: str) -> tuple[Chat, Desk]:
    chat = Chat(client, **signed("emma@example.nl"))
    chat.say("Er is twee keer afgeschreven voor TD-1004, ik wil een medewerker")
    desk = Desk(client, agent_token)
    assert desk.post(f"conversations/{chat.id}/take").status_code == 200
    return chat, desk


def test_that_without_an_llm_the_draft_is_empty(client: TestClient, agent_token: str) -> None:
    chat, desk = _taken_chat(client, agent_token)
    response = desk.post(f"conversations/{chat.id}/draft")
    assert response.status_code == 200 and response.json() == {"text": None}


def test_that_a_grounded_draft_is_offered_and_an_invented_one_is_not(
    runtime: Runtime, agent_token: str
) -> None:
    with chat_completions_server() as (url, script):
        llm = LlmClient(url, "small-model", "", timeout=2.0)
        with_llm = dataclasses.replace(runtime, writer=llm)
        with TestClient(create_app(with_llm.settings, with_llm)) as client:
            chat, desk = _taken_chat(client, agent_token)
            script.complete("Hoi Emma, ik kijk meteen naar de twee afschrijvingen van TD-1004.")
            drafted = desk.post(f"conversations/{chat.id}/draft").json()["text"]
            assert drafted == "Hoi Emma, ik kijk meteen naar de twee afschrijvingen van TD-1004."
            script.complete("Hoi Emma, je krijgt € 250,00 terug op TD-9999.")
            assert desk.post(f"conversations/{chat.id}/draft").json() == {"text": None}
        llm.close()


def test_that_only_the_owning_agent_gets_a_draft(client: TestClient, agent_token: str) -> None:
    chat = Chat(client, language="en")
    chat.say("I want to talk to a person")
    assert Desk(client, agent_token).post(f"conversations/{chat.id}/draft").status_code == 409
