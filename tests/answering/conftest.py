"""Whole conversations with the real assistant, the real understanding and a seeded demo shop."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import Engine

from tandem.answering.assistant import Assistant
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
from tandem.commerce.demo.backend import DemoShop
from tandem.commerce.demo.generate import seed
from tandem.services.runtime import Understands

from .chat import TODAY, Chat

NOON = dt.datetime(2025, 3, 12, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def knowledge() -> KnowledgeBase:
    return KnowledgeBase.load()


def all_flows(knowledge: KnowledgeBase) -> list[Flow]:
    return [
        OrderStatusFlow(), CancelOrderFlow(), ReturnItemFlow(), RefundStatusFlow(),
        ChangeAddressFlow(), ChangePaymentFlow(), ExchangeItemFlow(), KnowledgeFlow(knowledge),
    ]


@pytest.fixture
def shop(engine: Engine) -> DemoShop:
    seed(engine, TODAY)
    return DemoShop(engine, clock=lambda: NOON)


@pytest.fixture
def chat(
    shop: DemoShop, understander: Understands, knowledge: KnowledgeBase
) -> Callable[[], Chat]:
    assistant = Assistant(shop, all_flows(knowledge))
    return lambda: Chat(assistant, understander)
