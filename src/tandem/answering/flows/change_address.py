"""Change the delivery address of an order that has not shipped yet.

The new address is read from the message: a street with its house number ("Keizersgracht 100",
"10 Downing Street"), a postcode valid in the order's country, and the city after it.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from tandem.answering.flows.base import FlowTurn, Outcome, Plan
from tandem.answering.flows.confirm import (
    ask_confirmation,
    business_rule,
    confirmation,
    open_order,
    refused,
)
from tandem.commerce.actions import ChangeAddress, Done, ShopAction
from tandem.commerce.addresses import validated_address
from tandem.commerce.model import Address, CommerceError, Order, OrderStatus
from tandem.domain.flow_records import AddressRecord, Postal

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

    def step(self, turn: FlowTurn) -> Plan:
        opened = open_order(turn, AddressRecord, self.intents, UNSHIPPED, self._blocked)
        if isinstance(opened, Plan):
            return opened
        picked, record = opened
        if record.confirm and record.address is not None:
            new = Address(**dataclasses.asdict(record.address))
            return confirmation(
                turn,
                record,
                lambda: Plan(
                    (), Outcome.RESOLVED, detail={"order_id": picked.id},
                    action=ChangeAddress(picked.id, new),
                ),
                lambda: self._ask(turn, picked, record, new),
            )  # fmt: skip
        address = read_address(turn.understanding.text, picked.shipping_address.country)
        if isinstance(address, str):
            reply = turn.replies.say(address, avoid=turn.previous_reply, order_id=picked.id)
            return Plan((reply,), Outcome.ASKED, record)
        return self._ask(turn, picked, record, address)

    def _blocked(self, turn: FlowTurn, order: Order) -> Plan | None:
        return None if order.status.value in UNSHIPPED else self._too_late(turn, order)

    @staticmethod
    def _too_late(turn: FlowTurn, order: Order) -> Plan:
        if order.status is OrderStatus.SHIPPED:
            return business_rule(turn, "address_shipped", order.id, "already_shipped")
        return refused(
            turn, AddressRecord, "address_closed", order.id, "order_closed",
            status=turn.replies.status(order.status),
        )  # fmt: skip

    @staticmethod
    def _ask(turn: FlowTurn, order: Order, record: AddressRecord, address: Address) -> Plan:
        postal = Postal(address.street, address.postcode, address.city, address.country)
        return ask_confirmation(
            turn,
            "address_confirm",
            dataclasses.replace(record, address=postal),
            order_id=order.id,
            old=_one_line(order.shipping_address),
            new=_one_line(address),
        )

    def performed(self, turn: FlowTurn, action: ShopAction, done: Done) -> Plan:
        assert isinstance(action, ChangeAddress)
        address = done.order.shipping_address if done.order else action.address
        reply = turn.replies.say("address_done", order_id=action.order_id, new=_one_line(address))
        return Plan((reply,), Outcome.RESOLVED, detail={"order_id": action.order_id})


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
