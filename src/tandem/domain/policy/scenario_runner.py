"""Scripted conversations with the decision expected at each customer message.

A scenario file is YAML::

    scenarios:
      - name: a customer who asks for a person gets one at once
        language: en
        given: {agents_online: 2}          # optional, for every turn
        turns:
          - customer: "Can I talk to a human please"
            given: {customer_tier: gold}   # optional, for this turn only
            expect: {action: handoff, reason: customer_request, priority: high}

``given`` sets what is true around the message (see :data:`GIVEN`); unless a scenario says
otherwise two agents are online, the wait is 3 minutes and it is office hours. ``expect``
needs ``action`` and ``reason``; ``priority`` and ``rule`` are checked when present.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import yaml

from tandem.domain.conversation import State
from tandem.domain.decision import Action, Decision, Priority, Reason
from tandem.domain.errors import InvalidInput
from tandem.domain.policy.dialogue import CustomerTurn, Understands, converse
from tandem.domain.policy.engine import Engine
from tandem.domain.turns import Surroundings
from tandem.types import SUPPORTED_LANGUAGES, Language
from tandem.understanding.result import Understanding

#: The keys ``given`` accepts and their types; the last four describe the AI's attempt.
GIVEN: dict[str, type | tuple[type, ...]] = {
    "state": str,
    "agents_online": int,
    "expected_wait_minutes": int,
    "office_hours": bool,
    "asked_for_human": bool,
    "awaiting_details": bool,
    "customer_tier": str,
    "order_amount": (int, float),
    "order_status": str,
    "answer_budget_ms": int,
    "answer_key": str,
    "action_failed": bool,
    "answer_ms": int,
    "repeats_question": bool,
}
_ATTEMPT_KEYS = frozenset({"answer_key", "action_failed", "answer_ms", "repeats_question"})
SCENARIO_SURROUNDINGS = Surroundings(agents_online=2, expected_wait_minutes=3, office_hours=True)
_LINE = "__line__"
_LANGUAGES: dict[object, Language] = {language: language for language in SUPPORTED_LANGUAGES}


class InvalidScenario(InvalidInput):
    code = "invalid_scenario"


@dataclass(frozen=True, slots=True)
class Expectation:
    action: Action
    reason: Reason
    priority: Priority | None = None
    rule: str | None = None

    def met_by(self, decision: Decision) -> bool:
        return (
            (decision.action, decision.reason) == (self.action, self.reason)
            and self.priority in (None, decision.priority)
            and self.rule in (None, decision.rule)
        )

    def __str__(self) -> str:
        extra = "".join(f" {v}" for v in (self.priority, self.rule) if v is not None)
        return f"{self.action}/{self.reason}{extra}"


@dataclass(frozen=True, slots=True)
class ScriptedTurn:
    turn: CustomerTurn
    expect: Expectation
    line: int


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    language: Language
    turns: tuple[ScriptedTurn, ...]
    line: int


@dataclass(frozen=True, slots=True)
class TurnCheck:
    scenario: Scenario
    number: int  # 1-based
    scripted: ScriptedTurn
    understanding: Understanding
    actual: Decision

    @property
    def passed(self) -> bool:
        return self.scripted.expect.met_by(self.actual)


def run_scenario(engine: Engine, understander: Understands, scenario: Scenario) -> list[TurnCheck]:
    exchanges = converse(engine, understander, (s.turn for s in scenario.turns))
    return [
        TurnCheck(scenario, number, scripted, exchange.understanding, exchange.turn.decision)
        for number, (scripted, exchange) in enumerate(
            zip(scenario.turns, exchanges, strict=True), 1
        )
    ]


class _LineLoader(yaml.SafeLoader):
    """Keeps each mapping's line, for messages."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping[_LINE] = node.start_mark.line + 1
        return mapping


def parse_scenarios(text: str) -> tuple[Scenario, ...]:
    """Parse a scenario file; raise :class:`InvalidScenario` naming the line of a mistake."""
    try:
        data = yaml.load(text, Loader=_LineLoader)  # a SafeLoader: plain data only
    except yaml.YAMLError as error:
        raise InvalidScenario(f"invalid YAML: {error}") from error
    document = _mapping(data, {"scenarios", "description"}, "a scenario file")
    items = document.get("scenarios")
    if not isinstance(items, list) or not items:
        raise InvalidScenario(f"line {document[_LINE]}: a scenario file needs a scenarios list")
    return tuple(_scenario(item) for item in items)


def _mapping(data: object, allowed: set[str], what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise InvalidScenario(f"{what} must be a mapping")
    unknown = set(data) - allowed - {_LINE}
    if unknown:
        raise InvalidScenario(f"line {data.get(_LINE, 1)}: unknown field(s) {sorted(unknown)}")
    return data


def _scenario(data: object) -> Scenario:
    fields = _mapping(data, {"name", "language", "given", "turns"}, "a scenario")
    line = fields[_LINE]
    name, turns = fields.get("name"), fields.get("turns")
    language = _LANGUAGES.get(fields.get("language"))
    if not isinstance(name, str) or language is None:
        raise InvalidScenario(f"line {line}: a scenario needs a name and a language (nl, en)")
    if not isinstance(turns, list) or not turns:
        raise InvalidScenario(f"line {line}: scenario {name!r} has no turns")
    given = _given(fields.get("given", {_LINE: line}))
    return Scenario(name, language, tuple(_turn(t, given) for t in turns), line)


def _given(data: object, base: Mapping[str, object] | None = None) -> dict[str, object]:
    fields = _mapping(data, set(GIVEN), "given")
    for key, value in fields.items():
        if key != _LINE and not _fits(value, GIVEN[key]):
            raise InvalidScenario(f"line {fields[_LINE]}: given {key} has the wrong type")
    return {**(base or {}), **{k: v for k, v in fields.items() if k != _LINE}}


def _fits(value: object, expected: type | tuple[type, ...]) -> bool:
    kinds = expected if isinstance(expected, tuple) else (expected,)
    return isinstance(value, kinds) and (bool in kinds or not isinstance(value, bool))


def _turn(data: object, scenario_given: Mapping[str, object]) -> ScriptedTurn:
    fields = _mapping(data, {"customer", "given", "expect"}, "a turn")
    line, text = fields[_LINE], fields.get("customer")
    if not isinstance(text, str) or "expect" not in fields:
        raise InvalidScenario(f"line {line}: a turn needs customer text and expect")
    given = _given(fields.get("given", {_LINE: line}), scenario_given)
    return ScriptedTurn(_customer_turn(text, given, line), _expectation(fields["expect"]), line)


def _customer_turn(text: str, given: Mapping[str, object], line: int) -> CustomerTurn:
    around = {k: v for k, v in given.items() if k not in _ATTEMPT_KEYS}
    try:
        if "state" in around:
            around["state"] = State(str(around["state"]))
        if "order_amount" in around:
            around["order_amount"] = float(str(around["order_amount"]))
        surroundings = replace(SCENARIO_SURROUNDINGS, **around)  # type: ignore[arg-type]
    except ValueError as error:
        raise InvalidScenario(f"line {line}: {error}") from error
    attempt = {k: v for k, v in given.items() if k in _ATTEMPT_KEYS}
    return CustomerTurn(text, surroundings, **attempt)  # type: ignore[arg-type]


def _expectation(data: object) -> Expectation:
    fields = _mapping(data, {"action", "reason", "priority", "rule"}, "expect")
    try:
        priority, rule = fields.get("priority"), fields.get("rule")
        return Expectation(
            Action(str(fields.get("action"))),
            Reason(str(fields.get("reason"))),
            None if priority is None else Priority(priority),
            None if rule is None else str(rule),
        )
    except ValueError as error:
        raise InvalidScenario(f"line {fields[_LINE]}: expect: {error}") from error
