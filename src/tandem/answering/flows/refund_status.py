"""Refund status: amount, method, where it stands and when it arrives. Reading only."""

from __future__ import annotations

from dataclasses import dataclass

from tandem.answering.flows.base import FlowTurn, Outcome, Plan, pick_order
from tandem.answering.flows.money import money
from tandem.answering.replies import Reply
from tandem.commerce.model import Order, OrderStatus, Refund, RefundStatus
from tandem.domain.flow_records import RefundStatusRecord

#: Orders that usually carry a refund, to choose among several.
WITH_REFUNDS = frozenset({OrderStatus.RETURNED.value, OrderStatus.CANCELLED.value})


@dataclass(frozen=True, slots=True)
class RefundStatusFlow:
    name: str = "refund_status"
    intents: frozenset[str] = frozenset({"refund_status"})
    needs_customer: bool = True

    def step(self, turn: FlowTurn) -> Plan:
        customer = turn.customer
        assert customer is not None
        turn = turn.with_record(turn.state(RefundStatusRecord))
        named = turn.understanding.slots.order_ids or (turn.record and turn.record.order_id)
        refunded = [o for o in turn.shop.orders_of(customer.id) if o.refunds]
        if not named and len(refunded) == 1:
            picked: Order | Plan = refunded[0]
        else:
            picked = pick_order(turn, WITH_REFUNDS)
        if isinstance(picked, Plan):
            return picked
        if not picked.refunds:
            reply = turn.replies.say("refund_none", order_id=picked.id)
            return Plan((reply,), Outcome.ANSWERED, detail={"order_id": picked.id})
        newest = max(picked.refunds, key=lambda refund: refund.created_at)
        return Plan(
            (_refund_reply(turn, picked, newest),),
            Outcome.ANSWERED,
            detail={"order_id": picked.id, "refund": newest.id},
        )


def _refund_reply(turn: FlowTurn, order: Order, refund: Refund) -> Reply:
    keys = {
        RefundStatus.REQUESTED: "refund_requested",
        RefundStatus.ON_ITS_WAY: "refund_on_its_way",
        RefundStatus.PAID: "refund_paid",
    }
    return turn.replies.say(
        keys[refund.status],
        avoid=turn.previous_reply,
        order_id=order.id,
        amount=money(turn.replies, refund.amount, order.currency),
        method=turn.replies.phrase("payment_method", refund.method),
        expected_on=turn.replies.date(refund.expected_at),
        started_on=turn.replies.date(refund.created_at.date()),
    )
