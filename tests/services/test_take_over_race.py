"""Two agents take the same conversation at the same moment: exactly one wins."""

import threading
from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from conftest import DEMO_PASSWORD
from scenarios.chat import Chat
from tandem.services.runtime import Runtime
from tandem.web.app import create_app

ROUNDS = 12


def _login(client: TestClient, email: str) -> dict[str, str]:
    response = client.post("/api/v1/agent/login", json={"email": email, "password": DEMO_PASSWORD})
    return {"Authorization": f"Bearer {response.json()['token']}"}


Taker = tuple[TestClient, dict[str, str]]


def _race(takers: list[Taker], chat_id: str) -> list[int]:
    """Every taker posts `take` at the same moment; their status codes, sorted."""
    barrier = threading.Barrier(len(takers))

    def take(taker: Taker) -> int:
        own_client, headers = taker
        barrier.wait()
        return own_client.post(
            f"/api/v1/agent/conversations/{chat_id}/take", headers=headers
        ).status_code

    with ThreadPoolExecutor(len(takers)) as pool:
        return sorted(pool.map(take, takers))


def test_that_exactly_one_of_two_simultaneous_takers_wins(
    runtime: Runtime, client: TestClient, agent_token: str
) -> None:
    with (
        TestClient(create_app(runtime.settings, runtime)) as anna_client,
        TestClient(create_app(runtime.settings, runtime)) as ben_client,
    ):
        takers = [
            (anna_client, _login(anna_client, "anna@tandem.example")),
            (ben_client, _login(ben_client, "ben@tandem.example")),
        ]
        for _ in range(ROUNDS):
            chat = Chat(client, language="en")
            assert chat.say("I want to talk to a person")["state"] == "queued"
            assert _race(takers, chat.id) == [200, 409]
            events = client.get(
                f"/api/v1/agent/conversations/{chat.id}",
                headers={"Authorization": f"Bearer {agent_token}"},
            ).json()["events"]
            assert [e["kind"] for e in events].count("taken") == 1
