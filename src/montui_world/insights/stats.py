"""Compile and run one `stats` command.

Each item is an expression that contains aggregate calls (`avg(@duration)`,
`sum(bytes) / 1024`) or that combines items named earlier in the same command (AWS's
"overprovisioned memory" sample ends with `provisonedMemoryMB - maxMemoryUsedMB`). Every
aggregate call becomes an accumulator slot; once all rows are in, a group's slots are
computed and the items are evaluated over them in order, so later items can use earlier
aliases.

Output columns are the `by` groups (named by alias, field name or text, e.g. `bin(5m)`)
followed by the items (`count(*)`, `avg(@duration)`, or their aliases). Groups come out in
the order they were first seen, and rows are scanned newest first, so without a `sort` the
latest time bin comes first. A query that aggregates no rows returns no rows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from montui_world.insights.aggregates import (
    AGGREGATE_ARITY,
    Accumulator,
    accumulator_factory,
    count_star,
)
from montui_world.insights.compiler import Getter, RowScope, Scope, compile_expression
from montui_world.insights.errors import MalformedQuery
from montui_world.insights.nodes import (
    Binary,
    Call,
    Expr,
    Field,
    InList,
    Literal,
    Match,
    Star,
    StatsCmd,
    Unary,
)
from montui_world.insights.values import Value

__all__ = ["StatsPlan", "compile_stats", "run_stats"]


@dataclass(frozen=True, slots=True)
class _Slot:
    """One aggregate call: how to read its argument and how to start an accumulator."""

    column: str
    argument: Getter | None
    factory: Callable[[], Accumulator]
    chronological: bool


@dataclass(frozen=True, slots=True)
class StatsPlan:
    """A compiled `stats`: group getters, aggregate slots and item formulas."""

    groups: tuple[tuple[str, Getter], ...]
    slots: tuple[_Slot, ...]
    items: tuple[tuple[str, Getter], ...]
    timestamp: Callable[[Any], int]
    columns: tuple[str, ...]


class _SlotCollector:
    """Rewrites an item, replacing each aggregate call by a hidden column of its result."""

    def __init__(self, scope: Scope, text: str) -> None:
        self.scope = scope
        self.text = text
        self.slots: list[_Slot] = []

    def _slot(self, call: Call) -> Field:
        column = f"\x00aggregate{len(self.slots)}"
        argument: Getter | None = None
        star = not call.args or isinstance(call.args[0], Star)
        if not star:
            argument = compile_expression(call.args[0], self.scope, self.text)
        percent = 0.0
        if call.name == "pct":
            level = call.args[1]
            if not (isinstance(level, Literal) and not isinstance(level.value, str)):
                raise MalformedQuery("pct needs a number from 0 to 100", self.text, level.start)
            if not 0 <= level.value <= 100:
                raise MalformedQuery("pct needs a number from 0 to 100", self.text, level.start)
            percent = float(level.value)
        factory = accumulator_factory(call.name, star, percent)
        chronological = call.name in ("earliest", "latest")
        self.slots.append(_Slot(column, argument, factory, chronological))
        return Field(column, call.start, call.end)

    def rewrite(self, node: Expr) -> Expr:
        if isinstance(node, Call):
            if node.name in AGGREGATE_ARITY:
                return self._slot(node)
            return dataclasses.replace(node, args=tuple(self.rewrite(a) for a in node.args))
        if isinstance(node, Binary):
            return dataclasses.replace(
                node, left=self.rewrite(node.left), right=self.rewrite(node.right)
            )
        if isinstance(node, Unary):
            return dataclasses.replace(node, operand=self.rewrite(node.operand))
        if isinstance(node, Match):
            return dataclasses.replace(node, operand=self.rewrite(node.operand))
        if isinstance(node, InList):
            items = tuple(self.rewrite(item) for item in node.items)
            return dataclasses.replace(node, operand=self.rewrite(node.operand), items=items)
        return node


def _field_names(node: Expr) -> Iterable[Field]:
    if isinstance(node, Field):
        yield node
    elif isinstance(node, Call):
        for arg in node.args:
            yield from _field_names(arg)
    elif isinstance(node, Binary):
        yield from _field_names(node.left)
        yield from _field_names(node.right)
    elif isinstance(node, Unary | Match):
        yield from _field_names(node.operand)
    elif isinstance(node, InList):
        yield from _field_names(node.operand)
        for item in node.items:
            yield from _field_names(item)


def compile_stats(
    command: StatsCmd, scope: Scope, timestamp: Callable[[Any], int], text: str
) -> StatsPlan:
    """Compile `command`, whose input rows belong to `scope`."""
    groups = tuple(
        (group.name, compile_expression(group.expr, scope, text)) for group in command.groups
    )
    collector = _SlotCollector(scope, text)
    items: list[tuple[str, Getter]] = []
    known: set[str] = set()
    for item in command.items:
        first_slot = len(collector.slots)
        rewritten = collector.rewrite(item.expr)
        for field in _field_names(rewritten):
            if not field.name.startswith("\x00") and field.name not in known:
                raise MalformedQuery(
                    f"unknown symbol in stats: {field.name} is neither aggregated nor named "
                    "earlier in this stats",
                    text,
                    field.start,
                )
        if len(collector.slots) == first_slot and not any(_field_names(rewritten)):
            raise MalformedQuery("stats needs an aggregate function", text, item.expr.start)
        items.append((item.name, compile_expression(rewritten, RowScope(), text)))
        known.add(item.name)
    columns = tuple(name for name, _ in groups) + tuple(name for name, _ in items)
    return StatsPlan(groups, tuple(collector.slots), tuple(items), timestamp, columns)


def _key_function(getters: list[Getter]) -> Callable[[Any], tuple[Value, ...]]:
    if not getters:
        return lambda row: ()
    if len(getters) == 1:
        only = getters[0]
        return lambda row: (only(row),)
    return lambda row: tuple([getter(row) for getter in getters])


def _accumulate(plan: StatsPlan, rows: Iterable[Any]) -> dict[tuple[Value, ...], list[Accumulator]]:
    key_of = _key_function([getter for _, getter in plan.groups])
    arguments = [slot.argument for slot in plan.slots]
    factories = [slot.factory for slot in plan.slots]
    timestamp = plan.timestamp
    needs_time = any(slot.chronological for slot in plan.slots)
    groups: dict[tuple[Value, ...], list[Accumulator]] = {}
    for source in rows:
        key = key_of(source)
        accumulators = groups.get(key)
        if accumulators is None:
            accumulators = groups[key] = [factory() for factory in factories]
        moment = timestamp(source) if needs_time else 0
        for argument, accumulator in zip(arguments, accumulators, strict=True):
            accumulator.add(None if argument is None else argument(source), moment)
    return groups


def _count_only(plan: StatsPlan, rows: Iterable[Any]) -> dict[tuple[Value, ...], list[Value]]:
    """The fast path for `stats count(*) by ...`: one integer per group."""
    key_of = _key_function([getter for _, getter in plan.groups])
    counts: dict[tuple[Value, ...], int] = {}
    for source in rows:
        key = key_of(source)
        counts[key] = counts.get(key, 0) + 1
    width = len(plan.slots)
    return {key: [count] * width for key, count in counts.items()}


def run_stats(plan: StatsPlan, rows: Iterable[Any]) -> list[dict[str, Value]]:
    """Aggregate `rows` into one dict per group (missing values left out)."""
    counting = all(slot.argument is None and slot.factory is count_star for slot in plan.slots)
    if counting and plan.slots:
        results = _count_only(plan, rows)
    else:
        results = {
            key: [accumulator.result() for accumulator in accumulators]
            for key, accumulators in _accumulate(plan, rows).items()
        }
    output: list[dict[str, Value]] = []
    for key, values in results.items():
        row: dict[str, Value] = {}
        for (name, _), value in zip(plan.groups, key, strict=True):
            row[name] = value
        for slot, value in zip(plan.slots, values, strict=True):
            row[slot.column] = value
        for name, formula in plan.items:
            row[name] = formula(row)
        output.append({name: row[name] for name in plan.columns if row.get(name) is not None})
    return output
