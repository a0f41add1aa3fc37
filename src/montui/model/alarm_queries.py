"""What to ask GetMetricData to chart an alarm, and how to draw its threshold.

Pure: an `Alarm` in, `MetricQuery`s and numbers out. `sources.metrics.get_metric_data` runs
the queries; the detail screen draws the series, the threshold lines and the breaching points.
"""

from __future__ import annotations

from typing import Any

from montui.model.alarm import Alarm, AlarmKind, MetricQuery
from montui.model.evaluation import BAND_COMPARISONS, COMPARISONS, AlarmSettings, is_breaching
from montui.model.records import replace

__all__ = [
    "chart_queries",
    "compared_ids",
    "input_ids",
    "is_breaching_value",
    "metric_data_query",
    "threshold_lines",
]


def chart_queries(alarm: Alarm, *, period: int | None = None) -> tuple[MetricQuery, ...]:
    """The GetMetricData queries that chart `alarm` at its own period and statistic.

    - A single-metric alarm: one MetricStat query, id `m1`, labelled with the metric's name,
      with the alarm's Statistic or ExtendedStatistic (percentiles such as `p95` included).
    - A metric-math alarm: its `Metrics`, ids kept, every one with ReturnData true so each
      series (inputs and expression alike) can be drawn.
    - A composite alarm (or a metric alarm missing its metric): no query.

    `period` overrides the period of every MetricStat query (a coarser period for a long
    window); None keeps the alarm's own.
    """
    if alarm.kind is AlarmKind.COMPOSITE:
        return ()
    if alarm.metric is not None:
        stat = alarm.statistic or alarm.extended_statistic or "Average"
        return (
            MetricQuery(
                id="m1",
                metric=alarm.metric,
                stat=stat,
                period=period or alarm.period or 60,
                label=alarm.metric.name,
                return_data=True,
            ),
        )
    return tuple(_drawable(query, period) for query in alarm.metrics)


def _drawable(query: MetricQuery, period: int | None) -> MetricQuery:
    """`query` with ReturnData true, and its period replaced when it is a MetricStat."""
    new_period = query.period
    if query.metric is not None and period is not None:
        new_period = period
    return replace(query, period=new_period, return_data=True)


def compared_ids(alarm: Alarm) -> tuple[str, ...]:
    """The ids among `chart_queries(alarm)` of what the threshold applies to: `m1` for a
    single-metric alarm; for metric math the returned query (the expression the alarm
    compares) and the threshold metric (a band) when there is one."""
    if alarm.kind is AlarmKind.COMPOSITE:
        return ()
    if alarm.metric is not None:
        return ("m1",)
    returned = alarm.returned_query
    ids = [returned.id] if returned is not None else [q.id for q in alarm.metrics[:1]]
    if alarm.threshold_metric_id:
        ids.append(alarm.threshold_metric_id)
    return tuple(ids)


def input_ids(alarm: Alarm) -> tuple[str, ...]:
    """The metric-math queries the compared expression is computed from (none for a
    single-metric alarm): the detail charts them on their own, as their scale (counts)
    differs from the expression's (often a percentage)."""
    compared = set(compared_ids(alarm))
    return tuple(q.id for q in alarm.metrics if q.id not in compared)


def threshold_lines(alarm: Alarm) -> tuple[float, ...]:
    """The horizontal lines to draw: the static threshold, or none (composite alarms, and
    alarms compared with a band or another metric, whose bound is a series, not a line)."""
    if alarm.kind is AlarmKind.COMPOSITE or alarm.threshold is None:
        return ()
    if alarm.threshold_metric_id or alarm.comparison in BAND_COMPARISONS:
        return ()
    return (alarm.threshold,)


def is_breaching_value(alarm: Alarm, value: float) -> bool:
    """Whether one datapoint crosses the alarm's static threshold, with the comparison the
    evaluator uses (equality never breaches a strict operator). False when the alarm has no
    static threshold (composite, band, threshold metric) or an operator montui does not know."""
    if not threshold_lines(alarm) or alarm.comparison not in COMPARISONS:
        return False
    assert alarm.threshold is not None and alarm.comparison is not None
    settings = AlarmSettings(
        threshold=alarm.threshold,
        comparison=alarm.comparison,
        period=alarm.period_seconds or 60,
        evaluation_periods=1,
        datapoints_to_alarm=1,
    )
    return is_breaching(value, settings)


def metric_data_query(query: MetricQuery) -> dict[str, Any]:
    """A `MetricQuery` as AWS's MetricDataQuery (MetricStat or Expression), as GetMetricData
    and PutMetricAlarm's `Metrics` take it. ValueError when it has neither."""
    data: dict[str, Any] = {"Id": query.id, "ReturnData": query.return_data}
    if query.expression is not None:
        data["Expression"] = query.expression
        if query.period:
            data["Period"] = query.period
    elif query.metric is not None:
        ref = query.metric
        metric: dict[str, Any] = {"Namespace": ref.namespace, "MetricName": ref.name}
        if ref.dimensions:
            metric["Dimensions"] = [{"Name": k, "Value": v} for k, v in ref.dimensions]
        data["MetricStat"] = {
            "Metric": metric,
            "Period": query.period or 60,
            "Stat": query.stat or "Average",
        }
        if query.unit:
            data["MetricStat"]["Unit"] = query.unit
    else:
        raise ValueError(f"query {query.id!r} has neither a metric nor an expression")
    if query.label:
        data["Label"] = query.label
    if query.account_id:
        data["AccountId"] = query.account_id
    return data
