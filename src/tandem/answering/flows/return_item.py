"""Start a return of delivered items within the return window; explain why not otherwise."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tandem.answering.flows.base import FlowData, FlowTurn, Outcome, Step
from tandem.answering.flows.confirm import (
    action_failed,
    ask_confirmation,
    business_rule,
    confirmation,
    open_order,
    refused,
)
from tandem.answering.flows.items import left, named_lines, with_order_of_items
from tandem.answering.flows.money import money
from tandem.commerce.model import RETURN_WINDOW_DAYS, CommerceError, Order, OrderStatus

Selection = dict[str, int]  # variant id -> how many to return
RETURN_REASON = "Return started in the chat"


@dataclass(frozen=True, slots=True)
class ReturnItemFlow:
    name: str = "return_item"
    intents: frozenset[str] = frozenset({"return_item"})
    needs_customer: bool = True

    def step(self, turn: FlowTurn) -> Step:
        turn = with_order_of_items(turn, frozenset({OrderStatus.DELIVERED.value}))
        opened = open_order(
            turn, self.intents, frozenset({OrderStatus.DELIVERED.value}), self._blocked
        )
        if isinstance(opened, Step):
            return opened
        picked, data = opened
        if data.get("confirm"):
            selection: Selection = data["selection"]
            return confirmation(
                turn,
                lambda: self._return(turn, picked, selection),
                lambda: self._ask(turn, picked, data, selection),
            )
        chosen = self._selection(turn, picked)
        if isinstance(chosen, Step):
            return Step(chosen.replies, chosen.outcome, data)
        return self._ask(turn, picked, data, chosen)

    @staticmethod
    def _blocked(turn: FlowTurn, order: Order) -> Step | None:
        if order.status is OrderStatus.DELIVERED and order.delivered_at:
            days = (turn.today - order.delivered_at.date()).days
            if days > RETURN_WINDOW_DAYS:
                return business_rule(
                    turn,
                    "return_window_closed",
                    order.id,
                    "return_window_closed",
                    delivered_on=turn.replies.date(order.delivered_at.date()),
                    days=str(RETURN_WINDOW_DAYS),
                )
            if any(left(line) for line in order.lines):
                return None
        key = {
            OrderStatus.PENDING: "return_not_shipped",
            OrderStatus.PROCESSING: "return_not_shipped",
            OrderStatus.SHIPPED: "return_in_transit",
        }.get(order.status, "return_nothing_left")
        return refused(turn, key, order.id, "not_returnable")

    @staticmethod
    def _selection(turn: FlowTurn, order: Order) -> Selection | Step:
        """What to return: the items named (with their quantities), else everything left."""
        named = named_lines(turn.understanding.text, order)
        if not named:
            return {line.variant_id: left(line) for line in order.lines if left(line)}
        for wanted in named:
            if wanted.quantity is not None and not 0 < wanted.quantity <= left(wanted.line):
                reply = turn.replies.say(
                    "return_too_many",
                    order_id=order.id,
                    wanted=wanted.quantity,
                    item=wanted.line.product_name,
                    ordered=left(wanted.line),
                )
                return Step((reply,), Outcome.ASKED)
        return {w.line.variant_id: w.quantity or left(w.line) for w in named if left(w.line)}

    @staticmethod
    def _ask(turn: FlowTurn, order: Order, data: FlowData, selection: Selection) -> Step:
        return ask_confirmation(
            turn,
            "return_confirm",
            data | {"selection": selection},
            order_id=order.id,
            items=_items(order, selection),
            amount=money(turn.replies, _amount(order, selection), order.currency),
            method=turn.replies.phrase("payment_method", order.payment_method),
        )

    @staticmethod
    def _return(turn: FlowTurn, order: Order, selection: Selection) -> Step:
        variants = [variant for variant, count in selection.items() for _ in range(count)]
        try:
            refund = turn.shop.start_return(order.id, variants, RETURN_REASON)
        except CommerceError as error:
            return action_failed(turn, order.id, error)
        reply = turn.replies.say(
            "return_done",
            order_id=order.id,
            items=_items(order, selection),
            amount=money(turn.replies, refund.amount, order.currency),
            method=turn.replies.phrase("payment_method", refund.method),
            expected_on=turn.replies.date(refund.expected_at),
        )
        return Step((reply,), Outcome.RESOLVED, detail={"order_id": order.id, "refund": refund.id})


def _items(order: Order, selection: Selection) -> str:
    return ", ".join(
        f"{selection[line.variant_id]} x {line.product_name} ({line.variant_name})"
        for line in order.lines
        if selection.get(line.variant_id)
    )


def _amount(order: Order, selection: Selection) -> Decimal:
    return sum(
        (line.unit_price * selection.get(line.variant_id, 0) for line in order.lines), Decimal(0)
    )
