"""The turn in three phases: think without the lock, decide and write under it, then perform.

Real databases, the real understanding, the demo shop (behind a recording backend or served
over real HTTP by a test server that can be made slow), a real chat-completions server.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from chat_completions import chat_completions_server
from commerce.recording import RecordingShop
from commerce.shop_server import serving
from conftest import IDENTITY_SECRET, sign
from tandem.answering.knowledge.retrieval import KnowledgeBase
from tandem.answering.llm import LlmClient
from tandem.commerce.demo.backend import DemoShop
from tandem.commerce.http import HttpShop
from tandem.commerce.model import CommerceBackend, Order
from tandem.config import Settings
from tandem.domain.conversation import Actor, EventKind
from tandem.domain.decided import Decided, Performed
from tandem.services import agents, desk
from tandem.services.conversations import post_customer_message, start_conversation
from tandem.services.recovery import recover_unanswered
from tandem.services.runtime import Runtime, Understands, assemble
from tandem.services.suggestions import suggest
from tandem.services.turn import take_turn
from tandem.storage.conversations import (
    ConversationUnit,
    events_of,
    find_conversation,
    messages_after,
)
from tandem.storage.db import reading, transaction
from tandem.types import OrderId

TOKEN = "shop-token-for-tests"


def make_runtime(
    engine: Engine, shop: CommerceBackend, understander: Understands, knowledge: KnowledgeBase
) -> Runtime:
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        identity_secret=IDENTITY_SECRET,
    )
    return assemble(settings, engine, shop, understander, knowledge)


@pytest.fixture
def recording(shop_engine: Engine) -> RecordingShop:
    return RecordingShop(DemoShop(shop_engine))


@pytest.fixture
def recorded(
    engine: Engine, recording: RecordingShop, understander: Understands, knowledge: KnowledgeBase
) -> Runtime:
    return make_runtime(engine, recording, understander, knowledge)


def _order(shop: CommerceBackend, order_id: str) -> Order:
    order = shop.order(OrderId(order_id))
    assert order is not None
    return order


def test_that_a_confirmed_return_changes_the_shop_once_even_when_the_turn_runs_again(
    recorded: Runtime, recording: RecordingShop
) -> None:
    before = len(_order(recording.shop, "TD-1002").refunds)
    chat = start_conversation(recorded, "nl", None)
    post_customer_message(
        recorded, chat.conversation.id, chat.token, "Ik wil TD-1002 retourneren, postcode 1012 AB"
    )
    yes = post_customer_message(recorded, chat.conversation.id, chat.token, "ja graag")
    assert "retourlabel" in yes.messages[-1].text

    again = take_turn(recorded, chat.conversation.id, yes.messages[0])  # a retried turn

    assert again.replies == []
    assert [call[0] for call in recording.changes()] == ["start_return"]
    assert len(_order(recording.shop, "TD-1002").refunds) == before + 1


class CrashAfterChange(RecordingShop):
    """The shop changes, then the turn dies before it can record that (once)."""

    crashed = False

    def start_return(self, *args: object, **kwargs: object) -> object:  # type: ignore[override]
        refund = super().start_return(*args, **kwargs)  # type: ignore[arg-type]
        if not self.crashed:
            self.crashed = True
            raise RuntimeError("the process died here")
        return refund


def test_that_an_action_interrupted_after_the_shop_changed_is_not_performed_twice(
    engine: Engine, shop_engine: Engine, understander: Understands, knowledge: KnowledgeBase
) -> None:
    shop = CrashAfterChange(DemoShop(shop_engine))
    runtime = make_runtime(engine, shop, understander, knowledge)
    before = len(_order(shop.shop, "TD-1002").refunds)
    chat = start_conversation(runtime, "nl", None)
    post_customer_message(
        runtime, chat.conversation.id, chat.token, "Ik wil TD-1002 retourneren, postcode 1012 AB"
    )
    yes = post_customer_message(runtime, chat.conversation.id, chat.token, "ja graag")
    assert shop.crashed and yes.state.value in ("queued", "ai")

    take_turn(runtime, chat.conversation.id, yes.messages[0])  # recovery runs the turn again

    keys = {call[2] for call in shop.changes()}
    assert len(shop.changes()) == 2 and len(keys) == 1  # asked twice, with one key
    assert len(_order(shop.shop, "TD-1002").refunds) == before + 1  # changed once
    with reading(runtime.engine) as connection:
        events = events_of(connection, chat.conversation.id)
        record = find_conversation(connection, chat.conversation.id)
    performed = [Performed.from_detail(e.detail) for e in events if e.kind is EventKind.PERFORMED]
    assert [(p.kind, p.ok) for p in performed] == [("start_return", True)]
    assert record is not None and record.memory.pending is None


def test_that_a_decided_event_is_written_for_every_ai_turn_with_its_facts(
    recorded: Runtime,
) -> None:
    chat = start_conversation(recorded, None, "emma@example.nl", sign("emma@example.nl"))
    texts = ["hallo", "Ik wil bestelling TD-1003 annuleren", "ja", "bedankt!"]
    for text in texts:
        post_customer_message(recorded, chat.conversation.id, chat.token, text)
    with reading(recorded.engine) as connection:
        events = events_of(connection, chat.conversation.id)
    decided = [Decided.from_detail(e.detail) for e in events if e.kind is EventKind.DECIDED]

    assert [d.message for d in decided] == [2, 4, 6, 8]  # each customer message, once
    cancel, yes = decided[1], decided[2]
    assert (cancel.topic, cancel.intent, cancel.action, cancel.outcome) == (
        "cancellations", "cancel_order", "answer", "asked"
    )
    assert (yes.topic, yes.intent, yes.shop_action, yes.order_id) == (
        "cancellations", "affirm", "cancel_order", "TD-1003"
    )
    assert all(d.rule and d.reason and d.policy_version == 1 for d in decided)
    assert all(0 <= d.confidence <= 1 and d.turn_outcome for d in decided)
    performed = [Performed.from_detail(e.detail) for e in events if e.kind is EventKind.PERFORMED]
    assert [(p.kind, p.order_id, p.ok) for p in performed] == [("cancel_order", "TD-1003", True)]


@pytest.fixture
def slow_shop(
    engine: Engine, shop_engine: Engine, understander: Understands, knowledge: KnowledgeBase
) -> Iterator[tuple[Runtime, threading.Event, threading.Event]]:
    """A runtime on a real HTTP shop whose answers about James wait for `release`."""
    demo = DemoShop(shop_engine)
    james = demo.customer_by_email("james@example.com")
    assert james is not None
    held, release = threading.Event(), threading.Event()

    def hold(path: str) -> None:
        if james.id in path or "TD-2002" in path:
            held.set()
            release.wait(30)

    with serving(demo, TOKEN, hold) as url, HttpShop(url, TOKEN, timeout=60) as shop:
        yield make_runtime(engine, shop, understander, knowledge), held, release
        release.set()


def test_that_a_slow_shop_for_one_conversation_does_not_delay_another(
    slow_shop: tuple[Runtime, threading.Event, threading.Event],
) -> None:
    runtime, held, release = slow_shop
    james = start_conversation(runtime, None, "james@example.com", sign("james@example.com"))
    emma = start_conversation(runtime, None, "emma@example.nl", sign("emma@example.nl"))
    answers: list[str] = []
    slow = threading.Thread(
        target=lambda: answers.append(
            post_customer_message(
                runtime, james.conversation.id, james.token, "Where is my order TD-2002?"
            ).messages[-1].text
        )
    )
    slow.start()
    assert held.wait(10), "James's turn never reached the shop"

    began = time.perf_counter()
    fast = post_customer_message(
        runtime, emma.conversation.id, emma.token, "waar is mijn bestelling TD-1001?"
    )
    took = time.perf_counter() - began

    assert "TD-1001" in fast.messages[-1].text
    assert slow.is_alive(), "James's turn should still be waiting for the shop"
    assert took < 5
    release.set()
    slow.join(30)
    assert answers and "TD-2002" in answers[0]


def test_that_a_slow_llm_for_one_conversation_does_not_delay_another(runtime: Runtime) -> None:
    with chat_completions_server() as (url, script):
        script.complete("Good news, James: TD-2002 is being packed for you right now.")
        script.delay = 30  # until released
        llm = LlmClient(url, "small-model", "", timeout=30)
        slow_runtime = dataclasses.replace(runtime, writer=llm)
        email = "james@example.com"
        james = start_conversation(slow_runtime, None, email, sign(email))
        guest = start_conversation(slow_runtime, "en", None)
        slow = threading.Thread(
            target=post_customer_message,
            args=(slow_runtime, james.conversation.id, james.token, "Where is my order TD-2002?"),
        )
        slow.start()
        for _ in range(200):
            if script.requests:
                break
            time.sleep(0.05)
        assert script.requests, "James's answer never reached the LLM"

        began = time.perf_counter()
        answer = post_customer_message(
            slow_runtime, guest.conversation.id, guest.token, "where is my order?"
        )
        took = time.perf_counter() - began

        assert "order number" in answer.messages[-1].text
        assert slow.is_alive() and took < 5
        script.release.set()
        slow.join(30)
        llm.close()


#: A question asked twice: the AI would give the same answer again, so it hands over.
ASKED_TWICE = "how long does delivery to the UK take"


def test_that_the_cards_orders_are_the_orders_the_conversation_recorded(
    client_runtime: Runtime,
) -> None:
    runtime = client_runtime
    cases = [
        ("emma@example.nl", ["Ik ben twee keer afgeschreven voor TD-1004!"]),
        ("emma@example.nl", ["Waar is TD-1001?", "Ik wil TD-1002 retourneren", "ik wil een mens"]),
        ("james@example.com", ["Where is TD-2002?", "I want to talk to a person"]),
        ("emma@example.nl", ["Waar is TD-1001?", "waar is mijn bestelling TD-2002?", "mens"]),
        # handed over on the AI's own answer (the same answer twice), not on a request
        ("james@example.com", ["Where is TD-2002?", *[ASKED_TWICE] * 2]),
    ]
    for email, texts in cases:
        chat = start_conversation(runtime, None, email, sign(email))
        for text in texts:
            post_customer_message(runtime, chat.conversation.id, chat.token, text)
        with reading(runtime.engine) as connection:
            record = find_conversation(connection, chat.conversation.id)
            events = events_of(connection, chat.conversation.id)
        assert record is not None and record.card is not None, texts
        recorded = {
            Decided.from_detail(e.detail).order_id for e in events if e.kind is EventKind.DECIDED
        } - {None}
        on_card = {order["id"] for order in record.card["orders"]}
        assert on_card == recorded, (texts, on_card, recorded)
        assert "TD-2002" not in on_card or email == "james@example.com"


def test_that_a_routine_turn_after_an_order_question_does_not_read_the_orders_again(
    recorded: Runtime, recording: RecordingShop
) -> None:
    chat = start_conversation(recorded, None, "james@example.com", sign("james@example.com"))
    post_customer_message(recorded, chat.conversation.id, chat.token, "Where is TD-2002?")
    recording.calls.clear()
    answer = post_customer_message(
        recorded, chat.conversation.id, chat.token, "how long does delivery to the UK take"
    )
    assert answer.handoff is None and len(answer.messages) > 1
    # the customer once; their orders only when the turn may hand over (for the card)
    assert [name for name, _, _ in recording.calls] == ["customer"]


@pytest.fixture
def client_runtime(runtime: Runtime, agent_token: str) -> Runtime:
    """The runtime with an agent online, so a hand-over goes to the queue."""
    return runtime




def test_that_two_runs_of_one_turn_at_the_same_moment_decide_and_answer_it_once(
    recorded: Runtime,
) -> None:
    chat = start_conversation(recorded, None, "james@example.com", sign("james@example.com"))
    with transaction(recorded.engine) as connection:
        stored = ConversationUnit.load(connection, chat.conversation.id).say(
            Actor.CUSTOMER, "Where is my order TD-2002?"
        )
    gate = threading.Barrier(2)

    def run() -> None:
        gate.wait()
        take_turn(recorded, chat.conversation.id, stored)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    with reading(recorded.engine) as connection:
        events = events_of(connection, chat.conversation.id)
        said = messages_after(connection, chat.conversation.id, stored.offset)
    decided = [e for e in events if e.kind is EventKind.DECIDED]
    assert len(decided) == 1
    assert len(said) == 1 and "TD-2002" in said[0].text


def test_that_an_agent_can_see_the_ais_plan_as_a_suggestion_and_nothing_is_performed(
    recorded: Runtime, recording: RecordingShop, agent_token: str
) -> None:
    chat = start_conversation(recorded, None, "james@example.com", sign("james@example.com"))
    post_customer_message(recorded, chat.conversation.id, chat.token, "Please cancel TD-2002")
    post_customer_message(
        recorded, chat.conversation.id, chat.token, "no wait, I want to talk to a person"
    )
    anna = agents.authenticate(recorded.engine, agent_token)
    assert desk.take(recorded, anna, chat.conversation.id).conversation.state.value == "human"
    post_customer_message(recorded, chat.conversation.id, chat.token, "yes")

    suggestion = suggest(recorded, chat.conversation.id)

    assert suggestion is not None and suggestion.flow == "cancel_order"
    assert suggestion.action is not None
    assert (suggestion.action["kind"], suggestion.action["order_id"]) == ("cancel_order", "TD-2002")
    assert recording.changes() == []
    assert _order(recording.shop, "TD-2002").status.value != "cancelled"


class DiesBeforeTheShopChanges(RecordingShop):
    """The process dies (once) as the turn asks the shop to change: after its decision."""

    died = False

    def start_return(self, *args: object, **kwargs: object) -> object:  # type: ignore[override]
        if not self.died:
            self.died = True
            raise SystemExit("kill -9")
        return super().start_return(*args, **kwargs)  # type: ignore[arg-type]


def test_that_recovery_performs_an_agreed_action_whose_turn_died_once_with_its_key(
    engine: Engine, shop_engine: Engine, understander: Understands, knowledge: KnowledgeBase
) -> None:
    shop = DiesBeforeTheShopChanges(DemoShop(shop_engine))
    runtime = make_runtime(engine, shop, understander, knowledge)
    runtime = dataclasses.replace(
        runtime, settings=runtime.settings.model_copy(update={"recovery_grace_seconds": 0})
    )
    before = len(_order(shop.shop, "TD-1002").refunds)
    chat = start_conversation(runtime, "nl", None)
    post_customer_message(
        runtime, chat.conversation.id, chat.token, "Ik wil TD-1002 retourneren, postcode 1012 AB"
    )
    with pytest.raises(SystemExit):
        post_customer_message(runtime, chat.conversation.id, chat.token, "ja graag")

    assert recover_unanswered(runtime).rerun == 1

    assert len(_order(shop.shop, "TD-1002").refunds) == before + 1
    with reading(runtime.engine) as connection:
        events = events_of(connection, chat.conversation.id)
        said = messages_after(connection, chat.conversation.id, 0)
    performed = [Performed.from_detail(e.detail) for e in events if e.kind is EventKind.PERFORMED]
    assert [(p.kind, p.ok) for p in performed] == [("start_return", True)]
    assert "retourlabel" in said[-1].text
    assert recover_unanswered(runtime).rerun == 0  # nothing left unanswered
