"""The flows by name, in the order the assistant considers them.

A plug-in flow registers with ``FLOWS.register("name", factory)`` exactly as the built-ins do
below; every flow's intents are checked against the intent catalogue when the flows are built
(at start), and an unknown one stops the start with the file and line of the flow.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

from tandem.answering.flows.base import Flow
from tandem.answering.flows.cancel_order import CancelOrderFlow
from tandem.answering.flows.change_address import ChangeAddressFlow
from tandem.answering.flows.change_payment import ChangePaymentFlow
from tandem.answering.flows.exchange_item import ExchangeItemFlow
from tandem.answering.flows.knowledge import KnowledgeFlow
from tandem.answering.flows.order_status import OrderStatusFlow
from tandem.answering.flows.refund_status import RefundStatusFlow
from tandem.answering.flows.return_item import ReturnItemFlow
from tandem.answering.knowledge.retrieval import KnowledgeBase
from tandem.registry import Registry
from tandem.understanding.topics import check_names


@dataclass(frozen=True, slots=True)
class FlowParts:
    """What a flow may be built with."""

    knowledge: KnowledgeBase


FlowFactory = Callable[[FlowParts], Flow]
FLOWS: Registry[FlowFactory] = Registry("flow")

FLOWS.register("order_status", lambda _: OrderStatusFlow())
FLOWS.register("cancel_order", lambda _: CancelOrderFlow())
FLOWS.register("return_item", lambda _: ReturnItemFlow())
FLOWS.register("refund_status", lambda _: RefundStatusFlow())
FLOWS.register("change_address", lambda _: ChangeAddressFlow())
FLOWS.register("change_payment", lambda _: ChangePaymentFlow())
FLOWS.register("exchange_item", lambda _: ExchangeItemFlow())
FLOWS.register("knowledge", lambda parts: KnowledgeFlow(parts.knowledge))


def build_flows(parts: FlowParts) -> list[Flow]:
    """Every registered flow, each checked: its intents must be the catalogue's."""
    flows = [factory(parts) for _, factory in FLOWS]
    for flow in flows:
        check_flow(flow)
    return flows


def check_flow(flow: Flow) -> None:
    check_names(flow.intents, where_defined(type(flow)))


def where_defined(thing: type) -> str:
    try:
        return f"{inspect.getsourcefile(thing)}:{inspect.getsourcelines(thing)[1]}"
    except (OSError, TypeError):
        return thing.__qualname__
