"""What the AI does with a customer's message, and why: the output of the handoff policy."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Action(StrEnum):
    ANSWER = "answer"  # the AI answers (or runs a flow)
    CLARIFY = "clarify"  # the AI asks the customer to rephrase (at most once)
    OFFER_HUMAN = "offer_human"  # the AI answers and offers a person
    HANDOFF = "handoff"  # hand over to a person now
    TICKET = "ticket"  # nobody can take over: open a ticket with a promised answer time


class Reason(StrEnum):
    """The closed list of reason codes; docs/policy.md explains each."""

    CUSTOMER_REQUEST = "customer_request"
    COMPLAINT = "complaint"
    PAYMENT_PROBLEM = "payment_problem"
    DOUBLE_CHARGE = "double_charge"
    FRUSTRATION = "frustration"
    NOT_UNDERSTOOD = "not_understood"
    REPEATED_FAILURE = "repeated_failure"
    ACTION_FAILED = "action_failed"
    SYSTEM_ERROR = "system_error"  # Tandem itself failed (a crash); a person takes over
    TOO_SLOW = "too_slow"
    BUSINESS_RULE = "business_rule"
    OUT_OF_HOURS = "out_of_hours"
    NO_AGENT_AVAILABLE = "no_agent_available"
    ROUTINE = "routine"  # the AI can handle it
    ROLLOUT_OFF = "rollout_off"  # the topic is off for the AI (domain/rollout.py)
    ROLLOUT_PILOT_CONTROL = "rollout_pilot_control"  # the customer is in a pilot's control group
    ROLLOUT_SHADOW = "rollout_shadow"  # a person answers; the AI's draft is on the card


#: Reasons the roll-out gives (domain/rollout.py), never a policy rule.
ROLLOUT_REASONS = frozenset(
    {Reason.ROLLOUT_OFF.value, Reason.ROLLOUT_PILOT_CONTROL.value, Reason.ROLLOUT_SHADOW.value}
)


class Outcome(StrEnum):
    """What the AI's part of a turn achieved; the handoff policy, the card and the metrics read
    it."""

    ANSWERED = "answered"  # a useful, grounded answer
    ASKED = "asked"  # asked for a missing detail (identity, which order, a confirmation)
    RESOLVED = "resolved"  # performed an action and confirmed it (or will, once performed)
    SMALL_TALK = "small_talk"  # greeting, thanks, goodbye
    DECLINED = "declined"  # the customer changed their mind or let a confirmation go
    NOT_UNDERSTOOD = "not_understood"
    ACTION_FAILED = "action_failed"  # the shop refused or failed
    BUSINESS_RULE = "business_rule"  # a shop rule forbids what the customer needs


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


PRIORITY_RANK: dict[Priority, int] = {
    Priority.URGENT: 0,
    Priority.HIGH: 1,
    Priority.NORMAL: 2,
    Priority.LOW: 3,
}


@dataclass(frozen=True, slots=True)
class Decision:
    action: Action
    reason: Reason
    rule: str  # the name of the rule that fired
    priority: Priority = Priority.NORMAL
    team: str = "general"
    skill: str | None = None
    policy_version: int = 0
    cause: Reason | None = None  # for a ticket: why a person was wanted in the first place
