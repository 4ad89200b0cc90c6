"""Flows propose, the turn performs: whatever a customer says, a flow never changes the shop."""

from __future__ import annotations

from commerce.recording import RecordingShop
from tandem.answering.assistant import Assistant, AssistantTurn
from tandem.answering.knowledge.retrieval import KnowledgeBase
from tandem.commerce.actions import (
    CancelOrder,
    ChangeAddress,
    ChangePaymentMethod,
    ExchangeItem,
    StartReturn,
    from_json,
    to_json,
)
from tandem.commerce.demo.backend import DemoShop
from tandem.commerce.model import Customer
from tandem.domain.memory import ConversationMemory
from tandem.security.verification import MemoryFailureLog, VerificationGuard, VerificationLimits
from tandem.services.runtime import Understands
from tandem.understanding.result import Context

from .chat import TODAY
from .conftest import all_flows

GUARD = VerificationGuard(MemoryFailureLog(), VerificationLimits(), None)

CONVERSATIONS = [
    ["Ik wil bestelling TD-1003 annuleren, postcode 1012 AB", "ja"],
    ["Ik wil bestelling TD-1002 retourneren, postcode 1012 AB", "ja graag"],
    ["Ik wil het adres van TD-1003 wijzigen, postcode 1012 AB",
     "Keizersgracht 100, 1015cj Amsterdam", "ja"],
    ["Ik wil voor TD-1003 anders betalen, postcode 1012 AB", "met iDEAL", "ja"],
    ["Kan ik de hoodie ruilen voor maat L? postcode 1012 AB, bestelling TD-1002", "ja"],
    ["Please cancel order TD-2002, my email is james@example.com", "yes", "yes", "really, yes"],
    ["Kan ik TD-1001 nog annuleren? postcode 1012 AB", "dat helpt me niet"],
]  # fmt: skip


def test_that_no_flow_changes_the_shop_it_only_proposes_the_change(
    shop: DemoShop, understander: Understands, knowledge: KnowledgeBase
) -> None:
    recording = RecordingShop(shop)
    assistant = Assistant(recording, all_flows(knowledge))
    proposed: list[str] = []
    for texts in CONVERSATIONS:
        memory, customer = ConversationMemory(), None
        for text in texts:
            understanding = understander.understand(text, Context(today=TODAY))
            answer = assistant.respond(
                AssistantTurn(understanding, understanding.language, customer, memory, TODAY, GUARD)
            )
            customer = answer.customer or customer
            memory = memory.after_turn(memory.turn, answer.flow, answer.last_words, None)
            if answer.action is not None:
                proposed.append(answer.action.kind)

    assert recording.calls, "the flows read the shop"
    assert recording.changes() == []
    assert sorted(proposed) == sorted(
        ["cancel_order", "start_return", "change_address", "change_payment_method",
         "exchange_item", "cancel_order"]
    )  # fmt: skip


def test_that_every_shop_action_survives_its_json(shop: DemoShop) -> None:
    order = shop.order("TD-1003")  # type: ignore[arg-type]
    assert order is not None
    actions = [
        CancelOrder(order.id, ("RF-1",)),
        StartReturn(order.id, ("hoodie-m-grey", "hoodie-m-grey"), "Return started in the chat"),
        ChangeAddress(order.id, order.shipping_address),
        ChangePaymentMethod(order.id, "ideal", ()),
        ExchangeItem(order.id, "hoodie-m-grey", "hoodie-l-grey"),
    ]
    assert [from_json(to_json(action)) for action in actions] == actions


def test_that_a_customer_identified_only_by_the_flow_is_returned_with_the_answer(
    shop: DemoShop, understander: Understands, knowledge: KnowledgeBase
) -> None:
    assistant = Assistant(shop, all_flows(knowledge))
    text = "Waar is bestelling TD-1001? postcode 1012 AB"
    understanding = understander.understand(text, Context(today=TODAY))
    answer = assistant.respond(
        AssistantTurn(understanding, "nl", None, ConversationMemory(), TODAY, GUARD)
    )
    assert isinstance(answer.customer, Customer) and answer.customer.name.startswith("Emma")
    assert answer.action is None and "TD-1001" in answer.replies[-1].text
