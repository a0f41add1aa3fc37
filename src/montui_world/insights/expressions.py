"""Parse expressions: the part of `filter`, `fields`, `stats` and `sort` after the keyword.

Precedence, loosest first: `or`; `and`; `not`; comparisons (`= != < <= > >=`, `like`,
`not like`, `=~`, `in [...]`, `not in [...]`, which do not chain); `+ -`; `* / %`; `^`
(right-associative); unary `-`. Keywords and function names are case-insensitive. A name
followed by `(` is a function call; anything else that is a name is a field.
"""

from __future__ import annotations

from collections.abc import Callable

from montui_world.insights.aggregates import AGGREGATE_ARITY
from montui_world.insights.errors import MalformedQuery
from montui_world.insights.functions import SCALAR_ARITY
from montui_world.insights.lexer import Token
from montui_world.insights.nodes import (
    Binary,
    Call,
    Expr,
    Field,
    InList,
    Literal,
    Match,
    Period,
    RegexLit,
    Star,
    Unary,
)
from montui_world.insights.patterns import compile_regex

__all__ = ["RESERVED", "ExpressionParser", "TokenStream"]

RESERVED = frozenset({"and", "or", "not", "like", "in", "as", "by", "asc", "desc"})
"""Bare words that cannot name a field (backquote them to use them as field names)."""

_COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")


class TokenStream:
    """The tokens of one query with a cursor, and errors located in the query text."""

    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.index = 0

    def peek(self, ahead: int = 0) -> Token:
        """The token `ahead` places after the cursor (the EOF token past the end)."""
        return self.tokens[min(self.index + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        """Take the token at the cursor."""
        token = self.peek()
        self.index = min(self.index + 1, len(self.tokens) - 1)
        return token

    def error(self, token: Token | None = None) -> MalformedQuery:
        """The AWS-style "unexpected symbol found" error for `token` (default: the next)."""
        token = token or self.peek()
        return MalformedQuery.unexpected(token.symbol, self.text, token.offset)

    def expect_op(self, op: str) -> Token:
        """Take an operator token `op`, or fail."""
        if not self.peek().is_op(op):
            raise self.error()
        return self.advance()

    def take_word(self, *words: str) -> bool:
        """Take the next token if it is one of the bare `words`."""
        if self.peek().is_word(*words):
            self.advance()
            return True
        return False


class ExpressionParser:
    """Recursive descent over a `TokenStream`; `aggregates` says whether `sum(...)` etc. may
    appear (only in `stats`)."""

    def __init__(self, stream: TokenStream) -> None:
        self.stream = stream
        self.aggregates = False

    def expression(self, aggregates: bool = False) -> Expr:
        """One whole expression."""
        self.aggregates = aggregates
        return self._or()

    def _chain(self, operand: Callable[[], Expr], *ops: str) -> Expr:
        """`operand (op operand)*` with the left-associative operators `ops`, folded to the
        left; a word operator (`or`, in any case) names its node in lower case."""
        left = operand()
        while (token := self.stream.peek()).is_word(*ops) or token.is_op(*ops):
            self.stream.advance()
            right = operand()
            op = token.text.lower() if token.kind == "NAME" else token.text
            left = Binary(op, left, right, left.start, right.end)
        return left

    def _or(self) -> Expr:
        return self._chain(self._and, "or")

    def _and(self) -> Expr:
        return self._chain(self._not, "and")

    def _not(self) -> Expr:
        token = self.stream.peek()
        if token.is_word("not"):
            self.stream.advance()
            operand = self._not()
            return Unary("not", operand, token.offset, operand.end)
        return self._comparison()

    def _comparison(self) -> Expr:
        stream = self.stream
        left = self._additive()
        token = stream.peek()
        if token.kind == "OP" and token.text in _COMPARISONS:
            stream.advance()
            right = self._additive()
            return Binary(token.text, left, right, left.start, right.end)
        negated = token.is_word("not") and stream.peek(1).is_word("like", "in")
        if negated:
            stream.advance()
            token = stream.peek()
        if token.is_word("like") or (token.is_op("=~") and not negated):
            stream.advance()
            pattern = self._pattern()
            return Match(left, pattern, negated, left.start, pattern.end)
        if token.is_word("in"):
            stream.advance()
            items, end = self._list()
            return InList(left, items, negated, left.start, end)
        return left

    def _pattern(self) -> RegexLit | Literal:
        token = self.stream.advance()
        if token.kind == "REGEX":
            return self._regex(token)
        if token.kind == "STRING":
            return Literal(str(token.value), token.offset, token.end)
        raise self.stream.error(token)

    def _regex(self, token: Token) -> RegexLit:
        source = str(token.value)
        pattern = compile_regex(source, self.stream.text, token.offset)
        return RegexLit(pattern, source, token.offset, token.end)

    def _list(self) -> tuple[tuple[Expr, ...], int]:
        self.stream.expect_op("[")
        items: list[Expr] = []
        if not self.stream.peek().is_op("]"):
            items.append(self._additive())
            while self.stream.peek().is_op(","):
                self.stream.advance()
                items.append(self._additive())
        end = self.stream.expect_op("]").end
        return tuple(items), end

    def _additive(self) -> Expr:
        return self._chain(self._multiplicative, "+", "-")

    def _multiplicative(self) -> Expr:
        return self._chain(self._power, "*", "/", "%")

    def _power(self) -> Expr:
        base = self._unary()
        if self.stream.peek().is_op("^"):
            self.stream.advance()
            exponent = self._power()
            return Binary("^", base, exponent, base.start, exponent.end)
        return base

    def _unary(self) -> Expr:
        token = self.stream.peek()
        if token.is_op("-"):
            self.stream.advance()
            operand = self._unary()
            if isinstance(operand, Literal) and not isinstance(operand.value, str):
                return Literal(-operand.value, token.offset, operand.end)
            return Unary("-", operand, token.offset, operand.end)
        return self._primary()

    def _primary(self) -> Expr:
        stream = self.stream
        token = stream.advance()
        if token.kind == "NUMBER":
            assert not isinstance(token.value, str)
            return Literal(token.value, token.offset, token.end)
        if token.kind == "STRING":
            return Literal(str(token.value), token.offset, token.end)
        if token.kind == "REGEX":
            return self._regex(token)
        if token.kind == "PERIOD":
            unit = token.text[len(str(token.value)) :]
            return Period(int(token.value), unit, token.offset, token.end)
        if token.kind == "FIELD":
            return Field(str(token.value), token.offset, token.end)
        if token.is_op("("):
            inner = self._or()
            stream.expect_op(")")
            return inner
        if token.kind == "NAME" and token.text.lower() not in RESERVED:
            if stream.peek().is_op("("):
                return self._call(token)
            return Field(token.text, token.offset, token.end)
        raise stream.error(token)

    def _call(self, name_token: Token) -> Call:
        stream = self.stream
        name = name_token.text.lower()
        is_aggregate = name in AGGREGATE_ARITY
        if name not in SCALAR_ARITY and not is_aggregate:
            raise MalformedQuery(
                f"unknown function {name_token.text}", stream.text, name_token.offset
            )
        if is_aggregate and not self.aggregates:
            raise MalformedQuery(
                f"aggregate function {name_token.text} is only allowed in stats",
                stream.text,
                name_token.offset,
            )
        return self._call_arguments(name_token, name, is_aggregate)

    def _call_arguments(self, name_token: Token, name: str, is_aggregate: bool) -> Call:
        stream = self.stream
        stream.expect_op("(")
        outer = self.aggregates
        self.aggregates = outer and not is_aggregate
        args: list[Expr] = []
        if name == "count" and stream.peek().is_op("*"):
            star = stream.advance()
            args.append(Star(star.offset, star.end))
        elif not stream.peek().is_op(")"):
            args.append(self._or())
            while stream.peek().is_op(","):
                stream.advance()
                args.append(self._or())
        end = stream.expect_op(")").end
        self.aggregates = outer
        fewest, most = AGGREGATE_ARITY[name] if is_aggregate else SCALAR_ARITY[name]
        if len(args) < fewest or (most is not None and len(args) > most):
            raise MalformedQuery(
                f"wrong number of arguments for {name_token.text}: {len(args)}",
                stream.text,
                name_token.offset,
            )
        return Call(name, name_token.text, tuple(args), name_token.offset, end)
