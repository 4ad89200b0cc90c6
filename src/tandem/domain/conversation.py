"""Who owns a conversation, and the ONE function that changes it.

Every change of owner goes through :func:`transition`, which checks the rule table and returns
the event to append. Nothing else writes a conversation's state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from tandem.domain.errors import InvalidTransition


class State(StrEnum):
    AI = "ai"  # the assistant is talking with the customer
    QUEUED = "queued"  # waiting for a human
    HUMAN = "human"  # an agent owns it; the AI stays silent
    CLOSED = "closed"


class Actor(StrEnum):
    """Who did something: the author of a message or the cause of an event."""

    CUSTOMER = "customer"
    AI = "ai"
    AGENT = "agent"
    SYSTEM = "system"
    #: An agent performed what the AI drafted in shadow mode (services/drafts.py).
    AGENT_ON_BEHALF_OF_AI = "agent_on_behalf_of_ai"


class EventKind(StrEnum):
    OPENED = "opened"
    HANDED_OFF = "handed_off"  # ai -> queued
    TAKEN = "taken"  # queued -> human (by the agent, or assigned to them by routing)
    RETURNED = "returned"  # human -> queued: the agent went away or offline
    HANDED_BACK = "handed_back"  # human -> ai
    CLOSED = "closed"  # ai|human|queued -> closed
    RATED = "rated"  # CSAT: detail {"score": 1..5}
    THUMBS = "thumbs"  # on one AI message: detail {"message": offset, "up": bool}; the last counts
    NPS = "nps"  # detail {"score": 0..10}, asked after the CSAT to TANDEM_NPS_SHARE of customers
    DECIDED = "decided"  # the policy's decision on one customer message (domain/decided.py)
    PERFORMED = "performed"  # a shop action performed after a decision, with its result
    # The customer named one of their own orders while waiting for a person (domain/decided.py).
    ORDER_NOTED = "order_noted"
    # A card number, CVV or IBAN was masked before storing; detail names the kinds, never values.
    SENSITIVE_DATA_MASKED = "sensitive_data_masked"
    #: In shadow mode, what the agent did with the AI's draft: sent, edited or discarded.
    DRAFT_USED = "draft_used"
    #: An SLA clock passed its approaching share / its target (services/sla.py; once per clock).
    #: An agent sent the AI's suggested reply (actor agent_on_behalf_of_ai), as is or edited.
    SUGGESTION_USED = "suggestion_used"
    #: An agent's internal note (detail {"text"}, maybe "transfer_to"/"handed_back"): never
    #: shown to the customer.
    NOTE = "note"
    SLA_APPROACHING = "sla_approaching"
    SLA_BREACHED = "sla_breached"


#: The rule table: (from, to) -> the event kind that records it, and who may cause it.
_TRANSITIONS: dict[tuple[State, State], tuple[EventKind, frozenset[Actor]]] = {
    (State.AI, State.QUEUED): (EventKind.HANDED_OFF, frozenset({Actor.AI, Actor.SYSTEM})),
    (State.QUEUED, State.HUMAN): (EventKind.TAKEN, frozenset({Actor.AGENT, Actor.SYSTEM})),
    (State.HUMAN, State.QUEUED): (EventKind.RETURNED, frozenset({Actor.AGENT, Actor.SYSTEM})),
    (State.HUMAN, State.AI): (EventKind.HANDED_BACK, frozenset({Actor.AGENT})),
    # The customer may end a chat a person owns too ("end chat" in the widget).
    (State.HUMAN, State.CLOSED): (
        EventKind.CLOSED,
        frozenset({Actor.CUSTOMER, Actor.AGENT, Actor.SYSTEM}),
    ),
    (State.AI, State.CLOSED): (
        EventKind.CLOSED,
        frozenset({Actor.CUSTOMER, Actor.AI, Actor.AGENT, Actor.SYSTEM}),
    ),
    # A queued customer who gives up, or a ticket that is closed, ends the conversation too.
    (State.QUEUED, State.CLOSED): (
        EventKind.CLOSED,
        frozenset({Actor.CUSTOMER, Actor.AGENT, Actor.SYSTEM}),
    ),
}


@dataclass(frozen=True, slots=True)
class Transition:
    """The event a change of owner appends: what changed, who acted and why."""

    kind: EventKind
    from_state: State
    to_state: State
    actor: Actor
    reason: str
    detail: dict[str, str] = field(default_factory=dict)


def allowed(source: State, target: State, actor: Actor) -> bool:
    rule = _TRANSITIONS.get((source, target))
    return rule is not None and actor in rule[1]


def transition(
    source: State,
    target: State,
    actor: Actor,
    reason: str,
    detail: dict[str, str] | None = None,
) -> Transition:
    """Check one change of owner against the rules and return the event that records it."""
    rule = _TRANSITIONS.get((source, target))
    if rule is None or actor not in rule[1]:
        raise InvalidTransition(source.value, target.value, actor.value)
    return Transition(rule[0], source, target, actor, reason, dict(detail or {}))
