"""Address, payment-method and exchange changes in the chat, in Dutch and English."""

from __future__ import annotations

from collections.abc import Callable

from tandem.answering.flows.base import Outcome
from tandem.commerce.demo.backend import DemoShop
from tandem.commerce.model import Order
from tandem.types import OrderId

from .chat import Chat


def _order(shop: DemoShop, order_id: str) -> Order:
    order = shop.order(OrderId(order_id))
    assert order is not None
    return order


def test_that_the_address_of_an_unshipped_order_changes_after_a_yes(
    chat: Callable[[], Chat], shop: DemoShop
) -> None:
    emma = chat()
    emma.say("Ik wil het adres van bestelling TD-1003 wijzigen, postcode 1012 AB")
    asked = emma.say("Keizersgracht 100, 1015cj Amsterdam")
    assert asked.replies[-1].key == "address_confirm"
    assert "Keizersgracht 100, 1015 CJ Amsterdam" in asked.replies[-1].text
    assert emma.say("ja").outcome is Outcome.RESOLVED
    address = _order(shop, "TD-1003").shipping_address
    assert (address.street, address.postcode, address.city) == (
        "Keizersgracht 100", "1015 CJ", "Amsterdam"
    )


def test_that_an_invalid_postcode_is_asked_again_and_nothing_changes(
    chat: Callable[[], Chat], shop: DemoShop
) -> None:
    james = chat()
    james.say("Can I change the delivery address of TD-2002? james@example.com")
    answer = james.say("The new address is 10 Downing Street, 1015 CJ London")
    assert answer.replies[-1].key == "address_bad_postcode"
    assert _order(shop, "TD-2002").shipping_address.postcode == "SW1A 1AA"


def test_that_the_address_of_a_shipped_order_goes_to_a_person(chat: Callable[[], Chat]) -> None:
    emma = chat()
    answer = emma.say("Kan het adres van TD-1001 nog veranderen? postcode 1012 AB")
    assert answer.outcome is Outcome.BUSINESS_RULE
    assert answer.detail == {"order_id": "TD-1001", "rule": "already_shipped"}


def test_that_the_payment_method_changes_in_the_chat_after_a_yes(
    chat: Callable[[], Chat], shop: DemoShop
) -> None:
    emma = chat()
    offered = emma.say("Ik wil voor TD-1003 anders betalen, postcode 1012 AB")
    assert offered.replies[-1].key == "payment_offer"
    assert "iDEAL" in offered.replies[-1].text and "http" not in offered.replies[-1].text
    assert emma.say("met iDEAL").replies[-1].key == "payment_confirm"
    assert emma.say("ja").outcome is Outcome.RESOLVED
    assert _order(shop, "TD-1003").payment_method == "ideal"


def test_that_a_hoodie_is_exchanged_for_a_size_in_stock(
    chat: Callable[[], Chat], shop: DemoShop
) -> None:
    emma = chat()
    asked = emma.say("Kan ik de hoodie ruilen voor maat L? postcode 1012 AB, bestelling TD-1002")
    assert asked.replies[-1].key == "exchange_confirm"
    assert emma.say("ja").outcome is Outcome.RESOLVED
    assert "hoodie-l-grey" in {line.variant_id for line in _order(shop, "TD-1002").lines}


def test_that_an_out_of_stock_variant_is_not_offered_as_available(
    chat: Callable[[], Chat], shop: DemoShop
) -> None:
    emma = chat()
    answer = emma.say("I want to exchange the hoodie of TD-1002 for XL green, emma@example.nl")
    assert answer.replies[-1].key == "exchange_out_of_stock"
    assert "XL / green" not in answer.replies[-1].text.split("offer:")[1]
    assert "hoodie-m-grey" in {line.variant_id for line in _order(shop, "TD-1002").lines}


def test_that_a_knowledge_question_is_answered_with_a_checked_link(
    chat: Callable[[], Chat],
) -> None:
    anyone = chat()
    answer = anyone.say("Hoe lang duurt de bezorging naar België?")
    assert answer.outcome is Outcome.ANSWERED
    assert "/help/nl/bezorging" in answer.replies[-1].text


def test_that_a_question_the_help_centre_cannot_answer_is_not_guessed(
    chat: Callable[[], Chat],
) -> None:
    anyone = chat()
    answer = anyone.say("What are your opening hours on the moon during a solar eclipse?")
    assert answer.outcome in (Outcome.ANSWERED, Outcome.NOT_UNDERSTOOD)
