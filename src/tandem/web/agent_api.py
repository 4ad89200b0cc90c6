"""The agent API (/api/v1/agent): login, queue, take over, reply, hand back, close."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from tandem.answering.llm import NoLlm
from tandem.services import agents as agent_service
from tandem.services import customer_typing, desk, presence
from tandem.storage.db import reading
from tandem.web.deps import AgentDep, ClientDep, RuntimeDep, TokenDep
from tandem.web.errors import documented
from tandem.web.inputs import AfterQuery, ConversationIdPath, Text
from tandem.web.schemas import (
    AgentMessage,
    AgentMessagesOut,
    AgentOut,
    ConversationDetail,
    DeskSettingsOut,
    DraftOut,
    Login,
    LoginOut,
    Message,
    QueueOut,
    detail_out,
    message_out,
    queue_item_out,
)

router = APIRouter(prefix="/api/v1/agent", tags=["agent"])


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Text | None = Field(
        None, max_length=desk.MAX_NOTE, description="An internal note; the customer never sees it."
    )


CONVERSATION = "/conversations/{conversation_id}"
NO_DRAFTS = "Drafts need a language model: the server has no TANDEM_LLM_URL configured."


def agent_out(agent: agent_service.Agent) -> AgentOut:
    return AgentOut(id=agent.id, name=agent.name, email=agent.email, role=agent.role.value)


@router.post("/login", response_model=LoginOut, responses=documented(400, 401, 413, 422, 429, 503))
def login(body: Login, runtime: RuntimeDep, address: ClientDep) -> LoginOut:
    """Exchange email and password for a session token (429 with Retry-After past the limits)."""
    token, agent = agent_service.login(runtime, body.email, body.password, address)
    return LoginOut(token=token, agent=agent_out(agent))


@router.post("/logout", status_code=204, responses=documented(401))
def logout(runtime: RuntimeDep, token: TokenDep, _agent: AgentDep) -> None:
    agent_service.logout(runtime.engine, token)


@router.get("/me", response_model=AgentOut, responses=documented(401))
def me(agent: AgentDep) -> AgentOut:
    return agent_out(agent)


class StatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["online", "away", "offline"]


class StatusOut(BaseModel):
    status: Literal["online", "away", "offline"] = Field(
        description="Online agents are assigned conversations; away and offline ones are not."
    )


@router.put("/status", response_model=StatusOut, responses=documented(400, 401, 413, 422))
def set_status(body: StatusIn, runtime: RuntimeDep, agent: AgentDep) -> StatusOut:
    """Go online (conversations are assigned to you), away or offline (your open
    conversations go back to the front of the queue)."""
    status = presence.set_status(runtime, agent.id, presence.valid_status(body.status))
    return StatusOut(status=status.value)


@router.get("/status", response_model=StatusOut, responses=documented(401))
def get_status(runtime: RuntimeDep, agent: AgentDep) -> StatusOut:
    with reading(runtime.engine) as connection:
        return StatusOut(status=presence.status_of(connection, agent.id).value)


@router.post("/heartbeat", response_model=StatusOut, responses=documented(401))
def heartbeat(runtime: RuntimeDep, agent: AgentDep) -> StatusOut:
    """The console is open (send every half minute or so). Without one for
    TANDEM_AWAY_AFTER_SECONDS an online agent becomes away; the answer tells the console."""
    return StatusOut(status=presence.heartbeat(runtime, agent.id).value)


@router.get("/settings", response_model=DeskSettingsOut, responses=documented(401))
def settings(runtime: RuntimeDep, _agent: AgentDep) -> DeskSettingsOut:
    """What the console needs to know about this server: drafts, and the time zone every time
    is shown in (the shop's, the one the customer's promises were made in)."""
    drafts = not isinstance(runtime.writer, NoLlm)
    return DeskSettingsOut(
        drafts_available=drafts,
        drafts_unavailable_reason=None if drafts else NO_DRAFTS,
        timezone=runtime.settings.timezone,
        teams=list(runtime.settings.team_names),
    )


@router.get("/queue", response_model=QueueOut, responses=documented(401))
def queue(runtime: RuntimeDep, _agent: AgentDep) -> QueueOut:
    """Conversations waiting for a person, most urgent and longest waiting first."""
    return QueueOut(conversations=[queue_item_out(item) for item in desk.queue(runtime)])


@router.get("/conversations", response_model=QueueOut, responses=documented(401, 422))
def my_conversations(runtime: RuntimeDep, agent: AgentDep, mine: bool = True) -> QueueOut:
    """The conversations this agent owns, assigned or taken (`mine=false`: every conversation
    an agent owns now)."""
    found = desk.mine(runtime, agent, only_mine=mine)
    return QueueOut(conversations=[queue_item_out(item) for item in found])


@router.get(CONVERSATION, response_model=ConversationDetail, responses=documented(401, 404, 422))
def conversation(
    conversation_id: ConversationIdPath, runtime: RuntimeDep, _agent: AgentDep
) -> ConversationDetail:
    """A conversation in full: handoff card, messages and the timeline of events."""
    return detail_out(desk.view(runtime, conversation_id))


class EarlierOut(BaseModel):
    id: str
    state: str
    created_at: dt.datetime
    reason: str | None
    summary: str | None


class EarlierListOut(BaseModel):
    conversations: list[EarlierOut]


@router.get(
    f"{CONVERSATION}/earlier", response_model=EarlierListOut, responses=documented(401, 404, 422)
)
def earlier(
    conversation_id: ConversationIdPath, runtime: RuntimeDep, _agent: AgentDep
) -> EarlierListOut:
    """The same customer's earlier conversations (by customer id or e-mail), newest first."""
    found = desk.earlier(runtime, conversation_id)
    return EarlierListOut(
        conversations=[
            EarlierOut(
                id=e.id,
                state=e.state.value,
                created_at=e.created_at,
                reason=e.reason,
                summary=e.summary,
            )
            for e in found
        ]
    )


@router.get(
    f"{CONVERSATION}/messages",
    response_model=AgentMessagesOut,
    responses=documented(401, 404, 422),
)
def messages(
    conversation_id: ConversationIdPath,
    runtime: RuntimeDep,
    agent: AgentDep,
    after: AfterQuery = 0,
) -> AgentMessagesOut:
    """Messages after offset `after`, and whether the customer is typing now (the console polls
    this every second for the open conversation)."""
    view = desk.view(runtime, conversation_id)
    found = [m for m in view.messages if m.offset > after]
    owner = view.conversation.agent_id
    typing = customer_typing.seen_by(runtime, agent, conversation_id, owner, view.messages)
    return AgentMessagesOut(
        state=view.conversation.state.value,
        version=view.conversation.event_count,
        messages=[message_out(m) for m in found],
        customer_typing=typing,
    )


@router.post(
    f"{CONVERSATION}/take",
    response_model=ConversationDetail,
    responses=documented(401, 404, 409, 422),
)
def take(
    conversation_id: ConversationIdPath, runtime: RuntimeDep, agent: AgentDep
) -> ConversationDetail:
    """Take a waiting conversation. Taking one you already own answers 200 with the same
    result; 409 (`not_owner`, naming the owner) when another agent was first."""
    return detail_out(desk.take(runtime, agent, conversation_id))


@router.post(
    f"{CONVERSATION}/messages",
    status_code=201,
    response_model=Message,
    responses=documented(400, 401, 404, 409, 413, 422),
)
def reply(
    conversation_id: ConversationIdPath, body: AgentMessage, runtime: RuntimeDep, agent: AgentDep
) -> Message:
    return message_out(desk.agent_say(runtime, agent, conversation_id, body.text))


@router.post(
    f"{CONVERSATION}/draft", response_model=DraftOut, responses=documented(401, 404, 409, 422)
)
def draft(conversation_id: ConversationIdPath, runtime: RuntimeDep, agent: AgentDep) -> DraftOut:
    """An AI-drafted reply to approve or edit (needs TANDEM_LLM_URL; `text` is null without)."""
    return DraftOut(text=desk.draft(runtime, agent, conversation_id))


@router.post(
    f"{CONVERSATION}/hand-back",
    response_model=ConversationDetail,
    responses=documented(400, 401, 404, 409, 413, 422),
)
def hand_back(
    conversation_id: ConversationIdPath,
    runtime: RuntimeDep,
    agent: AgentDep,
    body: NoteIn | None = None,
) -> ConversationDetail:
    """Give the conversation back to the AI, optionally with an internal note (never shown to
    the customer)."""
    note = body.note if body else None
    return detail_out(desk.hand_back(runtime, agent, conversation_id, note))


@router.post(
    f"{CONVERSATION}/close",
    response_model=ConversationDetail,
    responses=documented(401, 403, 404, 409, 422),
)
def close(
    conversation_id: ConversationIdPath, runtime: RuntimeDep, agent: AgentDep
) -> ConversationDetail:
    """Close a conversation you own (a lead: any); the customer is asked for a rating."""
    return detail_out(desk.close(runtime, agent, conversation_id))
