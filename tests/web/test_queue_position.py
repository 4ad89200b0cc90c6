"""The customer sees where they stand: GET /api/v1/conversations/{id} while queued; the wait
comes from measured handle times (take to close) once there are enough of them."""

from __future__ import annotations

import datetime as dt
import uuid

from fastapi.testclient import TestClient
from sqlalchemy import update

from scenarios.chat import Chat
from tandem.domain.conversation import Actor, State
from tandem.services import waiting_line
from tandem.services.runtime import Runtime
from tandem.storage.conversations import ConversationUnit, create_conversation, now
from tandem.storage.db import reading, transaction
from tandem.storage.tables import agents, events
from tandem.types import AgentId, ConversationId


def handled(runtime: Runtime, agent_id: str, minutes: list[int]) -> None:
    """Conversations taken and closed by ``agent_id``, each taking so many minutes."""
    with transaction(runtime.engine) as connection:
        for took in minutes:
            made = create_conversation(
                connection, ConversationId(str(uuid.uuid4())), "x" * 64, "en", None
            )
            unit = ConversationUnit.load(connection, made.id)
            unit.move(State.QUEUED, Actor.AI, "customer_request")
            unit.move(State.HUMAN, Actor.AGENT, "taken", agent_id=AgentId(agent_id))
            unit.move(State.CLOSED, Actor.AGENT, "closed_by_agent", agent_id=AgentId(agent_id))
            connection.execute(
                update(events)
                .where(events.c.conversation_id == made.id, events.c.kind == "taken")
                .values(created_at=now() - dt.timedelta(minutes=took))
            )


def test_that_a_queued_customer_sees_their_place_and_a_measured_wait(
    runtime: Runtime, client: TestClient, agent_token: str
) -> None:
    anna = {"Authorization": f"Bearer {agent_token}"}
    first, second = Chat(client, language="en"), Chat(client, language="nl")
    for chat in (first, second):
        chat.say("I want to talk to a person")
    where = client.get(f"/api/v1/conversations/{second.id}", headers=second.auth).json()
    assert (where["state"], where["queue_position"], where["expected_wait_minutes"]) == (
        "queued", 2, None,
    )  # fmt: skip  # nobody online yet
    anna_id = client.get("/api/v1/agent/me", headers=anna).json()["id"]
    with transaction(runtime.engine) as connection:  # online, but full: nothing is assigned
        connection.execute(
            update(agents).where(agents.c.id == anna_id).values(status="online", max_concurrent=1)
        )
    handled(runtime, anna_id, [10, 20, 30, 40, 50])
    with reading(runtime.engine) as connection:
        assert round(waiting_line.handle_minutes(connection, 6.0)) == 30
    where = client.get(f"/api/v1/conversations/{second.id}", headers=second.auth).json()
    assert (where["queue_position"], where["expected_wait_minutes"]) == (2, 60)
    taken = client.post(f"/api/v1/agent/conversations/{first.id}/take", headers=anna)
    assert taken.status_code == 200
    where = client.get(f"/api/v1/conversations/{second.id}", headers=second.auth).json()
    assert (where["queue_position"], where["expected_wait_minutes"]) == (1, 30)
    owned = client.get(f"/api/v1/conversations/{first.id}", headers=first.auth).json()
    assert (owned["state"], owned["queue_position"], owned["agent_name"]) == (
        "human", None, "Anna de Jong",
    )  # fmt: skip
    mine = client.get("/api/v1/agent/conversations?mine=true", headers=anna).json()
    assert [c["id"] for c in mine["conversations"]] == [first.id]
    assert client.get(f"/api/v1/conversations/{first.id}", headers=second.auth).status_code == 401
