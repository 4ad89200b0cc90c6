"""A handoff policy as data: what the YAML file says, validated, with the line of each rule.

A policy has four parts, evaluated in this order for each customer message:

1. ``rules``: the first rule whose ``when`` holds decides; ``default`` decides when none does.
2. The engine's two guarantees (see ``engine.py``): a request for a person is honoured, and
   nobody is asked to rephrase twice.
3. ``unavailable``: when the decision hands over, the first of these rules that holds (nobody
   online, outside office hours, a long wait) turns it into a ticket.
4. ``raise_priority``: every one of these that holds raises a hand-over's or ticket's priority.
"""

from __future__ import annotations

from dataclasses import dataclass

from tandem.domain.decision import Action, Priority, Reason


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a rule decides."""

    action: Action
    reason: Reason
    priority: Priority = Priority.NORMAL
    team: str = "general"
    skill: str | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    when: str  # a CEL expression over the facts, type-checked by the loader
    outcome: Outcome
    line: int  # where the rule starts in the policy file, for messages


@dataclass(frozen=True, slots=True)
class PriorityRaise:
    name: str
    when: str
    priority: Priority
    line: int


@dataclass(frozen=True, slots=True)
class Policy:
    version: int
    rules: tuple[Rule, ...]
    default: Outcome
    unavailable: tuple[Rule, ...] = ()  # each decides action ticket
    raise_priority: tuple[PriorityRaise, ...] = ()
    description: str = ""
