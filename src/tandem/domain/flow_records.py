"""What an open flow remembers between turns: one typed, frozen record per flow.

Each flow's record type registers under the flow's name with :func:`flow_record` (the built-in
ones below do, and a plug-in flow's record does the same). Records are stored as JSON inside
the conversation memory; :func:`record_json` and :func:`record_of` convert them.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from tandem.understanding.result import Slots

R = TypeVar("R", bound="FlowRecord")
_RECORDS: dict[str, type[FlowRecord]] = {}


def flow_record(name: str) -> Callable[[type[R]], type[R]]:
    """Register a record type as the state of the flow `name` (a class decorator)."""

    def register(cls: type[R]) -> type[R]:
        known = _RECORDS.get(name)
        if known is not None and known is not cls:
            raise ValueError(f"flow {name!r} already has the record type {known.__name__}")
        _RECORDS[name] = cls
        return cls

    return register


def record_type(name: str) -> type[FlowRecord] | None:
    return _RECORDS.get(name)


@dataclass(frozen=True, slots=True)
class Partial:
    """What the customer has told us so far towards proving who they are."""

    order_id: str | None = None
    proof: str | None = None  # a postcode or an email address

    def with_slots(self, slots: Slots, asked: bool = False) -> Partial:
        """What the message adds. `asked`: Tandem asked for the order number and postcode, so
        once the order number is known a bare number listed after it ("TD-4003, 4000") or given
        alone ("4000") is the postcode asked for, not another order."""
        order_id = slots.order_ids[0] if slots.order_ids else self.order_id
        maybe = slots.order_or_postcode if asked and order_id else ()
        proofs = slots.postcodes + slots.emails + maybe
        return Partial(order_id, proofs[0] if proofs else self.proof)


@dataclass(frozen=True, slots=True)
class FlowRecord:
    """A flow's state: at least the order it is about, once known."""

    order_id: str | None = None


@dataclass(frozen=True, slots=True)
class OrderRecord(FlowRecord):
    """The state every order action shares: a confirmation asked, answers that strayed, and a
    refusal the customer may push back on (the shop rule's name)."""

    confirm: bool = False
    strays: int = 0
    refused: str | None = None
    #: a message the AI did not understand came after the question: a "yes" now is no consent
    #: to it (the question is asked again, reworded)
    interrupted: bool = field(default=False, kw_only=True)  # last in every subclass


@dataclass(frozen=True, slots=True)
class Postal:
    street: str
    postcode: str
    city: str
    country: str


@flow_record("order_status")
@dataclass(frozen=True, slots=True)
class OrderStatusRecord(FlowRecord):
    pass


@flow_record("refund_status")
@dataclass(frozen=True, slots=True)
class RefundStatusRecord(FlowRecord):
    pass


@flow_record("cancel_order")
@dataclass(frozen=True, slots=True)
class CancelRecord(OrderRecord):
    pass


@flow_record("return_item")
@dataclass(frozen=True, slots=True)
class ReturnRecord(OrderRecord):
    selection: tuple[tuple[str, int], ...] = ()  # (variant id, how many) to return


@flow_record("exchange_item")
@dataclass(frozen=True, slots=True)
class ExchangeRecord(OrderRecord):
    variant_id: str | None = None  # the line to exchange
    item: str | None = None  # its product name
    old_name: str | None = None  # its variant's name
    new_id: str | None = None  # the variant to exchange it for
    new_name: str | None = None


@flow_record("change_address")
@dataclass(frozen=True, slots=True)
class AddressRecord(OrderRecord):
    address: Postal | None = None


@flow_record("change_payment")
@dataclass(frozen=True, slots=True)
class PaymentRecord(OrderRecord):
    method: str | None = None


def record_json(record: FlowRecord) -> dict[str, Any]:
    return {f.name: _plain(getattr(record, f.name)) for f in dataclasses.fields(record)}


def record_of(cls: type[R], data: Mapping[str, Any]) -> R:
    """The record from its JSON; unknown keys are ignored, missing ones take their default."""
    hints = typing.get_type_hints(cls)
    values = {
        f.name: _typed(hints[f.name], data[f.name])
        for f in dataclasses.fields(cls)
        if f.name in data
    }
    return cls(**values)


def _plain(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


def _typed(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    options = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    for option in options:
        if isinstance(option, type) and dataclasses.is_dataclass(option):
            return option(**value)
    if typing.get_origin(hint) is tuple:
        return tuple(tuple(item) if isinstance(item, list) else item for item in value)
    return value
