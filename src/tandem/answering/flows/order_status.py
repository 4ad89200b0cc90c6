"""Where is my order: status, carrier, tracking and expected delivery, from the shop's data."""

from __future__ import annotations

from dataclasses import dataclass

from tandem.answering.flows.base import FlowTurn, Outcome, Plan, order_items, pick_order
from tandem.answering.replies import Reply
from tandem.commerce.model import Order, OrderStatus
from tandem.domain.flow_records import OrderStatusRecord

OPEN = frozenset({OrderStatus.PENDING, OrderStatus.PROCESSING, OrderStatus.SHIPPED})
#: How many more orders one message may ask about at once ("TD-1001, 1002 and 1003").
MORE_ORDERS = 2


@dataclass(frozen=True, slots=True)
class OrderStatusFlow:
    name: str = "order_status"
    intents: frozenset[str] = frozenset({"where_is_my_order"})
    needs_customer: bool = True

    def step(self, turn: FlowTurn) -> Plan:
        turn = turn.with_record(turn.state(OrderStatusRecord))
        picked = pick_order(turn, frozenset(status.value for status in OPEN))
        if isinstance(picked, Plan):
            return picked
        orders = (picked, *_also_named(turn, picked))
        replies = tuple(self._status_reply(turn, order) for order in orders)
        return Plan(replies, Outcome.ANSWERED, detail={"order_id": picked.id})

    @staticmethod
    def _status_reply(turn: FlowTurn, order: Order) -> Reply:
        say, date = turn.replies.say, turn.replies.date
        items = order_items(turn.replies, order)
        fields: dict[str, object] = {"order_id": order.id, "items": items}
        if order.status is OrderStatus.SHIPPED:
            fields |= {
                "carrier": order.carrier or "-",
                "tracking": order.tracking_number or "-",
                "shipped_on": date(order.shipped_at.date()) if order.shipped_at else "-",
                "expected_on": date(order.expected_delivery) if order.expected_delivery else "-",
            }
        if order.status is OrderStatus.DELIVERED and order.delivered_at:
            fields["delivered_on"] = date(order.delivered_at.date())
        return say(f"order_{order.status.value}", avoid=turn.previous_reply, **fields)


def _also_named(turn: FlowTurn, picked: Order) -> list[Order]:
    """The customer's other orders the message lists ("TD-1001 and 1002"), at most two more;
    an order number that is not theirs is passed over without a word about it."""
    assert turn.customer is not None
    mine: dict[str, Order] = {order.id: order for order in turn.shop.orders_of(turn.customer.id)}
    named = [i for i in turn.understanding.slots.order_ids if i != picked.id and i in mine]
    return [mine[i] for i in named[:MORE_ORDERS]]
