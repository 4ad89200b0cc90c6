"""/metrics: Prometheus text format, readable only by whom it should be, no customer data."""

from __future__ import annotations

from fastapi.testclient import TestClient
from pydantic import SecretStr

from scenarios.chat import Chat
from tandem.services.runtime import Runtime
from tandem.web.app import create_app

SECRET_WORDS = "my card was charged twice, call me on 0612345678"


def test_that_metrics_show_turns_messages_handoffs_queue_and_agents_to_this_machine_only(
    runtime: Runtime, client: TestClient
) -> None:
    chat = Chat(client, language="en")
    chat.say(SECRET_WORDS)
    chat.say("I want to talk to a person")
    assert client.get("/metrics").status_code == 403  # the test client is not this machine
    with TestClient(create_app(runtime.settings, runtime), client=("127.0.0.1", 5000)) as local:
        response = local.get("/metrics")
        assert response.status_code == 200
        assert local.get("/metrics", headers={"X-Forwarded-For": "1.2.3.4"}).status_code == 403
    text = response.text
    assert 'tandem_messages_total{author="customer"} 2.0' in text
    assert "tandem_handoffs_total{reason=" in text
    assert "tandem_queue_length 1.0" in text and "tandem_agents_online" in text
    assert "tandem_turn_seconds_bucket" in text
    assert "0612345678" not in text and chat.id not in text


def test_that_with_a_token_set_only_the_token_opens_metrics(runtime: Runtime) -> None:
    runtime.settings = runtime.settings.model_copy(
        update={"metrics_token": SecretStr("scrape-secret-1")}
    )
    with TestClient(create_app(runtime.settings, runtime)) as remote:
        assert remote.get("/metrics").status_code == 401
        wrong = {"Authorization": "Bearer nope"}
        assert remote.get("/metrics", headers=wrong).status_code == 401
        right = {"Authorization": "Bearer scrape-secret-1"}
        assert remote.get("/metrics", headers=right).status_code == 200
