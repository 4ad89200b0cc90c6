"""The product's guarantees (issue 4), as properties of any mix of customers and agents.

A hypothesis state machine drives the real services on a real database: customers start
conversations and write (realistic nl/en texts, bad input, the widget's "talk to a person"
flag), agents log in and out, take, reply, hand back and close. After every step the stored
record of every conversation is audited (see ``audit.py``), and each step checks what it
promises itself:

1. the AI never speaks while a human owns the conversation;
2. a handed-over conversation is queued (and in the agents' queue), human-owned, closed or
   handed back by an agent; never back to the AI otherwise;
3. a request for a person is honoured in the same turn, in any state (closed: refused);
4. at most one "please rephrase" per conversation;
and: one event per change of owner with matching from/to, contiguous offsets, and the
customer's message is stored even when the AI's turn fails.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import update

from conftest import DEMO_PASSWORD, sign
from scenarios.chat import Chat, Desk
from services.audit import Stored, check_record, stored
from tandem.domain.conversation import Actor, State
from tandem.domain.errors import Conflict, ConversationClosed, Forbidden, InvalidInput
from tandem.services import conversations, desk
from tandem.services.agents import ONLINE_WINDOW, Agent, agents_online, authenticate, login
from tandem.services.demo_agents import ensure_demo_agents
from tandem.services.runtime import Runtime, Understands
from tandem.services.secrets import token_hash
from tandem.storage.conversations import ConversationRecord, now
from tandem.storage.db import reading, transaction
from tandem.storage.tables import agent_sessions
from tandem.understanding.result import Context, Understanding

#: A customer message containing this makes understanding fail (the AI turn crashes).
CRASH = "⚡"

PERSON_REQUESTS = [
    "ik wil een mens spreken",
    "Kan ik een medewerker spreken?",
    "Ik wil met een mens praten, niet met een robot",
    "mag ik iemand van de klantenservice aan de lijn",
    "I want to talk to a person",
    "Can I speak to a human please?",
    "put me through to an agent",
    "Let me speak to a real person",
]
OTHER_TEXTS = [
    "Waar is mijn bestelling TD-1001?",
    "Wanneer wordt TD-1003 bezorgd?",
    "Ik wil TD-1004 annuleren",
    "Ik ben twee keer betaald voor TD-1004!",
    "Ik wil de trui uit TD-1002 retourneren",
    "Where is my order TD-2002?",
    "When will I get my refund for TD-2003?",
    "I'd like to return the boots from TD-2001",
    "Can I change the delivery address of TD-2002?",
    "my order number is TD-1001",
    "emma@example.nl",
    "Dit is echt belachelijk, al drie weken wacht ik!!",
    "This is the worst service ever, I am furious",
    "nee, dat bedoel ik niet",
    "no, that's not what I meant",
    "asdkj qwpoeiru zxmcnv",
    "blorp fnarg wibble",
    "🙂🙂🙂",
    "Bedankt!",
    "thanks, that's all",
    "ja",
    "yes please",
    "Hoe laat zijn jullie open?",
    f"Waar is TD-1001? {CRASH}",
    f"hello {CRASH}",
]
BAD_TEXTS = ["", "   \n\t ", "x" * 4001, "nul\x00byte"]
CUSTOMERS = [None, "emma@example.nl", "james@example.com", "stranger@example.org"]
AGENTS = ["anna@tandem.example", "ben@tandem.example"]
CUSTOMER_TEXTS = PERSON_REQUESTS + OTHER_TEXTS + BAD_TEXTS
AGENT_TEXT = "Ik kijk het even voor je na. / Let me check that for you."
AGENT_ACTIONS = ["take", "reply", "hand_back", "close"]
OWN_ACTIONS = ["reply", "hand_back", "hand_back", "close"]  # what an agent does with their own
#: The widget's "talk to a person" button: pressed now and then, not on every message.
BUTTON = st.sampled_from([False, False, False, False, True])

SETTINGS = settings(
    max_examples=60,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class FailingOnCue:
    """The real understanding, except that it fails on :data:`CRASH` (a broken model, say)."""

    def __init__(self, inner: Understands) -> None:
        self.inner = inner

    def understand(self, text: str, context: Context) -> Understanding:
        if CRASH in text:
            raise RuntimeError("understanding failed on cue")
        return self.inner.understand(text, context)


@dataclass
class ChatRef:
    id: str
    token: str


class Conversations(RuleBasedStateMachine):
    """Customers and agents working on the real services; checked after every step."""

    runtime: Runtime
    tokens: dict[str, str]  # agent email -> session token (logged in once: Argon2 is slow)
    agents: dict[str, Agent]
    lead: Agent  # closes what no agent owns when an example ends
    chats = Bundle("chats")

    def __init__(self) -> None:
        super().__init__()
        self.chats_seen: list[ChatRef] = []

    @initialize()
    def nobody_is_online(self) -> None:
        self._go_quiet(AGENTS)

    # --- customers ---------------------------------------------------------------------

    @rule(
        target=chats,
        language=st.sampled_from([None, "nl", "en"]),
        email=st.sampled_from(CUSTOMERS),
    )
    def start(self, language: str | None, email: str | None) -> ChatRef:
        signature = sign(email) if email else None
        started = conversations.start_conversation(self.runtime, language, email, signature)
        assert started.conversation.state is State.AI
        assert [m.author for m in started.messages] == [Actor.AI]
        chat = ChatRef(started.conversation.id, started.token)
        self.chats_seen.append(chat)
        return chat

    @rule(chat=chats, text=st.sampled_from(CUSTOMER_TEXTS), flag=BUTTON)
    def customer_writes(self, chat: ChatRef, text: str, flag: bool) -> None:
        before = self._record(chat)
        online = self._online()
        if text in BAD_TEXTS:
            with pytest.raises(InvalidInput):
                conversations.post_customer_message(self.runtime, chat.id, chat.token, text, flag)
            assert self._record(chat) == before
            return
        try:
            result = conversations.post_customer_message(
                self.runtime, chat.id, chat.token, text, request_human=flag
            )
        except ConversationClosed:
            assert before.conversation.state is State.CLOSED
            assert self._record(chat) == before
            return
        assert before.conversation.state is not State.CLOSED, "a closed conversation took a message"
        after = self._record(chat)
        new = after.messages[len(before.messages) :]
        # the customer's words are stored first, whatever the AI's turn did after them
        assert new and new[0].author is Actor.CUSTOMER and new[0].text == text.strip()
        assert [m.id for m in result.messages] == [m.id for m in new]
        assert result.state is after.conversation.state
        was = before.conversation.state
        event(f"customer wrote: {was} -> {after.conversation.state}, {online} online")
        if was is State.HUMAN:  # guarantee 1
            assert Actor.AI not in {m.author for m in new}, new
        if was in (State.QUEUED, State.HUMAN):  # the AI cannot change who owns it now
            assert after.conversation.state is was
        if flag or text in PERSON_REQUESTS or CRASH in text:  # guarantee 3 (and crash: hand over)
            assert after.conversation.state in (State.QUEUED, State.HUMAN), (text, flag, was)
        if was is State.AI and after.conversation.state is State.QUEUED:
            # the promise stored (and shown in the queue) is the one this hand-over made
            assert result.handoff is not None
            assert after.conversation.ticket_promised_by == result.handoff.ticket_promised_by
        if was is State.AI and after.conversation.state is State.QUEUED and online == 0:
            # nobody online: an honest promise (a ticket), never a dead end, even after a crash
            assert after.conversation.ticket_promised_by is not None, (text, flag)

    # --- agents --------------------------------------------------------------------------

    @rule(email=st.sampled_from(AGENTS))
    def agent_comes_online(self, email: str) -> None:
        authenticate(self.runtime.engine, self.tokens[email])

    @rule(email=st.sampled_from(AGENTS))
    def agent_goes_quiet(self, email: str) -> None:
        self._go_quiet([email])

    @rule(chat=chats, email=st.sampled_from(AGENTS), action=st.sampled_from(AGENT_ACTIONS))
    def agent_acts(self, chat: ChatRef, email: str, action: str) -> None:
        agent = authenticate(self.runtime.engine, self.tokens[email])  # acting: online
        self._check_agent_action(chat, agent, action)

    def _check_agent_action(self, chat: ChatRef, agent: Agent, action: str) -> None:
        before = self._record(chat)
        state, owns = before.conversation.state, self._owns(agent, before.conversation)
        # an agent (not a lead) takes what waits (taking what they already own is a harmless
        # double click); replies, hands back and closes what they own
        allowed = (state is State.QUEUED or owns) if action == "take" else owns
        act = getattr(self, f"_{action}")
        event(f"agent {action} on {state}: {'allowed' if allowed else 'refused'}")
        if not allowed:
            with pytest.raises((Conflict, Forbidden)):
                act(agent, chat.id)
            assert self._record(chat) == before
            return
        act(agent, chat.id)
        after = self._record(chat)
        expected = {"take": State.HUMAN, "reply": state, "hand_back": State.AI}
        assert after.conversation.state is expected.get(action, State.CLOSED)
        if action == "take":
            assert after.conversation.agent_id == agent.id
        if action == "reply":
            assert [(m.author, m.text) for m in after.messages[len(before.messages) :]] == [
                (Actor.AGENT, AGENT_TEXT)
            ]

    @rule(email=st.sampled_from(AGENTS))
    def agent_takes_the_next_in_queue(self, email: str) -> None:
        agent = authenticate(self.runtime.engine, self.tokens[email])
        waiting = desk.queue(self.runtime)
        event(f"agent takes the next of {min(len(waiting), 3)}+ waiting")
        if waiting:
            self._check_agent_action(self._chat(waiting[0].conversation.id), agent, "take")

    @rule(
        email=st.sampled_from(AGENTS),
        action=st.sampled_from(AGENT_ACTIONS[1:]),
        n=st.integers(0, 3),
    )
    def agent_works_on_their_own(self, email: str, action: str, n: int) -> None:
        agent = authenticate(self.runtime.engine, self.tokens[email])
        own = desk.mine(self.runtime, agent)
        if own:
            self._check_agent_action(self._chat(own[n % len(own)].conversation.id), agent, action)

    def _chat(self, conversation_id: str) -> ChatRef:
        return next(chat for chat in self.chats_seen if chat.id == conversation_id)

    def _take(self, agent: Agent, chat_id: str) -> None:
        desk.take(self.runtime, agent, chat_id)

    def _reply(self, agent: Agent, chat_id: str) -> None:
        desk.agent_say(self.runtime, agent, chat_id, AGENT_TEXT)

    def _hand_back(self, agent: Agent, chat_id: str) -> None:
        desk.hand_back(self.runtime, agent, chat_id)

    def _close(self, agent: Agent, chat_id: str) -> None:
        desk.close(self.runtime, agent, chat_id)

    # --- after every step ----------------------------------------------------------------

    @invariant()
    def every_record_keeps_the_guarantees(self) -> None:
        with reading(self.runtime.engine) as connection:
            records = [stored(connection, chat.id) for chat in self.chats_seen]
        for record in records:
            check_record(record)
        queued = {r.conversation.id for r in records if r.conversation.state is State.QUEUED}
        in_queue = {item.conversation.id for item in desk.queue(self.runtime)}
        assert queued <= in_queue, f"queued but not in the agents' queue: {queued - in_queue}"

    def teardown(self) -> None:
        """Close what is still open, so the next example starts with an empty queue."""
        for chat in self.chats_seen:
            record = self._record(chat).conversation
            if record.state is not State.CLOSED:
                closer = next(
                    (a for a in self.agents.values() if a.id == record.agent_id), self.lead
                )
                desk.close(self.runtime, closer, chat.id)
        self._go_quiet(AGENTS)

    # --- helpers -------------------------------------------------------------------------

    def _record(self, chat: ChatRef) -> Stored:
        with reading(self.runtime.engine) as connection:
            return stored(connection, chat.id)

    def _online(self) -> int:
        with reading(self.runtime.engine) as connection:
            return agents_online(connection)

    def _go_quiet(self, emails: list[str]) -> None:
        """The agent's console has been silent for a while: they no longer count as online."""
        quiet_since = now() - 5 * ONLINE_WINDOW
        hashes = [token_hash(self.tokens[email]) for email in emails]
        with transaction(self.runtime.engine) as connection:
            connection.execute(
                update(agent_sessions)
                .where(agent_sessions.c.token_hash.in_(hashes))
                .values(last_seen_at=quiet_since)
            )

    @staticmethod
    def _owns(agent: Agent, record: ConversationRecord) -> bool:
        return record.state is State.HUMAN and record.agent_id == agent.id


def test_that_customers_and_agents_in_any_order_keep_the_guarantees(runtime: Runtime) -> None:
    ensure_demo_agents(runtime.engine, DEMO_PASSWORD)
    sessions = {email: login(runtime, email, DEMO_PASSWORD, "in-process") for email in AGENTS}
    machine = type(
        "GuaranteedConversations",
        (Conversations,),
        {
            "runtime": dataclasses.replace(
                runtime, understander=FailingOnCue(runtime.understander)
            ),
            "tokens": {email: token for email, (token, _) in sessions.items()},
            "agents": {email: agent for email, (_, agent) in sessions.items()},
            "lead": login(runtime, "lisa@tandem.example", DEMO_PASSWORD, "in-process")[1],
        },
    )
    run_state_machine_as_test(machine, settings=SETTINGS)


def test_that_a_turn_that_crashes_while_nobody_is_online_still_gives_a_ticket(
    runtime: Runtime,
) -> None:
    failing = dataclasses.replace(runtime, understander=FailingOnCue(runtime.understander))
    started = conversations.start_conversation(failing, "en", None)
    chat = started.conversation.id
    result = conversations.post_customer_message(failing, chat, started.token, f"hi {CRASH}")
    assert result.state is State.QUEUED
    assert result.handoff is not None and result.handoff.ticket_promised_by is not None


def test_that_a_hand_over_after_a_hand_back_keeps_no_old_ticket_promise(runtime: Runtime) -> None:
    ensure_demo_agents(runtime.engine, DEMO_PASSWORD)
    started = conversations.start_conversation(runtime, "en", None)
    chat, token = started.conversation.id, started.token
    ticket = conversations.post_customer_message(runtime, chat, token, "hi", request_human=True)
    assert ticket.handoff is not None and ticket.handoff.ticket_promised_by is not None
    _, anna = login(runtime, AGENTS[0], DEMO_PASSWORD, "in-process")  # now someone is online
    desk.take(runtime, anna, chat)
    desk.hand_back(runtime, anna, chat)
    again = conversations.post_customer_message(runtime, chat, token, "hi", request_human=True)
    assert again.handoff is not None and again.handoff.ticket_promised_by is None
    [waiting] = desk.queue(runtime)
    assert waiting.conversation.ticket_promised_by is None


def test_that_a_request_for_a_person_in_a_closed_conversation_is_refused_with_409(
    client: TestClient, agent_token: str
) -> None:
    chat = Chat(client, language="nl")
    assert chat.say("ik wil een mens spreken")["state"] == "queued"
    desk = Desk(client, agent_token)
    assert desk.post(f"conversations/{chat.id}/take").status_code == 200
    assert desk.post(f"conversations/{chat.id}/close").status_code == 200
    response = client.post(
        f"/api/v1/conversations/{chat.id}/messages",
        json={"text": "ik wil een mens spreken", "request_human": True},
        headers=chat.auth,
    )
    assert response.status_code == 409, response.text
    assert [m["author"] for m in chat.messages()][-1] == "system"  # nothing was stored
