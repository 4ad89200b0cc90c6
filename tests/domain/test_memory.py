"""The conversation memory: typed, frozen, versioned; stored memories of schema 1 upgraded."""

from __future__ import annotations

import pytest

from tandem.domain.errors import InvalidInput
from tandem.domain.flow_records import (
    AddressRecord,
    CancelRecord,
    ExchangeRecord,
    FlowRecord,
    Partial,
    Postal,
    ReturnRecord,
)
from tandem.domain.memory import SCHEMA_VERSION, ConversationMemory, OpenFlow, PendingAction
from tandem.domain.turns import TurnMemory, TurnOutcome

TURN_V1 = {
    "failed_turns": 1, "rephrases": 0, "last_outcome": "answered",
    "last_answer_key": "return_confirm|TD-1002", "frustration": [0.1, 0.2],
}  # fmt: skip


def test_that_a_memory_of_schema_1_is_upgraded_with_its_flow_typed() -> None:
    stored = {
        "turn": TURN_V1,
        "flow": {
            "name": "return_item",
            "data": {
                "order_id": "TD-1002",
                "confirm": True,
                "strays": 1,
                "selection": {"hoodie-m-grey": 1, "socks-36-40-grey": 2},
            },
        },
        "last_reply": "Shall I start the return?",
        "steps": [{"intent": "return_item", "outcome": "asked", "order_id": "TD-1002"}],
    }
    memory = ConversationMemory.from_json(stored)

    assert memory.version == SCHEMA_VERSION
    assert memory.turn == TurnMemory(
        1, 0, TurnOutcome.ANSWERED, "return_confirm|TD-1002", (0.1, 0.2)
    )
    assert memory.flow == OpenFlow(
        "return_item",
        ReturnRecord("TD-1002", True, 1, None, (("hoodie-m-grey", 1), ("socks-36-40-grey", 2))),
    )
    assert memory.last_reply == "Shall I start the return?"
    assert ConversationMemory.from_json(memory.to_json()) == memory


def test_that_a_schema_1_flow_waiting_for_identity_keeps_what_was_given() -> None:
    stored = {"flow": {"name": "cancel_order", "data": {"identity": {"order_id": "TD-1003"}}}}
    memory = ConversationMemory.from_json(stored)
    assert memory.flow == OpenFlow("cancel_order", None, Partial("TD-1003", None))
    assert memory.turn == TurnMemory()


def test_that_the_greeting_of_schema_1_is_kept() -> None:
    assert ConversationMemory.from_json({"last_reply": "Hi!"}).last_reply == "Hi!"


HOME = Postal("Keizersgracht 100", "1015 CJ", "Amsterdam", "NL")
RECORDS: list[tuple[str, FlowRecord]] = [
    ("cancel_order", CancelRecord("TD-1003", confirm=True)),
    ("change_address", AddressRecord("TD-1003", True, 0, None, HOME)),
    ("exchange_item", ExchangeRecord("TD-1002", True, 0, None, "hoodie-m-grey", "Hoodie")),
    ("cancel_order", CancelRecord("TD-1001", refused="not_cancellable")),
]


@pytest.mark.parametrize(("name", "record"), RECORDS)
def test_that_every_flow_record_survives_the_json_round_trip(name: str, record: FlowRecord) -> None:
    action = {"kind": "cancel_order", "order_id": "TD-1003"}
    pending = PendingAction(4, "c:4:cancel_order", name, action, record, "cancellations")
    memory = ConversationMemory(TurnMemory(), OpenFlow(name, record), "said", "TD-1003", pending)
    assert ConversationMemory.from_json(memory.to_json()) == memory


def test_that_the_named_operations_change_only_what_they_name() -> None:
    memory = ConversationMemory().greeted("Hello!")
    flow = OpenFlow("cancel_order", CancelRecord("TD-1003", confirm=True))
    asked = memory.after_turn(TurnMemory(rephrases=1), flow, "Shall I cancel it?", "TD-1003")
    assert (asked.flow, asked.last_reply, asked.order_id) == (flow, "Shall I cancel it?", "TD-1003")
    silent = asked.after_turn(asked.turn, asked.flow, None, None)
    assert (silent.last_reply, silent.order_id) == ("Shall I cancel it?", "TD-1003")
    assert asked.handed_back().flow is None and asked.handed_back().last_reply == asked.last_reply


def test_that_an_unknown_schema_is_refused() -> None:
    with pytest.raises(InvalidInput):
        ConversationMemory.from_json({"schema": 99})
