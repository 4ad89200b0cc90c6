"""The suggested reply on the agent API (services/suggested_reply.py): what the assistant would
say and do for the customer's latest question, computed without an LLM and without performing
anything; the owning agent sends it as is or edited (409 for anyone else, like replying)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from tandem.services import suggested_reply
from tandem.web.deps import AgentDep, RuntimeDep
from tandem.web.errors import documented
from tandem.web.inputs import ConversationIdPath, Text
from tandem.web.schemas import Message, message_out

router = APIRouter(prefix="/api/v1/agent/conversations/{conversation_id}", tags=["agent"])


class SuggestionBody(BaseModel):
    message: int = Field(description="The customer message it answers (its offset).")
    text: str = Field(description="The reply as the assistant would send it.")
    outcome: str = Field(description="What it would achieve: answered, asked, resolved, ...")
    action: dict[str, Any] | None = Field(description="The shop change it would make.")
    flow: str | None


class SuggestionOut(BaseModel):
    suggestion: SuggestionBody | None = Field(description="Null: nothing to answer yet.")


class UseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: int = Field(ge=1, le=2**31 - 1, description="The `message` of the suggestion used.")
    text: Text | None = Field(None, max_length=4000, description="The edited text; null: as is.")
    perform_action: bool = Field(False, description="Also make the shop change it describes.")


class SentOut(BaseModel):
    messages: list[Message]
    edited: bool
    edit_size: float = Field(description="0: sent as suggested; 1: nothing of it kept.")
    performed: dict[str, Any] | None


@router.get("/suggestion", response_model=SuggestionOut, responses=documented(401, 404, 422))
def suggestion(
    conversation_id: ConversationIdPath, runtime: RuntimeDep, agent: AgentDep
) -> SuggestionOut:
    """What the assistant would say and do now (nothing is performed)."""
    found = suggested_reply.current(runtime, agent, conversation_id)
    if found is None:
        return SuggestionOut(suggestion=None)
    body = SuggestionBody(
        message=found.message,
        text="\n\n".join(found.texts),
        outcome=found.outcome,
        action=found.action,
        flow=found.flow,
    )
    return SuggestionOut(suggestion=body)


@router.post(
    "/suggestion",
    status_code=201,
    response_model=SentOut,
    responses=documented(400, 401, 404, 409, 413, 422),
)
def send_suggestion(
    conversation_id: ConversationIdPath, body: UseIn, runtime: RuntimeDep, agent: AgentDep
) -> SentOut:
    """Send the suggestion as is or edited (recorded with the actor agent_on_behalf_of_ai).
    409 when the customer wrote again meanwhile, or when an unedited reply describes a shop
    change that `perform_action` does not make."""
    sent = suggested_reply.send(
        runtime, agent, conversation_id, body.message, body.text, body.perform_action
    )
    return SentOut(
        messages=[message_out(m) for m in sent.messages],
        edited=sent.edited,
        edit_size=sent.edit_size,
        performed=None if sent.performed is None else sent.performed.to_detail(),
    )
