"""The metrics API counts real conversations, played through the customer and agent APIs, to the
exact number; the list gives exactly the rows a figure counts; bad input is a 422 naming the
field and a plain agent gets 403."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import DEMO_PASSWORD, signed
from scenarios.chat import Chat, Desk
from tandem.cli import main
from tandem.config import get_settings
from tandem.services.demo_agents import ensure_demo_agents
from tandem.services.runtime import Runtime

METRICS = "/api/v1/metrics"
HOURS = "what are your opening hours?"


def _desk(client: TestClient, email: str) -> Desk:
    response = client.post("/api/v1/agent/login", json={"email": email, "password": DEMO_PASSWORD})
    return Desk(client, response.json()["token"])


def _post(chat: Chat, path: str, body: dict[str, Any] | None = None) -> Any:
    url = f"/api/v1/conversations/{chat.id}/{path}"
    return chat.client.post(url, json=body, headers=chat.auth)


def _thumb(chat: Chat, offset: int, up: Any) -> Any:
    url = f"/api/v1/conversations/{chat.id}/messages/{offset}/thumb"
    return chat.client.put(url, json={"up": up}, headers=chat.auth)


def _last_ai(body: dict[str, Any]) -> int:
    return max(m["offset"] for m in body["messages"] if m["author"] == "ai")


@pytest.fixture
def played(runtime: Runtime, client: TestClient) -> dict[str, Any]:
    """Six conversations, one of each kind; every customer asked the NPS question."""
    runtime.settings = runtime.settings.model_copy(update={"nps_share": 1.0})
    ensure_demo_agents(runtime.engine, DEMO_PASSWORD)
    anna = _desk(client, "anna@tandem.example")
    lisa = _desk(client, "lisa@tandem.example")
    chats: dict[str, Chat] = {}

    # confirmed: a thumb up on the AI's answer, goodbye closes it, CSAT 5 and NPS 10
    a = chats["confirmed"] = Chat(client, **signed("emma@example.nl"))
    assert _thumb(a, _last_ai(a.say(HOURS)), True).status_code == 200
    assert a.say("bye, thanks")["state"] == "closed"
    rated = _post(a, "rating", {"score": 5})
    assert rated.status_code == 201 and rated.json()["nps_asked"] is True
    assert _post(a, "nps", {"score": 10}).status_code == 201

    # escalated, human only: a person from the first reply on; CSAT 2, NPS 0
    b = chats["human"] = Chat(client, language="en")
    assert b.say("I want to talk to a person")["state"] == "queued"
    assert anna.post(f"conversations/{b.id}/take").status_code == 200
    assert (
        anna.post(f"conversations/{b.id}/messages", text="Hello, how can I help?").status_code
        == 201
    )
    assert anna.post(f"conversations/{b.id}/close").status_code == 200
    assert _post(b, "rating", {"score": 2}).status_code == 201
    assert _post(b, "nps", {"score": 0}).status_code == 201

    # abandoned: the customer ends the chat while waiting for a person
    c = chats["abandoned"] = Chat(client, language="en")
    assert c.say("I want to talk to a person")["state"] == "queued"
    assert _post(c, "close").json() == {"state": "closed"}

    # unresolved: a thumb down on the AI's answer, then "end chat"
    d = chats["unresolved"] = Chat(client, language="en")
    assert _thumb(d, _last_ai(d.say(HOURS)), False).status_code == 200
    assert _post(d, "close").status_code == 200

    # open: still talking
    e = chats["open"] = Chat(client, language="en")
    e.say(HOURS)

    # assumed, and a re-contact about the first conversation (same customer, same topic)
    f = chats["assumed"] = Chat(client, **signed("emma@example.nl"))
    f.say(HOURS)
    assert _post(f, "close").status_code == 200
    return {"chats": chats, "lisa": lisa, "anna": anna}


def _get(desk: Desk, path: str = "", **params: Any) -> Any:
    return desk.client.get(f"{METRICS}{path}", params=params, headers=desk.headers)


def _ids(desk: Desk, **filters: Any) -> set[str]:
    body = _get(desk, "/conversations", **filters).json()
    assert body["total"] == len(body["conversations"])
    return {row["id"] for row in body["conversations"]}


def test_that_the_metrics_count_played_conversations_exactly(played: dict[str, Any]) -> None:
    lisa, chats = played["lisa"], played["chats"]
    response = _get(lisa)
    assert response.status_code == 200, response.text
    m = response.json()
    assert m["conversations"] == 6
    assert m["bands"] == {"ai_only": 5, "ai_then_human": 0, "human_only": 1}
    r = m["resolution"]
    counts = {k: r[k] for k in ("confirmed", "assumed", "escalated", "abandoned", "unresolved")}
    assert counts == dict.fromkeys(counts, 1) and r["open"] == 1
    assert (r["honest"], r["honest_rate"], r["resolved_rate"]) == (1, 0.2, 0.4)
    assert m["recontact_rate"] == 0.2
    assert m["csat"] == {"average": 3.5, "responses": 2}
    assert m["nps"] == {"score": 0.0, "responses": 2}
    assert m["thumbs"] == {"up": 1, "down": 1}
    assert m["handoffs"] == {"rate": 0.3333, "reasons": {"customer_request": 2}}
    assert m["by_band"]["human_only"]["csat"] == {"average": 2.0, "responses": 1}
    assert sum(f["conversations"] for f in m["by_topic"].values()) == 6

    # every figure opens exactly the conversations it counts
    assert _ids(lisa, band="human_only") == {chats["human"].id}
    assert _ids(lisa, resolution="honest") == {chats["assumed"].id}
    assert _ids(lisa, resolution="recontacted") == {chats["confirmed"].id}
    assert _ids(lisa, resolution="abandoned") == {chats["abandoned"].id}
    assert _ids(lisa, reason="customer_request") == {chats["human"].id, chats["abandoned"].id}
    assert _ids(lisa, rating=5) == {chats["confirmed"].id}
    for topic, figures in m["by_topic"].items():
        assert len(_ids(lisa, topic=topic)) == figures["conversations"]

    days = _get(lisa, "/daily").json()["days"]
    assert len(days) == 28 and sum(d["total"]["conversations"] for d in days) == 6
    assert sum(d["by_band"]["human_only"]["conversations"] for d in days) == 1

    export = _get(lisa, "/export.csv")
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert {row["id"] for row in rows} == {chat.id for chat in chats.values()}


def test_that_bad_filters_are_refused_naming_the_field_and_agents_get_403(
    played: dict[str, Any],
) -> None:
    lisa, anna = played["lisa"], played["anna"]
    for params, field in [
        ({"from": "2026-13-01"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"from": "2026-05-02", "to": "2026-05-01"}, "to"),
        ({"from": "2023-01-01", "to": "2026-01-01"}, "to"),
        ({"band": "robots"}, "band"),
        ({"topic": "weather"}, "topic"),
        ({"reason": "boredom"}, "reason"),
        ({"resolution": "maybe"}, "resolution"),
        ({"rating": 9}, "rating"),
    ]:
        refused = _get(lisa, "/conversations", **params)
        assert refused.status_code == 422, params
        assert refused.json()["error"]["message"].startswith(field) or field in refused.text
    assert _get(lisa, **{"from": "2026-13-01"}).status_code == 422
    for path in ("", "/conversations", "/export.csv"):
        assert _get(anna, path).status_code == 403


def test_that_feedback_is_checked_and_only_the_conversations_own_customer_gives_it(
    played: dict[str, Any], client: TestClient
) -> None:
    chats = played["chats"]
    e, other = chats["open"], chats["assumed"]
    assert _thumb(e, 1, "maybe").status_code == 422
    assert _thumb(e, 2, True).status_code == 422  # the customer's own message
    assert _thumb(e, 99, True).status_code == 404
    stranger = Chat(client, language="en")
    stranger.id = e.id
    assert _thumb(stranger, 1, True).status_code == 401
    assert _post(other, "nps", {"score": 11}).status_code == 422
    assert _post(other, "nps", {"score": 8}).status_code == 409  # not rated yet
    assert _post(other, "rating", {"score": 0}).status_code == 422


def test_that_tandem_report_prints_the_same_figures(
    played: dict[str, Any],
    runtime: Runtime,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    api = _get(played["lisa"]).json()
    monkeypatch.setenv("TANDEM_DATABASE_URL", runtime.engine.url.render_as_string(False))
    get_settings.cache_clear()
    try:
        assert main(["report", "--since", api["period"]["from"], "--json"]) == 0
        assert json.loads(capsys.readouterr().out) == api
        assert main(["report", "--since", api["period"]["from"]]) == 0
        table = capsys.readouterr().out
        assert "honest" in table and "human_only" in table
        assert main(["report", "--since", "2026-02-30"]) == 2
        assert "--since" in capsys.readouterr().err
    finally:
        get_settings.cache_clear()
