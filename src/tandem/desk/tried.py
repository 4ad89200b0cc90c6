""""What the AI tried" on the handoff card, as a person would write it.

Each line comes from a recorded step: the replies the AI showed (their template keys), or a
shop action it performed. "Cancelled TD-1003 after the customer confirmed", "Asked for the
order number". In English, the console's language. A flow of a plug-in adds its lines with
:func:`tried_phrase`; a step nobody worded falls back to its topic and outcome.
"""

from __future__ import annotations

from collections.abc import Sequence

from tandem.commerce.model import CommerceErrorCode
from tandem.desk.steps import AiStep, label
from tandem.domain.decision import Outcome

#: Reply key -> what the AI did by showing it; "{order}" is the order in question.
_BY_REPLY: dict[str, str] = {
    "identify_ask": "Asked for the order number and postcode or email to identify the customer",
    "identify_ask_second": "Asked again for the order number and postcode or email",
    "identify_ask_order": "Asked for the order number",
    "identify_failed": "Could not match the order number with the postcode or email given",
    "identify_locked": "Stopped identifying the customer after too many failed attempts",
    "identify_ok": "Identified the customer",
    "order_pick": "Asked which order they mean",
    "order_not_found": "The order number given is not one of the customer's orders",
    "no_orders": "Found no orders for the customer",
    "order_pending": "Told the customer {order} is awaiting payment",
    "order_processing": "Told the customer {order} is being prepared",
    "order_shipped": "Gave the shipping status and tracking of {order}",
    "order_delivered": "Told the customer {order} was delivered",
    "order_cancelled": "Told the customer {order} is cancelled",
    "order_returned": "Told the customer {order} was returned",
    "payment_method": "Explained the payment methods",
    "declined": "The customer decided not to go ahead",
    "cancel_confirm": "Asked the customer to confirm cancelling {order}",
    "cancel_shipped": "Explained {order} has shipped and can no longer be cancelled",
    "cancel_delivered": "Explained {order} was delivered and can no longer be cancelled",
    "cancel_closed": "Told the customer {order} is already cancelled or returned",
    "return_confirm": "Asked the customer to confirm the return of {order}",
    "return_too_many": "Asked which items of {order} to return (more were named than ordered)",
    "return_window_closed": "Explained the 30-day return window of {order} has passed",
    "return_not_shipped": "Explained {order} has not shipped yet, so it cannot be returned",
    "return_in_transit": "Explained {order} is still on its way, so it cannot be returned yet",
    "return_nothing_left": "Told the customer every item of {order} is already being returned",
    "refund_requested": "Told the customer the refund for {order} is requested",
    "refund_on_its_way": "Told the customer the refund for {order} is on its way",
    "refund_paid": "Told the customer the refund for {order} was paid",
    "refund_none": "Told the customer there is no refund for {order}",
    "address_ask": "Asked for the new delivery address of {order}",
    "address_bad_postcode": "Asked again for the address: the postcode was not valid",
    "address_confirm": "Asked the customer to confirm the new address of {order}",
    "address_shipped": "Explained {order} has shipped, so its address can no longer change",
    "address_closed": "Explained {order} is closed, so its address can no longer change",
    "payment_offer": "Offered the other payment methods for {order}",
    "payment_confirm": "Asked the customer to confirm the new payment method of {order}",
    "payment_shipped": "Explained {order} has shipped, so its payment method can't change",
    "payment_closed": "Explained {order} is closed, so its payment method can't change",
    "exchange_which_item": "Asked which item of {order} to exchange",
    "exchange_pick_variant": "Asked which size or colour they want instead",
    "exchange_out_of_stock": "Told the customer the size or colour they asked for is sold out",
    "exchange_none_in_stock": "Told the customer no other size or colour is in stock",
    "exchange_confirm": "Asked the customer to confirm the exchange on {order}",
    "exchange_window_closed": "Explained the exchange window of {order} has passed",
    "exchange_in_transit": "Explained {order} is on its way, so it cannot be exchanged now",
    "exchange_closed": "Explained {order} is closed, so nothing can be exchanged",
    "knowledge_answer": "Answered from the help centre ({topic})",
    "knowledge_answer_unlinked": "Answered from the help centre ({topic})",
}

#: Replies that do nothing worth a line ("Anything else?", the offer of a person).
_NOTHING = frozenset(
    {"anything_else", "offer_human", "greeting_reply", "thanks_reply", "goodbye_reply"}
)

#: Shop action kind -> what the AI did when the shop carried it out.
_DONE: dict[str, str] = {
    "cancel_order": "Cancelled {order} after the customer confirmed",
    "start_return": "Started a return of {order} after the customer confirmed",
    "change_address": "Changed the delivery address of {order} after the customer confirmed",
    "change_payment_method": "Changed the payment method of {order} after the customer confirmed",
    "exchange_item": "Exchanged an item of {order} after the customer confirmed",
}

#: Shop action kind -> what the AI tried, when the shop refused or failed.
_TRIED: dict[str, str] = {
    "cancel_order": "Tried to cancel {order}",
    "start_return": "Tried to start a return of {order}",
    "change_address": "Tried to change the delivery address of {order}",
    "change_payment_method": "Tried to change the payment method of {order}",
    "exchange_item": "Tried to exchange an item of {order}",
}

#: Why the shop refused, in words.
_ERRORS: dict[CommerceErrorCode, str] = {
    CommerceErrorCode.NOT_FOUND: "the shop could not find it",
    CommerceErrorCode.NOT_CANCELLABLE: "the order can no longer be cancelled",
    CommerceErrorCode.ALREADY_SHIPPED: "the order has already shipped",
    CommerceErrorCode.ORDER_CLOSED: "the order is cancelled or returned",
    CommerceErrorCode.NOT_RETURNABLE: "the order was never delivered",
    CommerceErrorCode.RETURN_WINDOW_CLOSED: "the 30-day return window has passed",
    CommerceErrorCode.NOT_EXCHANGEABLE: "the order cannot be exchanged now",
    CommerceErrorCode.OUT_OF_STOCK: "the new size or colour is out of stock",
    CommerceErrorCode.INVALID_ITEM: "the items named are not on the order",
    CommerceErrorCode.INVALID_ADDRESS: "the shop did not accept the address",
    CommerceErrorCode.INVALID_PAYMENT_METHOD: "the shop did not accept the payment method",
    CommerceErrorCode.UNAVAILABLE: "the shop could not be reached",
    CommerceErrorCode.INVALID_RESPONSE: "the shop gave an answer Tandem could not read",
}


def tried_phrase(key: str, phrase: str) -> None:
    """Word the card's line for a reply key (a plug-in flow's own replies)."""
    _BY_REPLY[key] = phrase


def tried_lines(steps: Sequence[AiStep]) -> tuple[str, ...]:
    """The card's "What the AI tried", oldest first, each line once in a row."""
    lines: list[str] = []
    rephrases = sum(1 for step in steps if step.outcome is Outcome.NOT_UNDERSTOOD)
    for step in steps:
        for line in _lines(step):
            if not lines or lines[-1] != line:
                lines.append(line)
    if rephrases:
        lines.append(
            "Asked to rephrase once" if rephrases == 1 else f"Asked to rephrase {rephrases} times"
        )
    return tuple(lines)


def _lines(step: AiStep) -> list[str]:
    order = step.order_id or "the order"
    topic = label(step.topic, step.intent)
    if step.intent in _DONE and step.outcome in (Outcome.RESOLVED, Outcome.ACTION_FAILED):
        return [_action(step, order)]
    worded = [_BY_REPLY[key] for key in step.said if key in _BY_REPLY]
    if worded:
        return [line.format(order=order, topic=topic) for line in worded]
    if step.said and all(key in _NOTHING for key in step.said):
        return []
    return [line] if (line := _fallback(step, order, topic)) else []


def _action(step: AiStep, order: str) -> str:
    if step.outcome is Outcome.RESOLVED:
        return _DONE[step.intent].format(order=order)
    why = _ERRORS.get(step.error) if step.error else None
    tried = _TRIED[step.intent].format(order=order)
    return f"{tried}: {why}" if why else f"{tried}, which failed"


def _fallback(step: AiStep, order: str, topic: str) -> str | None:
    about = f"the {topic} of {step.order_id}" if step.order_id else f"the {topic}"
    lines = {
        Outcome.ANSWERED: f"Answered a question about {about}",
        Outcome.ASKED: f"Asked for details about {about}",
        Outcome.RESOLVED: f"Completed {about}",
        Outcome.DECLINED: f"The customer called off {about}",
        Outcome.ACTION_FAILED: f"Could not complete {about}",
        Outcome.BUSINESS_RULE: f"A shop rule stopped {about}",
    }
    return lines.get(step.outcome)
