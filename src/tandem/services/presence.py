"""An agent's status on the desk (online, away, offline) and the console's heartbeat.

The agent sets their status in the console (`PUT /api/v1/agent/status`); while online the
console sends a heartbeat. When it stops (the browser closed, the laptop asleep) the periodic
job :func:`mark_silent_away` makes the agent away after ``TANDEM_AWAY_AFTER_SECONDS``. This
module owns the ``status``, ``status_at`` and ``heartbeat_at`` columns of ``agents``; a status
change that affects routing calls the routing hooks (services/routing.py) in the same
transaction.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select, update

from tandem.domain.errors import InvalidInput
from tandem.services import routing
from tandem.storage.conversations import now
from tandem.storage.db import transaction
from tandem.storage.locks import serialise
from tandem.storage.tables import agents
from tandem.types import AgentId

if TYPE_CHECKING:
    from tandem.services.runtime import Runtime


class Status(StrEnum):
    ONLINE = "online"
    AWAY = "away"
    OFFLINE = "offline"


def valid_status(value: str) -> Status:
    try:
        return Status(value)
    except ValueError:
        raise InvalidInput("status: must be 'online', 'away' or 'offline'") from None


def status_of(connection: Connection, agent_id: AgentId) -> Status:
    found = connection.execute(select(agents.c.status).where(agents.c.id == agent_id)).scalar()
    return Status(found or Status.OFFLINE.value)


def set_status(runtime: Runtime, agent_id: AgentId, status: Status) -> Status:
    """The agent's own choice; going online counts as a heartbeat. Online: waiting
    conversations that fit are assigned at once; away or offline: the agent's open
    conversations go back to the front of the queue (and to whoever else fits)."""
    moment = now()
    with transaction(runtime.engine) as connection:
        serialise(connection, routing.LOCK)
        values: dict[str, object] = {"status": status.value, "status_at": moment}
        if status is Status.ONLINE:
            values["heartbeat_at"] = moment
        connection.execute(update(agents).where(agents.c.id == agent_id).values(**values))
        if status is not Status.ONLINE:
            routing.release(connection, agent_id, f"agent_{status.value}")
    routing.assign_waiting(runtime)
    return status


def heartbeat(runtime: Runtime, agent_id: AgentId) -> Status:
    """The console is still open; answers the status (an agent made away by a missing
    heartbeat sees it and chooses to come back)."""
    with transaction(runtime.engine) as connection:
        connection.execute(update(agents).where(agents.c.id == agent_id).values(heartbeat_at=now()))
        return status_of(connection, agent_id)


def mark_silent_away(runtime: Runtime, stopping: object = None) -> list[AgentId]:
    """The periodic job: every online agent without a heartbeat for ``away_after_seconds``
    becomes away and their open conversations return to the queue. One conditional UPDATE,
    so running it twice (or in two processes) changes each agent once. Then it assigns what
    waits (a conversation may have passed the routing fallback time)."""
    moment = now()
    cutoff = moment - dt.timedelta(seconds=runtime.settings.away_after_seconds)
    silent = (agents.c.status == Status.ONLINE.value) & (
        agents.c.heartbeat_at.is_(None) | (agents.c.heartbeat_at < cutoff)
    )
    with transaction(runtime.engine) as connection:
        serialise(connection, routing.LOCK)
        changed = [
            AgentId(row.id)
            for row in connection.execute(
                update(agents)
                .where(silent)
                .values(status=Status.AWAY.value, status_at=moment)
                .returning(agents.c.id)
            ).all()
        ]
        for agent_id in changed:
            routing.release(connection, agent_id, "agent_away")
    routing.assign_waiting(runtime)  # also what waited past the routing fallback time
    return changed
