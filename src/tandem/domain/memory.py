"""What a conversation remembers between turns: one typed, frozen, versioned value.

Only the turn changes it (through the named operations below); the desk's hand-back and the
greeting use an operation too. It is stored as JSON with a schema version; :func:`upgrade`
turns every earlier stored shape into the current one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tandem.domain.errors import InvalidInput
from tandem.domain.flow_records import FlowRecord, Partial, record_json, record_of
from tandem.domain.flow_records import record_type as _record_type
from tandem.domain.turns import TurnMemory

SCHEMA_VERSION = 2


@dataclass(frozen=True, slots=True)
class OpenFlow:
    """The flow the conversation is in. While `identity` is set it waits for the customer to
    prove who they are before the flow itself starts."""

    name: str
    record: FlowRecord | None = None
    identity: Partial | None = None


@dataclass(frozen=True, slots=True)
class PendingAction:
    """A shop action the policy agreed to, not yet performed (or not yet recorded as such):
    whoever runs the conversation's next turn performs it first, with the same key."""

    message: int  # the customer message it answers
    key: str  # the idempotency key the shop is asked with
    flow: str  # the flow that proposed it, and words the result
    action: Mapping[str, Any]  # the action as JSON (tandem.commerce.actions.to_json)
    record: FlowRecord | None  # the flow's record when it proposed it
    topic: str
    offer_human: bool = False  # the policy also offers a person, after the confirmation


@dataclass(frozen=True, slots=True)
class ConversationMemory:
    turn: TurnMemory = field(default_factory=TurnMemory)
    flow: OpenFlow | None = None
    last_reply: str = ""  # the AI's last words, so it never says the identical thing twice
    order_id: str | None = None  # the order in question, as the last decision recorded it
    pending: PendingAction | None = None
    decided: int = 0  # the offset of the last customer message the AI decided on
    orders: tuple[str, ...] = ()  # every order recorded as the order in question, in order
    version: int = SCHEMA_VERSION

    # The named operations: the only ways the memory changes.

    def greeted(self, text: str) -> ConversationMemory:
        return dataclasses.replace(self, last_reply=text)

    def after_turn(
        self,
        turn: TurnMemory,
        flow: OpenFlow | None,
        said: str | None,
        order_id: str | None,
        pending: PendingAction | None = None,
        message: int = 0,
    ) -> ConversationMemory:
        """After the AI decided on `message`: its turn memory, the flow left open, its last
        words (None: it said nothing), the order in question and an action to perform."""
        known = self.orders if not order_id or order_id in self.orders else (*self.orders, order_id)
        return dataclasses.replace(
            self,
            turn=turn,
            flow=flow,
            last_reply=self.last_reply if said is None else said,
            order_id=order_id or self.order_id,
            pending=pending,
            decided=max(self.decided, message),
            orders=known,
        )

    def after_action(self, said: str | None, turn: TurnMemory | None = None) -> ConversationMemory:
        """After the pending shop action was performed (or failed) and the AI said so."""
        return dataclasses.replace(
            self,
            pending=None,
            turn=turn or self.turn,
            last_reply=self.last_reply if said is None else said,
        )

    def handed_back(self) -> ConversationMemory:
        """An agent gives the conversation back: no flow carries on from before."""
        return dataclasses.replace(self, flow=None)

    @property
    def awaiting_details(self) -> bool:
        return self.flow is not None

    def to_json(self) -> dict[str, Any]:
        flow = self.flow
        return {
            "schema": SCHEMA_VERSION,
            "turn": self.turn.to_json(),
            "flow": None
            if flow is None
            else {
                "name": flow.name,
                "record": None if flow.record is None else record_json(flow.record),
                "identity": None
                if flow.identity is None
                else {"order_id": flow.identity.order_id, "proof": flow.identity.proof},
            },
            "last_reply": self.last_reply,
            "order_id": self.order_id,
            "pending": None if self.pending is None else _pending_json(self.pending),
            "decided": self.decided,
            "orders": list(self.orders),
        }

    @classmethod
    def from_json(cls, stored: Mapping[str, Any]) -> ConversationMemory:
        data = upgrade(stored)
        try:
            turn = TurnMemory.from_json(data["turn"]) if data["turn"] else TurnMemory()
            return cls(
                turn,
                _flow(data["flow"]),
                str(data["last_reply"]),
                data["order_id"],
                _pending(data.get("pending")),
                int(data.get("decided", 0)),
                tuple(str(order) for order in data.get("orders", ())),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise InvalidInput(f"stored conversation memory is malformed: {error}") from error


def _flow(data: Mapping[str, Any] | None) -> OpenFlow | None:
    if not data:
        return None
    kind = _record_type(data["name"])
    record = data.get("record")
    identity = data.get("identity")
    return OpenFlow(
        data["name"],
        None if record is None or kind is None else record_of(kind, record),
        None if identity is None else Partial(identity.get("order_id"), identity.get("proof")),
    )


def _pending_json(pending: PendingAction) -> dict[str, Any]:
    record = pending.record
    return {
        "message": pending.message,
        "key": pending.key,
        "flow": pending.flow,
        "action": dict(pending.action),
        "record": None if record is None else record_json(record),
        "topic": pending.topic,
        "offer_human": pending.offer_human,
    }


def _pending(data: Mapping[str, Any] | None) -> PendingAction | None:
    if not data:
        return None
    kind = _record_type(data["flow"])
    record = data.get("record")
    return PendingAction(
        int(data["message"]),
        str(data["key"]),
        str(data["flow"]),
        dict(data["action"]),
        None if record is None or kind is None else record_of(kind, record),
        str(data["topic"]),
        bool(data.get("offer_human", False)),
    )


def upgrade(stored: Mapping[str, Any]) -> dict[str, Any]:
    """Any stored memory in the current schema. Version 1 (no "schema" key) was a loose dict:
    {"turn", "flow": {"name", "data"}, "last_reply", "steps"}; its steps are dropped (the
    handoff card reads the recorded events now)."""
    data = dict(stored)
    if data.get("schema") == SCHEMA_VERSION:
        return data
    if "schema" in data:
        raise InvalidInput(f"unknown conversation memory schema {data['schema']!r}")
    flow = data.get("flow")
    return {
        "schema": SCHEMA_VERSION,
        "turn": data.get("turn"),
        "flow": None if not flow else _flow_v1(flow["name"], dict(flow.get("data") or {})),
        "last_reply": str(data.get("last_reply", "")),
        "order_id": None,
        "pending": None,
    }


def _flow_v1(name: str, data: dict[str, Any]) -> dict[str, Any]:
    identity = data.pop("identity", None)
    if identity is not None:
        return {"name": name, "record": None, "identity": dict(identity)}
    if isinstance(data.get("selection"), dict):  # variant id -> count, as pairs now
        data["selection"] = [[variant, count] for variant, count in data["selection"].items()]
    return {"name": name, "record": data, "identity": None}
