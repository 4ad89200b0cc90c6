"""Cancelling an order in the chat, in Dutch and English."""

from __future__ import annotations

from collections.abc import Callable

from tandem.answering.flows.base import Outcome
from tandem.commerce.demo.backend import DemoShop
from tandem.commerce.model import OrderStatus
from tandem.types import OrderId

from .chat import Chat


def test_that_a_pending_order_is_cancelled_after_an_explicit_yes_in_dutch(
    chat: Callable[[], Chat], shop: DemoShop
) -> None:
    emma = chat()
    asked = emma.say("Ik wil bestelling TD-1003 annuleren, postcode 1012 AB")
    assert asked.outcome is Outcome.ASKED
    assert "TD-1003" in asked.replies[-1].text and "annuleren" in asked.replies[-1].text
    assert shop.order(OrderId("TD-1003")).status is OrderStatus.PENDING  # type: ignore[union-attr]
    done = emma.say("ja")
    assert done.outcome is Outcome.RESOLVED
    assert done.replies[-1].key == "cancel_done"
    assert shop.order(OrderId("TD-1003")).status is OrderStatus.CANCELLED  # type: ignore[union-attr]


def test_that_a_paid_order_is_cancelled_with_its_refund_amount_and_date_in_english(
    chat: Callable[[], Chat], shop: DemoShop
) -> None:
    james = chat()
    james.say("Please cancel order TD-2002, my email is james@example.com")
    done = james.say("yes")
    assert done.outcome is Outcome.RESOLVED
    text = done.replies[-1].text
    assert "TD-2002" in text and "£" in text and "card" in text
    assert shop.order(OrderId("TD-2002")).status is OrderStatus.CANCELLED  # type: ignore[union-attr]


def test_that_a_shipped_order_is_not_cancelled_but_a_return_is_offered(
    chat: Callable[[], Chat], shop: DemoShop
) -> None:
    emma = chat()
    answer = emma.say("Kan ik TD-1001 nog annuleren? Mijn postcode is 1012 AB")
    assert answer.outcome is Outcome.ANSWERED
    assert answer.replies[-1].key == "cancel_shipped"
    assert "retour" in answer.replies[-1].text
    assert shop.order(OrderId("TD-1001")).status is OrderStatus.SHIPPED  # type: ignore[union-attr]


def test_that_a_customer_who_insists_on_cancelling_a_shipped_order_reaches_a_person(
    chat: Callable[[], Chat],
) -> None:
    emma = chat()
    emma.say("Kan ik TD-1001 nog annuleren? Mijn postcode is 1012 AB")
    answer = emma.say("dat helpt me niet")
    assert answer.outcome is Outcome.BUSINESS_RULE
    assert answer.detail == {"order_id": "TD-1001", "rule": "not_cancellable"}


def test_that_a_customer_who_changes_their_mind_keeps_the_order(
    chat: Callable[[], Chat], shop: DemoShop
) -> None:
    emma = chat()
    emma.say("Ik wil bestelling TD-1003 annuleren, postcode 1012 AB")
    answer = emma.say("nee, toch niet")
    assert answer.outcome is Outcome.DECLINED
    assert emma.memory.flow is None
    assert shop.order(OrderId("TD-1003")).status is OrderStatus.PENDING  # type: ignore[union-attr]


def test_that_a_confirmation_that_never_comes_is_let_go_after_two_unrelated_answers(
    chat: Callable[[], Chat], shop: DemoShop
) -> None:
    james = chat()
    james.say("Please cancel order TD-2002, my email is james@example.com")
    first = james.say("hmm, what colour is the sky")
    assert first.outcome is Outcome.ASKED
    second = james.say("the weather is nice today")
    assert second.outcome is Outcome.DECLINED
    assert shop.order(OrderId("TD-2002")).status is OrderStatus.PROCESSING  # type: ignore[union-attr]


def test_that_another_customers_order_is_refused_without_revealing_it(
    chat: Callable[[], Chat],
) -> None:
    emma = chat()
    emma.say("Ik wil bestelling TD-1003 annuleren, postcode 1012 AB")
    answer = emma.say("Nee, ik bedoel TD-2002")
    text = " ".join(reply.text for reply in answer.replies)
    assert "TD-2002" in text and "Shirt" not in text and "James" not in text
    assert answer.outcome in (Outcome.ASKED, Outcome.DECLINED)


def test_that_an_unknown_order_number_is_not_cancelled(chat: Callable[[], Chat]) -> None:
    emma = chat()
    emma.say("Ik wil bestelling TD-1003 annuleren, postcode 1012 AB")
    answer = emma.say("ik bedoel bestelling TD-9999")
    assert answer.replies[-1].key == "order_not_found"
