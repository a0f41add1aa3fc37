"""Metric math in the local world's GetMetricData: arithmetic and timestamp alignment,
METRICS(), FILL, RATE, IF, errors; and the expression parser on its own."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from montui_world.ext import metric_math as mm
from montui_world.world import World
from tests.world.test_metrics import BASE, by_id, fetch, put, stat_query


@pytest.fixture
def cw(world: World) -> Any:
    import boto3

    return boto3.client("cloudwatch", region_name="ap-northeast-1", endpoint_url=world.endpoint)


def ascending(cw: Any, *queries: dict[str, Any], **extra: Any) -> dict[str, dict[str, Any]]:
    return by_id(fetch(cw, *queries, ScanBy="TimestampAscending", **extra))


def test_error_rate(cw: Any) -> None:
    put(cw, "Errors", [0.0, 1.0, 5.0])
    put(cw, "Invocations", [10.0, 10.0, 20.0])
    found = ascending(
        cw,
        stat_query("e", "Errors", "Sum", ReturnData=False),
        stat_query("i", "Invocations", "Sum", ReturnData=False),
        {"Id": "rate", "Expression": "100*e/i", "Label": "Error rate"},
    )
    assert list(found) == ["rate"]
    assert found["rate"]["Values"] == [0.0, 10.0, 25.0]
    assert found["rate"]["Label"] == "Error rate"
    assert found["rate"]["Timestamps"] == [BASE + timedelta(minutes=m) for m in range(3)]


def test_precedence_power_and_parentheses(cw: Any) -> None:
    put(cw, "A", [2.0])
    found = ascending(
        cw,
        stat_query("a", "A", "Sum"),
        {"Id": "x", "Expression": "1 + a * 3 ^ 2"},
        {"Id": "y", "Expression": "(1 + a) * 3"},
        {"Id": "z", "Expression": "-a ^ 2 + 10 / 4 - (a - 1)"},
    )
    assert found["x"]["Values"] == [19.0]
    assert found["y"]["Values"] == [9.0]
    assert found["z"]["Values"] == [-4.0 + 2.5 - 1.0]


def test_missing_timestamps_are_dropped_unless_filled(cw: Any) -> None:
    put(cw, "A", [1.0, 2.0, 3.0, 4.0])  # minutes 0..3
    put(cw, "B", [10.0, 20.0], step=120)  # minutes 0 and 2
    found = ascending(
        cw,
        stat_query("a", "A", "Sum"),
        stat_query("b", "B", "Sum"),
        {"Id": "plain", "Expression": "a + b"},
        {"Id": "zero", "Expression": "a + FILL(b, 0)"},
        {"Id": "repeat", "Expression": "a + FILL(b, REPEAT)"},
        {"Id": "linear", "Expression": "a + FILL(b, LINEAR)"},
        minutes=4,
    )
    assert found["plain"]["Values"] == [11.0, 23.0]
    assert found["zero"]["Values"] == [11.0, 2.0, 23.0, 4.0]
    assert found["repeat"]["Values"] == [11.0, 12.0, 23.0, 24.0]
    assert found["linear"]["Values"] == [11.0, 17.0, 23.0]  # no value after the last


def test_fill_covers_every_period_of_the_range(cw: Any) -> None:
    put(cw, "A", [5.0], step=60)
    found = ascending(
        cw,
        stat_query("a", "A", "Sum", ReturnData=False),
        {"Id": "f", "Expression": "FILL(a, 0)"},
        minutes=5,
    )
    assert found["f"]["Values"] == [5.0, 0.0, 0.0, 0.0, 0.0]


def test_sum_avg_min_max_of_metrics(cw: Any) -> None:
    put(cw, "A", [1.0, 2.0])
    put(cw, "B", [3.0, 4.0, 5.0])
    queries = [stat_query("a", "A", "Sum"), stat_query("b", "B", "Sum")]
    found = ascending(
        cw,
        *queries,
        {"Id": "total", "Expression": "SUM(METRICS())"},
        {"Id": "mean", "Expression": "AVG(METRICS())"},
        {"Id": "low", "Expression": "MIN(METRICS())"},
        {"Id": "high", "Expression": "MAX([a, b])"},
        {"Id": "scalar", "Expression": "b - AVG(b)"},
    )
    assert found["total"]["Values"] == [4.0, 6.0, 5.0]  # union of timestamps
    assert found["mean"]["Values"] == [2.0, 3.0, 5.0]
    assert found["low"]["Values"] == [1.0, 2.0, 5.0]
    assert found["high"]["Values"] == [3.0, 4.0, 5.0]
    assert found["scalar"]["Values"] == [-1.0, 0.0, 1.0]


def test_metrics_with_a_label_filter_returns_several_series(cw: Any) -> None:
    put(cw, "Errors", [1.0])
    put(cw, "Throttles", [2.0])
    response = fetch(
        cw,
        stat_query("e", "Errors", "Sum", Label="errors 5xx", ReturnData=False),
        stat_query("t", "Throttles", "Sum", Label="throttles", ReturnData=False),
        {"Id": "doubled", "Expression": "METRICS() * 2"},
        {"Id": "only", "Expression": 'SUM(METRICS("errors"))'},
    )
    results = response["MetricDataResults"]
    assert [(r["Id"], r["Label"], r["Values"]) for r in results] == [
        ("doubled", "errors 5xx", [2.0]),
        ("doubled", "throttles", [4.0]),
        ("only", "only", [1.0]),
    ]


def test_rate_diff_abs_and_if(cw: Any) -> None:
    put(cw, "A", [10.0, 70.0, 40.0])
    found = ascending(
        cw,
        stat_query("a", "A", "Maximum"),
        {"Id": "r", "Expression": "RATE(a)"},
        {"Id": "d", "Expression": "ABS(DIFF(a))"},
        {"Id": "i", "Expression": "IF(a > 30, a, 0)"},
        {"Id": "j", "Expression": "IF(a > 30 AND a < 60, 1)"},
        {"Id": "p", "Expression": "a * 0 + PERIOD(a)"},
    )
    assert found["r"]["Values"] == [1.0, -0.5]
    assert found["d"]["Values"] == [60.0, 30.0]
    assert found["i"]["Values"] == [0.0, 70.0, 40.0]
    assert found["j"]["Values"] == [1.0]
    assert found["p"]["Values"] == [60.0, 60.0, 60.0]


def test_division_by_zero_drops_the_point_with_a_message(cw: Any) -> None:
    put(cw, "E", [1.0, 2.0])
    put(cw, "I", [0.0, 4.0])
    found = ascending(
        cw,
        stat_query("e", "E", "Sum", ReturnData=False),
        stat_query("i", "I", "Sum", ReturnData=False),
        {"Id": "rate", "Expression": "e / i"},
    )
    assert found["rate"]["Values"] == [0.5]
    assert found["rate"]["Messages"] == [
        {
            "Code": "ArithmeticError",
            "Value": "One or more data points have been dropped due to non-numeric values "
            "(NaN, -Infinite, +Infinite)",
        }
    ]


def test_a_constant_expression_spans_the_range(cw: Any) -> None:
    found = ascending(cw, {"Id": "c", "Expression": "42", "Period": 300}, minutes=15)
    assert found["c"]["Values"] == [42.0, 42.0, 42.0]


def test_parser_shapes_and_references() -> None:
    node = mm.parse('100 * SUM(METRICS("x")) / FILL(m1, REPEAT) - [a, b_2]')
    assert node.kind == "bin" and node.text == "-"
    assert mm.references(node) == {"m1", "a", "b_2"}


@pytest.mark.parametrize("text", ["", "1 +", "(m1", "m1 m2", "m1 $ 2", "SUM(m1,", "[m1"])
def test_parser_refuses_bad_syntax(text: str) -> None:
    with pytest.raises(mm.MathError):
        mm.parse(text)
