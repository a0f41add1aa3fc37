"""AwsLogsInsights against the local AWS world: no query is left running on AWS after
stop_queries() or the session's close(), even one whose generator was abandoned; and
FakeInsights behaves as the Protocol says."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from montui.feeds.insights import AwsLogsInsights, LogsInsights
from montui.feeds.session import AwsSession
from montui.launch import AwsRequest
from montui.model.alarm import AlarmState
from montui.model.logs import QueryResult, QueryRun, QueryStatus
from montui.model.place import Place
from montui_world.ext import logs as logs_ext
from montui_world.world import World
from tests.fakes import FakeInsights, make_alarm

REGION = "ap-northeast-1"
GROUP = "/aws/lambda/contact-form"


@pytest.fixture
def slow_world(world: World) -> Iterator[World]:
    """A world with a few log lines whose queries stay Running for 30 seconds."""
    previous = logs_ext.configure(pacing=logs_ext.QueryPacing(min_running_seconds=30))
    stamp = int((datetime.now(UTC) - timedelta(minutes=5)).timestamp() * 1000)
    logs_ext.put_events(REGION, GROUP, "s", [(stamp + n, f"ERROR {n}") for n in range(5)])
    yield world
    logs_ext.restore(previous)


def running(world: World) -> int:
    logs: Any = boto3.client("logs", region_name=REGION, endpoint_url=world.endpoint)
    return sum(len(logs.describe_queries(status=s)["queries"]) for s in ("Running", "Scheduled"))


def a_run() -> QueryRun:
    end = datetime.now(UTC)
    return QueryRun("fields @message", (GROUP,), end - timedelta(hours=1), end)


async def connected(world: World) -> AwsLogsInsights:
    session = AwsSession(AwsRequest(endpoint_url=world.endpoint, regions=(REGION,)))
    await session.connect()
    return AwsLogsInsights(session)


HERE = Place("123456789012", REGION)


async def test_stop_queries_stops_an_abandoned_query(slow_world: World) -> None:
    feed = await connected(slow_world)
    clients = feed.session.clients
    results = feed.run_query(REGION, a_run())
    first = await anext(results)  # started, then left without closing the generator
    assert first.status is QueryStatus.RUNNING
    assert feed._running == {first.query_id: HERE}
    assert running(slow_world) == 1
    assert await feed.stop_queries() == 1
    assert running(slow_world) == 0 and feed._running == {}
    assert await feed.stop_queries() == 0
    await results.aclose()
    await feed.session.close()
    await clients.close()  # the abandoned generator's own StopQuery reopened a client


async def test_close_stops_the_running_queries_first(slow_world: World) -> None:
    feed = await connected(slow_world)
    clients = feed.session.clients
    abandoned = [feed.run_query(REGION, a_run()) for _ in range(2)]
    for results in abandoned:
        await anext(results)
    assert running(slow_world) == 2
    await feed.session.close()
    assert running(slow_world) == 0
    for results in abandoned:
        await results.aclose()
    await clients.close()


async def test_a_finished_query_is_forgotten(world: World) -> None:
    stamp = int((datetime.now(UTC) - timedelta(minutes=5)).timestamp() * 1000)
    logs_ext.put_events(REGION, GROUP, "s", [(stamp, "ERROR once")])
    feed = await connected(world)
    try:
        snapshots = [s async for s in feed.run_query(REGION, a_run())]
        assert snapshots[-1].status is QueryStatus.COMPLETE
        assert snapshots[-1].rows[0]["@message"] == "ERROR once"
        assert feed._running == {}
        assert await feed.log_groups(REGION, "/aws/lambda/", limit=5) == (GROUP,)
        boto3.client("logs", region_name=REGION).put_query_definition(
            name="mine", queryString="fields @message"
        )
        (definition,) = await feed.query_definitions(REGION)
        assert (definition.name, definition.query) == ("mine", "fields @message")
    finally:
        await feed.session.close()


async def test_fake_feed_scripts_queries_and_stops_them() -> None:
    fake = FakeInsights()
    feed: LogsInsights = fake
    fake.groups = ["/aws/lambda/a", "/aws/lambda/b", "/ecs/c"]
    assert await feed.log_groups(REGION, "/aws/", limit=1) == ("/aws/lambda/a",)
    fake.query_script = [
        QueryResult("q", QueryStatus.RUNNING),
        QueryResult("q", QueryStatus.COMPLETE, ({"@message": "x"},)),
    ]
    done = [s async for s in feed.run_query(REGION, a_run())]
    assert [s.status for s in done] == [QueryStatus.RUNNING, QueryStatus.COMPLETE]
    left = feed.run_query(REGION, a_run())
    await anext(left)
    assert fake.running and fake.started == 2
    assert await feed.stop_queries() == 1
    assert [s async for s in left] == [] and fake.stopped == 1
    fake.plans["x"] = RuntimeError("denied")
    with pytest.raises(RuntimeError):
        await feed.drilldown_plan(
            make_alarm("x", AlarmState.ALARM), children={}, episode=None, rules=(), now=a_run().end
        )
