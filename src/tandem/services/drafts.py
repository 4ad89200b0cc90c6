"""Shadow mode on the agent's side: the AI's draft on the card is sent as is, edited or
discarded (recorded per topic as a ``draft_used`` event: acceptance, edit size, discards), and a
drafted shop action is performed only when the agent clicks it, exactly once (the turn's
idempotency key), recorded as a ``performed`` event with the actor ``agent_on_behalf_of_ai``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tandem.commerce.actions import Done, from_json, perform
from tandem.commerce.model import CommerceError
from tandem.domain.conversation import Actor, EventKind
from tandem.domain.decided import Performed
from tandem.domain.errors import Conflict, InvalidInput, NotFound
from tandem.domain.rollout import Draft
from tandem.security.redaction import redact
from tandem.services.agents import Agent
from tandem.services.desk import require_owner
from tandem.services.privacy import record_masking
from tandem.services.runtime import Runtime
from tandem.services.validation import clean_text
from tandem.storage.conversations import ConversationUnit
from tandem.storage.db import transaction


class Use(StrEnum):
    SEND = "send"  # as the AI wrote it
    EDIT = "edit"  # the agent's edited text instead
    DISCARD = "discard"  # nothing sent


@dataclass(frozen=True, slots=True)
class Used:
    use: Use
    edit_size: float  # 0: unchanged ... 1: nothing of the draft kept
    sent: list[str]


def _draft(unit: ConversationUnit, agent: Agent) -> tuple[dict[str, Any], Draft]:
    require_owner(unit, agent)
    stored = (unit.conversation.card or {}).get("draft")
    if not stored:
        raise NotFound("no AI draft on this conversation")
    return stored, Draft.from_json(stored)


def edit_size(draft: str, sent: str) -> float:
    """How much of the draft the agent changed: 1 - the similarity of the two texts."""
    return round(1 - difflib.SequenceMatcher(None, draft, sent).ratio(), 3)


def use_draft(
    runtime: Runtime, agent: Agent, conversation_id: str, use: Use, text: str | None
) -> Used:
    """Send, edit or discard the current draft (once: a used draft answers 409)."""
    if use is Use.EDIT and not (text or "").strip():
        raise InvalidInput("text: an edited draft needs the text to send")
    with transaction(runtime.engine) as connection:
        unit = ConversationUnit.load(connection, conversation_id)
        stored, draft = _draft(unit, agent)
        if stored.get("used"):
            raise Conflict(f"this draft was already used ({stored['used']})")
        original = "\n\n".join(draft.texts)
        sent: list[str] = []
        size = 1.0 if use is Use.DISCARD else 0.0
        if use is Use.SEND:
            sent = draft.texts
        elif use is Use.EDIT and text is not None:
            masked = redact(clean_text(text, runtime.settings.max_message_chars))
            sent, size = [masked.text], edit_size(original, masked.text)
        for line in sent:
            said = unit.say(Actor.AGENT, line, agent_id=agent.id)
            if use is Use.EDIT and text is not None:
                record_masking(unit, Actor.AGENT, redact(text).found, said)
        detail = {"message": draft.message, "topic": draft.topic, "use": use.value}
        detail |= {"edit_size": size, "flow": draft.flow, "action": _kind(draft)}
        unit.record_event(EventKind.DRAFT_USED, Actor.AGENT, agent_id=agent.id, detail=detail)
        card = unit.conversation.card or {}
        unit.set(card=card | {"draft": stored | {"used": use.value}})
        return Used(use, size, sent)


def _kind(draft: Draft) -> str | None:
    return None if draft.action is None else str(draft.action["kind"])


def perform_drafted_action(runtime: Runtime, agent: Agent, conversation_id: str) -> Performed:
    """Perform the draft's shop action on the agent's click: exactly once. A second click (or
    a parallel one) changes nothing more and answers the first result."""
    with transaction(runtime.engine) as connection:
        unit = ConversationUnit.load(connection, conversation_id)
        stored, draft = _draft(unit, agent)
        if draft.action is None:
            raise Conflict("this draft has no action to perform")
        if stored.get("performed"):
            return Performed.from_detail(stored["performed"])
    action = from_json(draft.action)
    key = f"{conversation_id}:{draft.message}:{action.kind}"  # the turn's key: once per message
    done: Done | CommerceError
    try:
        done = perform(runtime.shop, action, key)
    except CommerceError as error:
        done = error
    ok = isinstance(done, Done)
    refund = done.refunds[0].id if isinstance(done, Done) and done.refunds else None
    error_code = None if isinstance(done, Done) else done.code.value
    result = Performed(
        draft.message, key, action.kind, str(action.order_id), draft.topic, ok, error_code, refund
    )
    with transaction(runtime.engine) as connection:
        unit = ConversationUnit.load(connection, conversation_id)
        stored, _ = _draft(unit, agent)
        if stored.get("performed"):  # a parallel click recorded it first
            return Performed.from_detail(stored["performed"])
        unit.record_event(
            EventKind.PERFORMED,
            Actor.AGENT_ON_BEHALF_OF_AI,
            agent_id=agent.id,
            detail=result.to_detail(),
        )
        card = unit.conversation.card or {}
        unit.set(card=card | {"draft": stored | {"performed": result.to_detail()}})
    return result
