"""Cancel an order that has not shipped; after shipping, explain that a return is the way."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tandem.answering.flows.base import FlowTurn, Outcome, Step, order_items
from tandem.answering.flows.confirm import (
    action_failed,
    ask_confirmation,
    confirmation,
    open_order,
    refused,
)
from tandem.answering.flows.money import money
from tandem.commerce.model import CommerceError, Order, OrderStatus, RefundStatus

UNSHIPPED = frozenset({OrderStatus.PENDING.value, OrderStatus.PROCESSING.value})


@dataclass(frozen=True, slots=True)
class CancelOrderFlow:
    name: str = "cancel_order"
    intents: frozenset[str] = frozenset({"cancel_order"})
    needs_customer: bool = True

    def step(self, turn: FlowTurn) -> Step:
        opened = open_order(turn, self.intents, UNSHIPPED, self._blocked)
        if isinstance(opened, Step):
            return opened
        picked, data = opened

        def ask() -> Step:
            return ask_confirmation(
                turn,
                "cancel_confirm",
                data,
                order_id=picked.id,
                items=order_items(picked),
                total=money(turn.replies, picked.total, picked.currency),
            )

        if data.get("confirm"):
            return confirmation(turn, lambda: self._cancel(turn, picked), ask)
        return ask()

    def _blocked(self, turn: FlowTurn, order: Order) -> Step | None:
        return None if order.status.value in UNSHIPPED else self._not_cancellable(turn, order)

    @staticmethod
    def _not_cancellable(turn: FlowTurn, order: Order) -> Step:
        key = {
            OrderStatus.SHIPPED: "cancel_shipped",
            OrderStatus.DELIVERED: "cancel_delivered",
        }.get(order.status, "cancel_closed")
        return refused(turn, key, order.id, "not_cancellable", status=order.status.value)

    @staticmethod
    def _cancel(turn: FlowTurn, order: Order) -> Step:
        try:
            cancelled = turn.shop.cancel_order(order.id)
        except CommerceError as error:
            return action_failed(turn, order.id, error)
        before = {refund.id for refund in order.refunds}
        refunds = [r for r in cancelled.refunds if r.id not in before]
        say, date = turn.replies.say, turn.replies.date
        if refunds and refunds[0].status is not RefundStatus.PAID:
            total = sum((refund.amount for refund in refunds), Decimal(0))
            reply = say(
                "cancel_done_refund",
                order_id=order.id,
                amount=money(turn.replies, total, order.currency),
                method=turn.replies.phrase("payment_method", refunds[0].method),
                expected_on=date(max(r.expected_at for r in refunds)),
            )
        else:
            reply = say("cancel_done", order_id=order.id)
        return Step((reply,), Outcome.RESOLVED, detail={"order_id": order.id})
