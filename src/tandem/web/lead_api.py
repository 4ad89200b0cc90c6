"""The lead API (/api/v1/policies): the handoff policy's versions, checked, saved, activated.

Only support leads may use it; other agents get 403. An invalid policy answers 422 with every
problem and its line in ``error.problems``; nothing is stored and the active version stays.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from tandem.domain.policy import InvalidPolicy, Problem
from tandem.services import policies
from tandem.web.deps import AgentDep, RuntimeDep
from tandem.web.errors import ErrorBody, Responses, documented
from tandem.web.inputs import Text, VersionPath

router = APIRouter(prefix="/api/v1/policies", tags=["policies"])
_MAX_POLICY_CHARS = 50_000  # the shipped policy is 6,000; a body is at most 64 kB


class PolicyText(BaseModel):
    text: Text = Field(max_length=_MAX_POLICY_CHARS, description="The policy YAML.")


class NewVersion(PolicyText):
    note: Text | None = Field(None, max_length=500, description="What changed, for the history.")
    activate: bool = Field(False, description="Activate it at once (else only store it).")


class ProblemOut(BaseModel):
    line: int
    message: str


class CheckOut(BaseModel):
    valid: bool
    problems: list[ProblemOut]


class VersionOut(BaseModel):
    version: int
    active: bool
    note: str | None
    created_by: str | None = Field(description="The lead's agent id; null: shipped default.")
    created_at: dt.datetime


class ActivationOut(BaseModel):
    version: int
    activated_by: str | None = Field(description="The lead's agent id; null: at first start.")
    activated_at: dt.datetime


class HistoryOut(BaseModel):
    active: int = Field(description="The version deciding every conversation now.")
    versions: list[VersionOut] = Field(description="Newest first.")
    activations: list[ActivationOut] = Field(description="Newest first.")


class VersionText(BaseModel):
    version: int
    text: str


class Saved(BaseModel):
    version: int
    active: bool


class Rejection(BaseModel):
    code: str = "invalid_policy"
    message: str
    problems: list[ProblemOut]


class RejectedBody(BaseModel):
    error: Rejection


_LEADS_ONLY = documented(401, 403)
_REJECTED: Responses = {
    422: {
        "model": RejectedBody | ErrorBody,
        "description": "The policy is invalid (with every problem), or another input is.",
    }
}


def _problems(problems: tuple[Problem, ...]) -> list[ProblemOut]:
    return [ProblemOut(line=p.line, message=p.message) for p in problems]


def _rejected(invalid: InvalidPolicy) -> JSONResponse:
    rejection = Rejection(message=invalid.message, problems=_problems(invalid.problems))
    return JSONResponse(RejectedBody(error=rejection).model_dump(), status_code=422)


def _history_out(history: policies.History) -> HistoryOut:
    return HistoryOut(
        active=history.active,
        versions=[
            VersionOut(
                version=v.version,
                active=v.active,
                note=v.note,
                created_by=v.created_by,
                created_at=v.created_at,
            )
            for v in history.versions
        ],
        activations=[
            ActivationOut(
                version=a.version, activated_by=a.activated_by, activated_at=a.activated_at
            )
            for a in history.activations
        ],
    )


@router.get("", response_model=HistoryOut, responses=_LEADS_ONLY)
def history(runtime: RuntimeDep, agent: AgentDep) -> HistoryOut:
    """The active version, every stored version and every activation (who, when)."""
    return _history_out(policies.history(runtime.engine, agent))


@router.get(
    "/{version}", response_model=VersionText, responses={**_LEADS_ONLY, **documented(404, 422)}
)
def version_text(version: VersionPath, runtime: RuntimeDep, agent: AgentDep) -> VersionText:
    """One version's YAML, exactly as it was saved."""
    return VersionText(version=version, text=policies.text_of(runtime.engine, version, agent))


@router.post(
    "/check", response_model=CheckOut, responses={**_LEADS_ONLY, **documented(400, 413, 422)}
)
def check(body: PolicyText, agent: AgentDep) -> CheckOut:
    """Validate a policy without storing it: every problem, with its line."""
    problems = policies.check(body.text, agent)
    return CheckOut(valid=not problems, problems=_problems(problems))


@router.post(
    "",
    status_code=201,
    response_model=Saved,
    responses={**_LEADS_ONLY, **documented(400, 409, 413), **_REJECTED},
)
def save(body: NewVersion, runtime: RuntimeDep, agent: AgentDep) -> Saved | JSONResponse:
    """Store a new version (the next number); with ``activate`` it decides from the next turn."""
    try:
        version = policies.propose(runtime.engine, body.text, agent, body.note, body.activate)
    except InvalidPolicy as invalid:
        return _rejected(invalid)
    return Saved(version=version, active=body.activate)


@router.post(
    "/{version}/activate",
    response_model=HistoryOut,
    responses={**_LEADS_ONLY, **documented(404, 422)},
)
def activate(version: VersionPath, runtime: RuntimeDep, agent: AgentDep) -> HistoryOut:
    """Make this version decide every conversation's next turn, in every worker."""
    return _history_out(policies.activate(runtime.engine, version, agent))


@router.post("/rollback", response_model=HistoryOut, responses={**_LEADS_ONLY, **documented(409)})
def rollback(runtime: RuntimeDep, agent: AgentDep) -> HistoryOut:
    """Activate the version that was active before the current one (409 if there is none)."""
    return _history_out(policies.rollback(runtime.engine, agent))
