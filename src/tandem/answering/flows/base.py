"""The flow interface that every built-in and plugged-in flow implements."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from tandem.answering.replies import Replies, Reply
from tandem.commerce.model import CommerceBackend, Customer, Order
from tandem.understanding.result import Understanding

FlowData = dict[str, Any]  # a flow's own JSON-serialisable state between turns


class Outcome(StrEnum):
    """What a turn achieved; the handoff policy and the metrics read it."""

    ANSWERED = "answered"  # a useful, grounded answer
    ASKED = "asked"  # asked for a missing detail (identity, which order, a confirmation)
    RESOLVED = "resolved"  # performed an action and confirmed it
    SMALL_TALK = "small_talk"  # greeting, thanks, goodbye
    DECLINED = "declined"  # the customer changed their mind or let a confirmation go
    NOT_UNDERSTOOD = "not_understood"
    ACTION_FAILED = "action_failed"  # the shop refused or failed
    BUSINESS_RULE = "business_rule"  # a shop rule forbids what the customer needs


@dataclass(frozen=True, slots=True)
class FlowTurn:
    understanding: Understanding
    customer: Customer | None
    data: FlowData  # empty when the flow starts
    shop: CommerceBackend
    replies: Replies
    today: dt.date
    previous_reply: str = ""


@dataclass(frozen=True, slots=True)
class Step:
    replies: tuple[Reply, ...]
    outcome: Outcome
    data: FlowData | None = None  # the state to keep; None when the flow is finished
    detail: dict[str, str] = field(default_factory=dict)  # facts for the handoff card


class Flow(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def intents(self) -> frozenset[str]:
        """The intents that start this flow."""
        ...

    @property
    def needs_customer(self) -> bool: ...

    def step(self, turn: FlowTurn) -> Step: ...


def order_items(order: Order) -> str:
    return ", ".join(
        f"{line.quantity} x {line.product_name} ({line.variant_name})"
        if line.quantity > 1
        else f"{line.product_name} ({line.variant_name})"
        for line in order.lines
    )


def recent_orders(orders: list[Order], limit: int = 4) -> str:
    newest = sorted(orders, key=lambda order: order.created_at, reverse=True)[:limit]
    return ", ".join(f"{order.id} ({order_items(order)})" for order in newest)


def pick_order(turn: FlowTurn, wanted: frozenset[str]) -> Order | Step:
    """The order the customer means: named in the message, or the only one that fits.

    `wanted` lists the statuses this flow can act on, to choose among several orders. An order
    number that is not the customer's own is refused without saying whether it exists.
    """
    assert turn.customer is not None
    orders = turn.shop.orders_of(turn.customer.id)
    named = turn.understanding.slots.order_ids or tuple(
        value for value in [turn.data.get("order_id")] if value
    )
    if named:
        mine: dict[str, Order] = {order.id: order for order in orders}
        if named[0] in mine:
            return mine[named[0]]
        return Step(
            (turn.replies.say("order_not_found", order_id=named[0], orders=recent_orders(orders)),),
            Outcome.ASKED,
            dict(turn.data),
        )
    if not orders:
        return Step((turn.replies.say("no_orders"),), Outcome.ANSWERED)
    fitting = [order for order in orders if order.status.value in wanted] or orders
    if len(fitting) == 1:
        return fitting[0]
    return Step(
        (turn.replies.say("order_pick", orders=recent_orders(fitting)),),
        Outcome.ASKED,
        dict(turn.data),
    )
