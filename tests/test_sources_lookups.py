"""The lookups the drill-down and the workbench make, against the local AWS world:
log groups by prefix or pattern with a limit, metric filters of a metric, saved queries,
REST API ids, and run_query's `on_start`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import boto3
import pytest

from montui.model.drilldown import MetricFilterInfo
from montui.model.logs import QueryDefinition
from montui.model.place import Place
from montui.sources.apigateway import rest_api_ids
from montui.sources.errors import BadRequest
from montui.sources.logs import log_groups, metric_filters, query_definitions, run_query
from montui.sources.session import AwsClients
from montui.sources.target import AwsTarget
from montui_world.ext import logs as logs_ext
from montui_world.world import World

REGION = "ap-northeast-1"
_T = TypeVar("_T")


def with_clients(world: World, use: Callable[[AwsClients], Awaitable[_T]]) -> _T:
    async def main() -> _T:
        target = AwsTarget(profile=None, regions=(REGION,), endpoint_url=world.endpoint)
        async with AwsClients(target) as clients:
            return await use(clients)

    return asyncio.run(main())


def client(service: str) -> Any:
    return boto3.client(service, region_name=REGION)


@pytest.fixture
def groups(world: World) -> list[str]:
    """120 groups (three DescribeLogGroups pages): 60 API access groups, 60 Lambda ones."""
    logs = client("logs")
    names = [f"/aws/apigateway/api-{n:03d}/access" for n in range(60)]
    names += [f"/aws/lambda/fn-{n:03d}" for n in range(60)]
    for name in names:
        logs.create_log_group(logGroupName=name)
    return names


def test_log_groups_follow_every_page(world: World, groups: list[str]) -> None:
    everything = with_clients(world, lambda c: log_groups(c, Place("", REGION)))
    assert sorted(everything) == sorted(groups)
    lambdas = with_clients(world, lambda c: log_groups(c, Place("", REGION), "/aws/lambda/"))
    assert len(lambdas) == 60 and all(n.startswith("/aws/lambda/fn-") for n in lambdas)


def test_log_groups_by_pattern_and_limit(world: World, groups: list[str]) -> None:
    found = with_clients(world, lambda c: log_groups(c, Place("", REGION), pattern="api-01"))
    assert found == tuple(f"/aws/apigateway/api-01{n}/access" for n in range(10))
    first = with_clients(
        world, lambda c: log_groups(c, Place("", REGION), pattern="access", limit=55)
    )
    assert len(first) == 55 and len(set(first)) == 55  # crosses a page boundary
    few = with_clients(world, lambda c: log_groups(c, Place("", REGION), "/aws/lambda/", limit=3))
    assert few == ("/aws/lambda/fn-000", "/aws/lambda/fn-001", "/aws/lambda/fn-002")


def test_log_groups_take_a_prefix_or_a_pattern(world: World) -> None:
    with pytest.raises(BadRequest):
        with_clients(world, lambda c: log_groups(c, Place("", REGION), "/aws/", pattern="api"))


def test_metric_filters_of_one_metric(world: World) -> None:
    logs = client("logs")
    logs.create_log_group(logGroupName="/ecs/api")
    for n in range(3):
        logs.put_metric_filter(
            logGroupName="/ecs/api",
            filterName=f"timeouts-{n}",
            filterPattern=f'"Timeout{n}"',
            metricTransformations=[
                {"metricName": "Timeouts", "metricNamespace": "Shop/App", "metricValue": "1"}
            ],
        )
    logs.put_metric_filter(
        logGroupName="/ecs/api",
        filterName="other",
        filterPattern="ERROR",
        metricTransformations=[
            {"metricName": "Errors", "metricNamespace": "Shop/App", "metricValue": "1"}
        ],
    )
    found = with_clients(
        world,
        lambda c: metric_filters(
            c, Place("", REGION), namespace="Shop/App", metric_name="Timeouts"
        ),
    )
    assert sorted(found, key=lambda f: f.filter_name) == [
        MetricFilterInfo("/ecs/api", f"timeouts-{n}", f'"Timeout{n}"', "Shop/App", "Timeouts")
        for n in range(3)
    ]
    none = with_clients(
        world,
        lambda c: metric_filters(
            c, Place("", REGION), namespace="Shop/Web", metric_name="Timeouts"
        ),
    )
    assert none == ()


def test_query_definitions_every_page(world: World) -> None:
    logs = client("logs")
    for n in range(1003):  # more than one page of 1000
        logs.put_query_definition(
            name=f"q{n:04d}", queryString="fields @message", logGroupNames=["/a"] if n else []
        )
    found = with_clients(world, lambda c: query_definitions(c, Place("", REGION)))
    assert len(found) == 1003
    assert found[0] == QueryDefinition(
        "q0000", "fields @message", (), found[0].definition_id, account="", region=REGION
    )
    assert found[1].groups == ("/a",) and found[-1].name == "q1002"
    assert len({d.definition_id for d in found}) == 1003


def test_rest_api_ids_by_name(world: World) -> None:
    apigateway = client("apigateway")
    for name, custom in (("orders", "o1"), ("twin", "t2"), ("twin", "t1")):
        apigateway.create_rest_api(name=name, tags={"_custom_id_": custom})
    ids = with_clients(world, lambda c: rest_api_ids(c, Place("", REGION)))
    assert ids == {"orders": "o1", "twin": "t1"}  # a shared name keeps the smallest id


def test_run_query_reports_the_id_before_the_first_snapshot(world: World) -> None:
    base = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)
    stamp = int(base.timestamp() * 1000)
    logs_ext.put_events(REGION, "/g", "s", [(stamp, "ERROR boom")])
    seen: list[str] = []

    async def use(c: AwsClients) -> list[str]:
        ids = []
        async for snapshot in run_query(
            c,
            Place("", REGION),
            "fields @message",
            ["/g"],
            base,
            base + timedelta(minutes=1),
            on_start=seen.append,
        ):
            assert seen  # called before the first poll
            ids.append(snapshot.query_id)
        return ids

    ids = with_clients(world, use)
    assert seen == ids[:1] and set(ids) == set(seen)
