"""Change the payment method of an order that has not shipped, in the chat (never a link)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tandem.answering.flows.base import FlowData, FlowTurn, Outcome, Step
from tandem.answering.flows.confirm import (
    action_failed,
    ask_confirmation,
    business_rule,
    confirmation,
    open_order,
    refused,
)
from tandem.answering.flows.money import money
from tandem.answering.replies import Reply
from tandem.commerce.model import PAYMENT_METHODS, CommerceError, Order, OrderStatus

UNSHIPPED = frozenset({OrderStatus.PENDING.value, OrderStatus.PROCESSING.value})
#: How customers name the shop's payment methods.
_METHOD_WORDS = {
    "ideal": r"i-?deal",
    "card": r"(?:credit\s?)?card|creditcard|kaart|visa|mastercard|amex",
    "paypal": r"pay\s?pal",
    "klarna": r"klarna|achteraf\s+betalen|pay\s+later|pay\s+after",
}


@dataclass(frozen=True, slots=True)
class ChangePaymentFlow:
    name: str = "change_payment"
    intents: frozenset[str] = frozenset({"change_payment_method"})
    needs_customer: bool = True

    def step(self, turn: FlowTurn) -> Step:
        opened = open_order(turn, self.intents, UNSHIPPED, self._blocked)
        if isinstance(opened, Step):
            return opened
        picked, data = opened
        if data.get("confirm"):
            method = str(data["method"])
            return confirmation(
                turn,
                lambda: self._change(turn, picked, method),
                lambda: self._ask(turn, picked, data, method),
            )
        offered = offered_methods(picked)
        wanted = [m for m in wanted_methods(turn.understanding.text) if m in offered]
        if not wanted:
            return Step((self._offer(turn, picked, offered),), Outcome.ASKED, data)
        return self._ask(turn, picked, data, wanted[0])

    def _blocked(self, turn: FlowTurn, order: Order) -> Step | None:
        return None if order.status.value in UNSHIPPED else self._too_late(turn, order)

    @staticmethod
    def _too_late(turn: FlowTurn, order: Order) -> Step:
        if order.status is OrderStatus.SHIPPED:
            return business_rule(turn, "payment_shipped", order.id, "already_shipped")
        return refused(turn, "payment_closed", order.id, "order_closed", status=order.status.value)

    @staticmethod
    def _offer(turn: FlowTurn, order: Order, offered: list[str]) -> Reply:
        names = [turn.replies.phrase("payment_method", m) for m in offered]
        return turn.replies.say(
            "payment_offer",
            avoid=turn.previous_reply,
            order_id=order.id,
            current=turn.replies.phrase("payment_method", order.payment_method),
            methods=", ".join(names),
        )

    @staticmethod
    def _ask(turn: FlowTurn, order: Order, data: FlowData, method: str) -> Step:
        phrase = turn.replies.phrase
        return ask_confirmation(
            turn,
            "payment_confirm",
            data | {"method": method},
            order_id=order.id,
            old=phrase("payment_method", order.payment_method),
            new=phrase("payment_method", method),
            total=money(turn.replies, order.total, order.currency),
        )

    @staticmethod
    def _change(turn: FlowTurn, order: Order, method: str) -> Step:
        try:
            changed = turn.shop.change_payment_method(order.id, method)
        except CommerceError as error:
            return action_failed(turn, order.id, error)
        say, phrase = turn.replies.say, turn.replies.phrase
        fields = {"order_id": order.id, "new": phrase("payment_method", method)}
        refunds = [r for r in changed.refunds if r not in order.refunds]
        if refunds:
            reply = say(
                "payment_done_refund",
                **fields,
                amount=money(turn.replies, refunds[0].amount, order.currency),
                old=phrase("payment_method", refunds[0].method),
                expected_on=turn.replies.date(refunds[0].expected_at),
            )
        else:
            reply = say("payment_done", **fields)
        return Step((reply,), Outcome.RESOLVED, detail={"order_id": order.id, "method": method})


def offered_methods(order: Order) -> list[str]:
    """The methods this order can move to: not its own, iDEAL only in euros."""
    return [
        method
        for method in PAYMENT_METHODS
        if method != order.payment_method and (method != "ideal" or order.currency == "EUR")
    ]


def wanted_methods(text: str) -> list[str]:
    """The methods the message names, the one named last first ("from Klarna to iDEAL")."""
    found = [
        (match.start(), method)
        for method, pattern in _METHOD_WORDS.items()
        for match in re.finditer(rf"\b(?:{pattern})\b", text, re.IGNORECASE)
    ]
    return [method for _, method in sorted(found, reverse=True)]
