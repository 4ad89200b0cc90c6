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
from tandem.domain.policy.model import Policy
from tandem.services import routing
from tandem.services.agents import Agent, Role
from tandem.services.secrets import hash_password
from tandem.storage.conversations import now
from tandem.storage.tables import agent_sessions, agents
from tandem.types import SUPPORTED_LANGUAGES, AgentId

MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 256  # Argon2 hashes anything, but a megabyte is not a password
MAX_NAME_CHARS = 120
MAX_EMAIL_CHARS = 320
MIN_CAPACITY, MAX_CAPACITY = 1, 20  # conversations at once
MAX_TEAMS_CHARS = 200  # the column; each team name is at most 32
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
    teams: tuple[str, ...] = ("general",)
    status: str = "offline"  # online | away | offline (services/presence.py owns it)


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
    teams: tuple[str, ...] | None = None
    languages: tuple[str, ...] | None = None
    max_concurrent: int | None = None


def known_teams(configured: tuple[str, ...], policy: Policy | None) -> tuple[str, ...]:
    """The teams an agent can be in: the configured ones (TANDEM_TEAMS) and every team the
    active handoff policy routes to, so no policy outcome names a team nobody can join."""
    routed: list[str] = []
    if policy is not None:
        outcomes = [policy.default, *(r.outcome for r in (*policy.rules, *policy.unavailable))]
        routed = [outcome.team for outcome in outcomes]
    return tuple(dict.fromkeys(["general", *configured, *routed]))


def valid_teams(teams: tuple[str, ...], known: tuple[str, ...]) -> tuple[str, ...]:
    cleaned = tuple(dict.fromkeys(t.strip().lower() for t in teams))
    unknown = [t for t in cleaned if t not in known]
    if unknown or not cleaned:
        what = f"unknown team {unknown[0]!r}" if unknown else "at least one team"
        raise InvalidInput(f"teams: {what}; known: {', '.join(known)}")
    if len(",".join(cleaned)) > MAX_TEAMS_CHARS:
        raise InvalidInput(f"teams: at most {MAX_TEAMS_CHARS} characters together")
    return cleaned


def valid_languages(languages: tuple[str, ...]) -> tuple[str, ...]:
    cleaned = tuple(dict.fromkeys(code.strip().lower() for code in languages))
    unknown = [code for code in cleaned if code not in SUPPORTED_LANGUAGES]
    if unknown or not cleaned:
        what = f"unknown language {unknown[0]!r}" if unknown else "at least one language"
        raise InvalidInput(f"languages: {what}; known: {', '.join(SUPPORTED_LANGUAGES)}")
    return cleaned


def valid_capacity(capacity: int) -> int:
    if not MIN_CAPACITY <= capacity <= MAX_CAPACITY:
        raise InvalidInput(f"max_concurrent: between {MIN_CAPACITY} and {MAX_CAPACITY}")
    return capacity


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
            languages=",".join(valid_languages(new.languages)),
            max_concurrent=5,
            active=True,
            created_at=now(),
        )
    )
    return account(connection, agent_id)


def change(
    connection: Connection,
    agent_id: str,
    changes: Changes,
    by: AgentId | None,
    teams_known: tuple[str, ...] = ("general",),
) -> Account:
    """Apply ``changes``; deactivating ends the agent's sessions at once (and takes them
    offline). The last active lead cannot be deactivated or made an agent (nobody could manage
    accounts any more). Teams must be among ``teams_known`` (see :func:`known_teams`)."""
    before = account(connection, agent_id)
    values: dict[str, object] = {}
    if changes.teams is not None:
        values["teams"] = ",".join(valid_teams(changes.teams, teams_known))
    if changes.languages is not None:
        values["languages"] = ",".join(valid_languages(changes.languages))
    if changes.max_concurrent is not None:
        values["max_concurrent"] = valid_capacity(changes.max_concurrent)
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
        connection.execute(
            update(agents).where(agents.c.id == agent_id).values(status="offline", status_at=now())
        )
        routing.release(connection, before.id, "agent_deactivated")
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
        tuple(team for team in m["teams"].split(",") if team),
        m["status"],
    )
