"""The handoff card, built from plain inputs: pure unit tests."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal

from tandem.answering.flows.base import Outcome
from tandem.commerce.model import (
    Address,
    CommerceErrorCode,
    Customer,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentStatus,
)
from tandem.desk.card import AiStep, CardMessage, Mood, build_card
from tandem.domain.conversation import Actor
from tandem.domain.decision import Action, Decision, Priority, Reason
from tandem.types import CustomerId, OrderId

AT = dt.datetime(2025, 3, 1, 10, 0, tzinfo=dt.UTC)
HOME = Address("Keizersgracht 1", "1015 AA", "Amsterdam", "NL")
EMMA = Customer(CustomerId("c-emma"), "Emma de Vries", "emma@example.nl", "nl", HOME, "gold")


def order(order_id: str, *, payments: int = 1, tracking: str | None = None) -> Order:
    paid = tuple(
        Payment(f"p-{order_id}-{n}", Decimal("59.95"), "ideal", PaymentStatus.PAID, AT)
        for n in range(payments)
    )
    return Order(
        id=OrderId(order_id),
        customer_id=EMMA.id,
        status=OrderStatus.SHIPPED if tracking else OrderStatus.PROCESSING,
        created_at=AT,
        total=Decimal("59.95"),
        currency="EUR",
        lines=(OrderLine("shirt", "shirt-l", "Linen shirt", "L", 1, Decimal("59.95")),),
        shipping_address=HOME,
        payment_method="ideal",
        payments=paid,
        refunds=(),
        carrier="PostNL" if tracking else None,
        tracking_number=tracking,
    )


def customer_says(text: str, intent: str, *order_ids: str, frustration: float = 0.1) -> CardMessage:
    return CardMessage(Actor.CUSTOMER, text, intent, 0.9, frustration, tuple(order_ids))


def ai_says(text: str) -> CardMessage:
    return CardMessage(Actor.AI, text)


def handoff(reason: Reason, rule: str, priority: Priority = Priority.NORMAL) -> Decision:
    return Decision(Action.HANDOFF, reason, rule, priority)


def test_that_a_double_charge_card_points_at_the_two_payments() -> None:
    messages = [
        customer_says(
            "I was charged twice for TD-1004!", "double_charge", "TD-1004", frustration=0.6
        ),
    ]
    card = build_card(
        "en", messages, handoff(Reason.DOUBLE_CHARGE, "money_problems", Priority.HIGH),
        customer=EMMA, orders=[order("TD-1004", payments=2)],
    )  # fmt: skip

    assert card.summary == "Reported being charged twice for order TD-1004."
    assert card.next_step == "Check the two payments on TD-1004 and refund the duplicate."
    assert card.to_json()["orders"] == [
        {
            "id": "TD-1004",
            "status": "being prepared",
            "total": "EUR 59.95",
            "items": "Linen shirt in L",
            "tracking": None,
            "payments": "paid EUR 59.95 via iDEAL, paid EUR 59.95 via iDEAL",
        }
    ]
    assert card.to_json()["priority"] == "high"


def test_that_a_customer_request_card_says_what_was_asked_and_answered() -> None:
    messages = [
        customer_says("Hi", "greeting"),
        customer_says("Where is my order TD-1001?", "where_is_my_order", "TD-1001"),
        ai_says("Your order TD-1001 has shipped with PostNL."),
        customer_says("I want to talk to a person", "talk_to_person", frustration=0.5),
    ]
    steps = [AiStep("where_is_my_order", Outcome.ANSWERED, "TD-1001")]
    card = build_card(
        "en", messages, handoff(Reason.CUSTOMER_REQUEST, "asked_for_a_person"), steps,
        EMMA, [order("TD-1001", tracking="3SABC1234567")],
    )  # fmt: skip

    assert card.summary == "Asked where order TD-1001 is; then asked for a person."
    assert card.tried == ("Answered a question about the order status of TD-1001",)
    assert card.next_step == "Greet the customer; they asked for a person."
    data = card.to_json()
    assert data["customer"] == {
        "name": "Emma de Vries",
        "email": "emma@example.nl",
        "tier": "gold",
        "language": "en",  # the conversation's: Emma's shop profile says Dutch, she writes English
    }
    assert data["frustration"] == {
        "last": 0.5, "trend": "rising", "series": [0.1, 0.1, 0.5], "mood": "tense",
    }  # fmt: skip
    assert list(data) == [
        "summary", "reason", "rule", "priority", "customer", "orders", "tried", "frustration",
        "next_step",
    ]  # fmt: skip


def test_that_an_action_failure_card_names_what_failed_and_the_shop_error() -> None:
    messages = [
        customer_says("Annuleer TD-1002 alsjeblieft", "cancel_order", "TD-1002"),
        customer_says("ja", "affirm"),
    ]
    steps = [
        AiStep("cancel_order", Outcome.ASKED, "TD-1002"),
        AiStep("cancel_order", Outcome.ACTION_FAILED, "TD-1002", CommerceErrorCode.UNAVAILABLE),
    ]
    card = build_card(
        "nl", messages, handoff(Reason.ACTION_FAILED, "action_failed"), steps, EMMA,
        [order("TD-1002")],
    )  # fmt: skip

    assert card.summary == "Wilde bestelling TD-1002 annuleren."
    assert card.tried == (
        "Asked for details about the cancellation of TD-1002",
        "Tried to cancel TD-1002: the shop could not be reached",
    )
    assert card.next_step == (
        "The cancellation of TD-1002 failed (shop error: unavailable): do it by hand in the "
        "shop, or tell the customer why it cannot be done."
    )


def test_that_an_unidentified_customer_gets_a_card_that_says_so() -> None:
    messages = [
        customer_says("Mijn geld is twee keer afgeschreven", "double_charge"),
        customer_says("Hallo??", "oos", frustration=0.8),
    ]
    card = build_card("nl", messages, handoff(Reason.DOUBLE_CHARGE, "money_problems"))

    assert card.customer is None
    assert card.orders == ()
    assert card.to_json()["customer"] is None
    assert card.summary == (
        "Meldde dat een nog onbekende bestelling twee keer is afgeschreven; "
        'schreef daarna "Hallo??".'
    )
    assert card.next_step == (
        "Ask which order was charged twice, then check its payments and refund the duplicate. "
        "They are not identified: ask for their order number and email first."
    )


def test_that_a_dutch_summary_reads_as_dutch() -> None:
    messages = [
        customer_says("Waar is bestelling TD-1001?", "where_is_my_order", "TD-1001"),
        customer_says("En wat zijn jullie openingstijden?", "opening_hours"),
        customer_says("Ik wil een medewerker", "talk_to_person"),
    ]
    card = build_card("nl", messages, handoff(Reason.CUSTOMER_REQUEST, "asked_for_a_person"))

    assert card.summary == (
        "Vroeg waar bestelling TD-1001 is; vroeg ook naar de openingstijden; "
        "vroeg daarna om een medewerker."
    )


def test_that_a_message_the_ai_did_not_understand_is_quoted_and_rephrasing_is_counted() -> None:
    messages = [
        CardMessage(Actor.CUSTOMER, "the thing with the blue box from last week", "oos", 0.2),
        CardMessage(Actor.CUSTOMER, "the blue box thing!!", "oos", 0.3),
    ]
    steps = [AiStep("oos", Outcome.NOT_UNDERSTOOD)]
    card = build_card("en", messages, handoff(Reason.REPEATED_FAILURE, "failed_twice"), steps)

    assert card.summary == (
        'Wrote "the thing with the blue box from last week"; then wrote "the blue box thing!!".'
    )
    assert card.tried == ("Asked to rephrase once",)
    assert card.frustration is None


def test_that_an_llm_summary_replaces_the_extractive_one() -> None:
    messages = [customer_says("Where is TD-1001?", "where_is_my_order", "TD-1001")]
    card = build_card(
        "en", messages, handoff(Reason.CUSTOMER_REQUEST, "asked_for_a_person"),
        llm_summary="Emma wants to know where TD-1001 is.",
    )  # fmt: skip

    assert card.summary == "Emma wants to know where TD-1001 is."


def test_that_a_falling_frustration_trend_is_reported() -> None:
    messages = [
        customer_says("This is useless!!", "complaint", frustration=0.9),
        customer_says("ok, where is TD-1001 then", "where_is_my_order", "TD-1001", frustration=0.3),
    ]
    card = build_card("en", messages, handoff(Reason.COMPLAINT, "complaints"))

    assert card.frustration is not None
    assert (card.frustration.last, card.frustration.trend.value) == (0.3, "falling")
    assert card.summary == "Complained; then asked where order TD-1001 is."


def test_that_a_short_reply_keeps_the_mood_before_it() -> None:
    angry = [
        customer_says("WHERE IS MY ORDER, third time!!", "where_is_my_order", frustration=0.9),
        customer_says("yes", "affirm", frustration=0.05),
        customer_says("TD-1001", "oos", "TD-1001", frustration=0.0),
    ]
    calm = [
        customer_says("Ik wil TD-1002 retourneren", "return_item", "TD-1002", frustration=0.1),
        customer_says("ja graag", "affirm", frustration=0.04),
    ]
    shouted = [*calm, customer_says("NEE!! Dat zei ik niet", "deny", frustration=0.7)]

    mood = {
        name: build_card("en", messages, handoff(Reason.COMPLAINT, "complaints")).frustration
        for name, messages in (("angry", angry), ("calm", calm), ("shouted", shouted))
    }
    assert mood["angry"] is not None and mood["angry"].mood.value == "angry"
    assert mood["angry"].series == (0.9, 0.05, 0.0)  # the scores as they were, per message
    assert mood["angry"].trend.value == "steady"
    assert mood["calm"] is not None and mood["calm"].mood.value == "calm"
    assert mood["shouted"] is not None and mood["shouted"].mood.value == "frustrated"


def test_that_the_mood_words_follow_the_score() -> None:
    assert [Mood.of(score).value for score in (0.0, 0.29, 0.3, 0.6, 0.8, 1.0)] == [
        "calm", "calm", "tense", "frustrated", "angry", "angry",
    ]  # fmt: skip


def test_that_the_card_imports_no_io_library() -> None:
    probe = "import sys, tandem.desk.card; print(*sorted({m.split('.')[0] for m in sys.modules}))"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout.split()

    assert not {"sqlalchemy", "fastapi", "starlette", "httpx"} & set(loaded)
