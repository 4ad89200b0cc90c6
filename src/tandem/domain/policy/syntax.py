"""The part of CEL that policy conditions use, parsed into a small tree for static checks.

The Rust CEL library evaluates conditions but exposes no checker, so the loader parses each
condition (already accepted by ``cel.compile``) into this tree to type-check it against the
facts and to compare rules. Supported: literals (bool, int, double, string), fact names, list
literals, ``! - * / % + - < <= > >= == != in && || ?:``, parentheses and the functions in
``tandem.domain.policy.checker``. Anything else is reported as unsupported, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

Value = bool | int | float | str


class Unsupported(ValueError):
    """The condition uses CEL that policies do not support."""


@dataclass(frozen=True, slots=True)
class Literal:
    value: Value


@dataclass(frozen=True, slots=True)
class Name:
    name: str


@dataclass(frozen=True, slots=True)
class ListOf:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Unary:
    op: str
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Conditional:
    test: Node
    then: Node
    otherwise: Node


@dataclass(frozen=True, slots=True)
class Call:
    function: str
    args: tuple[Node, ...]  # a method call's receiver comes first: s.size() == size(s)


Node = Literal | Name | ListOf | Unary | Binary | Conditional | Call

_TOKEN = re.compile(
    r"""\s*(?:
    (?P<double>\d+\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+)
    |(?P<int>\d+)(?![uU\w])
    |(?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    |(?P<name>[A-Za-z_]\w*)
    |(?P<op>\|\||&&|==|!=|<=|>=|[<>!?:+\-*/%(),.\[\]])
    )""",
    re.VERBOSE,
)
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'"}
_RELATIONS = frozenset({"==", "!=", "<", "<=", ">", ">=", "in"})
_KEYWORDS: dict[str, Value] = {"true": True, "false": False}


def _unquote(token: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), token[1:-1])


def _tokens(source: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    while source[position:].strip():
        match = _TOKEN.match(source, position)
        if match is None or match.lastgroup is None:
            snippet = source[position:].strip()[:12]
            raise Unsupported(f"unsupported syntax at {snippet!r}")
        tokens.append((match.lastgroup, match.group(match.lastgroup)))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, source: str) -> None:
        self._tokens = _tokens(source)
        self._at = 0

    def _peek(self) -> str:
        return self._tokens[self._at][1] if self._at < len(self._tokens) else ""

    def _take(self, expected: str | None = None) -> tuple[str, str]:
        if self._at >= len(self._tokens):
            raise Unsupported("unexpected end of condition")
        token = self._tokens[self._at]
        if expected is not None and token[1] != expected:
            raise Unsupported(f"expected {expected!r}, found {token[1]!r}")
        self._at += 1
        return token

    def parse(self) -> Node:
        node = self._expression()
        if self._at != len(self._tokens):
            raise Unsupported(f"unsupported syntax at {self._peek()!r}")
        return node

    def _expression(self) -> Node:
        test = self._binary(0)
        if self._peek() != "?":
            return test
        self._take("?")
        then = self._binary(0)
        self._take(":")
        return Conditional(test, then, self._expression())

    _LEVELS: tuple[frozenset[str], ...] = (
        frozenset({"||"}),
        frozenset({"&&"}),
        _RELATIONS,
        frozenset({"+", "-"}),
        frozenset({"*", "/", "%"}),
    )

    def _binary(self, level: int) -> Node:
        if level == len(self._LEVELS):
            return self._unary()
        node = self._binary(level + 1)
        while self._peek() in self._LEVELS[level]:
            op = self._take()[1]
            node = Binary(op, node, self._binary(level + 1))
        return node

    def _unary(self) -> Node:
        if self._peek() in ("!", "-"):
            op = self._take()[1]
            return Unary(op, self._unary())
        return self._member(self._primary())

    def _member(self, node: Node) -> Node:
        while self._peek() == ".":
            self._take(".")
            kind, method = self._take()
            if kind != "name" or self._peek() != "(":
                raise Unsupported(f"field access .{method} is not supported; facts are flat")
            node = Call(method, (node, *self._arguments(")")))
        if self._peek() == "[":
            raise Unsupported("indexing is not supported")
        return node

    def _arguments(self, closing: str) -> tuple[Node, ...]:
        self._take()  # the opening bracket
        items: list[Node] = []
        while self._peek() != closing:
            items.append(self._expression())
            if self._peek() != ",":
                break
            self._take(",")
        self._take(closing)
        return tuple(items)

    def _primary(self) -> Node:
        if self._peek() == "(":
            self._take("(")
            node = self._expression()
            self._take(")")
            return node
        if self._peek() == "[":
            return ListOf(self._arguments("]"))
        kind, text = self._take()
        if kind == "int":
            return Literal(int(text))
        if kind == "double":
            return Literal(float(text))
        if kind == "string":
            return Literal(_unquote(text))
        if kind == "name" and text in _KEYWORDS:
            return Literal(_KEYWORDS[text])
        if kind == "name" and self._peek() == "(":
            return Call(text, self._arguments(")"))
        if kind == "name":
            return Name(text)
        raise Unsupported(f"unsupported syntax at {text!r}")


def parse(source: str) -> Node:
    """Parse a condition that ``cel.compile`` accepted; raise :class:`Unsupported` otherwise."""
    return _Parser(source).parse()
