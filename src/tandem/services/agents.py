"""Agent accounts and logins."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, Row, delete, insert, select, update

from tandem.domain.errors import Unauthorized
from tandem.services.secrets import (
    dummy_hash,
    hash_password,
    new_token,
    password_matches,
    token_hash,
)
from tandem.storage.conversations import now
from tandem.storage.db import reading, transaction
from tandem.storage.tables import agent_sessions, agents
from tandem.types import AgentId

if TYPE_CHECKING:
    from tandem.services.runtime import Runtime

#: An agent counts as online when their console was active this recently.
ONLINE_WINDOW = dt.timedelta(minutes=2)


class Role(StrEnum):
    AGENT = "agent"
    LEAD = "lead"


@dataclass(frozen=True, slots=True)
class Agent:
    id: AgentId
    email: str
    name: str
    role: Role
    languages: tuple[str, ...]


def _to_agent(row: object) -> Agent:
    m = row._mapping  # type: ignore[attr-defined]
    return Agent(
        AgentId(m["id"]),
        m["email"],
        m["name"],
        Role(m["role"]),
        tuple(code for code in m["languages"].split(",") if code),
    )


def create_agent(
    connection: Connection,
    email: str,
    name: str,
    password: str,
    role: Role = Role.AGENT,
    languages: tuple[str, ...] = ("en",),
) -> Agent:
    """An account, checked as services/agent_accounts.py checks every account."""
    from tandem.services import agent_accounts as accounts  # it builds on Agent and Role

    new = accounts.NewAccount(email, name, role, languages)
    made = accounts.create(connection, new, accounts.hashed(password))
    return Agent(made.id, made.email, made.name, made.role, made.languages)


def set_password(connection: Connection, email: str, password: str) -> None:
    connection.execute(
        update(agents)
        .where(agents.c.email == email.strip().lower())
        .values(password_hash=hash_password(password))
    )


def login(runtime: Runtime, email: str, password: str, address: str) -> tuple[str, Agent]:
    """Check the password and open a session.

    The rate limits count the attempt first, so a locked account or address costs no hashing
    (and a correct password is refused while locked). The check runs through the hashing gate,
    outside any transaction; an unknown email and a wrong password get the same error after the
    same work."""
    email = email.strip().lower()
    runtime.limits.login_attempt(email, address)
    row = runtime.hashing.run(lambda: _verified(runtime.engine, email, password))
    if row is None:
        raise Unauthorized("unknown email or wrong password")
    runtime.limits.login_succeeded(email)
    token, moment = new_token(), now()
    with transaction(runtime.engine) as connection:
        connection.execute(
            insert(agent_sessions).values(
                token_hash=token_hash(token),
                agent_id=row.id,
                created_at=moment,
                expires_at=moment + dt.timedelta(hours=runtime.settings.session_hours),
                last_seen_at=moment,
            )
        )
    return token, _to_agent(row)


def _verified(engine: Engine, email: str, password: str) -> Row[Any] | None:
    """The active agent with this email and password, or None: one Argon2 check either way
    (against a dummy hash when there is no such agent)."""
    with reading(engine) as connection:
        row = connection.execute(
            select(agents).where(agents.c.email == email, agents.c.active)
        ).first()
    stored = dummy_hash() if row is None else str(row.password_hash)
    return row if password_matches(password, stored) and row is not None else None


def authenticate(engine: Engine, token: str) -> Agent:
    """The agent behind a session token; marks them as seen (online)."""
    hashed, moment = token_hash(token), now()
    with reading(engine) as connection:
        row = connection.execute(
            select(agents, agent_sessions.c.expires_at, agent_sessions.c.last_seen_at)
            .join(agent_sessions, agent_sessions.c.agent_id == agents.c.id)
            .where(agent_sessions.c.token_hash == hashed, agents.c.active)
        ).first()
    if row is None or _aware(row.expires_at) <= moment:
        raise Unauthorized("log in again: the session is unknown or expired")
    if moment - _aware(row.last_seen_at) > dt.timedelta(seconds=30):
        with transaction(engine) as connection:
            connection.execute(
                update(agent_sessions)
                .where(agent_sessions.c.token_hash == hashed)
                .values(last_seen_at=moment)
            )
    return _to_agent(row)


def logout(engine: Engine, token: str) -> None:
    with transaction(engine) as connection:
        connection.execute(
            delete(agent_sessions).where(agent_sessions.c.token_hash == token_hash(token))
        )


def agents_online(connection: Connection) -> int:
    since = now() - ONLINE_WINDOW
    query = (
        select(agent_sessions.c.agent_id)
        .where(agent_sessions.c.last_seen_at >= since, agent_sessions.c.expires_at > now())
        .distinct()
    )
    return len(connection.execute(query).all())


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
