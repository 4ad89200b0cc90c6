"""The changes a flow may propose to a shop, as data, and the one function that performs them.

A flow never calls a changing shop method: it returns one of these actions in its plan, and
the turn performs it with :func:`perform` only after the policy decided the AI may answer. Each
call carries an idempotency key derived from the conversation and the message, so a retried
turn never cancels or refunds twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from tandem.commerce.model import Address, CommerceBackend, Order, Refund
from tandem.types import OrderId


@dataclass(frozen=True, slots=True)
class CancelOrder:
    kind: ClassVar[str] = "cancel_order"
    order_id: OrderId
    refunds_before: tuple[str, ...] = ()  # refund ids the order had, to tell the new ones


@dataclass(frozen=True, slots=True)
class StartReturn:
    kind: ClassVar[str] = "start_return"
    order_id: OrderId
    variant_ids: tuple[str, ...]  # a variant id given twice returns two of it
    reason: str = "Return started in the chat"


@dataclass(frozen=True, slots=True)
class ChangeAddress:
    kind: ClassVar[str] = "change_address"
    order_id: OrderId
    address: Address


@dataclass(frozen=True, slots=True)
class ChangePaymentMethod:
    kind: ClassVar[str] = "change_payment_method"
    order_id: OrderId
    method: str
    refunds_before: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ExchangeItem:
    kind: ClassVar[str] = "exchange_item"
    order_id: OrderId
    variant_id: str
    new_variant_id: str


ShopAction = CancelOrder | StartReturn | ChangeAddress | ChangePaymentMethod | ExchangeItem


@dataclass(frozen=True, slots=True)
class Done:
    """What the shop answered to a performed action."""

    order: Order | None = None  # the order after the change
    refunds: tuple[Refund, ...] = field(default=())  # refunds the change started


def perform(shop: CommerceBackend, action: ShopAction, key: str) -> Done:
    """Perform `action` once (the shop keeps `key`); raises CommerceError when it refuses."""
    match action:
        case CancelOrder():
            order = shop.cancel_order(action.order_id, idempotency_key=key)
            return Done(order, _new(order, action.refunds_before))
        case StartReturn():
            refund = shop.start_return(
                action.order_id, list(action.variant_ids), action.reason, idempotency_key=key
            )
            return Done(None, (refund,))
        case ChangeAddress():
            return Done(shop.change_address(action.order_id, action.address, idempotency_key=key))
        case ChangePaymentMethod():
            order = shop.change_payment_method(action.order_id, action.method, idempotency_key=key)
            return Done(order, _new(order, action.refunds_before))
        case ExchangeItem():
            order = shop.exchange_item(
                action.order_id, action.variant_id, action.new_variant_id, idempotency_key=key
            )
            return Done(order)


def _new(order: Order, before: tuple[str, ...]) -> tuple[Refund, ...]:
    return tuple(refund for refund in order.refunds if refund.id not in before)


def to_json(action: ShopAction) -> dict[str, Any]:
    """The action as JSON: for the decided event, the memory (until performed) and an agent
    who sees it as a suggestion."""
    data: dict[str, Any] = {"kind": action.kind, "order_id": action.order_id}
    match action:
        case CancelOrder():
            data["refunds_before"] = list(action.refunds_before)
        case StartReturn():
            data |= {"variant_ids": list(action.variant_ids), "reason": action.reason}
        case ChangeAddress():
            address = action.address
            data["address"] = [address.street, address.postcode, address.city, address.country]
        case ChangePaymentMethod():
            data |= {"method": action.method, "refunds_before": list(action.refunds_before)}
        case ExchangeItem():
            data |= {"variant_id": action.variant_id, "new_variant_id": action.new_variant_id}
    return data


def from_json(data: Mapping[str, Any]) -> ShopAction:
    order_id = OrderId(str(data["order_id"]))
    kind = data["kind"]
    if kind == CancelOrder.kind:
        return CancelOrder(order_id, tuple(data.get("refunds_before", ())))
    if kind == StartReturn.kind:
        return StartReturn(order_id, tuple(data["variant_ids"]), str(data["reason"]))
    if kind == ChangeAddress.kind:
        return ChangeAddress(order_id, Address(*data["address"]))
    if kind == ChangePaymentMethod.kind:
        before = tuple(data.get("refunds_before", ()))
        return ChangePaymentMethod(order_id, str(data["method"]), before)
    if kind == ExchangeItem.kind:
        return ExchangeItem(order_id, str(data["variant_id"]), str(data["new_variant_id"]))
    raise ValueError(f"unknown shop action {kind!r}")
