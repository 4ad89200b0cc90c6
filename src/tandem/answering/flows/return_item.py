"""Start a return of delivered items within the return window; explain why not otherwise."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from tandem.answering.flows.base import FlowTurn, Outcome, Plan, counted, line_name
from tandem.answering.flows.confirm import (
    ask_confirmation,
    business_rule,
    confirmation,
    open_order,
    refused,
)
from tandem.answering.flows.items import left, named_lines, selected, with_order_of_items
from tandem.answering.flows.money import money
from tandem.answering.replies import Replies
from tandem.commerce.actions import Done, ShopAction, StartReturn
from tandem.commerce.model import RETURN_WINDOW_DAYS, Order, OrderStatus
from tandem.domain.flow_records import ReturnRecord

Selection = dict[str, int]  # variant id -> how many to return
RETURN_REASON = "Return started in the chat"
DELIVERED = frozenset({OrderStatus.DELIVERED.value})


@dataclass(frozen=True, slots=True)
class ReturnItemFlow:
    name: str = "return_item"
    intents: frozenset[str] = frozenset({"return_item"})
    needs_customer: bool = True
    selects_items: bool = True

    def step(self, turn: FlowTurn) -> Plan:
        turn = with_order_of_items(turn, ReturnRecord, DELIVERED)
        opened = open_order(turn, ReturnRecord, self.intents, DELIVERED, self._blocked)
        if isinstance(opened, Plan):
            return opened
        picked, record = opened
        if record.confirm and named_lines(turn.understanding.text, picked):
            chosen = self._selection(turn, picked)  # items picked again: ask about those
            if isinstance(chosen, Plan):
                return dataclasses.replace(chosen, record=record)
            same = chosen == dict(record.selection)
            return self._ask(turn, picked, dataclasses.replace(record, confirm=same), chosen)
        if record.confirm:
            selection: Selection = dict(record.selection)
            return confirmation(
                turn,
                record,
                lambda: _propose(picked, selection),
                lambda: self._ask(turn, picked, record, selection),
            )
        chosen = self._selection(turn, picked)
        if isinstance(chosen, Plan):
            return dataclasses.replace(chosen, record=record)
        return self._ask(turn, picked, record, chosen)

    @staticmethod
    def _blocked(turn: FlowTurn, order: Order) -> Plan | None:
        if order.status is OrderStatus.DELIVERED and order.delivered_at:
            days = (turn.today - order.delivered_at.date()).days
            if days > RETURN_WINDOW_DAYS and not _named(turn, order):
                return refused(  # an order the customer never named: explain, no hand-over
                    turn,
                    ReturnRecord,
                    "return_window_closed_unnamed",
                    order.id,
                    "return_window_closed",
                    delivered_on=turn.replies.date(order.delivered_at.date()),
                    days=str(RETURN_WINDOW_DAYS),
                )
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
        return refused(turn, ReturnRecord, key, order.id, "not_returnable")

    @staticmethod
    def _selection(turn: FlowTurn, order: Order) -> Selection | Plan:
        """What to return: the items selected ("only the hoodie", "not the socks", "2 socks",
        "all"), with their quantities; nothing named: everything left."""
        text = turn.understanding.text
        named = selected(text, order)
        if not named and named_lines(text, order):  # every item left out: which then?
            items = ", ".join(line.product_name for line in order.lines if left(line))
            reply = turn.replies.say(
                "return_which", avoid=turn.previous_reply, order_id=order.id, items=items
            )
            return Plan((reply,), Outcome.ASKED)
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
                return Plan((reply,), Outcome.ASKED)
        return {w.line.variant_id: w.quantity or left(w.line) for w in named if left(w.line)}

    @staticmethod
    def _ask(turn: FlowTurn, order: Order, record: ReturnRecord, selection: Selection) -> Plan:
        return ask_confirmation(
            turn,
            "return_confirm",
            dataclasses.replace(record, selection=tuple(selection.items())),
            order_id=order.id,
            items=_items(turn.replies, order, selection),
            amount=money(turn.replies, _amount(order, selection), order.currency),
            method=turn.replies.phrase("payment_method", order.payment_method),
        )

    def performed(self, turn: FlowTurn, action: ShopAction, done: Done) -> Plan:
        assert isinstance(action, StartReturn) and done.refunds
        refund = done.refunds[0]
        record = turn.state(ReturnRecord)
        order = turn.shop.order(action.order_id)
        selection = dict(record.selection)
        items = _items(turn.replies, order, selection) if order else ""
        reply = turn.replies.say(
            "return_done",
            order_id=action.order_id,
            items=items,
            amount=money(turn.replies, refund.amount, order.currency if order else "EUR"),
            method=turn.replies.phrase("payment_method", refund.method),
            expected_on=turn.replies.date(refund.expected_at),
        )
        detail = {"order_id": action.order_id, "refund": refund.id}
        return Plan((reply,), Outcome.RESOLVED, detail=detail)


def _propose(order: Order, selection: Selection) -> Plan:
    variants = tuple(variant for variant, count in selection.items() for _ in range(count))
    action = StartReturn(order.id, variants, RETURN_REASON)
    return Plan((), Outcome.RESOLVED, detail={"order_id": order.id}, action=action)


def _items(replies: Replies, order: Order, selection: Selection) -> str:
    return ", ".join(
        counted(replies, selection[line.variant_id], line_name(replies, line))
        for line in order.lines
        if selection.get(line.variant_id)
    )


def _amount(order: Order, selection: Selection) -> Decimal:
    return sum(
        (line.unit_price * selection.get(line.variant_id, 0) for line in order.lines), Decimal(0)
    )


def _named(turn: FlowTurn, order: Order) -> bool:
    """Did the customer name this order (now, or earlier in the flow)?"""
    kept = turn.record.order_id if turn.record else None
    return order.id in turn.understanding.slots.order_ids or order.id == kept
