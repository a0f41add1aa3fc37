"""The local world's GetMetricData over the wire with boto3: statistics, periods, matching,
labels, order, paging and errors, checked against the shapes AWS documents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from montui_world.world import World

REGION = "ap-northeast-1"
# An hour boundary a few hours ago: recent enough that StartTime is rounded to the minute.
BASE = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=4)
DIMS = [{"Name": "FunctionName", "Value": "checkout"}, {"Name": "Resource", "Value": "v1"}]


@pytest.fixture
def cw(world: World) -> Any:
    return boto3.client("cloudwatch", region_name=REGION, endpoint_url=world.endpoint)


def put(cw: Any, name: str, values: list[float], *, step: int = 60, **extra: Any) -> None:
    """`values` one per `step` seconds from BASE, in App/Test with DIMS."""
    items = [
        {
            "MetricName": name,
            "Dimensions": extra.get("dims", DIMS),
            "Timestamp": BASE + timedelta(seconds=i * step),
            "Value": value,
            **({"Unit": extra["unit"]} if "unit" in extra else {}),
        }
        for i, value in enumerate(values)
    ]
    for first in range(0, len(items), 1000):
        cw.put_metric_data(
            Namespace=extra.get("namespace", "App/Test"), MetricData=items[first : first + 1000]
        )


def stat_query(
    query_id: str, name: str, stat: str, period: int = 60, **extra: Any
) -> dict[str, Any]:
    query: dict[str, Any] = {
        "Id": query_id,
        "MetricStat": {
            "Metric": {
                "Namespace": extra.pop("namespace", "App/Test"),
                "MetricName": name,
                "Dimensions": extra.pop("dims", DIMS),
            },
            "Period": period,
            "Stat": stat,
        },
    }
    if "unit" in extra:
        query["MetricStat"]["Unit"] = extra.pop("unit")
    query.update(extra)
    return query


def fetch(cw: Any, *queries: dict[str, Any], minutes: int = 60, **extra: Any) -> dict[str, Any]:
    result: dict[str, Any] = cw.get_metric_data(
        MetricDataQueries=list(queries),
        StartTime=BASE,
        EndTime=BASE + timedelta(minutes=minutes),
        **extra,
    )
    return result


def by_id(response: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["Id"]: r for r in response["MetricDataResults"]}


def test_every_statistic_on_known_data(cw: Any) -> None:
    # 1..100, one a second over 100 seconds: all inside the first 5-minute period.
    put(cw, "Latency", [float(v) for v in range(1, 101)], step=1)
    stats = ["SampleCount", "Sum", "Average", "Minimum", "Maximum", "p50", "p90", "p99", "p99.9"]
    queries = [stat_query(f"q{i}", "Latency", s, 300) for i, s in enumerate(stats)]
    found = by_id(fetch(cw, *queries, minutes=10))
    values = {s: found[f"q{i}"]["Values"] for i, s in enumerate(stats)}
    assert values == {
        "SampleCount": [100.0],
        "Sum": [5050.0],
        "Average": [50.5],
        "Minimum": [1.0],
        "Maximum": [100.0],
        "p50": [50.0],
        "p90": [90.0],
        "p99": [99.0],
        "p99.9": [100.0],
    }
    assert found["q0"]["Timestamps"] == [BASE]


def test_the_response_has_aws_shape(cw: Any) -> None:
    put(cw, "Latency", [1.0, 2.0])
    response = fetch(cw, stat_query("m1", "Latency", "Sum"))
    assert set(response) - {"ResponseMetadata"} == {"MetricDataResults", "Messages"}
    assert response["Messages"] == []
    (result,) = response["MetricDataResults"]
    assert set(result) == {"Id", "Label", "Timestamps", "Values", "StatusCode"}
    assert result["StatusCode"] == "Complete"
    assert all(isinstance(t, datetime) and t.tzinfo is not None for t in result["Timestamps"])


def test_coarser_period_than_storage(cw: Any) -> None:
    put(cw, "Requests", [1.0] * 60 + [2.0] * 60)  # one an minute for two hours
    result = by_id(fetch(cw, stat_query("m", "Requests", "Sum", 3600), minutes=120))["m"]
    assert result["Values"] == [120.0, 60.0]  # newest first
    assert result["Timestamps"] == [BASE + timedelta(hours=1), BASE]


def test_scan_by_ascending(cw: Any) -> None:
    put(cw, "Requests", [1.0, 2.0, 3.0])
    result = fetch(cw, stat_query("m", "Requests", "Sum"), ScanBy="TimestampAscending")
    assert result["MetricDataResults"][0]["Values"] == [1.0, 2.0, 3.0]


def test_namespace_is_respected(cw: Any) -> None:
    put(cw, "Errors", [5.0], namespace="App/One")
    put(cw, "Errors", [7.0], namespace="App/Two")
    found = by_id(
        fetch(
            cw,
            stat_query("one", "Errors", "Sum", namespace="App/One"),
            stat_query("two", "Errors", "Sum", namespace="App/Two"),
            stat_query("none", "Errors", "Sum", namespace="App/Three"),
        )
    )
    assert (found["one"]["Values"], found["two"]["Values"], found["none"]["Values"]) == (
        [5.0],
        [7.0],
        [],
    )


def test_dimensions_match_as_a_set_in_any_order_and_exactly(cw: Any) -> None:
    put(cw, "Errors", [3.0])
    put(cw, "Errors", [100.0], dims=DIMS[:1])
    found = by_id(
        fetch(
            cw,
            stat_query("reversed", "Errors", "Sum", dims=DIMS[::-1]),
            stat_query("subset", "Errors", "Sum", dims=DIMS[:1]),
            stat_query("none", "Errors", "Sum", dims=[]),
        )
    )
    assert found["reversed"]["Values"] == [3.0]
    assert found["subset"]["Values"] == [100.0]
    assert found["none"]["Values"] == []


def test_unit_filters_datapoints(cw: Any) -> None:
    put(cw, "Size", [10.0], unit="Bytes")
    put(cw, "Size", [1.0], unit="Kilobytes", step=120)
    found = by_id(
        fetch(
            cw,
            stat_query("bytes", "Size", "Sum", unit="Bytes"),
            stat_query("all", "Size", "Sum", 3600),
            stat_query("count", "Size", "Sum", unit="Count"),
        )
    )
    assert found["bytes"]["Values"] == [10.0]
    assert found["all"]["Values"] == [11.0]
    assert found["count"]["Values"] == []


def test_default_and_given_labels(cw: Any) -> None:
    put(cw, "Errors", [1.0])
    found = by_id(
        fetch(
            cw,
            stat_query("plain", "Errors", "Sum"),
            stat_query("named", "Errors", "Sum", Label="Checkout errors"),
            {"Id": "expr", "Expression": "plain * 2"},
            {"Id": "named_expr", "Expression": "plain * 3", "Label": "Tripled"},
        )
    )
    assert found["plain"]["Label"] == "Errors"
    assert found["named"]["Label"] == "Checkout errors"
    assert found["expr"]["Label"] == "expr"
    assert found["named_expr"]["Label"] == "Tripled"


def test_dynamic_labels(cw: Any) -> None:
    put(cw, "Errors", [1.0])
    found = by_id(
        fetch(
            cw,
            stat_query(
                "m",
                "Errors",
                "Sum",
                Label="${PROP('Dim.FunctionName')} ${PROP('MetricName')} "
                "${PROP('Stat')}/${PROP('Period')} (${LABEL})",
            ),
            {"Id": "e", "Expression": "m * 2", "Label": "${LABEL} doubled"},
        )
    )
    assert found["m"]["Label"] == "checkout Errors Sum/60 (Errors)"
    assert found["e"]["Label"] == "e doubled"


def test_return_data_false_hides_a_query(cw: Any) -> None:
    put(cw, "Errors", [1.0])
    response = fetch(
        cw,
        stat_query("hidden", "Errors", "Sum", ReturnData=False),
        {"Id": "shown", "Expression": "hidden + 1"},
    )
    assert [r["Id"] for r in response["MetricDataResults"]] == ["shown"]
    assert response["MetricDataResults"][0]["Values"] == [2.0]


def test_max_datapoints_pages_with_next_token(cw: Any) -> None:
    put(cw, "A", [float(i) for i in range(10)])
    put(cw, "B", [float(i) for i in range(10)])
    queries = [stat_query("a", "A", "Sum"), stat_query("b", "B", "Sum")]
    first = fetch(cw, *queries, MaxDatapoints=6, ScanBy="TimestampAscending")
    a, b = first["MetricDataResults"]
    assert (a["StatusCode"], a["Values"]) == ("PartialData", [0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
    assert (b["StatusCode"], b["Values"]) == ("PartialData", [])
    seen = {"a": a["Values"], "b": b["Values"]}
    token = first["NextToken"]
    pages = 1
    while token:
        page = fetch(cw, *queries, MaxDatapoints=6, ScanBy="TimestampAscending", NextToken=token)
        for result in page["MetricDataResults"]:
            seen[result["Id"]] = seen[result["Id"]] + result["Values"]
        token = page.get("NextToken")
        pages += 1
    assert pages == 4
    assert seen == {"a": [float(i) for i in range(10)], "b": [float(i) for i in range(10)]}


def test_no_next_token_with_math(cw: Any) -> None:
    put(cw, "A", [float(i) for i in range(10)])
    response = fetch(
        cw, stat_query("a", "A", "Sum"), {"Id": "e", "Expression": "a * 2"}, MaxDatapoints=5
    )
    assert "NextToken" not in response
    assert [r["StatusCode"] for r in response["MetricDataResults"]] == ["PartialData"] * 2


def test_paging_with_the_paginator(cw: Any) -> None:
    put(cw, "A", [1.0] * 50)
    pages = cw.get_paginator("get_metric_data").paginate(
        MetricDataQueries=[stat_query("a", "A", "Sum")],
        StartTime=BASE,
        EndTime=BASE + timedelta(hours=1),
        PaginationConfig={"PageSize": 20},
    )
    values = [v for page in pages for r in page["MetricDataResults"] for v in r["Values"]]
    assert len(values) == 50


@pytest.mark.parametrize(
    ("queries", "message"),
    [
        ([{"Id": "e1", "Expression": "m1 +"}], "Error in expression e1"),
        ([{"Id": "e1", "Expression": "nothere * 2"}], "Unrecognized identifier nothere"),
        ([{"Id": "e1", "Expression": "BOGUS(1)"}], "Unrecognized function BOGUS"),
        (
            [{"Id": "a", "Expression": "b + 1"}, {"Id": "b", "Expression": "a + 1"}],
            "Circular",
        ),
        ([{"Id": "Upper", "Expression": "1"}], "Id is invalid"),
        ([stat_query("m", "A", "p101")], "not a valid statistic"),
        ([stat_query("m", "A", "Sum", period=90)], "multiple of 60"),
        ([stat_query("m", "A", "Sum"), stat_query("m", "B", "Sum")], "duplicated"),
    ],
)
def test_bad_queries_are_validation_errors(
    cw: Any, queries: list[dict[str, Any]], message: str
) -> None:
    with pytest.raises(ClientError) as raised:
        fetch(cw, *queries)
    error = raised.value.response["Error"]
    assert error["Code"] == "ValidationError"
    assert message in error["Message"]


def test_start_must_precede_end(cw: Any) -> None:
    with pytest.raises(ClientError) as raised:
        cw.get_metric_data(
            MetricDataQueries=[stat_query("m", "A", "Sum")], StartTime=BASE, EndTime=BASE
        )
    assert raised.value.response["Error"]["Code"] == "ValidationError"


def test_statistic_values_input(cw: Any) -> None:
    cw.put_metric_data(
        Namespace="App/Test",
        MetricData=[
            {
                "MetricName": "Latency",
                "Dimensions": DIMS,
                "Timestamp": BASE,
                "StatisticValues": {"SampleCount": 4, "Sum": 40, "Minimum": 5, "Maximum": 20},
            },
            {"MetricName": "Latency", "Dimensions": DIMS, "Timestamp": BASE, "Value": 2.0},
        ],
    )
    stats = ["SampleCount", "Sum", "Average", "Minimum", "Maximum", "p50"]
    found = by_id(fetch(cw, *(stat_query(f"q{i}", "Latency", s) for i, s in enumerate(stats))))
    assert [found[f"q{i}"]["Values"] for i in range(len(stats))] == [
        [5.0],
        [42.0],
        [8.4],
        [2.0],
        [20.0],
        [],  # a statistic set with different values: no percentile, as AWS documents
    ]


def test_values_and_counts_input(cw: Any) -> None:
    cw.put_metric_data(
        Namespace="App/Test",
        MetricData=[
            {
                "MetricName": "Latency",
                "Dimensions": DIMS,
                "Timestamp": BASE,
                "Values": [1.0, 10.0, 100.0],
                "Counts": [8.0, 1.0, 1.0],
            }
        ],
    )
    found = by_id(
        fetch(
            cw,
            stat_query("n", "Latency", "SampleCount"),
            stat_query("s", "Latency", "Sum"),
            stat_query("p", "Latency", "p80"),
            stat_query("q", "Latency", "p95"),
        )
    )
    assert found["n"]["Values"] == [10.0]
    assert found["s"]["Values"] == [118.0]
    assert found["p"]["Values"] == [1.0]
    assert found["q"]["Values"] == [100.0]


def test_out_of_order_writes_are_sorted(cw: Any) -> None:
    put(cw, "A", [1.0, 2.0, 3.0])
    cw.put_metric_data(
        Namespace="App/Test",
        MetricData=[
            {
                "MetricName": "A",
                "Dimensions": DIMS,
                "Timestamp": BASE + timedelta(seconds=30),
                "Value": 10.0,
            }
        ],
    )
    result = fetch(cw, stat_query("m", "A", "Sum"), ScanBy="TimestampAscending")
    assert result["MetricDataResults"][0]["Values"] == [11.0, 2.0, 3.0]
