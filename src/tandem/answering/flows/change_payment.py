"""Change the payment method of an order that has not shipped, in the chat (never a link)."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from tandem.answering.flows.base import FlowTurn, Outcome, Plan
from tandem.answering.flows.confirm import (
    ask_confirmation,
    business_rule,
    confirmation,
    open_order,
    refused,
)
from tandem.answering.flows.money import money
from tandem.answering.replies import Reply
from tandem.commerce.actions import ChangePaymentMethod, Done, ShopAction
from tandem.commerce.model import PAYMENT_METHODS, Order, OrderStatus
from tandem.domain.flow_records import PaymentRecord

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

    def step(self, turn: FlowTurn) -> Plan:
        opened = open_order(turn, PaymentRecord, self.intents, UNSHIPPED, self._blocked)
        if isinstance(opened, Plan):
            return opened
        picked, record = opened
        if record.confirm and record.method:
            method = record.method
            action = ChangePaymentMethod(
                picked.id, method, tuple(refund.id for refund in picked.refunds)
            )
            return confirmation(
                turn,
                record,
                lambda: Plan((), Outcome.RESOLVED, detail={"order_id": picked.id}, action=action),
                lambda: self._ask(turn, picked, record, method),
            )
        offered = offered_methods(picked)
        wanted = [m for m in wanted_methods(turn.understanding.text) if m in offered]
        if not wanted:
            return Plan((self._offer(turn, picked, offered),), Outcome.ASKED, record)
        return self._ask(turn, picked, record, wanted[0])

    def _blocked(self, turn: FlowTurn, order: Order) -> Plan | None:
        return None if order.status.value in UNSHIPPED else self._too_late(turn, order)

    @staticmethod
    def _too_late(turn: FlowTurn, order: Order) -> Plan:
        if order.status is OrderStatus.SHIPPED:
            return business_rule(turn, "payment_shipped", order.id, "already_shipped")
        return refused(
            turn, PaymentRecord, "payment_closed", order.id, "order_closed",
            status=turn.replies.status(order.status),
        )  # fmt: skip

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
    def _ask(turn: FlowTurn, order: Order, record: PaymentRecord, method: str) -> Plan:
        phrase = turn.replies.phrase
        return ask_confirmation(
            turn,
            "payment_confirm",
            dataclasses.replace(record, method=method),
            order_id=order.id,
            old=phrase("payment_method", order.payment_method),
            new=phrase("payment_method", method),
            total=money(turn.replies, order.total, order.currency),
        )

    def performed(self, turn: FlowTurn, action: ShopAction, done: Done) -> Plan:
        assert isinstance(action, ChangePaymentMethod)
        say, phrase = turn.replies.say, turn.replies.phrase
        fields = {"order_id": action.order_id, "new": phrase("payment_method", action.method)}
        if done.refunds and done.order is not None:
            refund = done.refunds[0]
            reply = say(
                "payment_done_refund",
                **fields,
                amount=money(turn.replies, refund.amount, done.order.currency),
                old=phrase("payment_method", refund.method),
                expected_on=turn.replies.date(refund.expected_at),
            )
        else:
            reply = say("payment_done", **fields)
        detail = {"order_id": action.order_id, "method": action.method}
        return Plan((reply,), Outcome.RESOLVED, detail=detail)


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
