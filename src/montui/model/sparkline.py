"""The board's sparklines: which metrics to ask for, and how a series looks in a few cells.

Pure. `plan_sparklines` turns the alarms on screen into one GetMetricData query list per
region (ids unique within the list, so the whole screen is one request per region);
`slot_values` lays a returned series on the window's minutes; `render_sparkline` draws it as
`▁▂▃▄▅▆▇█`, scaled between the window's own minimum and maximum, with a space for a gap.
"""

from __future__ import annotations

import math
import re
from collections.abc import Container, Iterable, Mapping, Sequence
from datetime import timedelta

from msgspec import Struct, field

from montui.model.alarm import Alarm, AlarmKind, MetricQuery
from montui.model.metrics import MetricSeries, TimeWindow

BARS = "▁▂▃▄▅▆▇█"
SPARK_WINDOW = timedelta(hours=1)
MAX_QUERIES_PER_CALL = 500
"""GetMetricData takes at most 500 queries per request."""

AlarmKey = tuple[str, str, str]

# Expressions that name other queries by string or by the whole request (METRICS(),
# SEARCH(...), a label filter) cannot be renamed safely: those alarms get no sparkline.
_UNRENAMEABLE = re.compile(r'"|\bMETRICS\s*\(|\bSEARCH\s*\(|\bINSIGHT_RULE_METRIC\s*\(')
_IDENT = re.compile(r"\b[a-z][a-zA-Z0-9_]*\b")


class SparkPlan(Struct, frozen=True):
    """One region's request: the queries, which alarm each returned id belongs to, what it
    costs (metrics requested, as GetMetricData bills them), and the alarms left out."""

    region: str
    queries: tuple[MetricQuery, ...] = ()
    chunks: tuple[tuple[MetricQuery, ...], ...] = ()
    owners: Mapping[str, AlarmKey] = field(default_factory=dict)
    metrics: int = 0
    calls: int = 0
    skipped: tuple[tuple[AlarmKey, str], ...] = ()


def plan_sparklines(
    alarms: Iterable[Alarm],
    *,
    already: Container[AlarmKey] = frozenset(),
    max_per_call: int = MAX_QUERIES_PER_CALL,
) -> dict[str, SparkPlan]:
    """Per region, the GetMetricData queries for the sparklines of `alarms` not in `already`.

    A single-metric alarm is one query `s<n>` (its statistic or percentile, its period but at
    least a minute). A metric-math alarm is its returned expression with its inputs, ids
    prefixed `s<n>_` so they stay unique; only the expression returns data. Composite alarms
    have no metric; metric-math expressions that use strings, METRICS() or SEARCH() are
    skipped (listed in `skipped`). `chunks` cuts the queries into requests of at most
    `max_per_call`, never between an expression and its inputs; `calls` counts them.
    """
    per_region: dict[str, list[Alarm]] = {}
    for alarm in alarms:
        if alarm.key not in already and alarm.kind is AlarmKind.METRIC:
            per_region.setdefault(alarm.region, []).append(alarm)
    plans = {}
    for region, members in per_region.items():
        queries: list[MetricQuery] = []
        chunks: list[list[MetricQuery]] = []
        owners: dict[str, AlarmKey] = {}
        skipped: list[tuple[AlarmKey, str]] = []
        for alarm in members:
            found = alarm_spark_queries(alarm, f"s{len(owners)}")
            if isinstance(found, str):
                skipped.append((alarm.key, found))
                continue
            queries.extend(found)
            if not chunks or len(chunks[-1]) + len(found) > max_per_call:
                chunks.append([])
            chunks[-1].extend(found)
            owners[next(q.id for q in found if q.return_data)] = alarm.key
        metrics = sum(1 for q in queries if q.metric is not None)
        plans[region] = SparkPlan(
            region=region,
            queries=tuple(queries),
            chunks=tuple(tuple(c) for c in chunks),
            owners=owners,
            metrics=metrics,
            calls=len(chunks),
            skipped=tuple(skipped),
        )
    return plans


def spark_period(alarm: Alarm) -> int:
    """The alarm's period, but at least a minute and at most a quarter of the window."""
    period = alarm.period_seconds or 60
    return max(60, min(period, int(SPARK_WINDOW.total_seconds()) // 4))


def alarm_spark_queries(alarm: Alarm, prefix: str) -> tuple[MetricQuery, ...] | str:
    """The queries for one alarm's sparkline, or why it gets none."""
    if alarm.metric is not None:
        stat = alarm.statistic or alarm.extended_statistic or "Average"
        query = MetricQuery(
            id=prefix, metric=alarm.metric, stat=stat, period=spark_period(alarm), return_data=True
        )
        return (query,)
    returned = alarm.returned_query
    if returned is None:
        return "no metric"
    ids = {q.id for q in alarm.metrics if q.id != alarm.threshold_metric_id}
    if any(q.expression and _UNRENAMEABLE.search(q.expression) for q in alarm.metrics):
        return "metric math with METRICS(), SEARCH() or strings"

    def rename(expression: str) -> str:
        return _IDENT.sub(lambda m: f"{prefix}_{m[0]}" if m[0] in ids else m[0], expression)

    return tuple(
        MetricQuery(
            id=f"{prefix}_{q.id}",
            expression=rename(q.expression) if q.expression else None,
            metric=q.metric,
            stat=q.stat,
            period=max(60, q.period or 60) if q.metric is not None else q.period,
            return_data=q.id == returned.id,
        )
        for q in alarm.metrics
        if q.id in ids
    )


def slot_values(
    series: MetricSeries, window: TimeWindow, slot: timedelta = timedelta(minutes=1)
) -> tuple[float | None, ...]:
    """`series` on the window's slots, oldest first; None where no datapoint fell."""
    count = max(1, math.ceil(window.length / slot))
    slots: list[float | None] = [None] * count
    for moment, value in series.points():
        if window.contains(moment) and math.isfinite(value):
            slots[int((moment - window.start) / slot)] = value
    return tuple(slots)


def render_sparkline(values: Sequence[float | None], width: int) -> str:
    """`values` (oldest first, None for a gap) as `width` bar characters.

    More values than cells: each cell is the mean of its share. Fewer: right-aligned (the
    newest value in the last cell), blank on the left. Scaled between the minimum and the
    maximum shown; a flat line is drawn at the bottom. Nothing to show: "" .
    """
    if width <= 0 or not any(v is not None for v in values):
        return ""
    cells = _downsample(values, width)
    known = [v for v in cells if v is not None]
    low, high = min(known), max(known)
    span = high - low
    out = []
    for value in cells:
        if value is None:
            out.append(" ")
        elif span == 0:
            out.append(BARS[0])
        else:
            out.append(BARS[round((value - low) / span * (len(BARS) - 1))])
    return "".join(out)


def _downsample(values: Sequence[float | None], width: int) -> list[float | None]:
    if len(values) <= width:
        return [None] * (width - len(values)) + list(values)
    cells: list[float | None] = []
    for i in range(width):
        share = [
            v for v in values[i * len(values) // width : (i + 1) * len(values) // width]
            if v is not None
        ]  # fmt: skip
        cells.append(sum(share) / len(share) if share else None)
    return cells
