"""Automatic assignment on the database: at hand-over, on coming online, on finishing; back
to the queue when an agent goes away; and 50 conversations with 10 agents assigned by many
assigners at once: none twice, nobody over capacity (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from conftest import DEMO_PASSWORD
from scenarios.chat import Chat
from tandem.domain.conversation import Actor, State
from tandem.services import agent_accounts as accounts
from tandem.services import routing
from tandem.services.agents import Role
from tandem.services.demo_agents import ensure_demo_agents
from tandem.services.presence import Status, set_status
from tandem.services.runtime import Runtime
from tandem.storage.conversations import ConversationUnit, create_conversation
from tandem.storage.db import reading, transaction
from tandem.storage.tables import agents, conversations, events
from tandem.types import AgentId, ConversationId


def queued(runtime: Runtime, count: int, language: str = "en", team: str = "general") -> list[str]:
    ids = []
    with transaction(runtime.engine) as connection:
        for _ in range(count):
            made = create_conversation(
                connection,
                ConversationId(str(uuid.uuid4())),
                "x" * 64,
                language,
                None,  # type: ignore[arg-type]
            )
            unit = ConversationUnit.load(connection, made.id)
            unit.move(State.QUEUED, Actor.AI, "customer_request")
            unit.set(handoff_team=team, handoff_priority="normal")
            ids.append(made.id)
    return ids


def new_agent(
    runtime: Runtime, name: str, capacity: int = 5, languages: tuple[str, ...] = ("en",)
) -> AgentId:
    with transaction(runtime.engine) as connection:
        made = accounts.create(
            connection,
            accounts.NewAccount(f"{name}@example.com", name, Role.AGENT, languages),
            "not-a-real-hash",
        )
        connection.execute(
            update(agents).where(agents.c.id == made.id).values(max_concurrent=capacity)
        )
    return made.id


def owners(runtime: Runtime, ids: list[str]) -> dict[str, str | None]:
    with reading(runtime.engine) as connection:
        rows = connection.execute(
            select(conversations.c.id, conversations.c.agent_id).where(conversations.c.id.in_(ids))
        ).all()
    return {row.id: row.agent_id for row in rows}


def test_that_a_hand_over_goes_at_once_to_the_online_agent_who_speaks_the_language(
    runtime: Runtime, client: TestClient
) -> None:
    ensure_demo_agents(runtime.engine, DEMO_PASSWORD)
    dutch = new_agent(runtime, "daan", languages=("nl",))
    english = new_agent(runtime, "emma")
    set_status(runtime, dutch, Status.ONLINE)
    set_status(runtime, english, Status.ONLINE)
    chat = Chat(client, language="nl")
    asked = chat.say("Ik wil een medewerker spreken")
    assert owners(runtime, [chat.id]) == {chat.id: dutch}
    # The answer tells the state after the assignment, and a version no older than any event
    # the stream may already have told (the widget ignores states older than it has seen).
    assert asked["state"] == "human"
    now = client.get(f"/api/v1/conversations/{chat.id}/messages", headers=chat.auth).json()
    assert now["state"] == "human" and now["version"] == asked["version"] > 0


def test_that_waiting_work_is_assigned_when_an_agent_comes_online_and_returns_when_they_leave(
    runtime: Runtime,
) -> None:
    ids = queued(runtime, 3)
    first = new_agent(runtime, "first", capacity=2)
    set_status(runtime, first, Status.ONLINE)
    assert sorted(a for a in owners(runtime, ids).values() if a) == [first, first]
    second = new_agent(runtime, "second", capacity=2)
    set_status(runtime, second, Status.ONLINE)
    assert sorted(owners(runtime, ids).values(), key=str) == sorted([first, first, second])
    set_status(runtime, first, Status.AWAY)  # back to the queue, and on to whoever has room
    after = owners(runtime, ids)
    assert list(after.values()).count(second) == 2 and first not in after.values()
    with reading(runtime.engine) as connection:
        returned = connection.execute(
            select(func.count()).where(events.c.kind == "returned", events.c.reason == "agent_away")
        ).scalar_one()
    assert returned == 2


def test_that_fifty_conversations_and_ten_agents_assigned_at_once_never_collide(
    runtime: Runtime,
) -> None:
    ids = queued(runtime, 50)
    team = [new_agent(runtime, f"agent{i}", capacity=4) for i in range(10)]
    with transaction(runtime.engine) as connection:
        connection.execute(update(agents).where(agents.c.id.in_(team)).values(status="online"))
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: routing.assign_waiting(runtime), range(16)))
    assigned = [pair for result in results for pair in result]
    assert len(assigned) == 40 == len({c for c, _ in assigned})  # 10 x 4, none twice
    final = owners(runtime, ids)
    assert all(list(final.values()).count(agent) == 4 for agent in team)
    with reading(runtime.engine) as connection:
        taken = connection.execute(
            select(events.c.conversation_id, func.count())
            .where(events.c.kind == "taken")
            .group_by(events.c.conversation_id)
        ).all()
    assert len(taken) == 40 and all(count == 1 for _, count in taken)


def test_that_raising_capacity_assigns_more_and_taking_someone_elses_is_a_conflict(
    runtime: Runtime, client: TestClient
) -> None:
    ensure_demo_agents(runtime.engine, DEMO_PASSWORD)

    def login(email: str) -> dict[str, str]:
        answer = client.post(
            "/api/v1/agent/login", json={"email": email, "password": DEMO_PASSWORD}
        )
        return {"Authorization": f"Bearer {answer.json()['token']}"}

    anna, ben, lisa = (login(f"{n}@tandem.example") for n in ("anna", "ben", "lisa"))
    anna_id = client.get("/api/v1/agent/me", headers=anna).json()["id"]
    client.patch(f"/api/v1/agents/{anna_id}", json={"max_concurrent": 1}, headers=lisa)
    ids = queued(runtime, 2)
    client.put("/api/v1/agent/status", json={"status": "online"}, headers=anna)
    assert list(owners(runtime, ids).values()).count(anna_id) == 1
    client.patch(f"/api/v1/agents/{anna_id}", json={"max_concurrent": 2}, headers=lisa)
    assert list(owners(runtime, ids).values()).count(anna_id) == 2
    taken = client.post(f"/api/v1/agent/conversations/{ids[0]}/take", headers=ben)
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "not_owner"
    mine = client.get("/api/v1/agent/conversations?mine=true", headers=anna).json()
    assert sorted(c["id"] for c in mine["conversations"]) == sorted(ids)
