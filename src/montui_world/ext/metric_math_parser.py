"""The parser of CloudWatch metric math: an `Expression` into a tree of `Node`s.

Ids, numbers, strings, `[a, b]` arrays, function calls, `+ - * / ^`, comparisons and
`AND`/`&&`, `OR`/`||` with AWS's precedence; syntax errors raise `MathError`. What the tree means
is `metric_math`'s. Pure: no moto.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<str>\"[^\"]*\"|'[^']*')"
    r"|(?P<op><=|>=|==|!=|&&|\|\||[-+*/^(),<>\[\]]))"
)
FUNCTION_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
"""An upper-case name: a function or keyword, never a query id."""


class MathError(ValueError):
    """An expression CloudWatch would refuse (syntax, unknown id or function, bad argument)."""


@dataclass(frozen=True, slots=True)
class Node:
    """A parsed expression: `kind` is num, id, str, call, bin, neg, list; `args` its parts."""

    kind: str
    text: str = ""
    number: float = 0.0
    args: tuple[Node, ...] = ()


def parse(text: str) -> Node:
    """Parse an expression; raises MathError on bad syntax."""
    tokens: list[tuple[str, str]] = []
    at = 0
    text = text.rstrip()
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None or match.end() == at:
            raise MathError(
                f"Syntax error at position {at + 1}: unexpected '{text[at:].strip()[:1]}'"
            )
        kind = match.lastgroup or "op"
        tokens.append((kind, match.group(kind)))
        at = match.end()
    parser = _Parser(tokens)
    node = parser.expression()
    if parser.at < len(tokens):
        raise MathError(f"Syntax error: unexpected '{tokens[parser.at][1]}'")
    return node


_LEVELS: tuple[tuple[str, ...], ...] = (
    ("OR", "||"),
    ("AND", "&&"),
    ("<", "<=", ">", ">=", "==", "!="),
    ("+", "-"),
    ("*", "/"),
)


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.at = 0

    def peek(self) -> str | None:
        return self.tokens[self.at][1] if self.at < len(self.tokens) else None

    def take(self, wanted: str | None = None) -> tuple[str, str]:
        if self.at >= len(self.tokens):
            raise MathError("Syntax error: the expression ends too early")
        token = self.tokens[self.at]
        if wanted is not None and token[1] != wanted:
            raise MathError(f"Syntax error: expected '{wanted}' but found '{token[1]}'")
        self.at += 1
        return token

    def expression(self, level: int = 0) -> Node:
        if level == len(_LEVELS):
            return self.unary()
        node = self.expression(level + 1)
        while self.peek() in _LEVELS[level]:
            op = self.take()[1]
            node = Node("bin", op, args=(node, self.expression(level + 1)))
        return node

    def unary(self) -> Node:
        if self.peek() == "-":
            self.take()
            return Node("neg", args=(self.unary(),))
        if self.peek() == "+":
            self.take()
            return self.unary()
        base = self.primary()
        if self.peek() == "^":
            self.take()
            return Node("bin", "^", args=(base, self.unary()))
        return base

    def primary(self) -> Node:
        kind, text = self.take()
        if kind == "num":
            return Node("num", text, float(text))
        if kind == "str":
            return Node("str", text[1:-1])
        if text == "(":
            node = self.expression()
            self.take(")")
            return node
        if text == "[":
            return Node("list", args=self.arguments("]"))
        if kind == "name":
            if self.peek() == "(":
                self.take()
                return Node("call", text, args=self.arguments(")"))
            return Node("id", text)
        raise MathError(f"Syntax error: unexpected '{text}'")

    def arguments(self, closing: str) -> tuple[Node, ...]:
        found: list[Node] = []
        if self.peek() == closing:
            self.take()
            return ()
        while True:
            found.append(self.expression())
            if self.peek() == ",":
                self.take()
                continue
            self.take(closing)
            return tuple(found)


def references(node: Node) -> set[str]:
    """The query ids an expression names."""
    found = {node.text} if node.kind == "id" and not FUNCTION_NAME.match(node.text) else set()
    for arg in node.args:
        found |= references(arg)
    return found
