"""Cancel an order that has not shipped; after shipping, explain that a return is the way."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tandem.answering.flows.base import FlowTurn, Outcome, Plan, order_items
from tandem.answering.flows.confirm import (
    ask_confirmation,
    confirmation,
    open_order,
    refused,
)
from tandem.answering.flows.money import money
from tandem.commerce.actions import CancelOrder, Done, ShopAction
from tandem.commerce.model import Order, OrderStatus, RefundStatus
from tandem.domain.flow_records import CancelRecord

UNSHIPPED = frozenset({OrderStatus.PENDING.value, OrderStatus.PROCESSING.value})


@dataclass(frozen=True, slots=True)
class CancelOrderFlow:
    name: str = "cancel_order"
    intents: frozenset[str] = frozenset({"cancel_order"})
    needs_customer: bool = True

    def step(self, turn: FlowTurn) -> Plan:
        opened = open_order(turn, CancelRecord, self.intents, UNSHIPPED, self._blocked)
        if isinstance(opened, Plan):
            return opened
        picked, record = opened

        def ask() -> Plan:
            return ask_confirmation(
                turn,
                "cancel_confirm",
                record,
                order_id=picked.id,
                items=order_items(turn.replies, picked),
                total=money(turn.replies, picked.total, picked.currency),
            )

        if record.confirm:
            return confirmation(turn, record, lambda: self._cancel(picked), ask)
        return ask()

    def _blocked(self, turn: FlowTurn, order: Order) -> Plan | None:
        return None if order.status.value in UNSHIPPED else self._not_cancellable(turn, order)

    @staticmethod
    def _not_cancellable(turn: FlowTurn, order: Order) -> Plan:
        key = {
            OrderStatus.SHIPPED: "cancel_shipped",
            OrderStatus.DELIVERED: "cancel_delivered",
        }.get(order.status, "cancel_closed")
        return refused(
            turn, CancelRecord, key, order.id, "not_cancellable",
            status=turn.replies.status(order.status),
        )

    @staticmethod
    def _cancel(order: Order) -> Plan:
        action = CancelOrder(order.id, tuple(refund.id for refund in order.refunds))
        return Plan((), Outcome.RESOLVED, detail={"order_id": order.id}, action=action)

    def performed(self, turn: FlowTurn, action: ShopAction, done: Done) -> Plan:
        order_id = action.order_id
        refunds = done.refunds
        say, date = turn.replies.say, turn.replies.date
        if refunds and refunds[0].status is not RefundStatus.PAID and done.order is not None:
            total = sum((refund.amount for refund in refunds), Decimal(0))
            # Charged twice: every payment comes back, said as such (never a bare amount of
            # twice the order's total)
            twice = len(refunds) > 1 and total > done.order.total
            reply = say(
                "cancel_done_refund_payments" if twice else "cancel_done_refund",
                order_id=order_id,
                count=len(refunds),
                each=money(turn.replies, refunds[0].amount, done.order.currency),
                amount=money(turn.replies, total, done.order.currency),
                method=turn.replies.phrase("payment_method", refunds[0].method),
                expected_on=date(max(r.expected_at for r in refunds)),
            )
        else:
            reply = say("cancel_done", order_id=order_id)
        return Plan((reply,), Outcome.RESOLVED, detail={"order_id": order_id})
