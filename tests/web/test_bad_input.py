"""Bad input gets a clear 4xx JSON error, nothing is stored half, and the server keeps working."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from scenarios.chat import Chat
from tandem.storage.conversations import count_messages

JSON = {"Content-Type": "application/json"}


def stored(engine: Engine) -> int:
    with engine.connect() as connection:
        return count_messages(connection)


def _send(client: TestClient, chat: Chat, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    headers = {**chat.auth, **kwargs.pop("headers", {})}
    response = client.post(f"/api/v1/conversations/{chat.id}/messages", headers=headers, **kwargs)
    body: dict[str, Any] = response.json()
    return response.status_code, body


@pytest.mark.parametrize(
    ("text", "needle"),
    [("", "empty"), ("   \n\t ", "empty"), ("x" * 4001, "longer than 4000"), ("a\x00b", "NUL")],
)
def test_that_an_unusable_message_is_refused_clearly_and_nothing_is_stored(
    client: TestClient, engine: Engine, text: str, needle: str
) -> None:
    chat = Chat(client, language="en")
    before = stored(engine)
    status, body = _send(client, chat, json={"text": text})
    assert status == 422
    assert needle in body["error"]["message"]
    assert stored(engine) == before
    assert chat.say("hello")["state"] == "ai"  # the server keeps working


def test_that_a_message_of_exactly_4000_characters_is_accepted(client: TestClient) -> None:
    chat = Chat(client, language="en")
    assert chat.say("a" * 4000)["messages"][0]["text"] == "a" * 4000


def test_that_invalid_utf8_is_refused_with_a_json_error(client: TestClient) -> None:
    chat = Chat(client, language="en")
    status, body = _send(client, chat, content=b'{"text": "caf\xe9"}', headers=JSON)
    assert status == 400 and body["error"]["code"] == "invalid_input"
    assert "UTF-8" in body["error"]["message"]


def test_that_a_lone_surrogate_is_refused_as_invalid_text(client: TestClient) -> None:
    chat = Chat(client, language="en")
    status, body = _send(client, chat, content=b'{"text": "\\ud800"}', headers=JSON)
    assert status == 422 and "UTF-8" in body["error"]["message"]


def test_that_an_unknown_conversation_is_a_404(client: TestClient) -> None:
    response = client.post(
        "/api/v1/conversations/nope/messages",
        json={"text": "hi"},
        headers={"Authorization": "Bearer x"},
    )
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_that_a_wrong_or_missing_token_is_a_401_and_stores_nothing(
    client: TestClient, engine: Engine
) -> None:
    chat = Chat(client, language="en")
    before = stored(engine)
    wrong = client.post(
        f"/api/v1/conversations/{chat.id}/messages",
        json={"text": "hi"},
        headers={"Authorization": "Bearer not-the-token"},
    )
    missing = client.post(f"/api/v1/conversations/{chat.id}/messages", json={"text": "hi"})
    assert (wrong.status_code, missing.status_code) == (401, 401)
    assert missing.json()["error"]["code"] == "unauthorized"
    assert stored(engine) == before


def test_that_a_message_to_a_closed_conversation_is_a_409(
    client: TestClient, agent_token: str
) -> None:
    chat = Chat(client, language="en")
    chat.say("a person please")
    headers = {"Authorization": f"Bearer {agent_token}"}
    client.post(f"/api/v1/agent/conversations/{chat.id}/take", headers=headers)
    client.post(f"/api/v1/agent/conversations/{chat.id}/close", headers=headers)
    status, body = _send(client, chat, json={"text": "hello?"})
    assert status == 409 and body["error"]["code"] == "conversation_closed"


@pytest.mark.parametrize("score", [0, 6, -1, 100])
def test_that_a_rating_outside_1_to_5_is_refused(client: TestClient, score: int) -> None:
    chat = Chat(client, language="en")
    response = client.post(
        f"/api/v1/conversations/{chat.id}/rating", json={"score": score}, headers=chat.auth
    )
    assert response.status_code == 422 and "1 to 5" in response.json()["error"]["message"]


def test_that_unknown_fields_and_wrong_types_are_refused(client: TestClient) -> None:
    assert client.post("/api/v1/conversations", json={"colour": "red"}).status_code == 422
    assert client.post("/api/v1/conversations", json={"language": "es"}).status_code == 422
    chat = Chat(client, language="en")
    status, _ = _send(client, chat, json={"text": 42})
    assert status == 422


def test_that_html_in_a_message_is_stored_and_returned_verbatim_as_text(
    client: TestClient,
) -> None:
    chat = Chat(client, language="en")
    payload = '<script>alert("x")</script><b>bold</b>'
    assert chat.say(payload)["messages"][0]["text"] == payload


def test_that_wrong_agent_credentials_are_refused_without_saying_which_part(
    client: TestClient, agent_token: str
) -> None:
    for email, password in (("anna@tandem.example", "wrong"), ("nobody@x.nl", "whatever1")):
        response = client.post("/api/v1/agent/login", json={"email": email, "password": password})
        assert response.status_code == 401
        assert response.json()["error"]["message"] == "unknown email or wrong password"
    assert client.get("/api/v1/agent/queue").status_code == 401
