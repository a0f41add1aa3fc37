"""chart_queries, threshold_lines and is_breaching_value on hand-built alarms."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from montui.model.alarm import Alarm, AlarmKind, AlarmState, MetricQuery, MetricRef
from montui.model.alarm_queries import (
    chart_queries,
    compared_ids,
    input_ids,
    is_breaching_value,
    threshold_lines,
)

NOW = datetime(2026, 11, 21, 3, 30, tzinfo=UTC)
ERRORS = MetricRef("AWS/Lambda", "Errors", (("FunctionName", "contact-form"),))
INVOCATIONS = MetricRef("AWS/Lambda", "Invocations", (("FunctionName", "contact-form"),))


def metric_alarm(**fields: Any) -> Alarm:
    base: dict[str, Any] = {
        "name": "errors",
        "region": "ap-northeast-1",
        "kind": AlarmKind.METRIC,
        "state": AlarmState.OK,
        "state_updated": NOW,
        "metric": ERRORS,
        "statistic": "Sum",
        "period": 60,
        "evaluation_periods": 5,
        "datapoints_to_alarm": 3,
        "threshold": 10.0,
        "comparison": "GreaterThanThreshold",
    }
    base.update(fields)
    return Alarm(**base)


def math_alarm(**fields: Any) -> Alarm:
    metrics = (
        MetricQuery("e1", expression="100*(m1/m2)", label="Error rate (%)", return_data=True),
        MetricQuery("m1", metric=ERRORS, stat="Sum", period=60, return_data=False),
        MetricQuery("m2", metric=INVOCATIONS, stat="Sum", period=60, return_data=False),
    )
    base: dict[str, Any] = {
        "metric": None,
        "statistic": None,
        "period": None,
        "metrics": metrics,
    }
    base.update(fields)
    return metric_alarm(**base)


def test_single_metric_alarm_charts_one_query() -> None:
    (query,) = chart_queries(metric_alarm())
    assert query == MetricQuery(
        "m1", metric=ERRORS, stat="Sum", period=60, label="Errors", return_data=True
    )


def test_percentile_alarm_uses_the_extended_statistic() -> None:
    alarm = metric_alarm(statistic=None, extended_statistic="p95", period=300)
    (query,) = chart_queries(alarm)
    assert (query.stat, query.period) == ("p95", 300)


def test_period_override() -> None:
    (query,) = chart_queries(metric_alarm(), period=3600)
    assert query.period == 3600


def test_math_alarm_returns_every_query_with_ids_kept() -> None:
    queries = chart_queries(math_alarm())
    assert [q.id for q in queries] == ["e1", "m1", "m2"]
    assert all(q.return_data for q in queries)
    assert queries[0].expression == "100*(m1/m2)"
    assert queries[1].metric == ERRORS and queries[1].period == 60
    coarse = chart_queries(math_alarm(), period=300)
    assert [q.period for q in coarse] == [None, 300, 300]


def test_composite_has_no_queries_nor_lines() -> None:
    alarm = Alarm(
        "down",
        "ap-northeast-1",
        AlarmKind.COMPOSITE,
        AlarmState.ALARM,
        NOW,
        alarm_rule='ALARM("a")',
    )
    assert chart_queries(alarm) == ()
    assert threshold_lines(alarm) == ()
    assert not is_breaching_value(alarm, 1e9)


def test_threshold_lines() -> None:
    assert threshold_lines(metric_alarm()) == (10.0,)
    band = metric_alarm(
        threshold=None,
        comparison="LessThanLowerOrGreaterThanUpperThreshold",
        threshold_metric_id="ad1",
    )
    assert threshold_lines(band) == ()
    assert not is_breaching_value(band, 1e9)


@pytest.mark.parametrize(
    ("comparison", "value", "expected"),
    [
        ("GreaterThanThreshold", 10.0, False),
        ("GreaterThanThreshold", 10.5, True),
        ("GreaterThanOrEqualToThreshold", 10.0, True),
        ("LessThanThreshold", 10.0, False),
        ("LessThanThreshold", 9.0, True),
        ("LessThanOrEqualToThreshold", 10.0, True),
        ("LessThanOrEqualToThreshold", 11.0, False),
    ],
)
def test_is_breaching_value(comparison: str, value: float, expected: bool) -> None:
    assert is_breaching_value(metric_alarm(comparison=comparison), value) is expected


def test_unknown_operator_never_breaches() -> None:
    assert not is_breaching_value(metric_alarm(comparison="SomethingNew"), 1e9)


def test_compared_and_input_ids() -> None:
    """The detail charts what the threshold applies to apart from its inputs (issue 10 #17)."""
    assert compared_ids(metric_alarm()) == ("m1",) and input_ids(metric_alarm()) == ()
    assert compared_ids(math_alarm()) == ("e1",)
    assert input_ids(math_alarm()) == ("m1", "m2")
    band = math_alarm(
        metrics=(
            MetricQuery("m1", metric=ERRORS, stat="Sum", period=60, return_data=True),
            MetricQuery("ad1", expression="ANOMALY_DETECTION_BAND(m1, 2)", return_data=True),
        ),
        threshold_metric_id="ad1",
        comparison="LessThanLowerOrGreaterThanUpperThreshold",
    )
    assert compared_ids(band) == ("m1", "ad1") and input_ids(band) == ()
    composite = Alarm("down", "ap-northeast-1", AlarmKind.COMPOSITE, AlarmState.OK, NOW)
    assert compared_ids(composite) == () and input_ids(composite) == ()
