"""The flow interface that every built-in and plugged-in flow implements."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol, TypeVar, runtime_checkable

from tandem.answering.replies import Replies, Reply
from tandem.commerce.actions import Done, ShopAction
from tandem.commerce.model import Customer, Order, OrderLine, ShopReader
from tandem.domain.decision import Outcome
from tandem.domain.flow_records import FlowRecord
from tandem.understanding.result import Understanding

__all__ = [
    "Flow", "FlowTurn", "Outcome", "Performs", "Plan", "SelectsItems", "counted", "line_name",
    "order_items", "pick_order",
]  # fmt: skip

R = TypeVar("R", bound=FlowRecord)


@dataclass(frozen=True, slots=True)
class FlowTurn:
    understanding: Understanding
    customer: Customer | None
    record: FlowRecord | None  # the flow's state from its last turn; None when it starts
    shop: ShopReader  # reading only: a flow proposes changes, the turn performs them
    replies: Replies
    today: dt.date
    previous_reply: str = ""

    def state(self, kind: type[R]) -> R:
        """The flow's record as its own type (a fresh one when the flow starts)."""
        if isinstance(self.record, kind):
            return self.record
        return kind(order_id=self.record.order_id) if self.record else kind()

    def with_record(self, record: FlowRecord) -> FlowTurn:
        return dataclasses.replace(self, record=record)


@dataclass(frozen=True, slots=True)
class Plan:
    """What a flow proposes for one message: what to say, the state to keep and the shop change
    to make. Nothing is performed: the turn performs `action` only when the policy lets the AI
    answer, and the same plan can be shown to an agent as a suggestion."""

    replies: tuple[Reply, ...]
    outcome: Outcome
    record: FlowRecord | None = None  # the state to keep; None when the flow is finished
    detail: dict[str, str] = field(default_factory=dict)  # facts for the decided event
    action: ShopAction | None = None  # the change to make, once decided


class Flow(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def intents(self) -> frozenset[str]:
        """The intents that start this flow."""
        ...

    @property
    def needs_customer(self) -> bool: ...

    def step(self, turn: FlowTurn) -> Plan: ...


@runtime_checkable
class Performs(Protocol):
    """A flow whose plans carry shop actions: it words the result once the turn performed it."""

    def performed(self, turn: FlowTurn, action: ShopAction, done: Done) -> Plan: ...


@runtime_checkable
class SelectsItems(Protocol):
    """A flow about some items of one order (a return, an exchange): while it is open, a message
    that picks items of that order ("only the hoodie", "nee, niet de sokken") belongs to it,
    whatever else the message reads like."""

    @property
    def selects_items(self) -> bool: ...


def line_name(replies: Replies, line: OrderLine) -> str:
    """A product with its variant, as a person writes it in the replies' language (template
    `order_line.variant`): "Hooded sweatshirt in M / grey", "Écouteurs sans fil en blanc"."""
    if not line.variant_name:
        return line.product_name
    wording = replies.phrase("order_line", "variant")
    return wording.format(product=line.product_name, variant=line.variant_name)


def counted(replies: Replies, quantity: int, item: str) -> str:
    """An item with how many (template `order_line.quantity`): "2 x Merino socks"."""
    return replies.phrase("order_line", "quantity").format(quantity=quantity, item=item)


def order_items(replies: Replies, order: Order) -> str:
    return ", ".join(
        counted(replies, line.quantity, line_name(replies, line))
        if line.quantity > 1
        else line_name(replies, line)
        for line in order.lines
    )


def recent_orders(replies: Replies, orders: list[Order], limit: int = 4) -> str:
    """The newest orders with their items, as the language lists them (template `order_line`:
    "TD-1003: Canvas sneakers in 39 / white; TD-1001: ...", "TD-1003 : Baskets ... ; ...")."""
    newest = sorted(orders, key=lambda order: order.created_at, reverse=True)[:limit]
    wording = replies.phrase("order_line", "order")
    listed = (wording.format(order_id=o.id, items=order_items(replies, o)) for o in newest)
    return replies.phrase("order_line", "between_orders").join(listed)


def pick_order(turn: FlowTurn, wanted: frozenset[str]) -> Order | Plan:
    """The order the customer means: named in the message, or the only one that fits.

    `wanted` lists the statuses this flow can act on, to choose among several orders. An order
    number that is not the customer's own is refused without saying whether it exists.
    """
    assert turn.customer is not None
    orders = turn.shop.orders_of(turn.customer.id)
    kept = turn.record.order_id if turn.record else None
    named = turn.understanding.slots.order_ids or tuple(value for value in [kept] if value)
    if named:
        mine: dict[str, Order] = {order.id: order for order in orders}
        if named[0] in mine:
            return mine[named[0]]
        recent = recent_orders(turn.replies, orders)
        return Plan(
            (turn.replies.say("order_not_found", order_id=named[0], orders=recent),),
            Outcome.ASKED,
            turn.record,
        )
    if not orders:
        return Plan((turn.replies.say("no_orders"),), Outcome.ANSWERED)
    if turn.record is not None and turn.understanding.intent in ("affirm", "deny"):
        # "yes" to "which order?" names none: ask again, never pick one for the customer
        recent = recent_orders(turn.replies, orders)
        reply = turn.replies.say("order_pick", avoid=turn.previous_reply, orders=recent)
        return Plan((reply,), Outcome.ASKED, turn.record)
    fitting = [order for order in orders if order.status.value in wanted] or orders
    if len(fitting) == 1:
        return fitting[0]
    products = set(turn.understanding.slots.product_refs)
    if products:  # "de regenjas": the one order holding the product named
        holding = [o for o in orders if products & {line.product_id for line in o.lines}]
        if len(holding) == 1:
            return holding[0]
    return Plan(
        (turn.replies.say("order_pick", orders=recent_orders(turn.replies, fitting)),),
        Outcome.ASKED,
        turn.record,
    )
