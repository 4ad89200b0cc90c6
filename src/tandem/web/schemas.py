"""Request and response bodies of the public API, and the one mapper per entity."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tandem.desk.sla import Clock
from tandem.services.desk import ConversationView, QueueItem
from tandem.services.turn import Handoff
from tandem.services.validation import CLIENT_MESSAGE_ID
from tandem.services.waiting import Standing
from tandem.storage.conversations import EventRecord, MessageRecord
from tandem.web.inputs import Text

StateName = Literal["ai", "queued", "human", "closed"]
Author = Literal["customer", "ai", "agent", "system"]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StartConversation(Body):
    language: str | None = Field(
        None,
        max_length=16,
        description="Language to greet in: a code GET /api/v1/languages lists.",
    )
    customer_email: Text | None = Field(
        None,
        max_length=320,
        description=(
            "The shop's signed-in customer, if any. Believed only with a matching "
            "customer_signature; otherwise the customer is a guest who verifies in the chat."
        ),
    )
    customer_signature: Text | None = Field(
        None,
        max_length=128,
        description=(
            "Lowercase hex HMAC-SHA256 of customer_email (its exact UTF-8 bytes) under "
            "TANDEM_IDENTITY_SECRET, made by the shop's server (docs/widget.md)."
        ),
    )


class SendMessage(Body):
    text: Text = Field(description="What the customer wrote (1..4000 characters).")
    request_human: bool = Field(False, description="Set by the widget's 'talk to a person' button.")
    client_message_id: str | None = Field(
        None,
        pattern=f"^{CLIENT_MESSAGE_ID.pattern}$",
        description=(
            "Your own id for this message (1..64 letters, digits, '.', '_', ':', '-'; e.g. a "
            "UUID). Send it again when you retry after a lost response: the message is stored "
            "once, and the retry gets the stored message and the replies to it."
        ),
    )


class AgentMessage(Body):
    text: Text = Field(description="The agent's reply (1..4000 characters).")


class RatingIn(Body):
    score: int = Field(
        description="1 (bad) to 5 (great).",
        json_schema_extra={"minimum": 1, "maximum": 5},  # checked by the service, clearly
    )
    comment: Text | None = Field(None, max_length=4000)


class Login(Body):
    email: Text = Field(max_length=320)
    password: Text = Field(max_length=200)


class Message(BaseModel):
    id: int
    offset: int
    author: Author
    author_name: str | None
    text: str
    created_at: dt.datetime
    answer: bool = Field(
        default=False,
        description="An AI answer the customer may rate with a thumb (notices cannot be).",
    )


class HandoffOut(BaseModel):
    reason: str
    rule: str
    priority: str
    expected_wait_minutes: int | None
    ticket_promised_by: dt.datetime | None = None


class WaitingOut(BaseModel):
    """Where a conversation waiting for a person stands (state queued): in the queue, with the
    expected wait, or a ticket, with the time a person answers by."""

    kind: Literal["queue", "ticket"]
    expected_wait_minutes: int | None = Field(
        description="The queue's expected wait; null when nobody is online to pick it up."
    )
    promised_by: dt.datetime | None = Field(description="A ticket's promised answer time.")
    promised_text: str | None = Field(
        None,
        description=(
            "The promised time as the AI's messages say it: in the conversation's language and "
            "the support team's time zone (so the header and the chat agree)."
        ),
    )


class Conversation(BaseModel):
    id: str
    token: str
    state: StateName
    language: str
    messages: list[Message]


class TurnOut(BaseModel):
    state: StateName
    version: int = Field(
        description="The conversation's change counter: it grows with every change of state or "
        "owner. A client keeps the highest it has seen and ignores a state with a lower one "
        "(answers and events may arrive out of order)."
    )
    messages: list[Message]
    handoff: HandoffOut | None
    waiting: WaitingOut | None = None


class MessagesOut(BaseModel):
    state: StateName
    version: int = Field(
        description="The conversation's change counter: it grows with every change of state or "
        "owner. A client keeps the highest it has seen and ignores a state with a lower one "
        "(answers and events may arrive out of order)."
    )
    messages: list[Message]
    waiting: WaitingOut | None = None


class AgentMessagesOut(MessagesOut):
    customer_typing: bool = Field(
        default=False,
        description="The customer is typing now (the widget signalled it in the last few "
        "seconds and has sent nothing since); shown to the owner of the conversation and leads.",
    )


class RatingOut(BaseModel):
    score: int
    comment: str | None
    nps_asked: bool = Field(
        description="Ask the NPS question next (POST .../nps); only a share of customers are."
    )


class ThumbIn(Body):
    up: bool = Field(description="true: the answer helped; false: it did not.")


class ThumbOut(BaseModel):
    offset: int
    up: bool


class NpsIn(Body):
    score: int = Field(
        description="How likely to recommend us: 0 (not at all) to 10 (extremely).",
        json_schema_extra={"minimum": 0, "maximum": 10},  # checked by the service, clearly
    )


class NpsOut(BaseModel):
    score: int


class EndedOut(BaseModel):
    state: StateName


class AgentOut(BaseModel):
    id: str
    name: str
    email: str
    role: str


class LoginOut(BaseModel):
    token: str
    agent: AgentOut


class ClockOut(BaseModel):
    kind: Literal["first_response", "next_response"]
    state: Literal["running", "approaching", "breached"]
    started_at: dt.datetime
    deadline: dt.datetime | None = Field(description="When the target is reached (office hours).")
    elapsed_seconds: int = Field(description="Counted in office hours when they are set.")
    target_seconds: int


class QueueItemOut(BaseModel):
    id: str
    state: StateName
    language: str
    reason: str | None
    priority: str | None
    waiting_seconds: int
    summary: str | None
    customer_name: str | None
    ticket_promised_by: dt.datetime | None
    team: str | None = Field(None, description="The team the policy routed the hand-over to.")
    agent_id: str | None = Field(None, description="Who owns it (assigned or taken).")
    sla: ClockOut | None = Field(None, description="The running SLA clock; null: none runs.")
    messages: int = Field(0, description="How many messages it has (new ones: an alert).")


class QueueOut(BaseModel):
    conversations: list[QueueItemOut]


class DeskSettingsOut(BaseModel):
    drafts_available: bool = Field(description="False: no LLM is configured, drafts are off.")
    drafts_unavailable_reason: str | None = Field(description="Why, for the agent; null if on.")
    timezone: str = Field(
        description="The shop's time zone (TANDEM_TIMEZONE): the console shows every time in it."
    )
    teams: list[str] = Field(default_factory=list, description="Teams to transfer to.")


class DraftOut(BaseModel):
    text: str | None = Field(description="The draft, or null when no LLM is configured or usable.")


class EventOut(BaseModel):
    seq: int
    kind: str
    actor: str
    agent_name: str | None
    reason: str | None
    rule: str | None
    from_state: str | None
    to_state: str | None
    created_at: dt.datetime
    detail: dict[str, Any]


class ConversationDetail(BaseModel):
    id: str
    state: StateName
    language: str
    agent: dict[str, str] | None
    handoff: HandoffOut | None
    card: dict[str, Any] | None
    messages: list[Message]
    events: list[EventOut]


def message_out(message: MessageRecord) -> Message:
    return Message(
        id=message.id,
        offset=message.offset,
        author=message.author.value,
        author_name=message.author_name,
        text=message.text,
        created_at=message.created_at,
        answer=message.answer,
    )


def waiting_out(where: Standing | None) -> WaitingOut | None:
    if where is None:
        return None
    return WaitingOut(
        kind=where.kind.value,
        expected_wait_minutes=where.expected_wait_minutes,
        promised_by=where.promised_by,
        promised_text=where.promised_words,
    )


def handoff_out(handoff: Handoff | None) -> HandoffOut | None:
    if handoff is None:
        return None
    return HandoffOut(
        reason=handoff.reason,
        rule=handoff.rule,
        priority=handoff.priority,
        expected_wait_minutes=handoff.expected_wait_minutes,
        ticket_promised_by=handoff.ticket_promised_by,
    )


def queue_item_out(item: QueueItem) -> QueueItemOut:
    record = item.conversation
    return QueueItemOut(
        id=record.id,
        state=record.state.value,
        language=record.language,
        reason=record.handoff_reason,
        priority=record.handoff_priority,
        waiting_seconds=item.waiting_seconds,
        summary=record.summary,
        customer_name=item.customer_name,
        ticket_promised_by=record.ticket_promised_by,
        team=record.handoff_team,
        agent_id=record.agent_id,
        sla=clock_out(item.clock),
        messages=record.message_count,
    )


def clock_out(clock: Clock | None) -> ClockOut | None:
    if clock is None:
        return None
    return ClockOut(
        kind=clock.kind.value,
        state=clock.state.value,
        started_at=clock.started,
        deadline=clock.deadline,
        elapsed_seconds=round(clock.elapsed_seconds),
        target_seconds=round(clock.target_seconds),
    )


def event_out(event: EventRecord) -> EventOut:
    return EventOut(
        seq=event.seq,
        kind=event.kind.value,
        actor=event.actor.value,
        agent_name=event.agent_name,
        reason=event.reason,
        rule=event.rule,
        from_state=event.from_state,
        to_state=event.to_state,
        created_at=event.created_at,
        detail=event.detail,
    )


def detail_out(view: ConversationView) -> ConversationDetail:
    record = view.conversation
    handoff = None
    if record.handoff_reason:
        handoff = HandoffOut(
            reason=record.handoff_reason,
            rule=record.handoff_rule or "",
            priority=record.handoff_priority or "normal",
            expected_wait_minutes=None,
            ticket_promised_by=record.ticket_promised_by,
        )
    return ConversationDetail(
        id=record.id,
        state=record.state.value,
        language=record.language,
        agent={"id": record.agent_id, "name": view.agent_name or ""} if record.agent_id else None,
        handoff=handoff,
        card=view.card,
        messages=[message_out(m) for m in view.messages],
        events=[event_out(e) for e in view.events],
    )
