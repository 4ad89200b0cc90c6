"""Exchange an item for another variant of the same product (another size or colour).

Before shipping, or after delivery within the return window; only variants in stock.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from tandem.answering.flows.base import FlowTurn, Outcome, Plan, line_name
from tandem.answering.flows.confirm import (
    action_failed,
    ask_confirmation,
    business_rule,
    confirmation,
    open_order,
    refused,
)
from tandem.answering.flows.items import selected, wanted_variant, with_order_of_items
from tandem.commerce.actions import Done, ExchangeItem, ShopAction
from tandem.commerce.model import RETURN_WINDOW_DAYS, CommerceError, Order, OrderLine, OrderStatus
from tandem.domain.flow_records import ExchangeRecord

EXCHANGEABLE = frozenset(
    {OrderStatus.PENDING.value, OrderStatus.PROCESSING.value, OrderStatus.DELIVERED.value}
)
Variant = tuple[str, str, bool]  # id, name, in stock


@dataclass(frozen=True, slots=True)
class ExchangeItemFlow:
    name: str = "exchange_item"
    intents: frozenset[str] = frozenset({"exchange_item"})
    needs_customer: bool = True
    selects_items: bool = True

    def step(self, turn: FlowTurn) -> Plan:
        turn = with_order_of_items(turn, ExchangeRecord, EXCHANGEABLE)
        opened = open_order(turn, ExchangeRecord, self.intents, EXCHANGEABLE, self._blocked)
        if isinstance(opened, Plan):
            return opened
        picked, record = opened
        line = self._line(turn, picked, record)
        if isinstance(line, Plan):
            return line
        record = dataclasses.replace(
            record, variant_id=line.variant_id, item=line.product_name, old_name=line.variant_name
        )
        if record.confirm and record.new_id and record.new_name:
            new = (record.new_id, record.new_name, True)
            return confirmation(
                turn,
                record,
                lambda: _propose(picked, line, new),
                lambda: self._ask(turn, picked, record, line, new),
            )
        return self._choose(turn, picked, record, line)

    @staticmethod
    def _blocked(turn: FlowTurn, order: Order) -> Plan | None:
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
        return refused(
            turn, ExchangeRecord, key, order.id, "not_exchangeable",
            status=turn.replies.status(order.status),
        )

    @staticmethod
    def _line(turn: FlowTurn, order: Order, record: ExchangeRecord) -> OrderLine | Plan:
        lines = [line for line in order.lines if line.quantity > line.returned_quantity]
        named = [w.line for w in selected(turn.understanding.text, order)]
        known = [line for line in lines if line.variant_id == record.variant_id]
        chosen = [line for line in named if line in lines] or known or lines
        if len(chosen) == 1:
            return chosen[0]
        reply = turn.replies.say(
            "exchange_which_item",
            order_id=order.id,
            items=", ".join(line_name(turn.replies, line) for line in lines),
        )
        return Plan((reply,), Outcome.ASKED, record)

    def _choose(
        self, turn: FlowTurn, order: Order, record: ExchangeRecord, line: OrderLine
    ) -> Plan:
        try:
            variants = turn.shop.variants_of(line.product_id)
        except CommerceError as error:
            return action_failed(turn, order.id, error)
        variants = [v for v in variants if v[0] != line.variant_id]
        in_stock = [v for v in variants if v[2]]
        said = _closest(wanted_variant(turn.understanding.text, variants), line.variant_id)
        if said is not None and said[2]:
            return self._ask(turn, order, record, line, said)
        if not in_stock:
            return business_rule(
                turn, "exchange_none_in_stock", order.id, "out_of_stock", item=line.product_name
            )
        key = "exchange_out_of_stock" if said is not None else "exchange_pick_variant"
        reply = turn.replies.say(
            key,
            avoid=turn.previous_reply,
            item=line_name(turn.replies, line),
            wanted=said[1] if said else "",
            variants=", ".join(v[1] for v in in_stock),
        )
        return Plan((reply,), Outcome.ASKED, record)

    @staticmethod
    def _ask(
        turn: FlowTurn, order: Order, record: ExchangeRecord, line: OrderLine, new: Variant
    ) -> Plan:
        return ask_confirmation(
            turn,
            "exchange_confirm",
            dataclasses.replace(record, new_id=new[0], new_name=new[1]),
            order_id=order.id,
            item=line.product_name,
            old=line.variant_name,
            new=new[1],
        )

    def performed(self, turn: FlowTurn, action: ShopAction, done: Done) -> Plan:
        assert isinstance(action, ExchangeItem)
        record = turn.state(ExchangeRecord)
        delivered = done.order is not None and done.order.status is OrderStatus.DELIVERED
        key = "exchange_done_delivered" if delivered else "exchange_done"
        reply = turn.replies.say(
            key,
            order_id=action.order_id,
            item=record.item or "",
            old=record.old_name or "",
            new=record.new_name or action.new_variant_id,
        )
        detail = {"order_id": action.order_id, "variant": action.new_variant_id}
        return Plan((reply,), Outcome.RESOLVED, detail=detail)


def _propose(order: Order, line: OrderLine, new: Variant) -> Plan:
    action = ExchangeItem(order.id, line.variant_id, new[0])
    return Plan((), Outcome.RESOLVED, detail={"order_id": order.id}, action=action)


def _closest(candidates: list[Variant], current_id: str) -> Variant | None:
    """Of the variants the customer's words fit, the one that keeps most of the current one
    (asking for "L" keeps the grey of a grey hoodie), in stock first."""
    current = set(current_id.split("-"))
    return max(candidates, key=lambda v: (len(current & set(v[0].split("-"))), v[2]), default=None)
