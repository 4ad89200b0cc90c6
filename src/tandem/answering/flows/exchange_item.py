"""Exchange an item for another variant of the same product (another size or colour).

Before shipping, or after delivery within the return window; only variants in stock.
"""

from __future__ import annotations

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
from tandem.answering.flows.items import named_lines, wanted_variant, with_order_of_items
from tandem.commerce.model import RETURN_WINDOW_DAYS, CommerceError, Order, OrderLine, OrderStatus

EXCHANGEABLE = frozenset(
    {OrderStatus.PENDING.value, OrderStatus.PROCESSING.value, OrderStatus.DELIVERED.value}
)
Variant = tuple[str, str, bool]  # id, name, in stock


@dataclass(frozen=True, slots=True)
class ExchangeItemFlow:
    name: str = "exchange_item"
    intents: frozenset[str] = frozenset({"exchange_item"})
    needs_customer: bool = True

    def step(self, turn: FlowTurn) -> Step:
        turn = with_order_of_items(turn, EXCHANGEABLE)
        opened = open_order(turn, self.intents, EXCHANGEABLE, self._blocked)
        if isinstance(opened, Step):
            return opened
        picked, data = opened
        line = self._line(turn, picked, data)
        if isinstance(line, Step):
            return line
        data["variant_id"] = line.variant_id
        if data.get("confirm"):
            new = (str(data["new_id"]), str(data["new_name"]), True)
            return confirmation(
                turn,
                lambda: self._exchange(turn, picked, line, new),
                lambda: self._ask(turn, picked, data, line, new),
            )
        return self._choose(turn, picked, data, line)

    @staticmethod
    def _blocked(turn: FlowTurn, order: Order) -> Step | None:
        delivered = order.delivered_at.date() if order.delivered_at else None
        if delivered and (turn.today - delivered).days > RETURN_WINDOW_DAYS:
            return business_rule(
                turn,
                "exchange_window_closed",
                order.id,
                "return_window_closed",
                delivered_on=turn.replies.date(delivered),
                days=str(RETURN_WINDOW_DAYS),
            )
        if order.status.value in EXCHANGEABLE:
            return None
        key = "exchange_in_transit" if order.status is OrderStatus.SHIPPED else "exchange_closed"
        return refused(turn, key, order.id, "not_exchangeable", status=order.status.value)

    @staticmethod
    def _line(turn: FlowTurn, order: Order, data: FlowData) -> OrderLine | Step:
        lines = [line for line in order.lines if line.quantity > line.returned_quantity]
        named = [w.line for w in named_lines(turn.understanding.text, order)]
        known = [line for line in lines if line.variant_id == data.get("variant_id")]
        chosen = [line for line in named if line in lines] or known or lines
        if len(chosen) == 1:
            return chosen[0]
        reply = turn.replies.say(
            "exchange_which_item",
            order_id=order.id,
            items=", ".join(f"{line.product_name} ({line.variant_name})" for line in lines),
        )
        return Step((reply,), Outcome.ASKED, data)

    def _choose(self, turn: FlowTurn, order: Order, data: FlowData, line: OrderLine) -> Step:
        try:
            variants = turn.shop.variants_of(line.product_id)
        except CommerceError as error:
            return action_failed(turn, order.id, error)
        variants = [v for v in variants if v[0] != line.variant_id]
        in_stock = [v for v in variants if v[2]]
        said = _closest(wanted_variant(turn.understanding.text, variants), line.variant_id)
        if said is not None and said[2]:
            return self._ask(turn, order, data, line, said)
        if not in_stock:
            return business_rule(
                turn, "exchange_none_in_stock", order.id, "out_of_stock", item=line.product_name
            )
        key = "exchange_out_of_stock" if said is not None else "exchange_pick_variant"
        reply = turn.replies.say(
            key,
            avoid=turn.previous_reply,
            item=f"{line.product_name} ({line.variant_name})",
            wanted=said[1] if said else "",
            variants=", ".join(v[1] for v in in_stock),
        )
        return Step((reply,), Outcome.ASKED, data)

    @staticmethod
    def _ask(turn: FlowTurn, order: Order, data: FlowData, line: OrderLine, new: Variant) -> Step:
        return ask_confirmation(
            turn,
            "exchange_confirm",
            data | {"new_id": new[0], "new_name": new[1]},
            order_id=order.id,
            item=line.product_name,
            old=line.variant_name,
            new=new[1],
        )

    @staticmethod
    def _exchange(turn: FlowTurn, order: Order, line: OrderLine, new: Variant) -> Step:
        try:
            turn.shop.exchange_item(order.id, line.variant_id, new[0])
        except CommerceError as error:
            return action_failed(turn, order.id, error)
        delivered = order.status is OrderStatus.DELIVERED
        key = "exchange_done_delivered" if delivered else "exchange_done"
        reply = turn.replies.say(
            key, order_id=order.id, item=line.product_name, old=line.variant_name, new=new[1]
        )
        return Step((reply,), Outcome.RESOLVED, detail={"order_id": order.id, "variant": new[0]})


def _closest(candidates: list[Variant], current_id: str) -> Variant | None:
    """Of the variants the customer's words fit, the one that keeps most of the current one
    (asking for "L" keeps the grey of a grey hoodie), in stock first."""
    current = set(current_id.split("-"))
    return max(candidates, key=lambda v: (len(current & set(v[0].split("-"))), v[2]), default=None)
