"""The record of each AI turn's decision, and of each shop action performed after one.

Written as events (kinds ``decided`` and ``performed``) in the conversation's timeline, which
agents and leads see; the handoff card and the metrics read their facts from these, never from
a guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from tandem.domain.decision import Decision


@dataclass(frozen=True, slots=True)
class Decided:
    """One decision of the policy on one customer message."""

    message: int  # the offset of the customer message decided on
    topic: str
    intent: str
    confidence: float
    action: str  # the policy's action: answer, clarify, offer_human, handoff, ticket
    reason: str
    rule: str
    outcome: str | None  # what the AI's answer achieved (answered, asked...); None: no answer
    turn_outcome: str  # how the turn ended for the policy's memory
    policy_version: int
    order_id: str | None  # the order in question, chosen once in this turn
    flow: str | None = None  # the flow that answered
    shop_action: str | None = None  # the shop change the answer proposes (performed after)
    stage: str = "plan"  # "plan": on the AI's answer; "action_result": after the shop action
    error: str | None = None  # a shop refusal the answer reported
    said: tuple[str, ...] = ()  # the keys of the replies shown (answering/templates/*.yaml)
    named: tuple[str, ...] = ()  # the customer's own orders the message named, in its order
    #: Every fact the policy decided on (domain/policy/facts.py), so `tandem policy replay`
    #: decides again on exactly what was known then instead of guessing it.
    facts: dict[str, Any] | None = None
    #: The topic's roll-out mode at this turn (off, shadow, pilot, on; domain/rollout.py), and in
    #: a pilot the customer's group (pilot or control).
    rollout_mode: str | None = None
    rollout_group: str | None = None

    @classmethod
    def of(cls, decision: Decision, **facts: Any) -> Decided:
        return cls(
            action=decision.action.value,
            reason=decision.reason.value,
            rule=decision.rule,
            policy_version=decision.policy_version,
            **facts,
        )

    def to_detail(self) -> dict[str, Any]:
        """As asdict() gives it, without its deep copy: every field is a scalar, a tuple of
        strings or the flat dict of facts (copied)."""
        detail = {name: getattr(self, name) for name in _DECIDED_FIELDS}
        if self.facts is not None:
            detail["facts"] = dict(self.facts)
        return detail

    @classmethod
    def from_detail(cls, detail: Mapping[str, Any]) -> Decided:
        names = cls.__dataclass_fields__
        found = {key: value for key, value in detail.items() if key in names}
        found["said"] = tuple(found.get("said") or ())
        found["named"] = tuple(found.get("named") or ())
        return cls(**found)


_DECIDED_FIELDS = tuple(f.name for f in fields(Decided))


@dataclass(frozen=True, slots=True)
class Performed:
    """A shop action performed after a decision: once per idempotency key."""

    message: int
    key: str  # the idempotency key: conversation, message and action
    kind: str  # cancel_order, start_return, ...
    order_id: str
    topic: str
    ok: bool
    error: str | None = None  # the shop's error code when it refused or failed
    refund: str | None = None  # a refund the action started

    def to_detail(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_detail(cls, detail: Mapping[str, Any]) -> Performed:
        names = cls.__dataclass_fields__
        return cls(**{key: value for key, value in detail.items() if key in names})


@dataclass(frozen=True, slots=True)
class Noted:
    """An order of their own the customer named while waiting for a person: the handoff card
    adds it, so the agent knows which order a request named earlier was about."""

    message: int
    order_id: str

    def to_detail(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_detail(cls, detail: Mapping[str, Any]) -> Noted:
        return cls(int(detail["message"]), str(detail["order_id"]))
