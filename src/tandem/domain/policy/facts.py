"""The facts a policy condition can use: one frozen value per customer message.

Every field of :class:`Facts` is a CEL variable of the same name. :data:`FACT_SPECS` declares
its CEL type, what it means and, for closed strings, the values it can take; the loader
type-checks conditions against it and docs/policy.md lists it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any

from tandem.domain.conversation import State
from tandem.types import SUPPORTED_LANGUAGES
from tandem.understanding.topics import INTENTS as CATALOGUE_INTENTS

#: The intent catalogue's names (catalogue/intents.yaml); "oos" means out of scope.
INTENTS: frozenset[str] = frozenset(CATALOGUE_INTENTS)

#: Order statuses as the commerce interface reports them, and "none" when no order is in play.
#: (A test ties it to tandem.commerce.model.OrderStatus.)
ORDER_STATUSES: frozenset[str] = frozenset(
    {"none", "pending", "processing", "shipped", "delivered", "cancelled", "returned"}
)


class CelType(StrEnum):
    BOOL = "bool"
    INT = "int"
    DOUBLE = "double"
    STRING = "string"


@dataclass(frozen=True, slots=True)
class FactSpec:
    type: CelType
    help: str
    choices: frozenset[str] | None = None  # the only values a closed string fact takes


@dataclass(frozen=True, slots=True)
class Facts:
    """What is known when the policy decides on one customer message."""

    intent: str
    confidence: float
    runner_up: str
    runner_up_confidence: float
    out_of_scope: bool
    frustration: float
    frustration_trend: float
    asked_for_human: bool
    person_request: float
    complaint_request: float
    payment_request: float
    human_offered: bool
    awaiting_details: bool
    details_given: bool
    failed_turns: int
    rephrases_so_far: int
    same_answer_twice: bool
    same_question_twice: bool
    action_failed: bool
    shop_rule_refused: bool
    answer_ms: int
    answer_budget_ms: int
    customer_identified: bool
    customer_tier: str
    language: str
    order_amount: float
    order_status: str
    agents_online: int
    expected_wait_minutes: int
    office_hours: bool
    state: str

    @classmethod
    def recorded(cls, stored: Mapping[str, Any] | None) -> Facts | None:
        """The facts a decided event recorded, or None when it recorded none (or not all:
        an event from before a fact existed is decided on what replay can rebuild). A fact
        in :data:`LATER_FACTS` takes the value that made no difference before it existed."""
        if not stored:
            return None
        known = {**LATER_FACTS, **stored}
        if any(name not in known for name in FACT_NAMES):
            return None
        return cls(**{name: known[name] for name in FACT_NAMES})

    def as_cel(self) -> dict[str, object]:
        """The CEL variables, by name."""
        return {name: getattr(self, name) for name in FACT_NAMES}


FACT_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Facts))

#: Facts added after decisions were first recorded, with the value an older decision was made
#: on (nothing in the text asked for a person, complained or told of a payment problem beyond
#: what the intent said).
LATER_FACTS: dict[str, object] = {
    "person_request": 0.0,
    "complaint_request": 0.0,
    "payment_request": 0.0,
}

_S = CelType.STRING
FACT_SPECS: dict[str, FactSpec] = {
    "intent": FactSpec(_S, "the intent of this message, or 'oos'", INTENTS),
    "confidence": FactSpec(CelType.DOUBLE, "calibrated probability of `intent`, 0..1"),
    "runner_up": FactSpec(_S, "the second most likely intent", INTENTS),
    "runner_up_confidence": FactSpec(CelType.DOUBLE, "probability of `runner_up`, 0..1"),
    "out_of_scope": FactSpec(CelType.BOOL, "the message is about nothing the shop handles"),
    "frustration": FactSpec(CelType.DOUBLE, "frustration in this message, 0..1"),
    "frustration_trend": FactSpec(
        CelType.DOUBLE,
        "this message's frustration minus the mean of the previous (up to 3) messages; "
        "0 on the first message, > 0 when it is rising",
    ),
    "asked_for_human": FactSpec(
        CelType.BOOL, "an explicit request for a person: the widget's button or a keyword"
    ),
    "person_request": FactSpec(
        CelType.DOUBLE,
        "how sure understanding is that the message asks for a person, in any part of it "
        "('where is TD-1001? and I want a person'), 0..1",
    ),
    "complaint_request": FactSpec(
        CelType.DOUBLE,
        "how sure understanding is that the message makes a complaint, as a whole or in any "
        "part of it ('change my address. also I want to complain about the courier'), 0..1",
    ),
    "payment_request": FactSpec(
        CelType.DOUBLE,
        "how sure understanding is that the message tells of a payment problem (failed, "
        "pending, unknown or double debits), as a whole or in any part of it, 0..1",
    ),
    "human_offered": FactSpec(
        CelType.BOOL,
        "the AI asked in its previous turn, yes or no, whether the customer wants a person "
        "(so 'yes' or 'ok' means: a person); an offer worded as a statement asks nothing",
    ),
    "awaiting_details": FactSpec(
        CelType.BOOL, "the AI asked for details in its previous turn (an order number, a postcode)"
    ),
    "details_given": FactSpec(
        CelType.BOOL, "this message carries details: an order number, email, postcode, date..."
    ),
    "failed_turns": FactSpec(
        CelType.INT,
        "AI turns that failed in a row (not understood, action failed, or the customer "
        "rejected the answer, counting a rejection in this message)",
    ),
    "rephrases_so_far": FactSpec(CelType.INT, "times the AI asked to rephrase so far"),
    "same_answer_twice": FactSpec(
        CelType.BOOL, "the AI's drafted answer is the last answer it gave"
    ),
    "same_question_twice": FactSpec(
        CelType.BOOL, "the AI's drafted answer asks, word for word, the question it asked last"
    ),
    "action_failed": FactSpec(CelType.BOOL, "the shop action the AI tried failed"),
    "shop_rule_refused": FactSpec(
        CelType.BOOL, "a shop rule forbids what the customer needs (e.g. a return after 30 days)"
    ),
    "answer_ms": FactSpec(CelType.INT, "milliseconds the AI took to draft its answer"),
    "answer_budget_ms": FactSpec(CelType.INT, "the configured answer-time budget"),
    "customer_identified": FactSpec(CelType.BOOL, "the customer is known to the shop"),
    "customer_tier": FactSpec(_S, "the shop's tier ('standard', 'gold', ...), '' if unknown"),
    "language": FactSpec(_S, "the conversation's language", frozenset(SUPPORTED_LANGUAGES)),
    "order_amount": FactSpec(CelType.DOUBLE, "total of the order in question, 0 if none"),
    "order_status": FactSpec(_S, "status of the order in question", ORDER_STATUSES),
    "agents_online": FactSpec(CelType.INT, "agents online who could take over"),
    "expected_wait_minutes": FactSpec(CelType.INT, "expected wait in the queue, minutes"),
    "office_hours": FactSpec(CelType.BOOL, "it is within the support team's office hours"),
    "state": FactSpec(
        _S,
        "who owns the conversation: ai, queued, human, closed",
        frozenset(s.value for s in State),
    ),
}
