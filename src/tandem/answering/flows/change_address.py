"""Change the delivery address of an order that has not shipped yet.

The new address is read from the message: a street with its house number ("Keizersgracht 100",
"10 Downing Street"), a postcode valid in the order's country, and the city after it.
"""

from __future__ import annotations

import re
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
from tandem.commerce.addresses import validated_address
from tandem.commerce.model import Address, CommerceError, Order, OrderStatus

UNSHIPPED = frozenset({OrderStatus.PENDING.value, OrderStatus.PROCESSING.value})
_POSTCODE = re.compile(
    r"\b(\d{4}\s?[A-Za-z]{2}|\d{4}|[A-Za-z]{1,2}\d[A-Za-z\d]?\s?\d[A-Za-z]{2})\b"  # NL, BE, GB
)
_STREET = re.compile(
    r"(\d+[A-Za-z]?,?\s+[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*)*"  # 10 Downing Street
    r"|[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*)*\s+\d+(?:\s?[A-Za-z]\b)?(?:-\d+)?)"  # Keizersgracht 100-2
)
_CITY = re.compile(r"^[\s,]*([A-Z][\w'.-]*(?:[\s-][A-Z][\w'.-]*)*)")


@dataclass(frozen=True, slots=True)
class ChangeAddressFlow:
    name: str = "change_address"
    intents: frozenset[str] = frozenset({"change_address"})
    needs_customer: bool = True

    def step(self, turn: FlowTurn) -> Step:
        opened = open_order(turn, self.intents, UNSHIPPED, self._blocked)
        if isinstance(opened, Step):
            return opened
        picked, data = opened
        if data.get("confirm"):
            new = Address(**data["address"])
            return confirmation(
                turn,
                lambda: self._change(turn, picked, new),
                lambda: self._ask(turn, picked, data, new),
            )
        address = read_address(turn.understanding.text, picked.shipping_address.country)
        if isinstance(address, str):
            reply = turn.replies.say(address, avoid=turn.previous_reply, order_id=picked.id)
            return Step((reply,), Outcome.ASKED, data)
        return self._ask(turn, picked, data, address)

    def _blocked(self, turn: FlowTurn, order: Order) -> Step | None:
        return None if order.status.value in UNSHIPPED else self._too_late(turn, order)

    @staticmethod
    def _too_late(turn: FlowTurn, order: Order) -> Step:
        if order.status is OrderStatus.SHIPPED:
            return business_rule(turn, "address_shipped", order.id, "already_shipped")
        return refused(turn, "address_closed", order.id, "order_closed", status=order.status.value)

    @staticmethod
    def _ask(turn: FlowTurn, order: Order, data: FlowData, address: Address) -> Step:
        return ask_confirmation(
            turn,
            "address_confirm",
            data
            | {
                "address": {
                    "street": address.street,
                    "postcode": address.postcode,
                    "city": address.city,
                    "country": address.country,
                }
            },
            order_id=order.id,
            old=_one_line(order.shipping_address),
            new=_one_line(address),
        )

    @staticmethod
    def _change(turn: FlowTurn, order: Order, address: Address) -> Step:
        try:
            changed = turn.shop.change_address(order.id, address)
        except CommerceError as error:
            return action_failed(turn, order.id, error)
        reply = turn.replies.say(
            "address_done", order_id=order.id, new=_one_line(changed.shipping_address)
        )
        return Step((reply,), Outcome.RESOLVED, detail={"order_id": order.id})


def read_address(text: str, country: str) -> Address | str:
    """The address in the message, or the template key that asks for what is missing."""
    for match in _POSTCODE.finditer(text):
        street = [m.group(1) for m in _STREET.finditer(text[: match.start()])]
        city = _CITY.match(text[match.end() :])
        if not street or not city:
            continue
        try:
            return validated_address(
                Address(street[-1].rstrip(", "), match.group(1), city.group(1), country)
            )
        except CommerceError:
            return "address_bad_postcode"
    return "address_ask"


def _one_line(address: Address) -> str:
    return f"{address.street}, {address.postcode} {address.city}"
