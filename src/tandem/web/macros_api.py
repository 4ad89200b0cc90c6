"""Macros (canned replies): leads maintain them under /api/v1/macros; every agent lists them and
gets them filled in for a conversation (/api/v1/agent/conversations/{id}/macros). An unknown
placeholder is a 422 naming it; an unknown language a 422 listing the known ones."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from tandem.desk.macros import PLACEHOLDERS
from tandem.services import macros
from tandem.web.deps import AgentDep, LeadDep, RuntimeDep
from tandem.web.errors import documented
from tandem.web.inputs import ConversationIdPath, Text

router = APIRouter(tags=["macros"])

MacroIdPath = Annotated[int, Path(ge=1, le=2**31 - 1, description="The macro's id.")]
PLACES = ", ".join("{" + name + "}" for name in PLACEHOLDERS)


class MacroIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Text = Field(max_length=macros.MAX_TITLE)
    language: str = Field(max_length=8, description="The customers' language it is written in.")
    text: Text = Field(max_length=macros.MAX_TEXT, description=f"May use {PLACES}.")


class MacroOut(BaseModel):
    id: int
    title: str
    language: str
    text: str


class MacrosOut(BaseModel):
    macros: list[MacroOut]
    placeholders: dict[str, str] = Field(description="Every placeholder a macro may use.")


def _out(found: list[macros.Macro]) -> MacrosOut:
    return MacrosOut(
        macros=[MacroOut(id=m.id, title=m.title, language=m.language, text=m.text) for m in found],
        placeholders=PLACEHOLDERS,
    )


def _new(body: MacroIn) -> macros.NewMacro:
    return macros.NewMacro(body.title, body.language, body.text)


@router.get("/api/v1/macros", response_model=MacrosOut, responses=documented(401, 422))
def list_macros(
    runtime: RuntimeDep,
    _agent: AgentDep,
    language: Annotated[str | None, Query(max_length=8)] = None,
) -> MacrosOut:
    """Every macro (or one language's), as written, with the placeholders they may use."""
    return _out(macros.listed(runtime, language))


@router.post(
    "/api/v1/macros",
    status_code=201,
    response_model=MacroOut,
    responses=documented(400, 401, 403, 413, 422),
)
def create_macro(body: MacroIn, runtime: RuntimeDep, lead: LeadDep) -> MacroOut:
    made = macros.create(runtime, lead, _new(body))
    return MacroOut(id=made.id, title=made.title, language=made.language, text=made.text)


@router.put(
    "/api/v1/macros/{macro_id}",
    response_model=MacroOut,
    responses=documented(400, 401, 403, 404, 413, 422),
)
def change_macro(
    macro_id: MacroIdPath, body: MacroIn, runtime: RuntimeDep, lead: LeadDep
) -> MacroOut:
    made = macros.change(runtime, lead, macro_id, _new(body))
    return MacroOut(id=made.id, title=made.title, language=made.language, text=made.text)


@router.delete(
    "/api/v1/macros/{macro_id}", status_code=204, responses=documented(401, 403, 404, 422)
)
def delete_macro(macro_id: MacroIdPath, runtime: RuntimeDep, _lead: LeadDep) -> None:
    macros.remove(runtime, _lead, macro_id)


@router.get(
    "/api/v1/agent/conversations/{conversation_id}/macros",
    response_model=MacrosOut,
    responses=documented(401, 404, 422),
)
def conversation_macros(
    conversation_id: ConversationIdPath, runtime: RuntimeDep, agent: AgentDep
) -> MacrosOut:
    """The macros in the conversation's language, filled in with the customer's name and the
    order the conversation is about (neutral words where it knows none)."""
    return _out(macros.for_conversation(runtime, agent, conversation_id))
