"""Run a parsed query over log events: `run_query`, `run_query_partial`, `iter_snapshots`.

The query compiles once into a pipeline of stages. Consecutive `fields`/`filter`/`parse`
commands fuse into one pass; `stats`, `sort`, `limit` and `dedup` each work on the whole
set of rows. Events in the time range (`start_ms <= @timestamp <= end_ms`, both ends
included as moto does) enter newest first, which is the order AWS uses when a query has no
`sort` (its `dedup` documentation says so), so `fields @message | limit 5` gives the newest 5.

Rows: a query without `stats` returns, for each event, the fields named by `fields` and
`parse` (`@timestamp` and `@message` first when no `fields` command names any), or only
those of the last `display`, then `@ptr`. A query with `stats` returns its columns and no
`@ptr`. A field with no value is left out of its row. At most 10,000 rows come back (AWS's
maximum), fewer if `limit` or the StartQuery `limit` parameter says so.

Statistics: `records_scanned` counts events in the time range that were read,
`records_matched` those that passed the filters before the first `stats` (or all filters,
without `stats`), `bytes_scanned` the UTF-8 size of the scanned messages; all floats as
GetQueryResults returns them.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from montui_world.insights.compiler import EventScope, Getter, RowScope, Scope, compile_expression
from montui_world.insights.fields import DEFAULT_ACCOUNT, EventRecord, LogEvent, ptr_for
from montui_world.insights.nodes import (
    DedupCmd,
    Field,
    FieldsCmd,
    FilterCmd,
    LimitCmd,
    ParseCmd,
    Query,
    SortCmd,
    StatsCmd,
)
from montui_world.insights.parser import MAX_LIMIT
from montui_world.insights.stats import StatsPlan, compile_stats, run_stats
from montui_world.insights.values import (
    SortKey,
    Value,
    format_value,
    natural_key,
    to_number,
    to_text,
    truthy,
)

__all__ = ["QueryResult", "iter_snapshots", "run_query", "run_query_partial"]

Step = Callable[[Any], bool]
SHOWN_BY_DEFAULT = ("@timestamp", "@message")


@dataclass
class QueryResult:
    """Rows as GetQueryResults returns them (`[(field, value), ...]` each) and statistics."""

    rows: list[list[tuple[str, str]]]
    records_matched: float
    records_scanned: float
    bytes_scanned: float
    fraction_scanned: float = 1.0

    @property
    def statistics(self) -> dict[str, float]:
        """The `statistics` member of a GetQueryResults response."""
        return {
            "recordsMatched": self.records_matched,
            "recordsScanned": self.records_scanned,
            "bytesScanned": self.bytes_scanned,
        }


@dataclass
class _Stage:
    kind: str
    steps: list[Step] = field(default_factory=list)
    stats: StatsPlan | None = None
    sort_keys: list[tuple[Getter, bool]] = field(default_factory=list)
    count: int = 0
    getters: list[Getter] = field(default_factory=list)


@dataclass
class _Pipeline:
    stages: list[_Stage]
    columns: list[Getter]
    names: list[str]
    aggregated: bool


def _assigned_before_stats(query: Query) -> frozenset[str]:
    names: set[str] = set()
    for command in query.commands:
        if isinstance(command, StatsCmd):
            break
        if isinstance(command, FieldsCmd) and not command.display:
            names.update(p.name for p in command.items if not _is_plain(p.expr, p.name))
        if isinstance(command, ParseCmd):
            names.update(command.names)
    return frozenset(names)


def _is_plain(expr: object, name: str) -> bool:
    return isinstance(expr, Field) and expr.name == name


def _fields_step(command: FieldsCmd, scope: Scope, text: str) -> Step | None:
    assignments = [
        (compile_expression(item.expr, scope, text), scope.setter(item.name))
        for item in command.items
        if not _is_plain(item.expr, item.name)
    ]
    if command.display or not assignments:
        return None

    def assign(row: Any) -> bool:
        for getter, setter in assignments:
            setter(row, getter(row))
        return True

    return assign


def _parse_step(command: ParseCmd, scope: Scope) -> Step:
    source = scope.getter(command.source)
    search = command.pattern.search
    targets = [
        (group, scope.setter(name))
        for name, group in zip(command.names, command.groups, strict=True)
    ]

    def extract(row: Any) -> bool:
        text = to_text(source(row))
        match = search(text) if text is not None else None
        if match is not None:
            for group, setter in targets:
                value = match.group(group)
                if value is not None:
                    setter(row, value)
        return True

    return extract


def _filter_step(command: FilterCmd, scope: Scope, text: str) -> Step:
    condition = compile_expression(command.condition, scope, text)
    return lambda row: truthy(condition(row))


def _compile(query: Query, account_id: str) -> _Pipeline:
    text = query.text
    scope: Scope = EventScope(account_id, _assigned_before_stats(query))
    timestamp: Callable[[Any], int] = lambda record: record.event.timestamp_ms  # noqa: E731
    stages: list[_Stage] = []
    columns: list[str] = []
    display: list[str] | None = None
    aggregated = named_by_fields = False
    for command in query.commands:
        step: Step | None = None
        if isinstance(command, FieldsCmd):
            step = _fields_step(command, scope, text)
            names = [item.name for item in command.items]
            if command.display:
                display = names
            else:
                named_by_fields = True
                columns.extend(name for name in names if name not in columns)
        elif isinstance(command, ParseCmd):
            step = _parse_step(command, scope)
            columns.extend(name for name in command.names if name not in columns)
        elif isinstance(command, FilterCmd):
            step = _filter_step(command, scope, text)
        elif isinstance(command, StatsCmd):
            plan = compile_stats(command, scope, timestamp, text)
            stages.append(_Stage("stats", stats=plan))
            scope, aggregated, display = RowScope(), True, None
            timestamp = lambda row: int(to_number(row.get("@timestamp")) or 0)  # noqa: E731
            columns = list(plan.columns)
        elif isinstance(command, SortCmd):
            keys = [(compile_expression(k.expr, scope, text), k.descending) for k in command.keys]
            stages.append(_Stage("sort", sort_keys=keys))
        elif isinstance(command, LimitCmd):
            if stages and stages[-1].kind == "sort":
                stages[-1].count = command.count  # lets the sort keep only the top rows
            stages.append(_Stage("limit", count=command.count))
        elif isinstance(command, DedupCmd):
            stages.append(_Stage("dedup", getters=[scope.getter(n) for n in command.fields]))
        if step is not None:
            if not stages or stages[-1].kind != "stream":
                stages.append(_Stage("stream"))
            stages[-1].steps.append(step)
    if not aggregated and not named_by_fields:
        columns = ["@timestamp", "@message", *(n for n in columns if n not in SHOWN_BY_DEFAULT)]
    names = display if display is not None else columns
    if not aggregated:
        names = [name for name in names if name != "@ptr"]  # every row ends with it anyway
    return _Pipeline(stages, [scope.getter(name) for name in names], names, aggregated)


def _sort(rows: list[Any], keys: list[tuple[Getter, bool]], top: int) -> list[Any]:
    """Stable multi-key natural sort; rows without a key value go last either way.

    With one key and a `limit` right after (`top` > 0), only the first `top` rows are
    ordered, through a heap, which is what `sort @timestamp desc | limit 20` needs.
    """
    for getter, descending in reversed(keys):
        present: list[tuple[SortKey, Any]] = []
        missing: list[Any] = []
        for row in rows:
            value = getter(row)
            if value is None:
                missing.append(row)
            else:
                present.append((natural_key(value), row))
        if top and len(keys) == 1 and top < len(present):
            pick = heapq.nlargest if descending else heapq.nsmallest
            return [row for _, row in pick(top, present, key=_first)]
        present.sort(key=_first, reverse=descending)
        rows = [row for _, row in present]
        rows.extend(missing)
    return rows


def _first(pair: tuple[SortKey, Any]) -> SortKey:
    return pair[0]


def _dedup(rows: list[Any], getters: list[Getter]) -> list[Any]:
    seen: set[tuple[Value, ...]] = set()
    kept: list[Any] = []
    for row in rows:
        key = tuple(getter(row) for getter in getters)
        if any(value is None for value in key):
            kept.append(row)
        elif key not in seen:
            seen.add(key)
            kept.append(row)
    return kept


def _run_stage(stage: _Stage, rows: list[Any]) -> list[Any]:
    if stage.kind == "stream":
        steps = stage.steps
        if len(steps) == 1:
            return list(filter(steps[0], rows))
        return [row for row in rows if all(step(row) for step in steps)]
    if stage.kind == "stats":
        assert stage.stats is not None
        return run_stats(stage.stats, rows)
    if stage.kind == "sort":
        return _sort(rows, stage.sort_keys, stage.count)
    if stage.kind == "limit":
        return rows[: stage.count]
    return _dedup(rows, stage.getters)


def _message_bytes(events: list[LogEvent]) -> int:
    return sum(len(e.message) if e.message.isascii() else len(e.message.encode()) for e in events)


def _execute(
    query: Query, events: list[LogEvent], account_id: str, limit: int | None, fraction: float
) -> QueryResult:
    pipeline = _compile(query, account_id)
    rows: list[Any] = [EventRecord(event) for event in events]
    matched: int | None = None
    for stage in pipeline.stages:
        if matched is None and stage.kind in ("stats", "sort", "limit", "dedup"):
            matched = len(rows)
        rows = _run_stage(stage, rows)
    matched = len(rows) if matched is None else matched
    cap = min(limit or MAX_LIMIT, MAX_LIMIT)
    output: list[list[tuple[str, str]]] = []
    for row in rows[:cap]:
        cells: list[tuple[str, str]] = []
        for name, getter in zip(pipeline.names, pipeline.columns, strict=True):
            value = getter(row)
            if value is not None:
                cells.append((name, format_value(value)))
        if not pipeline.aggregated:
            cells.append(("@ptr", ptr_for(row.event)))
        output.append(cells)
    return QueryResult(
        output, float(matched), float(len(events)), float(_message_bytes(events)), fraction
    )


def _in_range(events: Iterable[LogEvent], start_ms: int, end_ms: int) -> list[LogEvent]:
    return [event for event in events if start_ms <= event.timestamp_ms <= end_ms]


def run_query(
    query: Query,
    events: Iterable[LogEvent],
    *,
    start_ms: int,
    end_ms: int,
    account_id: str = DEFAULT_ACCOUNT,
    limit: int | None = None,
) -> QueryResult:
    """Run `query` over the events of `events` between `start_ms` and `end_ms` (inclusive).

    `account_id` goes into `@log`; `limit` is StartQuery's `limit` parameter, a cap on the
    rows returned on top of any `limit` command (never more than 10,000).
    """
    selected = _in_range(events, start_ms, end_ms)
    selected.sort(key=lambda event: event.timestamp_ms, reverse=True)
    return _execute(query, selected, account_id, limit, 1.0)


def run_query_partial(
    query: Query,
    events: Iterable[LogEvent],
    *,
    start_ms: int,
    end_ms: int,
    fraction: float,
    account_id: str = DEFAULT_ACCOUNT,
    limit: int | None = None,
) -> QueryResult:
    """The results a still-Running query shows after scanning `fraction` (0..1) of its events.

    The scan goes forward in time: a fraction of 0.25 has read the oldest quarter of the
    events in range. `fraction_scanned` on the result says how far it got; at 1.0 this is
    `run_query`.
    """
    selected = _in_range(events, start_ms, end_ms)
    selected.sort(key=lambda event: event.timestamp_ms)
    fraction = min(1.0, max(0.0, fraction))
    scanned = selected[: math.ceil(len(selected) * fraction)]
    scanned.reverse()
    return _execute(query, scanned, account_id, limit, fraction)


def iter_snapshots(
    query: Query,
    events: Iterable[LogEvent],
    *,
    start_ms: int,
    end_ms: int,
    steps: int = 4,
    account_id: str = DEFAULT_ACCOUNT,
    limit: int | None = None,
) -> Iterator[QueryResult]:
    """Partial results after 1/steps, 2/steps, ... of the scan; the last one is complete."""
    materialized = list(events)
    for step in range(1, max(1, steps) + 1):
        yield run_query_partial(
            query,
            materialized,
            start_ms=start_ms,
            end_ms=end_ms,
            fraction=step / max(1, steps),
            account_id=account_id,
            limit=limit,
        )
