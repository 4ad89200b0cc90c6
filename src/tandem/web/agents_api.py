"""The lead API for agent accounts (/api/v1/agents): list, create, change, reset a password.

Leads only: an agent gets 403 before the body is read. A deactivated agent's sessions end at
once and they cannot log in; a new password ends every session too. Passwords are hashed
through the server's hashing gate (429 when it is busy) and never returned or logged.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from tandem.domain.errors import InvalidInput
from tandem.services import agent_accounts as accounts
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
    max_concurrent: int = Field(description="Conversations at once (routing uses it later).")
    active: bool = Field(description="False: cannot log in; their sessions were ended.")
    created_at: dt.datetime


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
    """Rename, change the role, deactivate (`active: false`) or reactivate. 409 for the last
    active lead, or for deactivating yourself."""
    if body.name is None and body.role is None and body.active is None:
        raise InvalidInput("send at least one of: name, role, active")
    role = None if body.role is None else Role(body.role)
    changes = accounts.Changes(name=body.name, role=role, active=body.active)
    with transaction(runtime.engine) as connection:
        return account_out(accounts.change(connection, agent_id, changes, lead.id))


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
