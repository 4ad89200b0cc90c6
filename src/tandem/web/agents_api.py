"""The lead API for agent accounts (/api/v1/agents): list, create, change, reset a password.

Leads only: an agent gets 403 before the body is read. A deactivated agent's sessions end at
once and they cannot log in; a new password ends every session too. Passwords are hashed
through the server's hashing gate (429 when it is busy) and never returned or logged.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from tandem.domain.errors import InvalidInput
from tandem.services import agent_accounts as accounts
from tandem.services import routing
from tandem.services.agents import Role
from tandem.storage.db import reading, transaction
from tandem.web.deps import LeadDep, RuntimeDep
from tandem.web.errors import documented
from tandem.web.inputs import AgentIdPath, Text

router = APIRouter(prefix="/api/v1/agents", tags=["agents"])
ONE = "/{agent_id}"

Password = Field(
    min_length=accounts.MIN_PASSWORD_CHARS,
    max_length=accounts.MAX_PASSWORD_CHARS,
    description="Never returned, never logged; stored as an Argon2id hash.",
)


class AccountOut(BaseModel):
    id: str
    email: str
    name: str
    role: Literal["agent", "lead"]
    languages: list[str]
    max_concurrent: int = Field(description="Conversations assigned at once (1..20).")
    active: bool = Field(description="False: cannot log in; their sessions were ended.")
    created_at: dt.datetime
    teams: list[str] = Field(description="Teams whose hand-overs this agent is assigned.")
    status: Literal["online", "away", "offline"] = Field(description="Set by the agent.")


class AccountsOut(BaseModel):
    agents: list[AccountOut] = Field(description="Active accounts first, then by name.")


class NewAgent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Text = Field(max_length=accounts.MAX_EMAIL_CHARS)
    name: Text = Field(max_length=accounts.MAX_NAME_CHARS)
    role: Literal["agent", "lead"] = "agent"
    password: Text = Password


class AgentChanges(BaseModel):
    """Only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    name: Text | None = Field(None, max_length=accounts.MAX_NAME_CHARS)
    role: Literal["agent", "lead"] | None = None
    active: bool | None = Field(None, description="false deactivates (sessions end at once).")
    teams: list[Annotated[str, Field(max_length=32)]] | None = Field(
        None, max_length=10, description="Known teams only: TANDEM_TEAMS and the policy's."
    )
    languages: list[Annotated[str, Field(max_length=8)]] | None = Field(
        None, max_length=10, description="Languages the agent answers in (nl, en)."
    )
    max_concurrent: int | None = Field(
        None,
        ge=accounts.MIN_CAPACITY,
        le=accounts.MAX_CAPACITY,
        description="Conversations assigned at once.",
    )


class NewPassword(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: Text = Password


def account_out(found: accounts.Account) -> AccountOut:
    return AccountOut(
        id=found.id,
        email=found.email,
        name=found.name,
        role=found.role.value,
        languages=list(found.languages),
        max_concurrent=found.max_concurrent,
        active=found.active,
        created_at=found.created_at,
        teams=list(found.teams),
        status=found.status,
    )


@router.get("", response_model=AccountsOut, responses=documented(401, 403))
def list_agents(runtime: RuntimeDep, _lead: LeadDep) -> AccountsOut:
    """Every agent account, deactivated ones included."""
    with reading(runtime.engine) as connection:
        return AccountsOut(agents=[account_out(a) for a in accounts.accounts(connection)])


@router.post(
    "",
    status_code=201,
    response_model=AccountOut,
    responses=documented(400, 401, 403, 409, 413, 422, 429),
)
def create_agent(body: NewAgent, runtime: RuntimeDep, _lead: LeadDep) -> AccountOut:
    """Create an account (409 when the email is taken); they log in on the console."""
    new = accounts.NewAccount(body.email, body.name, Role(body.role))
    accounts.valid_email(new.email)  # 422 before the hashing
    accounts.valid_name(new.name)
    password_hash = accounts.hashed(body.password, runtime.hashing.run)
    with transaction(runtime.engine) as connection:
        return account_out(accounts.create(connection, new, password_hash))


@router.patch(
    ONE, response_model=AccountOut, responses=documented(400, 401, 403, 404, 409, 413, 422)
)
def change_agent(
    agent_id: AgentIdPath, body: AgentChanges, runtime: RuntimeDep, lead: LeadDep
) -> AccountOut:
    """Rename, change the role, teams, languages or capacity, deactivate (`active: false`) or
    reactivate. 422 naming the field for an unknown team or language; 409 for the last active
    lead, or for deactivating yourself."""
    sent = body.model_dump(exclude_none=True)
    if not sent:
        raise InvalidInput(
            "send at least one of: name, role, active, teams, languages, max_concurrent"
        )
    changes = accounts.Changes(
        name=body.name,
        role=None if body.role is None else Role(body.role),
        active=body.active,
        teams=None if body.teams is None else tuple(body.teams),
        languages=None if body.languages is None else tuple(body.languages),
        max_concurrent=body.max_concurrent,
    )
    with transaction(runtime.engine) as connection:
        known = accounts.known_teams(
            runtime.settings.team_names, runtime.policies.current(connection).policy
        )
        changed = accounts.change(connection, agent_id, changes, lead.id, known)
    routing.assign_waiting(runtime)  # more capacity, new teams or languages: work may fit now
    return account_out(changed)


@router.post(
    f"{ONE}/reset-password",
    response_model=AccountOut,
    responses=documented(400, 401, 403, 404, 413, 422, 429),
)
def reset_password(
    agent_id: AgentIdPath, body: NewPassword, runtime: RuntimeDep, _lead: LeadDep
) -> AccountOut:
    """Set a new password (tell it to the agent yourself); their sessions end."""
    with reading(runtime.engine) as connection:
        accounts.account(connection, agent_id)  # 404 before hashing
    password_hash = accounts.hashed(body.password, runtime.hashing.run)
    with transaction(runtime.engine) as connection:
        return account_out(accounts.set_password_hash(connection, agent_id, password_hash))
