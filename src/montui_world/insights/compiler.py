"""Turn expression nodes into Python closures, once per query, so events run no parser code.

A closure takes a row and returns a `Value`. What a row is depends on where the expression
sits: before the first `stats` it is an `EventRecord` (fields read lazily from the event),
after it a plain dict of the previous command's columns. A `Scope` hides the difference by
handing out field getters. Comparisons against a literal are specialised (a text literal
compares as text without trying to read the other side as a number).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from montui_world.insights.errors import MalformedQuery
from montui_world.insights.fields import EventRecord, event_getter
from montui_world.insights.functions import (
    PERIOD_FUNCTIONS,
    SCALARS,
    ceil_time,
    fixed_period_ms,
    floor_time,
)
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
from montui_world.insights.values import Timestamp, Value, compare, to_number, to_text, truthy

__all__ = ["EventScope", "Getter", "RowScope", "Scope", "compile_expression"]

Getter = Callable[[Any], Value]


class Scope:
    """Where expressions read fields from and write assigned fields to."""

    def getter(self, name: str) -> Getter:
        """A function reading field `name` from a row."""
        raise NotImplementedError

    def setter(self, name: str) -> Callable[[Any, Value], None]:
        """A function assigning field `name` on a row."""
        raise NotImplementedError


class EventScope(Scope):
    """Rows are `EventRecord`s; `assigned` names fields that commands may create."""

    def __init__(self, account_id: str, assigned: frozenset[str]) -> None:
        self.account_id = account_id
        self.assigned = assigned

    def getter(self, name: str) -> Getter:
        base = event_getter(name, self.account_id)
        if name not in self.assigned:
            return base

        def get(record: EventRecord) -> Value:
            assigned = record.assigned
            if assigned is not None and name in assigned:
                return assigned[name]
            return base(record)

        return get

    def setter(self, name: str) -> Callable[[Any, Value], None]:
        return lambda record, value: record.assign(name, value)


class RowScope(Scope):
    """Rows are dicts of column name to value (after `stats`)."""

    def getter(self, name: str) -> Getter:
        return lambda row: row.get(name)

    def setter(self, name: str) -> Callable[[Any, Value], None]:
        def assign(row: dict[str, Value], value: Value) -> None:
            row[name] = value

        return assign


def _arithmetic(op: str, left: Value, right: Value) -> Value:
    a, b = to_number(left), to_number(right)
    if a is None or b is None:
        return None
    try:
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            return a / b
        if op == "%":
            return math.fmod(a, b) if isinstance(a, float) or isinstance(b, float) else a % b
        result = a**b
        return None if isinstance(result, complex) else result
    except (ZeroDivisionError, OverflowError, ValueError):
        return None


def _compile_comparison(node: Binary, scope: Scope, text: str) -> Getter:
    left = compile_expression(node.left, scope, text)
    op, right = node.op, node.right
    if isinstance(right, Literal) and op in ("=", "!=") and to_number(right.value) is None:
        literal = str(right.value)
        if op == "=":
            return lambda row: (value := left(row)) is not None and to_text(value) == literal
        return lambda row: (value := left(row)) is not None and to_text(value) != literal
    if isinstance(right, Literal):
        constant = right.value
        return lambda row: compare(op, left(row), constant)
    right_getter = compile_expression(right, scope, text)
    return lambda row: compare(op, left(row), right_getter(row))


def _compile_match(node: Match, scope: Scope, text: str) -> Getter:
    operand = compile_expression(node.operand, scope, text)
    negated = node.negated
    if isinstance(node.pattern, RegexLit):
        search = node.pattern.pattern.search

        def matches(row: Any) -> Value:
            value = operand(row)
            if value is None:
                return False
            found = search(value if isinstance(value, str) else to_text(value) or "")
            return (found is None) if negated else (found is not None)

        return matches
    part = str(node.pattern.value)

    def contains(row: Any) -> Value:
        value = operand(row)
        if value is None:
            return False
        found = part in (value if isinstance(value, str) else to_text(value) or "")
        return found != negated

    return contains


def _compile_in(node: InList, scope: Scope, text: str) -> Getter:
    operand = compile_expression(node.operand, scope, text)
    items = [compile_expression(item, scope, text) for item in node.items]
    negated = node.negated

    def member(row: Any) -> Value:
        value = operand(row)
        if value is None:
            return False
        found = any(compare("=", value, item(row)) for item in items)
        return found != negated

    return member


def _period(node: Expr, text: str) -> Period:
    if not isinstance(node, Period):
        raise MalformedQuery("expected a time period such as 5m or 1h", text, node.start)
    if node.amount <= 0:
        raise MalformedQuery("a time period must be positive", text, node.start)
    return node


def _compile_period_call(node: Call, scope: Scope, text: str) -> Getter:
    period = _period(node.args[PERIOD_FUNCTIONS[node.name] - 1], text)
    amount, unit = period.amount, period.unit
    size = fixed_period_ms(amount, unit)
    own_timestamp = isinstance(scope, EventScope) and "@timestamp" not in scope.assigned
    if node.name == "bin" and size is not None and own_timestamp:
        # The hot path of `stats ... by bin(5m)`: no getter, no number conversion.
        def binned(record: EventRecord) -> Value:
            millis = record.event.timestamp_ms
            return Timestamp(millis - millis % size)

        return binned
    if node.name == "bin":
        moment = scope.getter("@timestamp")
    else:
        moment = compile_expression(node.args[0], scope, text)
    round_time = ceil_time if node.name == "dateceil" else floor_time

    def rounded(row: Any) -> Value:
        number = to_number(moment(row))
        return None if number is None else Timestamp(round_time(int(number), amount, unit))

    return rounded


def _compile_call(node: Call, scope: Scope, text: str) -> Getter:
    if node.name in PERIOD_FUNCTIONS:
        return _compile_period_call(node, scope, text)
    if node.name not in SCALARS:
        raise MalformedQuery(
            f"aggregate function {node.written} is only allowed in stats", text, node.start
        )
    function = SCALARS[node.name]
    args = [compile_expression(arg, scope, text) for arg in node.args]
    if len(args) == 1:
        only = args[0]
        return lambda row: function(only(row))
    if len(args) == 2:
        first, second = args
        return lambda row: function(first(row), second(row))
    return lambda row: function(*[arg(row) for arg in args])


def _compile_binary(node: Binary, scope: Scope, text: str) -> Getter:
    if node.op in ("=", "!=", "<", "<=", ">", ">="):
        return _compile_comparison(node, scope, text)
    left = compile_expression(node.left, scope, text)
    right = compile_expression(node.right, scope, text)
    if node.op == "and":
        return lambda row: truthy(left(row)) and truthy(right(row))
    if node.op == "or":
        return lambda row: truthy(left(row)) or truthy(right(row))
    op = node.op
    return lambda row: _arithmetic(op, left(row), right(row))


def compile_expression(node: Expr, scope: Scope, text: str) -> Getter:
    """A closure computing `node` for a row of `scope`; `text` is the query (for errors)."""
    if isinstance(node, Literal):
        constant = node.value
        return lambda row: constant
    if isinstance(node, Field):
        return scope.getter(node.name)
    if isinstance(node, Binary):
        return _compile_binary(node, scope, text)
    if isinstance(node, Unary):
        operand = compile_expression(node.operand, scope, text)
        if node.op == "not":
            return lambda row: not truthy(operand(row))
        return lambda row: _arithmetic("-", 0, operand(row))
    if isinstance(node, Match):
        return _compile_match(node, scope, text)
    if isinstance(node, InList):
        return _compile_in(node, scope, text)
    if isinstance(node, Call):
        return _compile_call(node, scope, text)
    assert isinstance(node, Period | Star | RegexLit)
    raise MalformedQuery.unexpected(text[node.start : node.end], text, node.start)
