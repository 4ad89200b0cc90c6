"""Static checks of a parsed condition: types against the declared facts, impossible values,
and whether one condition implies another (to find shadowed rules).

Types are CEL's: bool, int, double, string and list(T). Numbers of either kind compare with
each other; arithmetic needs both sides of one kind, as CEL requires at run time.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping

from tandem.domain.policy.facts import CelType, FactSpec
from tandem.domain.policy.syntax import (
    Binary,
    Call,
    Conditional,
    ListOf,
    Literal,
    Name,
    Node,
    Unary,
)

TypeName = str  # "bool", "int", "double", "string", "list(<T>)", "list(dyn)"


class TypeProblem(ValueError):
    """A condition that cannot be evaluated as written."""


_NUMBERS = frozenset({"int", "double"})
_LITERAL_TYPES: dict[type, TypeName] = {bool: "bool", int: "int", float: "double", str: "string"}
_ARITHMETIC = frozenset({"+", "-", "*", "/", "%"})
_ORDERING = frozenset({"<", "<=", ">", ">="})


def _string_function(result: TypeName) -> Callable[[tuple[TypeName, ...]], TypeName | None]:
    return lambda args: result if args == ("string", "string") else None


#: Functions a condition may call, each mapping its argument types to a result (None: no).
FUNCTIONS: dict[str, Callable[[tuple[TypeName, ...]], TypeName | None]] = {
    "size": lambda a: "int" if len(a) == 1 and (a[0] == "string" or _is_list(a[0])) else None,
    "contains": _string_function("bool"),
    "startsWith": _string_function("bool"),
    "endsWith": _string_function("bool"),
    "matches": _string_function("bool"),
    "int": lambda a: "int" if a in (("int",), ("double",), ("string",)) else None,
    "double": lambda a: "double" if a in (("int",), ("double",), ("string",)) else None,
    "string": lambda a: "string" if len(a) == 1 else None,
}


def _is_list(t: TypeName) -> bool:
    return t.startswith("list(")


def _comparable(a: TypeName, b: TypeName) -> bool:
    return a == b or {a, b} <= _NUMBERS or ("list(dyn)" in (a, b) and _is_list(a) and _is_list(b))


class TypeChecker:
    """Infers the type of a condition's parts from the declared facts."""

    def __init__(self, facts: Mapping[str, FactSpec]) -> None:
        self._facts = facts

    def check_condition(self, node: Node) -> None:
        found = self.type_of(node)
        if found != "bool":
            raise TypeProblem(f"a condition must be true or false, this one is {found}")

    def type_of(self, node: Node) -> TypeName:
        match node:
            case Literal(value):
                return _LITERAL_TYPES[type(value)]
            case Name(name):
                return self._fact_type(name)
            case ListOf(items):
                return self._list_type(items)
            case Unary(op, operand):
                return self._unary(op, self.type_of(operand))
            case Binary(op, left, right):
                return self._binary(op, self.type_of(left), self.type_of(right))
            case Conditional(test, then, otherwise):
                return self._conditional(test, then, otherwise)
            case Call(function, args):
                return self._call(function, tuple(self.type_of(a) for a in args))

    def _fact_type(self, name: str) -> TypeName:
        spec = self._facts.get(name)
        if spec is None:
            close = difflib.get_close_matches(name, list(self._facts), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise TypeProblem(f"unknown fact {name!r}{hint}")
        return spec.type.value

    def _list_type(self, items: tuple[Node, ...]) -> TypeName:
        kinds = {self.type_of(item) for item in items}
        if len(kinds) > 1:
            raise TypeProblem(f"a list mixes {' and '.join(sorted(kinds))}")
        return f"list({kinds.pop() if kinds else 'dyn'})"

    def _unary(self, op: str, operand: TypeName) -> TypeName:
        if (op == "!" and operand == "bool") or (op == "-" and operand in _NUMBERS):
            return operand
        raise TypeProblem(f"{op} does not apply to {operand}")

    def _binary(self, op: str, left: TypeName, right: TypeName) -> TypeName:
        if op in ("&&", "||") and left == right == "bool":
            return "bool"
        if op in ("==", "!=") and _comparable(left, right):
            return "bool"
        if op in _ORDERING and (left == right == "string" or {left, right} <= _NUMBERS):
            return "bool"
        if op == "in" and _is_list(right) and _comparable(f"list({left})", right):
            return "bool"
        if op in _ARITHMETIC and left == right and self._arithmetic(op, left):
            return left
        raise TypeProblem(f"{op} does not apply to {left} and {right}")

    @staticmethod
    def _arithmetic(op: str, kind: TypeName) -> bool:
        if op == "+":
            return kind in _NUMBERS or kind == "string" or _is_list(kind)
        return kind == "int" if op == "%" else kind in _NUMBERS

    def _conditional(self, test: Node, then: Node, otherwise: Node) -> TypeName:
        if self.type_of(test) != "bool":
            raise TypeProblem("the test of ?: must be true or false")
        kinds = self.type_of(then), self.type_of(otherwise)
        if kinds[0] != kinds[1]:
            raise TypeProblem(f"the branches of ?: are {kinds[0]} and {kinds[1]}")
        return kinds[0]

    def _call(self, function: str, args: tuple[TypeName, ...]) -> TypeName:
        signature = FUNCTIONS.get(function)
        if signature is None:
            raise TypeProblem(f"unsupported function {function}(); use one of {sorted(FUNCTIONS)}")
        result = signature(args)
        if result is None:
            raise TypeProblem(f"{function}() does not take ({', '.join(args)})")
        return result


def impossible_values(node: Node, facts: Mapping[str, FactSpec]) -> list[str]:
    """Comparisons of a closed fact with a value it never takes, e.g. intent == "complain"."""
    found: list[str] = []
    match node:
        case Binary("==" | "!=", Name(name), Literal(str() as value)) | Binary(
            "==" | "!=", Literal(str() as value), Name(name)
        ):
            found += _not_a_choice(name, (value,), facts)
        case Binary("in", Name(name), ListOf(items)):
            values = tuple(i.value for i in items if isinstance(i, Literal))
            found += _not_a_choice(name, tuple(v for v in values if isinstance(v, str)), facts)
    for child in _children(node):
        found += impossible_values(child, facts)
    return found


def _not_a_choice(name: str, values: tuple[str, ...], facts: Mapping[str, FactSpec]) -> list[str]:
    spec = facts.get(name)
    if spec is None or spec.choices is None or spec.type is not CelType.STRING:
        return []
    return [_never(name, value, spec.choices) for value in values if value not in spec.choices]


def _never(name: str, value: str, choices: frozenset[str]) -> str:
    close = difflib.get_close_matches(value, sorted(choices), n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"it is one of {', '.join(sorted(choices))}"
    return f"{name} is never {value!r}; {hint}"


def _children(node: Node) -> tuple[Node, ...]:
    match node:
        case ListOf(items) | Call(_, items):
            return items
        case Unary(_, operand):
            return (operand,)
        case Binary(_, left, right):
            return (left, right)
        case Conditional(test, then, otherwise):
            return (test, then, otherwise)
    return ()


def names_in(node: Node) -> set[str]:
    if isinstance(node, Name):
        return {node.name}
    return set().union(*(names_in(child) for child in _children(node)))


def _terms(op: str, node: Node) -> tuple[Node, ...]:
    if isinstance(node, Binary) and node.op == op:
        return _terms(op, node.left) + _terms(op, node.right)
    return (node,)


def implies(premise: Node, conclusion: Node) -> bool:
    """True only when ``premise`` being true makes ``conclusion`` true, as seen from the
    structure alone (sound, not complete): equal terms, and/or subsets, constant true."""
    if premise == conclusion or conclusion == Literal(True):
        return True
    if len(conjuncts := _terms("&&", conclusion)) > 1:
        return all(implies(premise, c) for c in conjuncts)
    if len(alternatives := _terms("||", premise)) > 1:
        return all(implies(a, conclusion) for a in alternatives)
    if len(parts := _terms("&&", premise)) > 1 and any(implies(p, conclusion) for p in parts):
        return True
    options = _terms("||", conclusion)
    return len(options) > 1 and any(implies(premise, o) for o in options)
