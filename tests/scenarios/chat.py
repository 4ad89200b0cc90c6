"""A customer's side of a conversation, driven through the public HTTP API."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from scenarios.wording import check_reply


class Chat:
    def __init__(self, client: TestClient, **start: str) -> None:
        self.client = client
        response = client.post("/api/v1/conversations", json=start)
        assert response.status_code == 201, response.text
        body = response.json()
        check_reply(body["messages"][0]["text"])
        self.id: str = body["id"]
        self.token: str = body["token"]
        self.greeting: str = body["messages"][0]["text"]
        self.state: str = body["state"]

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def say(self, text: str, **extra: Any) -> dict[str, Any]:
        response = self.client.post(
            f"/api/v1/conversations/{self.id}/messages",
            json={"text": text, **extra},
            headers=self.auth,
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        self.state = body["state"]
        for message in body["messages"]:  # every scripted conversation checks its wording
            if message["author"] != "customer":
                check_reply(message["text"])
        return body

    def replies(self, text: str) -> str:
        """Everything the AI and the system said back to `text`, as one string."""
        body = self.say(text)
        return "\n".join(m["text"] for m in body["messages"] if m["author"] != "customer")

    def messages(self, after: int = 0) -> list[dict[str, Any]]:
        response = self.client.get(
            f"/api/v1/conversations/{self.id}/messages", params={"after": after}, headers=self.auth
        )
        assert response.status_code == 200, response.text
        found: list[dict[str, Any]] = response.json()["messages"]
        return found


class Desk:
    """An agent's side, through the agent API."""

    def __init__(self, client: TestClient, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def queue(self) -> list[dict[str, Any]]:
        response = self.client.get("/api/v1/agent/queue", headers=self.headers)
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["conversations"]
        return items

    def post(self, path: str, **body: Any) -> Any:
        return self.client.post(f"/api/v1/agent/{path}", json=body or None, headers=self.headers)


def card_of(client: TestClient, token: str, chat: Chat) -> dict[str, Any]:
    """The hand-over card an agent (`token`) sees for the conversation."""
    response = client.get(
        f"/api/v1/agent/conversations/{chat.id}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    card: dict[str, Any] = response.json()["card"]
    assert card is not None
    return card
