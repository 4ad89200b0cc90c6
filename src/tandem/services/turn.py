"""One AI turn, in three phases, so that nothing slow happens under a conversation's lock.

1. *Think*, without the lock (:mod:`tandem.services.thinking`): understand, load the customer
   and the order in question once, let the flow propose its plan, let the optional LLM word it.
2. *Decide and write*, under the lock: check nothing changed since phase 1 (the message count,
   the events, the state; else think again), let the policy decide on the plan, store the
   replies, the memory and a typed ``decided`` event. A shop action the policy agreed to is
   stored in the memory as pending.
3. *Perform*, without the lock: the shop action with an idempotency key derived from the
   conversation and the message; then, under the lock again, its result as a ``performed``
   event and the confirmation (or, when it failed, the policy's hand-over).

A turn re-run for the same message (a retry, a recovery after a crash) decides nothing twice
and performs a pending action with the same key, so the shop changes at most once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import Connection

from tandem.answering.assistant import Answer, AssistantTurn
from tandem.answering.replies import Reply, replies
from tandem.commerce.actions import Done, from_json, perform, to_json
from tandem.commerce.model import CommerceError
from tandem.commerce.reading import TurnShop
from tandem.domain.conversation import Actor, EventKind, State
from tandem.domain.decided import Decided, Performed
from tandem.domain.decision import Action, Outcome
from tandem.domain.flow_records import OrderRecord
from tandem.domain.memory import OpenFlow, PendingAction
from tandem.domain.rollout import Draft, Gate
from tandem.domain.turns import (
    Attempt,
    Turn,
    TurnMemory,
    TurnOutcome,
    decide_turn,
    remember,
)
from tandem.services import routing
from tandem.services.agents import agents_online
from tandem.services.cards import follow_customer, note_order, transcript
from tandem.services.closing import GOODBYE, close_as
from tandem.services.handoff import (
    AiTurn,
    Handoff,
    Known,
    email_left,
    hand_over,
    the_wait,
    while_waiting,
)
from tandem.services.runtime import Runtime
from tandem.services.thinking import (
    REWORDABLE,
    Snapshot,
    Thought,
    look,
    reworded,
    think,
    verifying,
    waiting,
)
from tandem.services.waiting import asks_about_the_wait
from tandem.storage.conversations import ConversationUnit, MessageRecord, find_conversation
from tandem.storage.db import reading, transaction
from tandem.storage.unanswered import is_handled, mark_handled, mark_handled_through
from tandem.types import ClientAddress, CustomerId
from tandem.understanding.result import Understanding

__all__ = ["AiTurn", "Handoff", "finish_pending", "take_turn"]

log = logging.getLogger(__name__)

#: Replies that come with an answer but are notices, not answers (no thumb).
NOTICES = frozenset({"identify_ok"})
#: Times a turn thinks again when its conversation changed meanwhile, before it thinks under
#: the lock (so a conversation that keeps changing still gets its answer).
RETHINKS = 3


class _Changed(Exception):
    """The conversation changed since the turn looked at it: think again."""


@dataclass(frozen=True, slots=True)
class _Written:
    turn: AiTurn
    pending: PendingAction | None
    thought: Thought


def take_turn(
    runtime: Runtime,
    conversation_id: str,
    message: MessageRecord,
    request_human: bool = False,
    client: ClientAddress | None = None,
    stored: Snapshot | None = None,
) -> AiTurn:
    """The AI's turn on `message`, which is already stored. `client` is where the message came
    from: failed verifications are counted per address. `stored`: the conversation as the
    transaction that stored `message` left it (no turn can have handled the message in it), so
    the turn need not read it again; phase 2 checks that it still stands, as for any look."""
    snapshot = stored
    if snapshot is None:
        with reading(runtime.engine) as connection:
            snapshot = look(runtime, connection, conversation_id)
            if is_handled(connection, message.id):  # its turn ran (a retry, the recovery job)
                return AiTurn([], None, snapshot.record.state, again=True)
    fresh: Snapshot | None = snapshot  # reused by the first attempt while it is current
    if snapshot.record.memory.pending is not None:
        _perform(runtime, conversation_id, None)  # an earlier turn's agreed action comes first
        fresh = None
    if _decided(runtime, snapshot, message):  # a retry, or a recovery: nothing decided twice
        with transaction(runtime.engine) as connection:
            mark_handled(connection, message.id)
        return AiTurn([], None, snapshot.record.state, again=True)
    for attempt in range(RETHINKS + 1):
        try:
            asked = _Asked(message, request_human, client)
            written = _think_and_write(runtime, conversation_id, asked, attempt, fresh)
        except _Changed:
            fresh = None
            continue
        break
    turn = written.turn
    if written.pending is not None:
        performed = _perform(runtime, conversation_id, written.thought)
        replies = [*turn.replies, *performed.replies]
        turn = AiTurn(replies, performed.handoff, performed.state, version=performed.version)
    if turn.handoff is not None:
        _summarise(runtime, conversation_id)  # the card's summary: no change of state
    if turn.state is State.QUEUED:  # at once to an online agent who fits, if any
        assigned = routing.assign_waiting(runtime)
        if any(chosen == conversation_id for chosen, _ in assigned):
            return dataclasses.replace(turn, version=None)  # now a person's: read it again
    return turn


def _decided(
    runtime: Runtime,
    snapshot: Snapshot,
    message: MessageRecord,
    connection: Connection | None = None,
) -> bool:
    """Was this message decided on before? When a later message was decided first (the same
    customer posting from two tabs at once), only its handled mark tells: an earlier message
    whose turn has not run yet is answered now, never skipped."""
    if snapshot.decided(message):
        return True
    if not snapshot.decided_later(message):
        return False
    if connection is not None:
        return is_handled(connection, message.id)
    with reading(runtime.engine) as reader:
        return is_handled(reader, message.id)


@dataclass(frozen=True, slots=True)
class _Asked:
    message: MessageRecord
    request_human: bool
    client: ClientAddress | None


def _think_and_write(
    runtime: Runtime,
    conversation_id: str,
    asked: _Asked,
    attempt: int,
    snapshot: Snapshot | None,
) -> _Written:
    message, human = asked.message, asked.request_human
    if attempt == RETHINKS:  # the last resort: think under the lock
        with transaction(runtime.engine) as connection:
            unit = ConversationUnit.load(connection, conversation_id)
            snapshot = look(runtime, connection, conversation_id)
            guard = verifying(runtime, asked.client, connection)
            thought = think(runtime, snapshot, message, human, guard, recorded=True)
            with unit.batched():
                return _handled(unit, _write(runtime, unit, thought, final=True))
    if snapshot is None:
        with reading(runtime.engine) as connection:
            snapshot = look(runtime, connection, conversation_id)
    guard = verifying(runtime, asked.client)
    thought = think(runtime, snapshot, message, human, guard, recorded=attempt > 0)
    with transaction(runtime.engine) as connection:
        unit = ConversationUnit.load(connection, conversation_id)
        record = unit.conversation
        if (record.message_count, record.event_count, record.state) != snapshot.version:
            raise _Changed()
        with unit.batched():
            return _handled(unit, _write(runtime, unit, thought, final=False))


def _handled(unit: ConversationUnit, written: _Written) -> _Written:
    """The message's handled mark (storage/unanswered.py), committed with its turn (written with
    its understanding when the turn could not leave an action pending); a turn with an action
    still to perform is handled once the action's result is recorded. The turn carries the
    state and version its write leaves."""
    message_id = written.thought.message.id
    if written.pending is None and message_id not in unit.handled:
        mark_handled(unit.connection, message_id)
    return dataclasses.replace(written, turn=_as_left(written.turn, unit))


def _as_left(turn: AiTurn, unit: ConversationUnit) -> AiTurn:
    return dataclasses.replace(turn, version=unit.conversation.event_count)


def _write(runtime: Runtime, unit: ConversationUnit, thought: Thought, final: bool) -> _Written:
    """Phase 2, under the lock: decide on the plan and store everything it leads to."""
    u, record = thought.understanding, unit.conversation
    if _decided(runtime, thought.snapshot, thought.message, unit.connection):  # current here
        return _Written(AiTurn([], None, record.state, again=True), None, thought)
    # Without a planned shop action nothing can be left pending (_pending): the message's
    # handled mark goes with its understanding, in one UPDATE of its row.
    unit.note_understanding(thought.message, u, handled=_plans_no_action(thought))
    if u.language != record.language:
        unit.set(language=u.language)
    if record.state is not State.CLOSED:
        follow_customer(unit)  # the card's mood and language, when an agent has one
    if record.state not in (State.AI, State.QUEUED):  # a person owns it; in shadow mode the
        if thought.answer is not None and thought.gate.drafts:  # AI drafts for them
            _store_draft(unit, thought, thought.answer)
        return _Written(AiTurn([], None, record.state), None, thought)
    noted: list[MessageRecord] = []  # the e-mail address kept, said before the answer
    if record.state is State.QUEUED:
        left = email_left(runtime, unit, thought)
        if left is not None and not _asks_more(u):
            return _Written(left, None, thought)
        noted = left.replies if left is not None else []
        if asks_about_the_wait(u.text):  # "how long will it take?": the wait, not a delivery
            told = the_wait(runtime, unit, thought.message.offset)
            if told.replies:
                return _Written(told, None, thought)
    snapshot = thought.snapshot  # current: the conversation is as it was (checked above)
    around = thought.around(runtime, snapshot.agents_online, snapshot.waiting)
    policy = snapshot.policy
    tried: list[Attempt] = []

    def attempt() -> Attempt:
        tried.append(_tried(thought, final))
        return tried[0]

    turn = decide_turn(policy, record.memory.turn, u, around, attempt)
    answer = thought.answer if tried else None
    gated = _gated(turn, thought.gate, record.memory.turn)
    draft = answer if gated is not turn and thought.gate.drafts else None
    if gated is not turn:  # the topic's roll-out mode gives it to a person
        turn, answer = gated, None
    planned = answer or draft  # in shadow mode the flow goes on as drafted
    if planned is not None and planned.customer is not None:
        unit.set(customer_id=planned.customer.id)
    elif thought.customer is not None and record.customer_id is None:
        unit.set(customer_id=thought.customer.id)  # verified on the way to a person
    pending = _pending(thought, answer, turn)
    flow = planned.flow if planned is not None else record.memory.flow
    shown = answer if turn.shows_answer else None  # never a question in a hand-over turn
    if answer is not None and shown is None:
        flow = None  # the question was withheld: no answer to it will come
    if turn.decision.action is Action.CLARIFY and flow is not None and awaits_confirmation(flow):
        flow = _interrupted(flow)  # not understood: a later "yes" is no consent, the question
        # comes again
    said = _said(shown)
    order_id = thought.order.id if thought.order else None
    offset = thought.message.offset
    memory = record.memory.after_turn(turn.memory, flow, said, order_id, pending, offset)
    unit.remember(memory)
    unit.set(policy_version=turn.decision.policy_version)
    if record.state is State.QUEUED:  # before the decision records the orders it named
        answered = shown.detail.get("order_id") if shown is not None else None
        named = tuple(order for order in u.slots.order_ids if order != answered)
        if named:  # an order given for the person goes on the card (one the AI answered about
            # itself is not what the hand-over is about)
            note_order(unit, thought.message.offset, named, thought.customer, thought.shop.loaded())
    _record_decision(unit, thought, answer, turn)
    answers = shown is not None and shown.outcome in REWORDABLE  # a question gets no thumb
    sent = [
        unit.say(Actor.AI, reply.text, answer=answers and reply.key not in NOTICES)
        for reply in _shown(shown)
    ]
    if record.state is State.QUEUED:  # waiting for a person: the AI helps, the place is kept
        first = record.memory.turn.last_outcome is TurnOutcome.HANDED_OVER
        if draft is not None:
            _store_draft(unit, thought, draft)
        waited = while_waiting(runtime, unit, turn, sent, first)
        said_all = AiTurn([*noted, *waited.replies], waited.handoff, waited.state)
        return _Written(said_all, pending, thought)
    acted = _act(runtime, unit, thought, turn, sent, pending)
    if draft is not None:
        _store_draft(unit, thought, draft)
    return _Written(acted, pending, thought)


def _plans_no_action(thought: Thought) -> bool:
    answer = thought.answer
    return answer is None or answer.action is None


def awaits_confirmation(flow: OpenFlow | None) -> bool:
    """Is the open flow waiting for a yes to a change it proposed?"""
    return flow is not None and isinstance(flow.record, OrderRecord) and flow.record.confirm


def _asks_more(u: Understanding) -> bool:
    """Does a message that leaves an e-mail address also ask something ("where is TD-2002? my
    email is ...")? Then the AI answers it too."""
    return bool(u.slots.order_ids) or ("?" in u.text and not u.out_of_scope)


def _interrupted(flow: OpenFlow) -> OpenFlow:
    assert isinstance(flow.record, OrderRecord)
    return dataclasses.replace(flow, record=dataclasses.replace(flow.record, interrupted=True))


def _gated(turn: Turn, gate: Gate, memory: TurnMemory) -> Turn:
    """The topic's roll-out mode (domain/rollout.py) overrules a decision that lets the AI
    answer: a person takes over (a ticket when nobody can now), with the mode's reason."""
    if gate.reason is None or turn.decision.action not in (Action.ANSWER, Action.OFFER_HUMAN):
        return turn
    facts = turn.facts
    nobody = not facts.office_hours or facts.agents_online == 0
    decision = dataclasses.replace(
        turn.decision,
        action=Action.TICKET if nobody else Action.HANDOFF,
        reason=gate.reason,
        rule=f"rollout_{gate.mode.value}",
        cause=None,
    )
    memory = remember(memory, facts, TurnOutcome.HANDED_OVER, None)
    return Turn(decision, facts, memory, turn.attempt)


def _store_draft(unit: ConversationUnit, thought: Thought, answer: Answer) -> None:
    """Shadow mode: the AI's answer (and its action) goes on the card as a draft for the agent
    (services/drafts.py sends, edits or discards it, and performs the action on a click); the
    flow's memory moves on as drafted, so the customer's next answer continues it."""
    record = unit.conversation
    card = record.card
    if card is None or answer.outcome is Outcome.NOT_UNDERSTOOD:
        return
    if not answer.replies and answer.action is None:
        return
    if record.state is State.HUMAN:
        if answer.customer is not None:
            unit.set(customer_id=answer.customer.id)
        order_id = thought.order.id if thought.order else None
        memory = record.memory
        offset = thought.message.offset
        unit.remember(memory.after_turn(memory.turn, answer.flow, None, order_id, None, offset))
    draft = Draft(
        message=thought.message.offset,
        topic=thought.topic,
        texts=[reply.text for reply in answer.replies],
        action=None if answer.action is None else to_json(answer.action),
        flow=answer.flow_name,
        outcome=answer.outcome.value,
    )
    unit.set(card=card | {"draft": draft.to_json()})


def _tried(thought: Thought, final: bool) -> Attempt:
    if thought.attempt is None:
        if final:
            return Attempt("", understood=False)
        raise _Changed()  # phase 1 did not draft, the policy now wants an answer: again
    return thought.attempt


def _said(answer: Answer | None) -> str | None:
    shown = _shown(answer)
    return shown[-1].text if shown else None


def _shown(answer: Answer | None) -> tuple[Reply, ...]:
    if answer is None or answer.outcome is Outcome.NOT_UNDERSTOOD:
        return ()
    return answer.replies


def _pending(thought: Thought, answer: Answer | None, turn: Turn) -> PendingAction | None:
    """The plan's shop action, when the policy lets the AI answer."""
    if answer is None or answer.action is None or answer.flow_name is None:
        return None
    if turn.decision.action not in (Action.ANSWER, Action.OFFER_HUMAN):
        return None
    record = thought.snapshot.record
    key = f"{record.id}:{thought.message.offset}:{answer.action.kind}"
    offer = turn.memory.last_outcome is TurnOutcome.OFFERED
    return PendingAction(
        thought.message.offset, key, answer.flow_name, to_json(answer.action),
        answer.record, thought.topic, offer,
    )  # fmt: skip


def _record_decision(
    unit: ConversationUnit, thought: Thought, answer: Answer | None, turn: Turn, stage: str = "plan"
) -> None:
    u, gate = thought.understanding, thought.gate
    decided = Decided.of(
        turn.decision,
        message=thought.message.offset,
        topic=thought.topic,
        intent=u.intent,
        confidence=round(u.confidence, 4),
        outcome=answer.outcome.value if answer is not None else None,
        turn_outcome=turn.memory.last_outcome.value if turn.memory.last_outcome else "",
        order_id=thought.order.id if thought.order else None,
        flow=answer.flow_name if answer is not None else None,
        shop_action=answer.action.kind if answer is not None and answer.action else None,
        stage=stage,
        error=answer.detail.get("error") if answer is not None else None,
        said=tuple(reply.key for reply in _shown(answer)),
        named=_named_own(thought),
        facts=turn.facts.as_cel(),  # every fact by name (flat: no deep copy needed)
        rollout_mode=gate.mode.value,
        rollout_group=gate.group.value if gate.group else None,
    )
    detail = decided.to_detail()
    unit.record_event(
        EventKind.DECIDED, Actor.AI, reason=decided.reason, rule=decided.rule, detail=detail
    )


def _named_own(thought: Thought) -> tuple[str, ...]:
    """The orders the message named that are the (now known) customer's own."""
    customer = thought.customer
    if customer is None:
        return ()
    loaded = thought.shop.loaded()
    return tuple(
        order_id
        for order_id in dict.fromkeys(thought.understanding.slots.order_ids)
        if order_id in loaded and loaded[order_id].customer_id == customer.id
    )


def _act(
    runtime: Runtime,
    unit: ConversationUnit,
    thought: Thought,
    turn: Turn,
    sent: list[MessageRecord],
    pending: PendingAction | None,
) -> AiTurn:
    """What the decision itself says and does: rephrase, offer a person, hand over."""
    decision = turn.decision
    text = replies(thought.understanding.language)
    silent = not sent and pending is None and decision.action is Action.ANSWER
    if decision.action is Action.CLARIFY or silent:  # never a turn without a reply
        # A question the shop does not handle gets an honest "not here", not "say it again";
        # during an open confirmation, the rephrase says nothing was changed.
        confirming = awaits_confirmation(thought.snapshot.record.memory.flow)
        key = "clarify_unchanged" if confirming else "clarify"
        if thought.understanding.unrelated and not confirming:
            key = "out_of_scope"
        sent.append(unit.say(Actor.AI, text.say(key).text))
    elif turn.memory.last_outcome is TurnOutcome.OFFERED and pending is None:
        sent.append(unit.say(Actor.AI, text.say("offer_human").text))
    elif decision.action in (Action.HANDOFF, Action.TICKET):
        if not thought.recorded:  # phase 1 did not foresee it: think again, reading them
            raise _Changed()
        known = Known(thought.customer, thought.shop.loaded())
        handed = hand_over(runtime, unit, decision, known, turn.facts)
        return AiTurn([*sent, *handed.replies], handed.handoff, unit.conversation.state)
    elif _said_goodbye(thought, turn, pending):
        sent.append(close_as(unit, Actor.CUSTOMER, GOODBYE))  # the widget then asks for a rating
    return AiTurn(sent, None, unit.conversation.state)


def _said_goodbye(thought: Thought, turn: Turn, pending: PendingAction | None) -> bool:
    """The customer took their leave and the AI answered it as small talk: the chat ends."""
    return (
        thought.understanding.intent == GOODBYE
        and turn.decision.action is Action.ANSWER
        and pending is None
    )


def finish_pending(runtime: Runtime, conversation_id: str) -> AiTurn:
    """Perform and record an action the policy agreed to whose turn did not finish (the same
    idempotency key: a shop that already changed changes nothing more)."""
    return _perform(runtime, conversation_id, None)


def _perform(runtime: Runtime, conversation_id: str, thought: Thought | None) -> AiTurn:
    """Phase 3: perform the pending action outside the lock, then record what happened.
    `thought`: the turn's own, or None when an earlier turn's action is finished now."""
    with reading(runtime.engine) as connection:
        snapshot = look(runtime, connection, conversation_id)
    pending = snapshot.record.memory.pending
    if pending is None:
        return AiTurn([], None, snapshot.record.state)
    action = from_json(pending.action)
    done: Done | CommerceError
    try:
        done = perform(runtime.shop, action, pending.key)
    except CommerceError as error:
        log.info("shop action %s failed: %s", pending.key, error.code.value)
        done = error
    thought = thought or _neutral(runtime, snapshot, pending)
    answer = runtime.assistant.performed(thought.turn, pending.flow, pending.record, action, done)
    if answer.outcome in REWORDABLE:
        answer = _reworded(runtime, thought.understanding, answer)
    with transaction(runtime.engine) as connection:
        unit = ConversationUnit.load(connection, conversation_id)
        if unit.conversation.memory.pending != pending:
            return AiTurn([], None, unit.conversation.state)  # another turn recorded it
        with unit.batched():
            return _as_left(_record_performed(runtime, unit, thought, pending, answer), unit)


def _record_performed(
    runtime: Runtime,
    unit: ConversationUnit,
    thought: Thought,
    pending: PendingAction,
    answer: Answer,
) -> AiTurn:
    ok = answer.outcome is not Outcome.ACTION_FAILED
    result = Performed(
        pending.message, pending.key, str(pending.action["kind"]),
        str(pending.action["order_id"]), pending.topic, ok,
        None if ok else answer.detail.get("error"), answer.detail.get("refund"),
    )  # fmt: skip
    unit.record_event(EventKind.PERFORMED, Actor.AI, detail=result.to_detail())
    mark_handled_through(unit.connection, unit.conversation.id, pending.message)
    memory = unit.conversation.memory
    if unit.conversation.state not in (State.AI, State.QUEUED):  # a person took over: they see it
        unit.remember(memory.after_action(None))
        return AiTurn([], None, unit.conversation.state)
    answers = answer.outcome in REWORDABLE
    sent = [unit.say(Actor.AI, reply.text, answer=answers) for reply in answer.replies]
    said = sent[-1].text if sent else None
    if ok:
        if pending.offer_human and unit.conversation.state is State.AI:
            text = replies(unit.conversation.language).say("offer_human").text
            sent.append(unit.say(Actor.AI, text))
        unit.remember(memory.after_action(said))
        return AiTurn(sent, None, unit.conversation.state)
    return _failed(runtime, unit, thought, answer, sent, said)


def _failed(
    runtime: Runtime,
    unit: ConversationUnit,
    thought: Thought,
    answer: Answer,
    sent: list[MessageRecord],
    said: str | None,
) -> AiTurn:
    """The shop refused or failed: the policy decides again, now knowing it."""
    connection = unit.connection
    memory = unit.conversation.memory
    around = thought.around(runtime, agents_online(connection), waiting(connection))
    failed = Attempt("", action_failed=True)
    policy = runtime.policies.current(connection)
    turn = decide_turn(policy, memory.turn, thought.understanding, around, lambda: failed)
    unit.remember(memory.after_action(said, turn.memory))
    _record_decision(unit, thought, answer, turn, stage="action_result")
    if unit.conversation.state is State.QUEUED:  # already waiting for a person: they see it
        return while_waiting(runtime, unit, turn, sent, still=False)
    if turn.decision.action in (Action.HANDOFF, Action.TICKET):
        known = Known(thought.customer, thought.shop.loaded())
        handed = hand_over(runtime, unit, turn.decision, known, turn.facts)
        return AiTurn([*sent, *handed.replies], handed.handoff, unit.conversation.state)
    return AiTurn(sent, None, unit.conversation.state)


def _neutral(runtime: Runtime, snapshot: Snapshot, pending: PendingAction) -> Thought:
    """A thought for wording an earlier turn's action: its message is not read again."""
    record = snapshot.record
    shop = TurnShop(runtime.shop)
    customer = shop.customer(CustomerId(record.customer_id)) if record.customer_id else None
    order = shop.order(from_json(pending.action).order_id)
    nothing = Understanding("", record.language, "affirm", 1.0, "affirm", 0.0, False, 0.0)
    guard = verifying(runtime, None)  # wording a result verifies nobody
    turn = AssistantTurn(
        nothing, record.language, customer, record.memory, dt.date.today(), guard, shop
    )
    message = MessageRecord(0, pending.message, Actor.CUSTOMER, None, "", record.created_at)
    return Thought(snapshot, message, nothing, customer, shop, turn, None, None, order, False)


def _reworded(runtime: Runtime, understanding: Understanding, answer: Answer) -> Answer:
    return dataclasses.replace(answer, replies=reworded(runtime, understanding, answer))


def _summarise(runtime: Runtime, conversation_id: str) -> None:
    """After a hand-over is committed, the optional LLM summarises it onto the card."""
    with reading(runtime.engine) as connection:
        said = transcript(connection, conversation_id)
        record = find_conversation(connection, conversation_id)
    if record is None:
        return
    summary = runtime.writer.summarise(record.language, said)
    if not summary:
        return
    with transaction(runtime.engine) as connection:
        unit = ConversationUnit.load(connection, conversation_id)
        card = unit.conversation.card
        if unit.conversation.state is State.QUEUED and card is not None:
            unit.set(card=card | {"summary": summary}, summary=summary)
