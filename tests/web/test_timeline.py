"""Agents and leads see each AI decision in the conversation's timeline."""

from __future__ import annotations

from fastapi.testclient import TestClient

from conftest import signed
from scenarios.chat import Chat


def test_that_the_agent_api_shows_each_decision_with_its_facts(
    client: TestClient, agent_token: str
) -> None:
    chat = Chat(client, **signed("james@example.com"))
    chat.say("Where is my order TD-2002?")
    chat.say("I want to talk to a person")
    headers = {"Authorization": f"Bearer {agent_token}"}
    body = client.get(f"/api/v1/agent/conversations/{chat.id}", headers=headers).json()

    decided = [event for event in body["events"] if event["kind"] == "decided"]
    assert [event["detail"]["intent"] for event in decided] == [
        "where_is_my_order", "talk_to_person"
    ]  # fmt: skip
    first, second = (event["detail"] for event in decided)
    assert (first["topic"], first["action"], first["outcome"], first["order_id"]) == (
        "order_status", "answer", "answered", "TD-2002"
    )  # fmt: skip
    assert (second["action"], second["reason"]) == ("handoff", "customer_request")
    assert decided[1]["rule"] == second["rule"] and second["policy_version"] == 1
    assert [order["id"] for order in body["card"]["orders"]] == ["TD-2002"]
