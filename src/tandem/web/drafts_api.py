"""Shadow mode on the agent API: the AI's draft on the card, sent, edited or discarded, and its
shop action performed on the agent's click (services/drafts.py). Only the agent who took the
conversation may (409 for others, like replying)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from tandem.services import drafts
from tandem.web.deps import AgentDep, RuntimeDep
from tandem.web.errors import documented
from tandem.web.inputs import ConversationIdPath, Text

router = APIRouter(prefix="/api/v1/agent/conversations/{conversation_id}", tags=["agent"])


class UseIn(BaseModel):
    use: drafts.Use = Field(description="send (as drafted), edit (send `text`), or discard.")
    text: Text | None = Field(None, max_length=4000, description="The edited text (edit only).")


class UsedOut(BaseModel):
    use: drafts.Use
    edit_size: float = Field(description="0: sent unchanged; 1: nothing of the draft kept.")
    sent: list[str]


class PerformedOut(BaseModel):
    key: str = Field(description="The idempotency key: the action changes the shop once.")
    kind: str
    order_id: str
    ok: bool
    error: str | None = Field(description="The shop's error code when it refused.")
    refund: str | None


@router.post(
    "/ai-draft", response_model=UsedOut, responses=documented(400, 401, 404, 409, 413, 422)
)
def use_draft(
    conversation_id: ConversationIdPath, body: UseIn, runtime: RuntimeDep, agent: AgentDep
) -> UsedOut:
    """Send the AI's draft as is, send an edited text, or discard it (recorded per topic)."""
    used = drafts.use_draft(runtime, agent, conversation_id, body.use, body.text)
    return UsedOut(use=used.use, edit_size=used.edit_size, sent=used.sent)


@router.post(
    "/ai-draft/action", response_model=PerformedOut, responses=documented(401, 404, 409, 422)
)
def perform_action(
    conversation_id: ConversationIdPath, runtime: RuntimeDep, agent: AgentDep
) -> PerformedOut:
    """Perform the draft's shop action (exactly once; a second click answers the same)."""
    done = drafts.perform_drafted_action(runtime, agent, conversation_id)
    return PerformedOut(
        key=done.key,
        kind=done.kind,
        order_id=done.order_id,
        ok=done.ok,
        error=done.error,
        refund=done.refund,
    )
