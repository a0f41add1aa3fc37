"""get_metric_data against the local AWS world (plain, percentile, math, batching, paging,
errors) and on the demo incident; query_to_api and series_from_results by hand."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from montui.model.alarm import MetricQuery, MetricRef
from montui.model.alarm_queries import chart_queries, is_breaching_value, threshold_lines
from montui.model.metrics import TimeWindow
from montui.model.place import Place
from montui.sources.cloudwatch import describe_alarms
from montui.sources.errors import BadRequest
from montui.sources.metrics import get_metric_data, query_to_api, series_from_results
from montui.sources.session import AwsClients
from montui.sources.target import AwsTarget
from montui_world.scenario.hitori import INCIDENT
from montui_world.world import World
from tests.conftest import ScenarioWorld

REGION = "ap-northeast-1"
ERRORS = MetricRef("Test/App", "Errors", (("Service", "api"),))
LATENCY = MetricRef("Test/App", "Latency", (("Service", "api"),))


@pytest.fixture
async def clients(world: World) -> AsyncIterator[AwsClients]:
    async with AwsClients(AwsTarget(None, (REGION,), world.endpoint)) as aws:
        yield aws


def minute_ago(minutes: int) -> datetime:
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    return now - timedelta(minutes=minutes)


def put(world: World, ref: MetricRef, values: dict[datetime, list[float]]) -> None:
    cw = boto3.client("cloudwatch", region_name=REGION, endpoint_url=world.endpoint)
    data: list[dict[str, Any]] = []
    for moment, batch in values.items():
        for value in batch:
            data.append(
                {
                    "MetricName": ref.name,
                    "Dimensions": [{"Name": k, "Value": v} for k, v in ref.dimensions],
                    "Timestamp": moment,
                    "Value": value,
                }
            )
    for i in range(0, len(data), 500):
        cw.put_metric_data(Namespace=ref.namespace, MetricData=data[i : i + 500])


def window(minutes: int = 30) -> TimeWindow:
    return TimeWindow.ending(minute_ago(-1), timedelta(minutes=minutes))


async def test_reads_back_what_was_put(world: World, clients: AwsClients) -> None:
    points = {minute_ago(m): [float(m), 1.0] for m in (10, 5, 2)}
    put(world, ERRORS, points)
    query = MetricQuery(
        "m1", metric=ERRORS, stat="Sum", period=60, label="Errors", return_data=True
    )
    (series,) = await get_metric_data(clients, Place("", REGION), [query], window())
    assert series.id == "m1" and series.label == "Errors"
    assert series.timestamps == tuple(sorted(points))  # oldest first
    assert series.values == (11.0, 6.0, 3.0)
    assert series.status == "Complete"


async def test_percentile(world: World, clients: AwsClients) -> None:
    moment = minute_ago(3)
    put(world, LATENCY, {moment: [float(v) for v in range(1, 101)]})
    query = MetricQuery("p", metric=LATENCY, stat="p90", period=60, return_data=True)
    (series,) = await get_metric_data(clients, Place("", REGION), [query], window())
    assert series.timestamps == (moment,)
    assert 89.0 <= series.values[0] <= 91.0


async def test_math_returns_each_series(world: World, clients: AwsClients) -> None:
    moment = minute_ago(4)
    put(world, ERRORS, {moment: [5.0]})
    put(world, LATENCY, {moment: [20.0]})
    queries = [
        MetricQuery("e1", expression="100*(m1/m2)", label="ratio", return_data=True),
        MetricQuery("m1", metric=ERRORS, stat="Sum", period=60, return_data=True),
        MetricQuery("m2", metric=LATENCY, stat="Sum", period=60, return_data=False),
    ]
    found = await get_metric_data(clients, Place("", REGION), queries, window())
    assert [s.id for s in found] == ["e1", "m1"]  # m2 returns no data, order kept
    assert found[0].values == (25.0,) and found[0].label == "ratio"
    assert found[1].values == (5.0,)


async def test_more_than_500_queries_take_two_calls(world: World, clients: AwsClients) -> None:
    put(world, ERRORS, {minute_ago(2): [7.0]})
    calls: list[int] = []
    cw = await clients.client("cloudwatch", Place("", REGION))

    def count(params: dict[str, Any], **_: Any) -> None:
        calls.append(len(params["MetricDataQueries"]))

    cw.meta.events.register("provide-client-params.cloudwatch.GetMetricData", count)
    queries = [
        MetricQuery(f"q{i}", metric=ERRORS, stat="Sum", period=60, return_data=True)
        for i in range(501)
    ]
    found = await get_metric_data(clients, Place("", REGION), queries, window())
    assert calls == [500, 1]
    assert len(found) == 501 and [s.id for s in found] == [q.id for q in queries]
    assert all(s.values == (7.0,) for s in found)


async def test_pages_are_merged_per_id(world: World, clients: AwsClients) -> None:
    points = {minute_ago(m): [float(m)] for m in range(1, 21)}
    put(world, ERRORS, points)
    put(world, LATENCY, points)
    calls: list[str | None] = []
    cw = await clients.client("cloudwatch", Place("", REGION))

    def count(params: dict[str, Any], **_: Any) -> None:
        calls.append(params.get("NextToken"))

    cw.meta.events.register("provide-client-params.cloudwatch.GetMetricData", count)
    queries = [
        MetricQuery("a", metric=ERRORS, stat="Maximum", period=60, return_data=True),
        MetricQuery("b", metric=LATENCY, stat="Maximum", period=60, return_data=True),
    ]
    found = await get_metric_data(clients, Place("", REGION), queries, window(), max_datapoints=7)
    assert len(calls) >= 3 and calls[0] is None
    for series in found:
        assert series.timestamps == tuple(sorted(points))
        assert series.values == tuple(points[t][0] for t in sorted(points))
        assert series.status == "Complete"


async def test_errors_are_mapped(world: World, clients: AwsClients) -> None:
    bad = MetricQuery("m1", metric=ERRORS, stat="NotAStatistic", period=60, return_data=True)
    with pytest.raises(BadRequest) as caught:
        await get_metric_data(clients, Place("", REGION), [bad], window())
    assert caught.value.service == "cloudwatch"


async def test_no_queries_no_call(clients: AwsClients) -> None:
    assert await get_metric_data(clients, Place("", REGION), [], window()) == ()


async def test_the_demo_incident_shows_the_breach(scenario_world: ScenarioWorld) -> None:
    scenario = scenario_world.at(timedelta(minutes=20))
    start, end = scenario.plan.incident_start, scenario.plan.incident_end
    rate_name = INCIDENT.alarms[0]
    async with AwsClients(AwsTarget(None, (REGION,), scenario_world.endpoint)) as aws:
        alarms = await describe_alarms(aws, Place("", REGION))
        (alarm,) = [a for a in alarms if a.name == rate_name]
        queries = chart_queries(alarm)
        span = TimeWindow(start - timedelta(minutes=30), end + timedelta(minutes=5))
        found = await get_metric_data(aws, Place("", REGION), queries, span)
    returned = alarm.returned_query
    assert returned is not None
    (rate,) = [s for s in found if s.id == returned.id]
    assert len(found) == len(queries)
    breaching = [t for t, v in rate.points() if is_breaching_value(alarm, v)]
    assert breaching and min(breaching) >= start and max(breaching) < end
    before = [v for t, v in rate.points() if t < start]
    assert before and all(v < threshold_lines(alarm)[0] for v in before)


# Pure -------------------------------------------------------------------------------------------


def test_query_to_api() -> None:
    stat = MetricQuery("m1", metric=ERRORS, stat="p99", period=300, label="E", return_data=True)
    assert query_to_api(stat) == {
        "Id": "m1",
        "ReturnData": True,
        "Label": "E",
        "MetricStat": {
            "Metric": {
                "Namespace": "Test/App",
                "MetricName": "Errors",
                "Dimensions": [{"Name": "Service", "Value": "api"}],
            },
            "Period": 300,
            "Stat": "p99",
        },
    }
    math = MetricQuery("e1", expression="m1*2")
    assert query_to_api(math) == {"Id": "e1", "ReturnData": False, "Expression": "m1*2"}
    with pytest.raises(ValueError, match="neither"):
        query_to_api(MetricQuery("x"))


def test_series_from_results_merges_and_orders() -> None:
    t = [datetime(2026, 1, 1, 0, m, tzinfo=UTC) for m in range(4)]
    results: list[dict[str, Any]] = [
        {"Id": "b", "Label": "B", "Timestamps": [t[0]], "Values": [1], "StatusCode": "Complete"},
        {
            "Id": "a",
            "Label": "A",
            "Timestamps": [t[0], t[1]],
            "Values": [1, 2],
            "StatusCode": "PartialData",
            "Messages": [{"Code": "MaxDatapoints", "Value": "too many"}],
        },
        {"Id": "a", "Label": "A", "Timestamps": [t[3], t[2]], "Values": [4, 3]},
        {
            "Id": "a",
            "Label": "A",
            "StatusCode": "Complete",
            "Messages": [{"Code": "MaxDatapoints", "Value": "too many"}],
        },
    ]
    a, b = series_from_results(results, order=["a", "b"])
    assert a.timestamps == tuple(t) and a.values == (1.0, 2.0, 3.0, 4.0)
    assert a.status == "Complete" and a.messages == ("MaxDatapoints: too many",)
    assert (b.id, b.label, b.values) == ("b", "B", (1.0,))
