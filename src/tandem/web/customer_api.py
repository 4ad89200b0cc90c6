"""The public customer API (/api/v1/conversations): thin routes over the services."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from tandem.domain.conversation import State
from tandem.services import closing, customer_typing, feedback, waiting_line
from tandem.services import conversations as service
from tandem.services.runtime import Runtime
from tandem.storage.conversations import agent_name
from tandem.storage.db import DATABASE_UNAVAILABLE, reading
from tandem.web.deps import ClientDep, RuntimeDep, TokenDep
from tandem.web.errors import documented
from tandem.web.inputs import AfterQuery, ConversationIdPath, OffsetPath, TokenQuery
from tandem.web.schemas import (
    Conversation,
    EndedOut,
    MessagesOut,
    NpsIn,
    NpsOut,
    RatingIn,
    RatingOut,
    SendMessage,
    StartConversation,
    StateName,
    ThumbIn,
    ThumbOut,
    TurnOut,
    WaitingOut,
    handoff_out,
    message_out,
    waiting_out,
)

#: Seconds a stream waits before it reads again while the database cannot be reached.
DATABASE_RETRY = 1.0
KEEP_ALIVE_SECONDS = 15.0  # a comment line keeps proxies from closing a quiet stream


def _jsonable(waiting: WaitingOut | None) -> object:
    return None if waiting is None else waiting.model_dump(mode="json")


router = APIRouter(prefix="/api/v1/conversations", tags=["customer"])


@router.post(
    "", status_code=201, response_model=Conversation, responses=documented(400, 413, 422, 429)
)
def start(
    runtime: RuntimeDep, client: ClientDep, body: StartConversation | None = None
) -> Conversation:
    """Open a conversation; the reply holds the AI's greeting and the token for later calls."""
    runtime.limits.conversation_opened(client)
    body = body or StartConversation()
    started = service.start_conversation(
        runtime, body.language, body.customer_email, body.customer_signature
    )
    record = started.conversation
    return Conversation(
        id=record.id,
        token=started.token,
        state=record.state.value,
        language=record.language,
        messages=[message_out(m) for m in started.messages],
    )


@router.post(
    "/{conversation_id}/messages",
    response_model=TurnOut,
    responses=documented(400, 401, 404, 409, 413, 422, 429),
)
def send(
    conversation_id: ConversationIdPath,
    body: SendMessage,
    runtime: RuntimeDep,
    token: TokenDep,
    client: ClientDep,
) -> TurnOut:
    """Store the customer's message, then return it with every reply it caused. A retry with
    the same `client_message_id` stores nothing again and answers as the first time did.

    Asking for a person is limited per address: the button's request_human past the limit is
    answered 429 before anything is stored; a hand-over the words caused counts towards it."""
    if body.request_human:
        runtime.limits.person_asked(client)
    result = service.post_customer_message(
        runtime,
        conversation_id,
        token,
        body.text,
        body.request_human,
        body.client_message_id,
        client=client,
    )
    if result.handoff is not None and not body.request_human:
        runtime.limits.handed_over(client)
    # The state as the turn left it (after an assignment that followed it at once, read again).
    return TurnOut(
        state=result.state.value,
        version=result.version,
        messages=[message_out(m) for m in result.messages],
        handoff=handoff_out(result.handoff),
        waiting=_waiting(runtime, conversation_id, result.state),
    )


class ConversationState(BaseModel):
    id: str
    state: StateName
    version: int = Field(description="The conversation's change counter (see the messages).")
    language: str
    agent_name: str | None = Field(description="The agent who has the conversation, if any.")
    queue_position: int | None = Field(description="While queued: 1 is next; else null.")
    expected_wait_minutes: int | None = Field(
        description=(
            "While queued: from measured handle times and the agents online; null when nobody "
            "is online or it is not queued."
        )
    )


@router.get(
    "/{conversation_id}", response_model=ConversationState, responses=documented(401, 404, 422)
)
def state(
    conversation_id: ConversationIdPath, runtime: RuntimeDep, token: TokenDep
) -> ConversationState:
    """The conversation's state and, while it waits for a person, where the customer stands."""
    record = service.check_access(runtime, conversation_id, token)
    with reading(runtime.engine) as connection:
        where = waiting_line.place(
            connection, record, runtime.settings.default_handle_minutes, runtime.settings.sla_rules
        )
        name = agent_name(connection, record.agent_id) if record.agent_id else None
    return ConversationState(
        id=record.id,
        state=record.state.value,
        version=record.event_count,
        language=record.language,
        agent_name=name,
        queue_position=where.position if where else None,
        expected_wait_minutes=where.expected_wait_minutes if where else None,
    )


def _waiting(runtime: Runtime, conversation_id: str, state: State) -> WaitingOut | None:
    """Where a conversation waiting for a person stands (the widget's header says it)."""
    if state is not State.QUEUED:
        return None
    return waiting_out(service.standing_of(runtime, conversation_id))


@router.get(
    "/{conversation_id}/messages", response_model=MessagesOut, responses=documented(401, 404, 422)
)
def read(
    conversation_id: ConversationIdPath, runtime: RuntimeDep, token: TokenDep, after: AfterQuery = 0
) -> MessagesOut:
    """Messages after offset `after` (0: all), and where the conversation stands while it waits
    for a person."""
    record, found = service.read_messages(runtime, conversation_id, token, after)
    return MessagesOut(
        state=record.state.value,
        version=record.event_count,
        messages=[message_out(m) for m in found],
        waiting=_waiting(runtime, conversation_id, record.state),
    )


@router.post(
    "/{conversation_id}/rating",
    status_code=201,
    response_model=RatingOut,
    responses=documented(400, 401, 404, 409, 413, 422),
)
def rate(
    conversation_id: ConversationIdPath, body: RatingIn, runtime: RuntimeDep, token: TokenDep
) -> RatingOut:
    """Rate the conversation from 1 to 5, once it is closed (409 before, and the second time)."""
    rated = service.rate(runtime, conversation_id, token, body.score, body.comment)
    return RatingOut(score=rated.score, comment=rated.comment, nps_asked=rated.nps_asked)


@router.post(
    "/{conversation_id}/nps",
    status_code=201,
    response_model=NpsOut,
    responses=documented(400, 401, 404, 409, 413, 422),
)
def nps(
    conversation_id: ConversationIdPath, body: NpsIn, runtime: RuntimeDep, token: TokenDep
) -> NpsOut:
    """Answer "how likely are you to recommend us" (0-10), once, after the rating, when the
    rating's `nps_asked` said so (409 otherwise)."""
    return NpsOut(score=feedback.answer_nps(runtime, conversation_id, token, body.score))


@router.put(
    "/{conversation_id}/messages/{offset}/thumb",
    response_model=ThumbOut,
    responses=documented(400, 401, 404, 413, 422),
)
def thumb(
    conversation_id: ConversationIdPath,
    offset: OffsetPath,
    body: ThumbIn,
    runtime: RuntimeDep,
    token: TokenDep,
) -> ThumbOut:
    """Thumbs up or down on one of the assistant's answers; a later thumb replaces it."""
    up = feedback.thumb(runtime, conversation_id, token, offset, body.up)
    return ThumbOut(offset=offset, up=up)


@router.post(
    "/{conversation_id}/close", response_model=EndedOut, responses=documented(401, 404, 422)
)
def end(conversation_id: ConversationIdPath, runtime: RuntimeDep, token: TokenDep) -> EndedOut:
    """The customer ends the chat (the widget's "end chat"); then it can be rated. Ending a
    closed conversation changes nothing."""
    return EndedOut(state=closing.end_chat(runtime, conversation_id, token).state.value)


@router.post(
    "/{conversation_id}/typing", status_code=204, responses=documented(401, 404, 413, 422)
)
def typing(conversation_id: ConversationIdPath, runtime: RuntimeDep, token: TokenDep) -> None:
    """The customer is typing (the widget sends this at most every few seconds while keys are
    pressed, never the text). The agent who owns the conversation sees "Customer is typing…"
    for a few seconds, until the customer's message arrives. Repeated signals within two
    seconds write nothing; a closed conversation ignores them."""
    customer_typing.signal(runtime, conversation_id, token)


@router.get(
    "/{conversation_id}/stream",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "The event stream."},
        **documented(401, 404, 422),
    },
)
async def stream(
    conversation_id: ConversationIdPath,
    request: Request,
    runtime: RuntimeDep,
    token: TokenQuery,
    after: AfterQuery = 0,
) -> StreamingResponse:
    """Server-sent events: `message` for each new message, `state` when the owner changes or,
    while it waits for a person, where it stands changes (`waiting`, checked every 15 s)."""
    await run_in_threadpool(service.check_access, runtime, conversation_id, token)

    async def events() -> AsyncIterator[str]:
        offset, state, version, told = after, "", -1, ""
        quiet_since = time.monotonic()
        feed, poll = runtime.changes, runtime.settings.stream_poll_seconds
        while not await request.is_disconnected():
            with feed.watch(conversation_id) as change:  # before reading: no change slips by
                try:
                    record, found = await run_in_threadpool(
                        service.read_messages, runtime, conversation_id, token, offset
                    )
                    changed = record.state.value != state or record.event_count != version
                    waiting = (
                        await run_in_threadpool(_waiting, runtime, conversation_id, record.state)
                        if changed
                        else None
                    )
                except DATABASE_UNAVAILABLE:
                    # The database restarts: keep the stream open and read again from the last
                    # offset sent, so the customer misses nothing and needs no reconnect.
                    record, found, changed = None, [], False
                for message in found:
                    offset = message.offset
                    yield f"event: message\ndata: {message_out(message).model_dump_json()}\n\n"
                if record is not None and changed:
                    state, version = record.state.value, record.event_count
                    handoff = {"reason": record.handoff_reason} if record.handoff_reason else None
                    data = json.dumps(
                        {
                            "state": state,
                            "version": version,
                            "handoff": handoff,
                            "waiting": _jsonable(waiting),
                        }
                    )
                    if data != told:
                        told = data
                        yield f"event: state\ndata: {data}\n\n"
                if found:
                    quiet_since = time.monotonic()
                elif time.monotonic() - quiet_since >= KEEP_ALIVE_SECONDS:
                    quiet_since = time.monotonic()
                    if state == "queued":
                        state = ""  # the wait depends on others: checked again next round
                    yield ": keep-alive\n\n"
                # Without notices from other processes, re-read as often as they may write.
                pause = KEEP_ALIVE_SECONDS if feed.crosses_processes else poll
                await change.wait(pause if record is not None else min(pause, DATABASE_RETRY))

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(events(), media_type="text/event-stream", headers=headers)
