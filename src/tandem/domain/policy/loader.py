"""Policy YAML text -> :class:`Policy`, or every problem found, each with its line.

Reported: invalid YAML, unknown or missing fields, wrong value types, unknown actions, reason
codes and priorities, conditions that do not compile or do not type-check against the facts,
comparisons with values a fact never takes, and rules that can never fire (always false, or
shadowed by an earlier rule that matches whenever they do).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

import cel
import yaml

from tandem.domain.decision import ROLLOUT_REASONS, Action, Priority, Reason
from tandem.domain.errors import InvalidInput
from tandem.domain.policy.checker import (
    TypeChecker,
    TypeProblem,
    implies,
    impossible_values,
    names_in,
)
from tandem.domain.policy.facts import FACT_SPECS
from tandem.domain.policy.model import Outcome, Policy, PriorityRaise, Rule
from tandem.domain.policy.syntax import Node, Unsupported, parse

_E = TypeVar("_E", bound=StrEnum)
_T = TypeVar("_T")
_Fields = dict[str, tuple[yaml.ScalarNode, yaml.Node]]

_TOP = frozenset({"version", "description", "rules", "default", "unavailable", "raise_priority"})
_OUTCOME = frozenset({"action", "reason", "priority", "team", "skill", "description"})
_RULE = _OUTCOME | {"name", "when"}
_UNAVAILABLE = frozenset({"name", "when", "reason", "description"})
_RAISE = frozenset({"name", "when", "priority", "description"})
_TICKET_REASONS = frozenset({Reason.OUT_OF_HOURS, Reason.NO_AGENT_AVAILABLE})


@dataclass(frozen=True, slots=True)
class Problem:
    line: int
    message: str


class InvalidPolicy(InvalidInput):
    code = "invalid_policy"

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"line {p.line}: {p.message}" for p in problems))
        self.problems = tuple(problems)


def load_policy(text: str) -> Policy:
    """Parse and validate a policy; raise :class:`InvalidPolicy` listing every problem."""
    reader = _Reader()
    policy = reader.policy(text)
    if reader.problems or policy is None:
        raise InvalidPolicy(sorted(reader.problems, key=lambda p: p.line))
    return policy


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


class _Reader:
    """Walks the YAML node tree, collecting problems instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self._checker = TypeChecker(FACT_SPECS)
        self._names: dict[str, int] = {}

    def _problem(self, node: yaml.Node, message: str) -> None:
        self.problems.append(Problem(_line(node), message))

    def policy(self, text: str) -> Policy | None:
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
            line = mark.line + 1 if mark is not None else 1
            self.problems.append(Problem(line, f"invalid YAML: {getattr(error, 'problem', error)}"))
            return None
        if root is None:
            self.problems.append(Problem(1, "the policy is empty"))
            return None
        fields = self._fields(root, _TOP, {"version", "rules", "default"}, "a policy")
        if fields is None or {"version", "rules", "default"} - fields.keys():
            return None
        return self._assemble(fields)

    def _assemble(self, fields: _Fields) -> Policy | None:
        version = self._int(fields["version"][1])
        rules = self._list(fields, "rules", self._rule)
        default_fields = self._fields(
            fields["default"][1], _OUTCOME, {"action", "reason"}, "the default"
        )
        default = None if default_fields is None else self._outcome(default_fields)
        unavailable = self._list(fields, "unavailable", self._unavailable)
        raises = self._list(fields, "raise_priority", self._raise)
        self._check_reachable(rules)
        self._check_reachable(unavailable)
        description = self._text(fields.get("description"))
        if version is None or default is None or self.problems:
            return None
        return Policy(version, rules, default, unavailable, raises, description)

    def _fields(
        self, node: yaml.Node, allowed: frozenset[str], required: set[str], what: str
    ) -> _Fields | None:
        if not isinstance(node, yaml.MappingNode):
            self._problem(node, f"{what} must be a mapping of fields")
            return None
        found: _Fields = {}
        for key, value in node.value:
            name = str(key.value)
            if name in found:
                self._problem(key, f"field {name!r} appears twice")
            elif name not in allowed:
                self._problem(key, f"unknown field {name!r} in {what}; known: {_listed(allowed)}")
            else:
                found[name] = (key, value)
        for name in sorted(required - found.keys()):
            self._problem(node, f"{what} is missing the field {name!r}")
        return found

    def _list(
        self, fields: _Fields, name: str, read: Callable[[yaml.Node], _T | None]
    ) -> tuple[_T, ...]:
        if name not in fields:
            return ()
        node = fields[name][1]
        if not isinstance(node, yaml.SequenceNode):
            self._problem(node, f"{name} must be a list")
            return ()
        return tuple(item for item in map(read, node.value) if item is not None)

    def _scalar(self, node: yaml.Node, tag: str, kind: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or node.tag != f"tag:yaml.org,2002:{tag}":
            self._problem(node, f"expected {kind}")
            return None
        return str(node.value)

    def _int(self, node: yaml.Node) -> int | None:
        value = self._scalar(node, "int", "a whole number")
        return None if value is None else int(value)

    def _text(self, entry: tuple[yaml.ScalarNode, yaml.Node] | None) -> str:
        return "" if entry is None else self._scalar(entry[1], "str", "text") or ""

    def _choice(
        self,
        entry: tuple[yaml.ScalarNode, yaml.Node] | None,
        enum: type[_E],
        excluded: frozenset[str] = frozenset(),
    ) -> _E | None:
        """One of `enum`'s values, except `excluded` (ones a policy may not name)."""
        if entry is None:
            return None
        allowed = [e.value for e in enum if e.value not in excluded]
        value = self._scalar(entry[1], "str", f"one of {_listed(allowed)}")
        if value is None:
            return None
        if value in allowed:
            return enum(value)
        self._problem(entry[1], f"unknown {entry[0].value} {value!r}; known: {_listed(allowed)}")
        return None

    def _outcome(self, fields: _Fields) -> Outcome | None:
        action = self._choice(fields.get("action"), Action)
        reason = self._choice(fields.get("reason"), Reason, ROLLOUT_REASONS)
        priority = self._choice(fields.get("priority"), Priority) or Priority.NORMAL
        team = self._text(fields.get("team")) or "general"
        skill = self._text(fields.get("skill")) or None
        if action is None or reason is None:
            return None
        return Outcome(action, reason, priority, team, skill)

    def _name(self, fields: _Fields) -> str | None:
        entry = fields.get("name")
        name = self._text(entry)
        if entry is None or not name:
            return None
        if not name.isidentifier() or not name.islower():
            self._problem(entry[1], f"rule name {name!r} must be lower_snake_case")
        elif name in self._names:
            self._problem(
                entry[1], f"rule name {name!r} is already used on line {self._names[name]}"
            )
        self._names[name] = _line(entry[1])
        return name

    def _rule(self, node: yaml.Node) -> Rule | None:
        fields = self._fields(node, _RULE, {"name", "when", "action", "reason"}, "a rule")
        if fields is None:
            return None
        name, when = self._name(fields), self._condition(fields.get("when"))
        outcome = self._outcome(fields)
        if name is None or when is None or outcome is None:
            return None
        return Rule(name, when, outcome, _line(node))

    def _unavailable(self, node: yaml.Node) -> Rule | None:
        fields = self._fields(node, _UNAVAILABLE, {"name", "when", "reason"}, "an unavailable rule")
        if fields is None:
            return None
        name, when = self._name(fields), self._condition(fields.get("when"))
        reason = self._choice(fields.get("reason"), Reason, ROLLOUT_REASONS)
        if reason is not None and reason not in _TICKET_REASONS:
            self._problem(fields["reason"][1], f"a ticket's reason is {_listed(_TICKET_REASONS)}")
            return None
        if name is None or when is None or reason is None:
            return None
        return Rule(name, when, Outcome(Action.TICKET, reason), _line(node))

    def _raise(self, node: yaml.Node) -> PriorityRaise | None:
        fields = self._fields(node, _RAISE, {"name", "when", "priority"}, "a raise_priority rule")
        if fields is None:
            return None
        name, when = self._name(fields), self._condition(fields.get("when"))
        priority = self._choice(fields.get("priority"), Priority)
        if name is None or when is None or priority is None:
            return None
        return PriorityRaise(name, when, priority, _line(node))

    def _condition(self, entry: tuple[yaml.ScalarNode, yaml.Node] | None) -> str | None:
        if entry is None:
            return None
        node = entry[1]
        source = self._scalar(node, "str", "a CEL condition in text")
        if source is None:
            return None
        for message in _condition_problems(source, self._checker):
            self._problem(node, message)
        return source

    def _check_reachable(self, rules: tuple[Rule, ...]) -> None:
        trees = [(rule, parse(rule.when)) for rule in rules if _parses(rule.when)]
        for index, (rule, tree) in enumerate(trees):
            if _constant(rule.when, tree) is False:
                self.problems.append(
                    Problem(
                        rule.line,
                        f"rule {rule.name!r} can never fire: its condition is always false",
                    )
                )
                continue
            for earlier, earlier_tree in trees[:index]:
                if _constant(earlier.when, earlier_tree) is True or implies(tree, earlier_tree):
                    self.problems.append(Problem(rule.line, _shadowed(rule, earlier)))
                    break


def _shadowed(rule: Rule, earlier: Rule) -> str:
    return (
        f"rule {rule.name!r} can never fire: rule {earlier.name!r} (line {earlier.line}) "
        "comes first and matches whenever it does"
    )


def _parses(source: str) -> bool:
    try:
        parse(source)
    except Unsupported:
        return False
    return True


def _constant(source: str, tree: Node) -> bool | None:
    """The condition's value when it uses no fact at all, else None."""
    if names_in(tree):
        return None
    try:
        return cel.evaluate(source) is True
    except (ArithmeticError, RuntimeError, TypeError, ValueError):
        return None


def _condition_problems(source: str, checker: TypeChecker) -> Iterator[str]:
    try:
        cel.compile(source)
    except ValueError as error:
        yield f"invalid condition {source!r}: {_first_line(str(error))}"
        return
    try:
        tree = parse(source)
        checker.check_condition(tree)
    except (Unsupported, TypeProblem) as error:
        yield f"in condition {source!r}: {error}"
        return
    yield from (f"in condition {source!r}: {m}" for m in impossible_values(tree, FACT_SPECS))


def _first_line(message: str) -> str:
    """CEL's parse errors span lines and list every expected token; keep the gist."""
    found = re.search(r"(?:Syntax error|ERROR)[^\n]*?:\s*(.*?)(?: expecting .*)?$", message, re.M)
    gist = found.group(1) if found else message.splitlines()[0]
    return re.sub(r"<input>:\d+:(\d+):", r"at column \1:", gist).strip()


def _listed(values: Iterable[str]) -> str:
    return ", ".join(sorted(str(v) for v in values))
