"""Internal notes and transfers on the agent API (services/handing_on.py): a note any agent
may leave (the customer never sees it), a transfer by the owner to a team or to a colleague
with a note. Unknown team or agent: 422; a colleague away or full: 409; a team with nobody
online: 200, it waits, and `told` says so."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, model_validator

from tandem.services import desk, handing_on
from tandem.web.deps import AgentDep, RuntimeDep
from tandem.web.errors import documented
from tandem.web.inputs import ConversationIdPath, Text
from tandem.web.schemas import ConversationDetail, detail_out

router = APIRouter(prefix="/api/v1/agent/conversations/{conversation_id}", tags=["agent"])

Note = Field(max_length=desk.MAX_NOTE, description="For colleagues; never shown to the customer.")


class NewNote(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Text = Note


class TransferIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    team: str | None = Field(None, max_length=32, description="Back to the queue for this team.")
    agent_id: str | None = Field(None, max_length=36, description="Straight to this colleague.")
    note: Text = Note

    @model_validator(mode="after")
    def _one_target(self) -> TransferIn:
        if (self.team is None) == (self.agent_id is None):
            raise ValueError("give either a team or an agent_id")
        return self


class TransferOut(BaseModel):
    conversation: ConversationDetail
    waiting: bool = Field(description="True: in the queue, nobody has it yet.")
    told: str = Field(description="What happened, for the agent who transferred it.")


@router.post(
    "/notes",
    status_code=201,
    response_model=ConversationDetail,
    responses=documented(400, 401, 404, 413, 422),
)
def add_note(
    conversation_id: ConversationIdPath, body: NewNote, runtime: RuntimeDep, agent: AgentDep
) -> ConversationDetail:
    """Leave an internal note (a `note` event in the timeline)."""
    return detail_out(handing_on.add_note(runtime, agent, conversation_id, body.text))


@router.post(
    "/transfer", response_model=TransferOut, responses=documented(400, 401, 404, 409, 413, 422)
)
def transfer(
    conversation_id: ConversationIdPath, body: TransferIn, runtime: RuntimeDep, agent: AgentDep
) -> TransferOut:
    """Hand a conversation you own to a team (it is routed like a new hand-over, keeping its
    place) or to an online colleague with room, with a note."""
    if body.team is not None:
        handed = handing_on.transfer_to_team(runtime, agent, conversation_id, body.team, body.note)
    else:
        to = str(body.agent_id)
        handed = handing_on.transfer_to_agent(runtime, agent, conversation_id, to, body.note)
    return TransferOut(
        conversation=detail_out(handed.view), waiting=handed.waiting, told=handed.told
    )
