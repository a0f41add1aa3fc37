"""What the alarm review asks GetMetricData, and how it reads the answers. Pure.

Dead metric: one query per metric an alarm reads (its MetricStat, or each MetricStat of its
metric math), statistic SampleCount, ONE period spanning the whole review window, so each
metric costs one datapoint however long the window: 1,000 alarms are 1,000 metrics in two
calls of 500 (GetMetricData is billed per metric requested, not per datapoint). A metric with
no datapoint over the window is dead; an alarm whose every metric is dead is a dead-metric
alarm. Metric math without a MetricStat (SEARCH, …) is not judged.

Back-test: the alarm's own chart queries (`model.alarm_queries.chart_queries`) at a period,
and the compared series picked from the answer, as the tune screen does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from msgspec import Struct

from montui.model.alarm import Alarm, AlarmKind, MetricQuery
from montui.model.alarm_queries import chart_queries
from montui.model.metrics import MetricSeries, TimeWindow


class DeadMetricCheck(Struct, frozen=True):
    """The queries of the dead-metric check, and which alarm each query belongs to."""

    queries: tuple[MetricQuery, ...]
    owners: Mapping[str, tuple[str, str, str]]
    """Query id → the alarm's key (account, region, name)."""

    def dead_alarms(self, series: Iterable[MetricSeries]) -> dict[tuple[str, str, str], bool]:
        """For every alarm checked: True when none of its metrics returned a datapoint."""
        alive = {s.id for s in series if any(v > 0 for v in s.values)}
        verdict: dict[tuple[str, str, str], bool] = {}
        for query_id, key in self.owners.items():
            verdict[key] = verdict.get(key, True) and query_id not in alive
        return verdict


def window_period(window: TimeWindow) -> int:
    """One period covering `window`, rounded up to whole hours (a multiple of 60 and of
    3600, as GetMetricData wants for data older than 15 days)."""
    seconds = int(window.length.total_seconds())
    return max(3600, -(-seconds // 3600) * 3600)


def dead_metric_check(alarms: Sequence[Alarm], window: TimeWindow) -> DeadMetricCheck:
    """The SampleCount queries over `window` for every metric alarm of `alarms`."""
    period = window_period(window)
    queries: list[MetricQuery] = []
    owners: dict[str, tuple[str, str, str]] = {}
    for alarm in alarms:
        if alarm.kind is not AlarmKind.METRIC:
            continue
        refs = [alarm.metric] if alarm.metric is not None else []
        refs += [q.metric for q in alarm.metrics if q.metric is not None]
        units = [alarm.unit] if alarm.metric is not None else []
        units += [q.unit for q in alarm.metrics if q.metric is not None]
        for ref, unit in zip(refs, units, strict=True):
            if ref is None:
                continue
            query_id = f"d{len(queries)}"
            queries.append(MetricQuery(query_id, metric=ref, stat="SampleCount", period=period,
                                       return_data=True, unit=unit))  # fmt: skip
            owners[query_id] = alarm.key
    return DeadMetricCheck(tuple(queries), owners)


def backtest_queries(alarm: Alarm, period: int) -> tuple[MetricQuery, ...]:
    """The queries whose answer `compared_points` reads: the alarm's chart at `period`."""
    return chart_queries(alarm, period=period)


def compared_points(alarm: Alarm, series: Sequence[MetricSeries]) -> dict[datetime, float]:
    """The series the threshold applies to (the returned expression for metric math)."""
    returned = alarm.returned_query
    wanted = "m1" if alarm.metric is not None else (returned.id if returned else "")
    chosen = next((s for s in series if s.id == wanted), None)
    return dict(chosen.points()) if chosen else {}
