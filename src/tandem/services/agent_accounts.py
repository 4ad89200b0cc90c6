"""Agent accounts as a lead (or the `tandem agents` command) manages them: list, create, change,
deactivate, reset a password.

Every check lives here, so the API and the command refuse the same things the same way. The
account is one row of `agents`; the fields a lead may change are listed once in
:class:`Changes`, so teams, skills, languages and capacity (issue 12) become new optional
fields there and new columns, not a new way of editing. Passwords arrive already hashed
(:func:`hashed` runs the hash through the runtime's gate in the server) and are never logged.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, delete, func, insert, select, update

from tandem.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from tandem.services.agents import Agent, Role
from tandem.services.secrets import hash_password
from tandem.storage.conversations import now
from tandem.storage.tables import agent_sessions, agents
from tandem.types import AgentId

MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 256  # Argon2 hashes anything, but a megabyte is not a password
MAX_NAME_CHARS = 120
MAX_EMAIL_CHARS = 320
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, slots=True)
class Account:
    """An agent account as a lead sees it (never the password hash)."""

    id: AgentId
    email: str
    name: str
    role: Role
    languages: tuple[str, ...]
    max_concurrent: int
    active: bool
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class NewAccount:
    email: str
    name: str
    role: Role = Role.AGENT
    languages: tuple[str, ...] = ("en",)


@dataclass(frozen=True, slots=True)
class Changes:
    """What a lead may change on an account; None leaves a field as it is."""

    name: str | None = None
    role: Role | None = None
    active: bool | None = None


def valid_email(email: str) -> str:
    email = email.strip().lower()
    if len(email) > MAX_EMAIL_CHARS or not _EMAIL.match(email):
        raise InvalidInput("email: not an e-mail address like anna@example.com")
    return email


def valid_name(name: str) -> str:
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME_CHARS:
        raise InvalidInput(f"name: between 1 and {MAX_NAME_CHARS} characters")
    return name


def valid_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise InvalidInput("role: must be 'agent' or 'lead'") from None


def valid_password(password: str) -> str:
    if not MIN_PASSWORD_CHARS <= len(password) <= MAX_PASSWORD_CHARS:
        raise InvalidInput(
            f"password: between {MIN_PASSWORD_CHARS} and {MAX_PASSWORD_CHARS} characters"
        )
    return password


def hashed(password: str, gate: Callable[[Callable[[], str]], str] | None = None) -> str:
    """The password's hash, checked first; through ``gate`` (the server's hashing gate)."""
    valid_password(password)
    return gate(lambda: hash_password(password)) if gate else hash_password(password)


def require_lead(agent: Agent) -> None:
    if agent.role is not Role.LEAD:
        raise Forbidden("only a support lead can manage agent accounts")


def accounts(connection: Connection) -> list[Account]:
    """Every account, active ones first, then by name."""
    rows = connection.execute(select(agents).order_by(agents.c.active.desc(), agents.c.name))
    return [_account(row) for row in rows]


def account(connection: Connection, agent_id: str) -> Account:
    row = connection.execute(select(agents).where(agents.c.id == agent_id)).first()
    if row is None:
        raise NotFound("there is no agent with this id")
    return _account(row)


def by_email(connection: Connection, email: str) -> Account:
    row = connection.execute(select(agents).where(agents.c.email == valid_email(email))).first()
    if row is None:
        raise NotFound(f"there is no agent with email {email.strip().lower()}")
    return _account(row)


def create(connection: Connection, new: NewAccount, password_hash: str) -> Account:
    email, name = valid_email(new.email), valid_name(new.name)
    if connection.execute(select(agents.c.id).where(agents.c.email == email)).first():
        raise Conflict(f"an agent with email {email} already exists")
    agent_id = AgentId(str(uuid.uuid4()))
    connection.execute(
        insert(agents).values(
            id=agent_id,
            email=email,
            name=name,
            password_hash=password_hash,
            role=new.role.value,
            languages=",".join(new.languages),
            max_concurrent=5,
            active=True,
            created_at=now(),
        )
    )
    return account(connection, agent_id)


def change(connection: Connection, agent_id: str, changes: Changes, by: AgentId | None) -> Account:
    """Apply ``changes``; deactivating ends the agent's sessions at once. The last active lead
    cannot be deactivated or made an agent (nobody could manage accounts any more)."""
    before = account(connection, agent_id)
    values: dict[str, object] = {}
    if changes.name is not None:
        values["name"] = valid_name(changes.name)
    if changes.role is not None:
        values["role"] = changes.role.value
    if changes.active is not None:
        values["active"] = changes.active
    leaves_leads = (
        before.role is Role.LEAD
        and before.active
        and (changes.role is Role.AGENT or changes.active is False)
    )
    if leaves_leads and _active_leads(connection) <= 1:
        raise Conflict("this is the last active lead: make another agent a lead first")
    if by is not None and by == before.id and changes.active is False:
        raise Conflict("you cannot deactivate your own account")
    if values:
        connection.execute(update(agents).where(agents.c.id == agent_id).values(**values))
    if changes.active is False:
        end_sessions(connection, before.id)
    return account(connection, agent_id)


def set_password_hash(connection: Connection, agent_id: str, password_hash: str) -> Account:
    """A new password; every session of the agent ends (log in again with the new one)."""
    found = account(connection, agent_id)
    connection.execute(
        update(agents).where(agents.c.id == agent_id).values(password_hash=password_hash)
    )
    end_sessions(connection, found.id)
    return found


def end_sessions(connection: Connection, agent_id: str) -> None:
    connection.execute(delete(agent_sessions).where(agent_sessions.c.agent_id == agent_id))


def _active_leads(connection: Connection) -> int:
    query = select(func.count()).where(agents.c.role == Role.LEAD.value, agents.c.active)
    return int(connection.execute(query).scalar_one())


def _account(row: object) -> Account:
    m = row._mapping  # type: ignore[attr-defined]
    created = m["created_at"]
    return Account(
        AgentId(m["id"]),
        m["email"],
        m["name"],
        Role(m["role"]),
        tuple(code for code in m["languages"].split(",") if code),
        int(m["max_concurrent"]),
        bool(m["active"]),
        created if created.tzinfo else created.replace(tzinfo=dt.UTC),
    )
