"""The demo team: agent accounts for trying the console."""

from __future__ import annotations

import secrets

from sqlalchemy import Engine, select

from tandem.services.agents import Role, create_agent, set_password
from tandem.storage.db import transaction
from tandem.storage.locks import serialise
from tandem.storage.tables import agents

#: (email, name, role, languages)
DEMO_AGENTS: tuple[tuple[str, str, Role, tuple[str, ...]], ...] = (
    ("anna@tandem.example", "Anna de Jong", Role.AGENT, ("nl", "en")),
    ("ben@tandem.example", "Ben Carter", Role.AGENT, ("en",)),
    ("lisa@tandem.example", "Lisa Bakker", Role.LEAD, ("nl", "en")),
)


def demo_password(configured: str) -> str:
    return configured or secrets.token_urlsafe(9)


def ensure_demo_agents(engine: Engine, password: str) -> list[tuple[str, str, Role]]:
    """Create the demo agents, or give the existing ones this password."""
    with transaction(engine) as connection:
        serialise(connection, "demo agents")  # two servers starting together create them once
        for email, name, role, languages in DEMO_AGENTS:
            exists = connection.execute(select(agents.c.id).where(agents.c.email == email)).first()
            if exists:
                set_password(connection, email, password)
            else:
                create_agent(connection, email, name, password, role, languages)
    return [(email, name, role) for email, name, role, _ in DEMO_AGENTS]
