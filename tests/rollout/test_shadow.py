"""Shadow mode end to end through the HTTP API: the AI drafts, the agent sends, edits or
discards, and a drafted cancellation is performed only on the agent's click, exactly once."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from conftest import signed
from scenarios.chat import Chat, Desk
from tandem.commerce.model import OrderStatus
from tandem.domain.rollout import Mode, Setting
from tandem.services import rollout
from tandem.services.runtime import Runtime
from tandem.types import OrderId


def view(desk: Desk, conversation: str) -> dict[str, Any]:
    response = desk.client.get(f"/api/v1/agent/conversations/{conversation}", headers=desk.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_that_a_drafted_cancellation_is_performed_only_on_the_agents_click_exactly_once(
    runtime: Runtime, client: TestClient, agent_token: str
) -> None:
    rollout.change(runtime.engine, ["cancellations"], Setting(Mode.SHADOW), "watch it", None)
    chat, desk = Chat(client, **signed("emma@example.nl")), Desk(client, agent_token)
    said = chat.replies("I want to cancel order TD-1003")
    assert chat.state == "queued" and "colleague" in said and "TD-1003" not in said
    first = view(desk, chat.id)
    draft = first["card"]["draft"]
    assert "TD-1003" in " ".join(draft["texts"]) and draft["action"] is None
    decided = [e["detail"] for e in first["events"] if e["kind"] == "decided"]
    assert (decided[-1]["rollout_mode"], decided[-1]["reason"]) == ("shadow", "rollout_shadow")
    assert desk.post(f"conversations/{chat.id}/take").status_code == 200

    sent = desk.post(f"conversations/{chat.id}/ai-draft", use="send")
    assert sent.status_code == 200 and sent.json()["edit_size"] == 0.0
    assert chat.messages()[-1]["text"] == draft["texts"][-1]  # the customer got it
    again = desk.post(f"conversations/{chat.id}/ai-draft", use="discard")
    assert again.status_code == 409  # a draft is used once

    chat.say("yes")
    assert chat.state == "human"
    second = view(desk, chat.id)["card"]["draft"]
    assert second["action"]["kind"] == "cancel_order" and "used" not in second
    assert runtime.shop.order(OrderId("TD-1003")).status is not OrderStatus.CANCELLED
    clicks = [desk.post(f"conversations/{chat.id}/ai-draft/action") for _ in range(2)]
    assert [c.status_code for c in clicks] == [200, 200]
    assert clicks[0].json() == clicks[1].json() and clicks[0].json()["ok"]
    assert runtime.shop.order(OrderId("TD-1003")).status is OrderStatus.CANCELLED
    edited = desk.post(
        f"conversations/{chat.id}/ai-draft", use="edit", text="Done: TD-1003 is cancelled."
    )
    assert edited.status_code == 200 and 0 < edited.json()["edit_size"] <= 1

    events = view(desk, chat.id)["events"]
    performed = [e for e in events if e["kind"] == "performed"]
    assert [(e["actor"], e["detail"]["kind"]) for e in performed] == [
        ("agent_on_behalf_of_ai", "cancel_order")
    ]
    used = [e["detail"] for e in events if e["kind"] == "draft_used"]
    assert [(u["topic"], u["use"]) for u in used] == [
        ("cancellations", "send"),
        ("cancellations", "edit"),
    ]


def test_that_a_discarded_draft_sends_nothing_and_an_edit_needs_its_text(
    runtime: Runtime, client: TestClient, agent_token: str
) -> None:
    rollout.change(runtime.engine, ["cancellations"], Setting(Mode.SHADOW), "watch it", None)
    chat, desk = Chat(client, **signed("emma@example.nl")), Desk(client, agent_token)
    chat.say("I want to cancel order TD-1003")
    desk.post(f"conversations/{chat.id}/take")
    before = len(chat.messages())
    missing = desk.post(f"conversations/{chat.id}/ai-draft", use="edit")
    assert missing.status_code == 422 and "text" in missing.json()["error"]["message"]
    assert desk.post(f"conversations/{chat.id}/ai-draft/action").status_code == 409  # none
    discarded = desk.post(f"conversations/{chat.id}/ai-draft", use="discard")
    assert discarded.status_code == 200 and discarded.json()["sent"] == []
    assert len(chat.messages()) == before
