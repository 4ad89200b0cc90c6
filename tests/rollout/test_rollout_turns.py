"""Each mode through the HTTP API: who answers, what the customer is told, what is recorded."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from conftest import signed
from scenarios.chat import Chat
from tandem.domain.rollout import Mode, Setting
from tandem.services import rollout
from tandem.services.runtime import Runtime


def decided(client: TestClient, token: str, conversation: str) -> list[dict[str, Any]]:
    headers = {"Authorization": f"Bearer {token}"}
    body = client.get(f"/api/v1/agent/conversations/{conversation}", headers=headers).json()
    return [event["detail"] for event in body["events"] if event["kind"] == "decided"]


def test_that_an_off_topic_goes_to_a_person_who_is_announced_honestly(
    runtime: Runtime, client: TestClient, agent_token: str
) -> None:
    rollout.change(runtime.engine, ["order_status"], Setting(Mode.OFF), "carrier outage", None)
    chat = Chat(client, **signed("james@example.com"))
    said = chat.replies("Where is my order TD-2002?")
    assert chat.state == "queued"
    assert "colleague" in said and "TD-2002" not in said  # no answer, an honest hand-over
    last = decided(client, agent_token, chat.id)[-1]
    assert (last["reason"], last["rollout_mode"], last["rollout_group"]) == (
        "rollout_off", "off", None
    )  # fmt: skip
    assert last["outcome"] is None and last["topic"] == "order_status"


def test_that_an_on_topic_is_answered_and_recorded_as_on(
    client: TestClient, agent_token: str
) -> None:
    chat = Chat(client, **signed("james@example.com"))
    chat.say("Hello")
    chat.say("Where is my order TD-2002?")
    assert chat.state == "ai"
    greeting, status = decided(client, agent_token, chat.id)
    assert (greeting["topic"], greeting["rollout_mode"]) == ("conversation", "on")
    assert (status["rollout_mode"], status["rollout_group"], status["outcome"]) == (
        "on", None, "answered"
    )  # fmt: skip


def test_that_a_pilot_splits_customers_and_records_the_group(
    runtime: Runtime, client: TestClient, agent_token: str
) -> None:
    rollout.change(runtime.engine, ["order_status"], Setting(Mode.PILOT, 0), "control only", None)
    control = Chat(client, **signed("james@example.com"))
    control.say("Where is my order TD-2002?")
    assert control.state == "queued"
    rollout.change(runtime.engine, ["order_status"], Setting(Mode.PILOT, 100), "all in", None)
    pilot = Chat(client, **signed("james@example.com"))
    pilot.say("Where is my order TD-2002?")
    assert pilot.state == "ai"
    first = decided(client, agent_token, control.id)[-1]
    second = decided(client, agent_token, pilot.id)[-1]
    assert (first["reason"], first["rollout_group"]) == ("rollout_pilot_control", "control")
    assert (second["rollout_mode"], second["rollout_group"]) == ("pilot", "pilot")


def test_that_the_kill_switch_in_the_middle_of_a_flow_hands_the_customer_to_a_person(
    runtime: Runtime, client: TestClient, agent_token: str
) -> None:
    chat = Chat(client, **signed("emma@example.nl"))
    asked = chat.replies("I want to cancel order TD-1003")
    assert chat.state == "ai" and "TD-1003" in asked  # the flow asks to confirm
    rollout.kill(runtime.engine, None, "incident: wrong refunds", None)
    said = chat.replies("yes")
    assert chat.state == "queued" and "colleague" in said
    last = decided(client, agent_token, chat.id)[-1]
    assert (last["reason"], last["topic"], last["shop_action"]) == (
        "rollout_off", "cancellations", None
    )  # fmt: skip
    headers = {"Authorization": f"Bearer {agent_token}"}
    body = client.get(f"/api/v1/agent/conversations/{chat.id}", headers=headers).json()
    assert not [e for e in body["events"] if e["kind"] == "performed"]  # the shop was not changed
