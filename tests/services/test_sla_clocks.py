"""SLA clocks on stored conversations: the console's queue shows them, the sla-clocks job
records approaching and breached clocks once (also with two processes at once), an agent's
reply stops a clock and the customer's next message starts the next one."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from scenarios.chat import Chat
from tandem.services.runtime import Runtime
from tandem.services.sla import record_clocks
from tandem.storage.conversations import as_utc
from tandem.storage.db import make_engine, reading, transaction
from tandem.storage.tables import conversations, events, messages


def _age(runtime: Runtime, conversation_id: str, minutes: float) -> None:
    """Move the hand-over and everything written since `minutes` into the past."""
    past = dt.timedelta(minutes=minutes)
    with transaction(runtime.engine) as connection:
        queued = connection.execute(
            select(conversations.c.queued_at).where(conversations.c.id == conversation_id)
        ).scalar_one()
        connection.execute(
            update(conversations)
            .where(conversations.c.id == conversation_id)
            .values(queued_at=queued - past)
        )
        for table in (messages, events):
            rows = connection.execute(
                select(table.c.id, table.c.created_at).where(
                    table.c.conversation_id == conversation_id
                )
            ).all()
            for row in rows:
                connection.execute(
                    update(table)
                    .where(table.c.id == row.id)
                    .values(created_at=as_utc(row.created_at) - past)  # type: ignore[operator]
                )


def _sla_events(runtime: Runtime, conversation_id: str) -> list[tuple[str, str]]:
    with reading(runtime.engine) as connection:
        rows = connection.execute(
            select(events.c.kind, events.c.detail)
            .where(events.c.conversation_id == conversation_id, events.c.kind.like("sla_%"))
            .order_by(events.c.seq)
        )
        return [(row.kind, row.detail["kind"]) for row in rows]


def _queue_clock(client: TestClient, auth: dict[str, str], conversation_id: str) -> object:
    found = client.get("/api/v1/agent/queue", headers=auth).json()["conversations"]
    return next(c["sla"] for c in found if c["id"] == conversation_id)


def test_that_the_queue_shows_each_clock_and_the_job_records_it_once_across_processes(
    runtime: Runtime, client: TestClient, agent_token: str
) -> None:
    anna = {"Authorization": f"Bearer {agent_token}"}
    client.put("/api/v1/agent/status", json={"status": "away"}, headers=anna)
    late, near, fresh = Chat(client), Chat(client), Chat(client)
    for chat in (late, near, fresh):
        chat.say("I want to talk to a person")
    _age(runtime, late.id, 45)  # normal priority: 30 minutes
    _age(runtime, near.id, 25)
    clock = _queue_clock(client, anna, late.id)
    assert isinstance(clock, dict)
    assert (clock["kind"], clock["state"], clock["target_seconds"]) == (
        "first_response", "breached", 1800,
    )  # fmt: skip
    assert _queue_clock(client, anna, near.id)["state"] == "approaching"  # type: ignore[index]
    assert _queue_clock(client, anna, fresh.id)["state"] == "running"  # type: ignore[index]
    other = make_engine(runtime.engine.url.render_as_string(hide_password=False))
    second = dataclasses.replace(runtime, engine=other)
    barrier = threading.Barrier(2)

    def run(which: Runtime) -> int:
        barrier.wait()
        return record_clocks(which)

    try:
        with ThreadPoolExecutor(2) as pool:
            written = sum(pool.map(run, [runtime, second]))
    finally:
        other.dispose()
    assert written == 2
    assert record_clocks(runtime) == 0  # a later run finds nothing new
    assert _sla_events(runtime, late.id) == [("sla_breached", "first_response")]
    assert _sla_events(runtime, near.id) == [("sla_approaching", "first_response")]
    assert _sla_events(runtime, fresh.id) == []


def test_that_a_reply_stops_the_clock_and_the_customers_next_message_starts_the_next(
    runtime: Runtime, client: TestClient, agent_token: str
) -> None:
    anna = {"Authorization": f"Bearer {agent_token}"}
    chat = Chat(client)
    chat.say("I want to talk to a person")
    taken = client.post(f"/api/v1/agent/conversations/{chat.id}/take", headers=anna)
    assert taken.status_code == 200
    mine = client.get("/api/v1/agent/conversations", headers=anna).json()["conversations"]
    assert mine[0]["sla"]["kind"] == "first_response"
    reply = {"text": "Hello, I am looking at your order now."}
    client.post(f"/api/v1/agent/conversations/{chat.id}/messages", json=reply, headers=anna)
    mine = client.get("/api/v1/agent/conversations", headers=anna).json()["conversations"]
    assert mine[0]["sla"] is None  # waiting on the customer: no clock runs
    _age(runtime, chat.id, 120)  # hours of silence from the customer count for nothing
    assert record_clocks(runtime) == 0
    chat.say("Thanks, any news?")
    mine = client.get("/api/v1/agent/conversations", headers=anna).json()["conversations"]
    assert (mine[0]["sla"]["kind"], mine[0]["sla"]["state"]) == ("next_response", "running")
    assert mine[0]["sla"]["elapsed_seconds"] < 60
