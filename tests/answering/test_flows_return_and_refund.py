"""Returns and refund status in the chat, in Dutch and English."""

from __future__ import annotations

from collections.abc import Callable

from tandem.answering.flows.base import Outcome
from tandem.commerce.demo.backend import DemoShop
from tandem.types import OrderId

from .chat import Chat


def _returned(shop: DemoShop, order_id: str) -> dict[str, int]:
    order = shop.order(OrderId(order_id))
    assert order is not None
    return {line.variant_id: line.returned_quantity for line in order.lines}


def test_that_a_return_of_everything_is_started_after_a_yes_with_refund_and_date(
    chat: Callable[[], Chat], shop: DemoShop
) -> None:
    emma = chat()
    asked = emma.say("Ik wil bestelling TD-1002 retourneren, postcode 1012 AB")
    assert asked.replies[-1].key == "return_confirm"
    done = emma.say("ja graag")
    assert done.outcome is Outcome.RESOLVED
    assert "PayPal" in done.replies[-1].text and "retourlabel" in done.replies[-1].text
    assert _returned(shop, "TD-1002") == {"hoodie-m-grey": 1, "socks-36-40-grey": 2}


def test_that_only_the_named_items_and_quantity_are_returned(
    chat: Callable[[], Chat], shop: DemoShop
) -> None:
    emma = chat()
    emma.say("I'd like to return 1 pair of socks from TD-1002, email emma@example.nl")
    done = emma.say("yes")
    assert done.outcome is Outcome.RESOLVED
    assert _returned(shop, "TD-1002") == {"hoodie-m-grey": 0, "socks-36-40-grey": 1}


def test_that_a_quantity_beyond_what_was_ordered_is_refused(
    chat: Callable[[], Chat], shop: DemoShop
) -> None:
    emma = chat()
    answer = emma.say("Ik wil 5 sokken van TD-1002 terugsturen, postcode 1012 AB")
    assert answer.outcome is Outcome.ASKED
    assert answer.replies[-1].key == "return_too_many"
    assert _returned(shop, "TD-1002") == {"hoodie-m-grey": 0, "socks-36-40-grey": 0}


def test_that_a_return_outside_the_window_goes_to_a_person_with_the_rule(
    chat: Callable[[], Chat], shop: DemoShop
) -> None:
    james = chat()
    answer = james.say("I want to return my boots from order TD-2001, postcode SW1A 1AA")
    assert answer.outcome is Outcome.BUSINESS_RULE
    assert answer.detail == {"order_id": "TD-2001", "rule": "return_window_closed"}
    assert _returned(shop, "TD-2001") == {"boots-43-brown": 0}


def test_that_a_customer_who_changes_their_mind_about_a_return_keeps_the_items(
    chat: Callable[[], Chat], shop: DemoShop
) -> None:
    emma = chat()
    emma.say("Ik wil bestelling TD-1002 retourneren, postcode 1012 AB")
    assert emma.say("nee").outcome is Outcome.DECLINED
    assert _returned(shop, "TD-1002") == {"hoodie-m-grey": 0, "socks-36-40-grey": 0}


def test_that_the_refund_status_gives_amount_method_and_expected_date(
    chat: Callable[[], Chat],
) -> None:
    james = chat()
    answer = james.say("Where is my refund? Order TD-2003, james@example.com")
    assert answer.outcome is Outcome.ANSWERED
    text = answer.replies[-1].text
    assert "£84.95" in text and "PayPal" in text and "TD-2003" in text


def test_that_a_refund_question_in_dutch_after_a_cancel_finds_the_new_refund(
    chat: Callable[[], Chat],
) -> None:
    emma = chat()
    emma.say("Annuleer bestelling TD-1004 alsjeblieft, postcode 1012 AB")
    emma.say("ja")
    answer = emma.say("Wanneer krijg ik mijn geld terug?")
    assert answer.replies[-1].key == "refund_on_its_way"
    assert "TD-1004" in answer.replies[-1].text and "iDEAL" in answer.replies[-1].text
