"""Versioned handoff policies in the database: propose, activate, roll back, and the active one.

The database version is the truth. A stored policy's text is kept exactly as the lead wrote
it, but its own ``version:`` field is overridden by the version number the database gives it,
so every decision (and ``conversations.policy_version``) records the stored version.

Proposing only stores a new version unless the lead asks to activate it in the same step;
either way an invalid policy is refused with every problem and nothing changes. Exactly one
version is active; every activation is logged (who, when). Each worker process holds an
:class:`ActivePolicy` that looks up the active version on the turn's own connection (one
indexed primary-key read) and compiles a version only the first time it sees it, so all
workers switch at the next turn after an activation commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, Engine, Select, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from tandem.domain.errors import Conflict, Forbidden, NotFound
from tandem.domain.policy import DEFAULT_POLICY, InvalidPolicy, Problem, load_policy
from tandem.domain.policy.engine import Engine as PolicyEngine
from tandem.services.agents import Agent, Role
from tandem.storage.conversations import now
from tandem.storage.db import reading, transaction
from tandem.storage.tables import policies, policy_activations
from tandem.types import AgentId

FIRST_VERSION = 1


@dataclass(frozen=True, slots=True)
class PolicyVersion:
    version: int
    active: bool
    note: str | None
    created_by: AgentId | None  # None: shipped with Tandem
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Activation:
    version: int
    activated_by: AgentId | None  # None: the system, at first start-up
    activated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class History:
    active: int
    versions: tuple[PolicyVersion, ...]  # newest first
    activations: tuple[Activation, ...]  # newest first


def compile_policy(text: str, version: int) -> PolicyEngine:
    """The engine for a stored text; decisions record the database ``version``."""
    return PolicyEngine(replace(load_policy(text), version=version))


class ActivePolicy:
    """The compiled engine of whichever version is active (a turn keeps it for at most a
    second: storage/briefly.py)."""

    def __init__(self) -> None:
        self._compiled: dict[int, PolicyEngine] = {}  # versions never change once stored

    def current(self, connection: Connection) -> PolicyEngine:
        version = connection.execute(
            select(policies.c.version).where(policies.c.active)
        ).scalar_one_or_none()
        if version is None:
            raise Conflict("no handoff policy is active; restart to store the default")
        engine = self._compiled.get(version)
        if engine is None:
            text = connection.execute(
                select(policies.c.text).where(policies.c.version == version)
            ).scalar_one()
            engine = self._compiled[version] = compile_policy(text, version)
        return engine


def ensure_default(engine: Engine) -> None:
    """On an empty table, store the shipped default as version 1 and activate it."""
    try:
        with transaction(engine) as connection:
            if connection.execute(select(policies.c.version).limit(1)).first() is not None:
                return
            _store(connection, DEFAULT_POLICY.read_text("utf-8"), None, "shipped default")
            _activate(connection, FIRST_VERSION, None)
    except IntegrityError:
        pass  # another worker stored it first


def check(text: str, agent: Agent) -> tuple[Problem, ...]:
    """Every problem of a policy text (none: it is valid); nothing is stored."""
    _require_lead(agent)
    try:
        load_policy(text)
    except InvalidPolicy as invalid:
        return invalid.problems
    return ()


def propose(engine: Engine, text: str, agent: Agent, note: str | None, activate: bool) -> int:
    """Store a valid policy as the next version (and activate it when asked); its number."""
    _require_lead(agent)
    load_policy(text)  # raises InvalidPolicy with every problem; nothing is stored
    try:
        with transaction(engine) as connection:
            version = _store(connection, text, agent.id, note)
            if activate:
                _activate(connection, version, agent.id)
    except IntegrityError as clash:
        raise Conflict("another version was saved at the same moment; save again") from clash
    return version


def activate(engine: Engine, version: int, agent: Agent) -> History:
    """Make ``version`` decide from every worker's next turn on; the history after."""
    _require_lead(agent)
    with transaction(engine) as connection:
        if connection.execute(_version_text(version)).first() is None:
            raise NotFound(f"there is no policy version {version}")
        _activate(connection, version, agent.id)
    return history(engine, agent)


def rollback(engine: Engine, agent: Agent) -> History:
    """Activate the version that was active before the current one; the history after.

    Rolling back twice undoes the first roll-back: it goes by the activation log.
    """
    _require_lead(agent)
    with transaction(engine) as connection:
        current = connection.execute(
            select(policies.c.version).where(policies.c.active)
        ).scalar_one_or_none()
        previous = connection.execute(
            select(policy_activations.c.version)
            .where(policy_activations.c.version != current)
            .order_by(policy_activations.c.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        if previous is None:
            raise Conflict("there is no earlier active version to roll back to")
        _activate(connection, previous, agent.id)
    return history(engine, agent)


def text_of(engine: Engine, version: int, agent: Agent) -> str:
    _require_lead(agent)
    with reading(engine) as connection:
        text = connection.execute(_version_text(version)).scalar_one_or_none()
    if text is None:
        raise NotFound(f"there is no policy version {version}")
    return str(text)


def history(engine: Engine, agent: Agent) -> History:
    """The active version, every version and every activation; for leads."""
    _require_lead(agent)
    with reading(engine) as connection:
        versions = connection.execute(
            select(policies.c.version, policies.c.active, policies.c.note)
            .add_columns(policies.c.created_by, policies.c.created_at)
            .order_by(policies.c.version.desc())
        ).all()
        activations = connection.execute(
            select(policy_activations).order_by(policy_activations.c.id.desc())
        ).all()
    return History(
        active=next((row.version for row in versions if row.active), 0),
        versions=tuple(
            PolicyVersion(r.version, r.active, r.note, r.created_by, _utc(r.created_at))
            for r in versions
        ),
        activations=tuple(
            Activation(r.version, r.activated_by, _utc(r.activated_at)) for r in activations
        ),
    )


def _require_lead(agent: Agent) -> None:
    if agent.role is not Role.LEAD:
        raise Forbidden("only a support lead can see or change the handoff policy")


def _version_text(version: int) -> Select[Any]:
    return select(policies.c.text).where(policies.c.version == version)


def _store(connection: Connection, text: str, agent: AgentId | None, note: str | None) -> int:
    latest = connection.execute(select(func.max(policies.c.version))).scalar_one_or_none()
    version = (latest or 0) + 1
    connection.execute(
        insert(policies).values(
            version=version, text=text, active=False, created_by=agent, created_at=now(), note=note
        )
    )
    return int(version)


def _activate(connection: Connection, version: int, agent: AgentId | None) -> None:
    """Exactly one active version: one UPDATE over every row, which also serialises writers."""
    connection.execute(update(policies).values(active=policies.c.version == version))
    connection.execute(
        insert(policy_activations).values(version=version, activated_by=agent, activated_at=now())
    )


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
