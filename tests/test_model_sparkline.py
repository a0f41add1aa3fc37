"""The board's sparklines, pure: the request plan and the drawing."""

from __future__ import annotations

import math
from datetime import timedelta

from montui.model.alarm import Alarm, AlarmKind, AlarmState, MetricQuery, MetricRef
from montui.model.metrics import MetricSeries, TimeWindow
from montui.model.records import replace
from montui.model.sparkline import plan_sparklines, render_sparkline, slot_values
from tests.fakes import NOW, make_alarm


def math_alarm(name: str, expression: str = "100 * e / r") -> Alarm:
    ref = MetricRef("AWS/Lambda", "Errors", (("FunctionName", "f"),))
    return Alarm(
        name=name,
        region="ap-northeast-1",
        kind=AlarmKind.METRIC,
        state=AlarmState.OK,
        state_updated=NOW,
        metrics=(
            MetricQuery("e", metric=ref, stat="Sum", period=60),
            MetricQuery("r", metric=MetricRef("AWS/Lambda", "Invocations"), stat="Sum", period=60),
            MetricQuery("rate", expression=expression, return_data=True),
        ),
    )


def test_render_scales_between_min_and_max() -> None:
    assert render_sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8) == "▁▂▃▄▅▆▇█"
    assert render_sparkline([10, 20], 2) == "▁█"


def test_render_gaps_flat_and_empty() -> None:
    assert render_sparkline([1, None, 3], 3) == "▁ █"
    assert render_sparkline([5, 5, 5], 3) == "▁▁▁"
    assert render_sparkline([None, None], 4) == ""
    assert render_sparkline([], 4) == ""
    assert render_sparkline([1, 2], 0) == ""


def test_render_right_aligns_few_values_and_averages_many() -> None:
    assert render_sparkline([0, 1], 4) == "  ▁█"
    # 60 minutes in 10 cells: each cell is the mean of six minutes.
    values = [float(i // 6) for i in range(60)]
    assert render_sparkline(values, 10) == "▁▂▃▃▄▅▆▆▇█"
    assert len(render_sparkline([1.0] * 61, 10)) == 10
    half = [None] * 30 + [1.0, 2.0] * 15
    assert render_sparkline(half, 10).startswith("     ")


def test_slot_values_places_points_on_minutes_with_gaps() -> None:
    window = TimeWindow.ending(NOW, timedelta(minutes=5))
    series = MetricSeries(
        "s0", "x", (window.start, window.start + timedelta(minutes=3)), (1.0, math.nan)
    )
    assert slot_values(series, window) == (1.0, None, None, None, None)
    outside = MetricSeries("s0", "x", (NOW,), (3.0,))
    assert slot_values(outside, window) == (None,) * 5


def test_plan_one_query_per_metric_alarm_unique_ids_per_region() -> None:
    alarms = [make_alarm(f"a{i}") for i in range(3)] + [
        make_alarm("b", region="us-east-1"),
        make_alarm("composite", rule='ALARM("a0")'),
    ]
    plans = plan_sparklines(alarms)
    tokyo = plans["ap-northeast-1"]
    assert [q.id for q in tokyo.queries] == ["s0", "s1", "s2"]
    assert tokyo.owners == {f"s{i}": ("123456789012", "ap-northeast-1", f"a{i}") for i in range(3)}
    assert (tokyo.metrics, tokyo.calls) == (3, 1)
    assert all(q.return_data and q.stat == "Sum" and q.period == 60 for q in tokyo.queries)
    assert plans["us-east-1"].owners == {"s0": ("123456789012", "us-east-1", "b")}


def test_plan_leaves_out_what_was_already_asked() -> None:
    alarms = [make_alarm(f"a{i}") for i in range(4)]
    plan = plan_sparklines(
        alarms,
        already={
            ("123456789012", "ap-northeast-1", "a0"),
            ("123456789012", "ap-northeast-1", "a2"),
        },
    )
    assert sorted(plan["ap-northeast-1"].owners.values()) == [
        ("123456789012", "ap-northeast-1", "a1"),
        ("123456789012", "ap-northeast-1", "a3"),
    ]
    assert plan_sparklines(alarms, already={a.key: 1 for a in alarms}) == {}


def test_plan_splits_past_500_queries() -> None:
    alarms = [make_alarm(f"a{i}") for i in range(1000)]
    plan = plan_sparklines(alarms)["ap-northeast-1"]
    assert plan.calls == 2 and [len(c) for c in plan.chunks] == [500, 500]
    assert plan_sparklines(alarms[:60])["ap-northeast-1"].calls == 1


def test_plan_metric_math_renames_ids_and_returns_only_the_expression() -> None:
    plan = plan_sparklines([make_alarm("x"), math_alarm("rate")])["ap-northeast-1"]
    ids = [q.id for q in plan.queries]
    assert ids == ["s0", "s1_e", "s1_r", "s1_rate"]
    expression = plan.queries[-1]
    assert expression.expression == "100 * s1_e / s1_r" and expression.return_data
    assert not any(q.return_data for q in plan.queries[1:3])
    assert plan.owners["s1_rate"] == ("", "ap-northeast-1", "rate")
    assert plan.metrics == 3  # the expression is not a metric


def test_plan_keeps_an_expression_with_its_inputs_in_one_call() -> None:
    alarms = [make_alarm(f"a{i}") for i in range(498)] + [math_alarm("rate")]
    plan = plan_sparklines(alarms)["ap-northeast-1"]
    assert [len(c) for c in plan.chunks] == [498, 3]


def test_plan_skips_math_it_cannot_rename() -> None:
    plan = plan_sparklines([math_alarm("all", "SUM(METRICS())")])["ap-northeast-1"]
    assert plan.queries == () and plan.calls == 0
    assert plan.skipped[0][0] == ("", "ap-northeast-1", "all")


def test_plan_uses_percentiles_and_at_least_a_minute() -> None:
    fast = make_alarm("fast")
    fast = replace(fast, statistic=None, extended_statistic="p99", period=10)
    (query,) = plan_sparklines([fast])["ap-northeast-1"].queries
    assert (query.stat, query.period) == ("p99", 60)
