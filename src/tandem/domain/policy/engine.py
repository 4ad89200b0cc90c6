"""Evaluates a compiled policy on one message's facts and returns the decision.

Besides the policy's own rules, the engine keeps two guarantees that hold whatever a policy
says, because the product promises them (see docs/policy.md):

* an explicit request for a person (``asked_for_human``) is honoured in the same turn;
* nobody is asked to rephrase twice: a second clarify becomes a hand-over (not_understood).

When one of them overrides the policy, the decision's rule names the guarantee.
"""

from __future__ import annotations

from dataclasses import replace

import cel

from tandem.domain.decision import PRIORITY_RANK, Action, Decision, Priority, Reason
from tandem.domain.policy.facts import Facts
from tandem.domain.policy.model import Outcome, Policy, Rule

PERSON_ON_REQUEST = "guarantee_person_on_request"
REPHRASE_ONCE = "guarantee_rephrase_once"
DEFAULT_RULE = "default"

_TO_A_PERSON = frozenset({Action.HANDOFF, Action.TICKET})
_Compiled = tuple[tuple[str, cel.Program, Outcome], ...]


def _compile(rules: tuple[Rule, ...]) -> _Compiled:
    return tuple((rule.name, cel.compile(rule.when), rule.outcome) for rule in rules)


def _holds(program: cel.Program, context: cel.Context) -> bool:
    """A condition that fails at run time (say, a division by zero) does not hold."""
    try:
        return program.execute(context) is True
    except (ArithmeticError, RuntimeError, TypeError, ValueError):
        return False


class Engine:
    """A policy compiled once; :meth:`decide` runs for every customer message."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self._rules = _compile(policy.rules)
        self._unavailable = _compile(policy.unavailable)
        self._raises = tuple((cel.compile(r.when), r.priority) for r in policy.raise_priority)

    def decide(self, facts: Facts) -> Decision:
        context = cel.Context(variables=facts.as_cel())
        rule, outcome = self._first(self._rules, context) or (DEFAULT_RULE, self.policy.default)
        rule, outcome = _guarantee(facts, rule, outcome)
        cause: Reason | None = None
        if outcome.action is Action.HANDOFF:
            unavailable = self._first(self._unavailable, context)
            if unavailable is not None:
                rule = f"{rule}/{unavailable[0]}"
                cause = outcome.reason
                outcome = replace(outcome, action=Action.TICKET, reason=unavailable[1].reason)
        if outcome.action in _TO_A_PERSON:
            outcome = replace(outcome, priority=self._priority(outcome.priority, context))
        return Decision(
            outcome.action,
            outcome.reason,
            rule,
            outcome.priority,
            outcome.team,
            outcome.skill,
            self.policy.version,
            cause,
        )

    @staticmethod
    def _first(rules: _Compiled, context: cel.Context) -> tuple[str, Outcome] | None:
        for name, program, outcome in rules:
            if _holds(program, context):
                return name, outcome
        return None

    def _priority(self, priority: Priority, context: cel.Context) -> Priority:
        for program, raised in self._raises:
            if PRIORITY_RANK[raised] < PRIORITY_RANK[priority] and _holds(program, context):
                priority = raised
        return priority


def _guarantee(facts: Facts, rule: str, outcome: Outcome) -> tuple[str, Outcome]:
    if facts.asked_for_human and outcome.action not in _TO_A_PERSON:
        return PERSON_ON_REQUEST, Outcome(
            Action.HANDOFF, Reason.CUSTOMER_REQUEST, team=outcome.team
        )
    if outcome.action is Action.CLARIFY and facts.rephrases_so_far >= 1:
        return REPHRASE_ONCE, replace(outcome, action=Action.HANDOFF, reason=Reason.NOT_UNDERSTOOD)
    return rule, outcome
