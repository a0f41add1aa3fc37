"""The local world's GetMetricStatistics and ListMetrics over boto3, the Python query API
(`datapoints`, `STORE.put_series`), reset, and the store on its own."""

from __future__ import annotations

import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from montui_world.ext import metrics
from montui_world.metricstore import STORE, MetricStore, percentile_of
from montui_world.world import World
from tests.world.test_metrics import BASE, DIMS, put

REGION = "ap-northeast-1"


@pytest.fixture
def cw(world: World) -> Any:
    return boto3.client("cloudwatch", region_name=REGION, endpoint_url=world.endpoint)


def statistics(cw: Any, **extra: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "Namespace": "App/Test",
        "MetricName": "Latency",
        "Dimensions": DIMS[::-1],
        "StartTime": BASE,
        "EndTime": BASE + timedelta(minutes=10),
        "Period": 300,
    }
    args.update(extra)
    result: dict[str, Any] = cw.get_metric_statistics(**args)
    return result


def test_get_metric_statistics_shape(cw: Any) -> None:
    put(cw, "Latency", [float(v) for v in range(1, 11)], unit="Milliseconds")
    response = statistics(cw, Statistics=["SampleCount", "Average", "Sum", "Minimum", "Maximum"])
    assert response["Label"] == "Latency"
    points = sorted(response["Datapoints"], key=lambda p: p["Timestamp"])
    assert points == [
        {
            "Timestamp": BASE,
            "SampleCount": 5.0,
            "Average": 3.0,
            "Sum": 15.0,
            "Minimum": 1.0,
            "Maximum": 5.0,
            "Unit": "Milliseconds",
        },
        {
            "Timestamp": BASE + timedelta(minutes=5),
            "SampleCount": 5.0,
            "Average": 8.0,
            "Sum": 40.0,
            "Minimum": 6.0,
            "Maximum": 10.0,
            "Unit": "Milliseconds",
        },
    ]


def test_get_metric_statistics_extended_and_unit(cw: Any) -> None:
    put(cw, "Latency", [float(v) for v in range(1, 101)], step=1)
    response = statistics(cw, ExtendedStatistics=["p50", "p99.9"], Unit="None")
    (point,) = response["Datapoints"]
    assert point["ExtendedStatistics"] == {"p50": 50.0, "p99.9": 100.0}
    assert point["Unit"] == "None"
    assert "Sum" not in point
    assert statistics(cw, ExtendedStatistics=["p50"], Unit="Seconds")["Datapoints"] == []


def test_get_metric_statistics_errors(cw: Any) -> None:
    with pytest.raises(ClientError) as raised:
        statistics(cw)
    assert raised.value.response["Error"]["Code"] == "InvalidParameterCombination"
    with pytest.raises(ClientError) as raised:
        statistics(cw, Statistics=["Sum"], Period=60, EndTime=BASE + timedelta(days=2))
    assert "exceeds the limit of 1,440" in raised.value.response["Error"]["Message"]


def test_get_metric_statistics_respects_namespace(cw: Any) -> None:
    put(cw, "Latency", [1.0], namespace="Other")
    assert statistics(cw, Statistics=["Sum"])["Datapoints"] == []


def test_list_metrics_filters(cw: Any) -> None:
    put(cw, "Latency", [1.0])
    put(cw, "Errors", [1.0])
    put(cw, "Errors", [1.0], dims=[{"Name": "FunctionName", "Value": "refund"}])
    put(cw, "Errors", [1.0], namespace="Other")

    def names(**filters: Any) -> list[tuple[str, str, list[tuple[str, str]]]]:
        return [
            (m["Namespace"], m["MetricName"], [(d["Name"], d["Value"]) for d in m["Dimensions"]])
            for m in cw.list_metrics(**filters)["Metrics"]
        ]

    assert len(names()) == 4
    assert names(Namespace="Other") == [
        ("Other", "Errors", sorted((d["Name"], d["Value"]) for d in DIMS))
    ]
    assert {n[0] for n in names(MetricName="Errors")} == {"App/Test", "Other"}
    assert len(names(Namespace="App/Test", Dimensions=[{"Name": "Resource"}])) == 2
    assert names(Dimensions=[{"Name": "FunctionName", "Value": "refund"}]) == [
        ("App/Test", "Errors", [("FunctionName", "refund")])
    ]
    assert names(RecentlyActive="PT3H") == []  # every datapoint is four hours old


def test_list_metrics_pages_by_500(cw: Any) -> None:
    items = [
        {"MetricName": "M", "Dimensions": [{"Name": "N", "Value": str(i)}], "Value": 1.0}
        for i in range(1001)
    ]
    for first in range(0, len(items), 1000):
        cw.put_metric_data(Namespace="Many", MetricData=items[first : first + 1000])
    first_page = cw.list_metrics(Namespace="Many")
    assert len(first_page["Metrics"]) == 500 and first_page["NextToken"]
    pages = cw.get_paginator("list_metrics").paginate(Namespace="Many")
    listed = [m for page in pages for m in page["Metrics"]]
    assert len(listed) == 1001
    assert len({m["Dimensions"][0]["Value"] for m in listed}) == 1001


def test_datapoints_for_the_alarm_evaluation(cw: Any) -> None:
    put(cw, "Latency", [float(v) for v in range(1, 11)])
    found = metrics.datapoints(
        REGION,
        "App/Test",
        "Latency",
        {"Resource": "v1", "FunctionName": "checkout"},
        period=300,
        stat="p90",
        start=BASE,
        end=BASE + timedelta(minutes=10),
    )
    assert found == {BASE: 5.0, BASE + timedelta(minutes=5): 10.0}
    naive = metrics.datapoints(
        REGION,
        "App/Test",
        "Latency",
        {"Resource": "v1", "FunctionName": "checkout"},
        period=120,
        stat="Sum",
        start=BASE.replace(tzinfo=None),
        end=BASE.replace(tzinfo=None) + timedelta(minutes=4),
    )
    assert naive == {
        BASE.replace(tzinfo=None): 3.0,
        BASE.replace(tzinfo=None) + timedelta(minutes=2): 7.0,
    }


def test_put_series_is_served_and_reset_clears_it(world: World, cw: Any) -> None:
    start = int(BASE.timestamp())
    written = STORE.put_series(
        REGION,
        "Bulk",
        "Requests",
        {"Api": "shop"},
        [start + 60 * i for i in range(3)],
        [1.0, 2.0, 3.0],
    )
    assert written == 3
    result = cw.get_metric_data(
        MetricDataQueries=[
            {
                "Id": "m",
                "MetricStat": {
                    "Metric": {
                        "Namespace": "Bulk",
                        "MetricName": "Requests",
                        "Dimensions": [{"Name": "Api", "Value": "shop"}],
                    },
                    "Period": 60,
                    "Stat": "Sum",
                },
            }
        ],
        StartTime=BASE,
        EndTime=BASE + timedelta(minutes=5),
    )["MetricDataResults"][0]
    assert result["Values"] == [3.0, 2.0, 1.0]
    world.reset()
    assert cw.list_metrics()["Metrics"] == []
    assert STORE.datapoint_count() == 0


def test_the_query_protocol_gets_xml(world: World, cw: Any) -> None:
    put(cw, "Latency", [4.0])
    form = {
        "Action": "GetMetricData",
        "Version": "2010-08-01",
        "StartTime": BASE.isoformat(),
        "EndTime": (BASE + timedelta(minutes=5)).isoformat(),
        "MetricDataQueries.member.1.Id": "m",
        "MetricDataQueries.member.1.MetricStat.Metric.Namespace": "App/Test",
        "MetricDataQueries.member.1.MetricStat.Metric.MetricName": "Latency",
        "MetricDataQueries.member.1.MetricStat.Period": "60",
        "MetricDataQueries.member.1.MetricStat.Stat": "Sum",
    }
    for i, dim in enumerate(DIMS, start=1):
        form[f"MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.{i}.Name"] = dim[
            "Name"
        ]
        form[f"MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.{i}.Value"] = dim[
            "Value"
        ]
    request = urllib.request.Request(
        world.endpoint,
        data=urllib.parse.urlencode(form).encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKIAMONTUIDEMO000000/20260101/"
            f"{REGION}/monitoring/aws4_request, SignedHeaders=host, Signature=0",
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read().decode()
    assert "<GetMetricDataResponse" in body
    assert "<StatusCode>Complete</StatusCode>" in body
    assert f"<member>{BASE.strftime('%Y-%m-%dT%H:%M:%SZ')}</member>" in body
    assert "<member>4.0</member>" in body


def test_store_orders_and_queries_by_bisect() -> None:
    store = MetricStore()
    store.put_series("r", "N", "M", {}, [180, 0, 60], [3.0, 1.0, 2.0])
    store.put("r", "N", "M", {}, 120, 10.0, stats=(2.0, 4.0, 6.0))
    series = store.series("r", "N", "M", {})
    assert series is not None
    assert list(series.times) == [0, 60, 120, 180]
    assert series.per_period(0, 120, 0, 240, "Sum") == [(0, 3.0), (120, 13.0)]
    assert series.per_period(0, 120, 0, 240, "SampleCount") == [(0, 2.0), (120, 3.0)]
    assert series.per_period(0, 60, 60, 180, "Maximum") == [(60, 2.0), (120, 6.0)]
    assert store.keys("r") == [("N", "M", frozenset())]
    assert store.datapoint_count() == 4
    store.drop("123456789012", "r")
    assert store.datapoint_count() == 0


@pytest.mark.parametrize(
    ("stat", "level"),
    [("p50", 50.0), ("p99.9", 99.9), ("P95", 95.0), ("p100", 100.0), ("p", None), ("tm99", None)],
)
def test_percentile_names(stat: str, level: float | None) -> None:
    assert percentile_of(stat) == level


def test_negative_values_have_no_percentile() -> None:
    store = MetricStore()
    store.put_series("r", "N", "M", {}, [0, 1], [-1.0, 5.0])
    series = store.series("r", "N", "M", {})
    assert series is not None
    assert series.per_period(0, 60, 0, 60, "p50") == []
    assert series.per_period(0, 60, 0, 60, "Average") == [(0, 2.0)]


def test_now_stamped_when_no_timestamp(cw: Any) -> None:
    cw.put_metric_data(Namespace="Now", MetricData=[{"MetricName": "M", "Value": 1.0}])
    assert cw.list_metrics(RecentlyActive="PT3H")["Metrics"][0]["Namespace"] == "Now"
    assert datetime.now(UTC) - BASE > timedelta(hours=3)
