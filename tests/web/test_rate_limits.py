"""Rate limits through HTTP: logins per account and per address, opening conversations and
asking for a person per address, each answered 429 with Retry-After."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from conftest import DEMO_PASSWORD
from scenarios.chat import Chat
from tandem.security.limits import RateLimits
from tandem.services.demo_agents import ensure_demo_agents
from tandem.services.runtime import Runtime
from tandem.storage.tables import agents
from tandem.web.app import create_app

LOGIN = "/api/v1/agent/login"
ANNA = "anna@tandem.example"
ATTACKER, NEIGHBOUR = "203.0.113.7", "198.51.100.2"


def limited(runtime: Runtime, **settings: Any) -> Runtime:
    """The runtime with other limit settings (and fresh counts); refusals without a pause."""
    changed = runtime.settings.model_copy(update={"refusal_pause_seconds": 0.0, **settings})
    return dataclasses.replace(runtime, settings=changed, limits=RateLimits(changed))


def client_at(runtime: Runtime, address: str) -> TestClient:
    return TestClient(create_app(runtime.settings, runtime), client=(address, 50000))


def log_in(client: TestClient, email: str, password: str, **headers: str) -> int:
    response = client.post(LOGIN, json={"email": email, "password": password}, headers=headers)
    if response.status_code == 429:
        assert int(response.headers["Retry-After"]) >= 1
        assert response.json()["error"]["code"] == "too_many_requests"
    return response.status_code


def retry_after(client: TestClient, email: str, password: str) -> int:
    response = client.post(LOGIN, json={"email": email, "password": password})
    assert response.status_code == 429, response.text
    return int(response.headers["Retry-After"])


@pytest.fixture
def agents_ready(runtime: Runtime) -> Runtime:
    ensure_demo_agents(runtime.engine, DEMO_PASSWORD)
    return runtime


def test_that_an_account_is_refused_for_a_minute_after_five_wrong_passwords(
    agents_ready: Runtime, client: TestClient
) -> None:
    assert [log_in(client, ANNA, "wrong-password") for _ in range(5)] == [401] * 5
    assert 1 <= retry_after(client, ANNA, "wrong-password") <= 60


def test_that_a_refusal_is_held_back_a_moment(runtime: Runtime) -> None:
    """A client that ignores Retry-After and asks again at once is slowed to a trickle."""
    runtime = limited(runtime, conversation_limit_per_address="1/minute")
    paused = dataclasses.replace(
        runtime, settings=runtime.settings.model_copy(update={"refusal_pause_seconds": 0.3})
    )
    with client_at(paused, ATTACKER) as client:
        assert client.post("/api/v1/conversations", json={}).status_code == 201
        begin = time.perf_counter()
        assert client.post("/api/v1/conversations", json={}).status_code == 429
        assert time.perf_counter() - begin >= 0.3


def test_that_a_correct_password_is_refused_while_the_account_is_locked(
    agents_ready: Runtime,
) -> None:
    runtime = limited(agents_ready, login_limit_per_account="2/minute")
    with client_at(runtime, ATTACKER) as attacker, client_at(runtime, NEIGHBOUR) as anna:
        assert [log_in(attacker, ANNA, guess) for guess in ("guess-1", "guess-2")] == [401, 401]
        response = anna.post(LOGIN, json={"email": ANNA, "password": DEMO_PASSWORD})
        assert response.status_code == 429
        assert "token" not in response.text


def test_that_the_wait_grows_for_an_account_that_keeps_failing(agents_ready: Runtime) -> None:
    # Tiers of seconds, not one second: a password check on a busy machine can take over one.
    runtime = limited(agents_ready, login_limit_per_account="1/3 seconds; 2/minute")
    with client_at(runtime, ATTACKER) as client:
        assert log_in(client, ANNA, "guess-1") == 401
        assert 1 <= retry_after(client, ANNA, "guess-2") <= 3
        time.sleep(3.5)  # past the first tier
        assert log_in(client, ANNA, "guess-3") == 401
        assert retry_after(client, ANNA, "guess-4") > 30


def test_that_an_address_trying_many_accounts_is_refused_but_its_neighbour_is_not(
    runtime: Runtime,
) -> None:
    runtime = limited(runtime, login_limit_per_address="3/minute")
    with client_at(runtime, ATTACKER) as attacker, client_at(runtime, NEIGHBOUR) as neighbour:
        tried = [log_in(attacker, f"agent{n}@example.com", "guess") for n in range(4)]
        assert tried == [401, 401, 401, 429]
        assert log_in(neighbour, "agent9@example.com", "guess") == 401


def test_that_a_correct_login_starts_the_account_count_again(agents_ready: Runtime) -> None:
    runtime = limited(agents_ready, login_limit_per_account="2/minute")
    with client_at(runtime, NEIGHBOUR) as client:
        assert log_in(client, ANNA, "typo") == 401
        assert log_in(client, ANNA, DEMO_PASSWORD) == 200
        assert [log_in(client, ANNA, "typo") for _ in range(3)] == [401, 401, 429]


def test_that_rate_limits_off_lifts_the_address_limit_but_not_the_account_limit(
    runtime: Runtime,
) -> None:
    runtime = limited(
        runtime,
        rate_limits=False,
        login_limit_per_address="1/minute",
        login_limit_per_account="2/minute",
    )
    with client_at(runtime, ATTACKER) as client:
        assert [log_in(client, f"agent{n}@example.com", "guess") for n in range(3)] == [401] * 3
        assert [log_in(client, ANNA, "guess") for _ in range(3)] == [401, 401, 429]


def test_that_an_unknown_email_and_a_wrong_password_both_run_one_password_check(
    agents_ready: Runtime, client: TestClient
) -> None:
    with agents_ready.engine.begin() as connection:
        connection.execute(
            update(agents).where(agents.c.email == "ben@tandem.example").values(active=False)
        )
    answers = []
    for email in ("nobody@example.com", ANNA, "ben@tandem.example"):  # unknown, wrong, inactive
        before = agents_ready.hashing.checks
        response = client.post(LOGIN, json={"email": email, "password": "wrong-password"})
        assert agents_ready.hashing.checks == before + 1
        answers.append((response.status_code, response.json()))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 401


def test_that_logins_answer_503_with_retry_after_while_redis_is_down(
    agents_ready: Runtime,
) -> None:
    runtime = limited(agents_ready, redis_url="redis://127.0.0.1:1/0")
    with client_at(runtime, NEIGHBOUR) as client:
        response = client.post(LOGIN, json={"email": ANNA, "password": DEMO_PASSWORD})
        assert response.status_code == 503
        assert int(response.headers["Retry-After"]) >= 1
        assert client.post("/api/v1/conversations", json={}).status_code == 201


def test_that_an_address_opening_too_many_conversations_is_refused(runtime: Runtime) -> None:
    runtime = limited(runtime, conversation_limit_per_address="3/minute")
    with client_at(runtime, ATTACKER) as attacker, client_at(runtime, NEIGHBOUR) as neighbour:
        opened = [attacker.post("/api/v1/conversations", json={}) for _ in range(4)]
        assert [r.status_code for r in opened] == [201, 201, 201, 429]
        assert 1 <= int(opened[-1].headers["Retry-After"]) <= 60
        assert neighbour.post("/api/v1/conversations", json={}).status_code == 201


def test_that_asking_for_a_person_is_limited_per_address(runtime: Runtime) -> None:
    runtime = limited(runtime, person_limit_per_address="2/minute")
    with client_at(runtime, ATTACKER) as attacker, client_at(runtime, NEIGHBOUR) as neighbour:
        for _ in range(2):
            assert Chat(attacker).say("a person please", request_human=True)["state"] == "queued"
        third = Chat(attacker)
        refused = attacker.post(
            f"/api/v1/conversations/{third.id}/messages",
            json={"text": "a person please", "request_human": True},
            headers=third.auth,
        )
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) >= 1
        stored = attacker.get(f"/api/v1/conversations/{third.id}/messages", headers=third.auth)
        assert stored.json()["state"] == "ai"
        assert [m["author"] for m in stored.json()["messages"]] == ["ai"]  # the greeting only
        assert Chat(neighbour).say("a person please", request_human=True)["state"] == "queued"


def test_that_a_typed_request_for_a_person_counts_towards_the_limit(runtime: Runtime) -> None:
    runtime = limited(runtime, person_limit_per_address="2/minute")
    with client_at(runtime, ATTACKER) as attacker:
        for _ in range(2):
            assert Chat(attacker).say("I want to talk to a person")["state"] == "queued"
        third = Chat(attacker)
        refused = attacker.post(
            f"/api/v1/conversations/{third.id}/messages",
            json={"text": "a person please", "request_human": True},
            headers=third.auth,
        )
        assert refused.status_code == 429


def test_that_rate_limits_off_lets_one_address_open_many_conversations(runtime: Runtime) -> None:
    runtime = limited(
        runtime,
        rate_limits=False,
        conversation_limit_per_address="1/minute",
        person_limit_per_address="1/minute",
    )
    with client_at(runtime, ATTACKER) as client:
        for _ in range(3):
            assert Chat(client).say("a person please", request_human=True)["state"] == "queued"


def test_that_x_forwarded_for_counts_only_from_a_trusted_proxy(runtime: Runtime) -> None:
    runtime = limited(
        runtime, trusted_proxies="10.0.0.0/8", conversation_limit_per_address="1/minute"
    )

    def open_as(client: TestClient, forwarded: str) -> int:
        headers = {"X-Forwarded-For": forwarded}
        return client.post("/api/v1/conversations", json={}, headers=headers).status_code

    with client_at(runtime, "10.0.0.5") as proxy, client_at(runtime, ATTACKER) as direct:
        # The proxy appends the real peer; what the client wrote to the left is not believed.
        assert open_as(proxy, "192.0.2.1, 198.51.100.9") == 201
        assert open_as(proxy, "192.0.2.2, 198.51.100.9") == 429
        assert open_as(proxy, "198.51.100.10, 10.0.0.6") == 201  # a second proxy hop skipped
        # Anyone else's header is ignored: the connection's address counts.
        assert open_as(direct, "192.0.2.3") == 201
        assert open_as(direct, "192.0.2.4") == 429
