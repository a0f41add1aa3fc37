"""Logs Insights source against the local AWS world: results, partial snapshots, errors, and
no query left running when the consumer leaves early or is cancelled."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import aclosing
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from montui.model.logs import QueryResult, QueryStatus
from montui.model.place import Place
from montui.sources.errors import MalformedQuery
from montui.sources.logs import (
    LogGroupNotFound,
    PollPacer,
    QueryLimitExceeded,
    log_groups,
    query_results,
    run_query,
    start_query,
    stop_query,
)
from montui.sources.session import AwsClients
from montui.sources.target import AwsTarget
from montui_world.ext import logs as logs_ext
from montui_world.world import World

REGION = "ap-northeast-1"
GROUP = "/aws/lambda/contact-form"
STREAM = "2026/11/21/[$LATEST]0123456789abcdef0123456789abcdef"
EVENTS = 300


def base() -> datetime:
    return (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=0)


@pytest.fixture
def loaded(world: World) -> Iterator[World]:
    """A world with EVENTS lines, one a second from `base()`, one in ten an ERROR."""
    previous = logs_ext.settings()
    t0 = int(base().timestamp() * 1000)
    lines = (
        (t0 + n * 1000, f"{'ERROR' if n % 10 == 0 else 'INFO'} line {n:04d}") for n in range(EVENTS)
    )
    logs_ext.put_events(REGION, GROUP, STREAM, lines)
    yield world
    logs_ext.restore(previous)


def target(world: World) -> AwsTarget:
    return AwsTarget(profile=None, regions=(REGION,), endpoint_url=world.endpoint)


def window() -> tuple[datetime, datetime]:
    start = base() - timedelta(minutes=1)
    return start, start + timedelta(hours=1)


def running(world: World) -> int:
    client: Any = boto3.client("logs", region_name=REGION, endpoint_url=world.endpoint)
    return len(client.describe_queries(status="Running")["queries"]) + len(
        client.describe_queries(status="Scheduled")["queries"]
    )


async def collect(world: World, text: str, **kwargs: Any) -> list[QueryResult]:
    start, end = window()
    async with AwsClients(target(world)) as clients:
        snapshots = run_query(
            clients, Place("", REGION), text, [GROUP], start, end, first_poll=0.05, **kwargs
        )
        return [s async for s in snapshots]


def test_run_query_returns_rows_and_statistics(loaded: World) -> None:
    text = "filter @message like /ERROR/ | fields @timestamp, @message | sort @timestamp asc"
    snapshots = asyncio.run(collect(loaded, text))
    final = snapshots[-1]
    assert final.status is QueryStatus.COMPLETE
    assert [r["@message"] for r in final.rows][:2] == ["ERROR line 0000", "ERROR line 0010"]
    assert len(final.rows) == EVENTS // 10
    assert final.fields == ("@timestamp", "@message")
    assert final.statistics.records_matched == EVENTS // 10
    assert final.statistics.records_scanned == EVENTS
    assert final.statistics.bytes_scanned > 0
    assert final.statistics.cost_usd > 0


def test_limit_is_passed(loaded: World) -> None:
    snapshots = asyncio.run(collect(loaded, "fields @message", limit=7))
    assert len(snapshots[-1].rows) == 7


def test_partial_results_while_running(loaded: World) -> None:
    logs_ext.configure(pacing=logs_ext.QueryPacing(min_running_seconds=1.5))
    snapshots = asyncio.run(collect(loaded, "fields @message | sort @timestamp desc"))
    assert snapshots[-1].status is QueryStatus.COMPLETE
    assert len(snapshots[-1].rows) == EVENTS
    partial = [s for s in snapshots if s.status is QueryStatus.RUNNING and s.rows]
    assert partial and len(partial[0].rows) < EVENTS
    assert running(loaded) == 0


def test_early_exit_stops_the_query(loaded: World) -> None:
    logs_ext.configure(pacing=logs_ext.QueryPacing(min_running_seconds=30))

    async def first_only() -> QueryResult:
        start, end = window()
        async with AwsClients(target(loaded)) as clients:
            snapshots = run_query(
                clients, Place("", REGION), "fields @message", [GROUP], start, end
            )
            async with aclosing(snapshots) as results:
                async for snapshot in results:
                    assert running(loaded) == 1
                    return snapshot
        raise AssertionError("no snapshot")

    assert asyncio.run(first_only()).status is not QueryStatus.COMPLETE
    assert running(loaded) == 0


def test_cancellation_stops_the_query(loaded: World) -> None:
    logs_ext.configure(pacing=logs_ext.QueryPacing(min_running_seconds=30))

    async def consume() -> None:
        start, end = window()
        async with AwsClients(target(loaded)) as clients:
            async for _ in run_query(
                clients, Place("", REGION), "fields @message", [GROUP], start, end
            ):
                pass

    async def main() -> None:
        task = asyncio.create_task(consume())
        for _ in range(200):
            if running(loaded):
                break
            await asyncio.sleep(0.05)
        assert running(loaded) == 1
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    assert running(loaded) == 0


def test_cancelled_while_starting_stops_the_query(
    loaded: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ctrl+C (or a new run) between AWS starting the query and its answer reaching us:
    # the query runs on AWS though no id came back yet; it must be stopped all the same.
    from moto.logs.responses import LogsResponse

    logs_ext.configure(pacing=logs_ext.QueryPacing(min_running_seconds=30))
    started, answer = threading.Event(), threading.Event()
    original = vars(LogsResponse)["start_query"]

    def held_start_query(self: Any) -> Any:
        response = original(self)
        started.set()  # running on the world; the answer waits
        answer.wait(20)
        return response

    monkeypatch.setattr(LogsResponse, "start_query", held_start_query)

    async def consume() -> None:
        start, end = window()
        async with AwsClients(target(loaded)) as clients:
            async for _ in run_query(
                clients, Place("", REGION), "fields @message", [GROUP], start, end
            ):
                pass

    async def main() -> None:
        task = asyncio.create_task(consume())
        assert await asyncio.to_thread(started.wait, 20)
        task.cancel()
        await asyncio.sleep(0)  # one turn of the loop: the task sees it while StartQuery waits
        answer.set()
        with pytest.raises(asyncio.CancelledError):
            await task

    try:
        asyncio.run(main())
    finally:
        answer.set()
    assert running(loaded) == 0


def test_start_poll_and_stop(loaded: World) -> None:
    logs_ext.configure(pacing=logs_ext.QueryPacing(min_running_seconds=30))

    async def main() -> tuple[bool, bool, QueryResult]:
        start, end = window()
        async with AwsClients(target(loaded)) as clients:
            query_id = await start_query(
                clients, Place("", REGION), "fields @message", [GROUP], start, end
            )
            first = await stop_query(clients, Place("", REGION), query_id)
            again = await stop_query(clients, Place("", REGION), query_id)  # no longer running
            return first, again, await query_results(clients, Place("", REGION), query_id)

    first, again, result = asyncio.run(main())
    assert (first, again) == (True, False)
    assert result.status is QueryStatus.CANCELLED


def test_malformed_query_keeps_message_and_location(loaded: World) -> None:
    text = "fields @message | filtre @message like /x/"
    with pytest.raises(MalformedQuery) as caught:
        asyncio.run(collect(loaded, text))
    error = caught.value
    assert error.start is not None and error.end is not None
    assert text[error.start : error.end] == "filtre"
    assert error.message
    assert not error.retryable


def test_unknown_log_group(world: World) -> None:
    async def main() -> None:
        start, end = window()
        async with AwsClients(target(world)) as clients:
            await start_query(clients, Place("", REGION), "fields @message", ["/nope"], start, end)

    with pytest.raises(LogGroupNotFound, match="log group /nope does not exist"):
        asyncio.run(main())


def test_concurrency_limit(loaded: World) -> None:
    logs_ext.configure(
        pacing=logs_ext.QueryPacing(min_running_seconds=30), max_concurrent_queries=1
    )

    async def main() -> None:
        start, end = window()
        async with AwsClients(target(loaded)) as clients:
            query_id = await start_query(
                clients, Place("", REGION), "fields @message", [GROUP], start, end
            )
            try:
                await start_query(
                    clients, Place("", REGION), "fields @message", [GROUP], start, end
                )
            finally:
                await stop_query(clients, Place("", REGION), query_id)

    with pytest.raises(QueryLimitExceeded, match="concurrent"):
        asyncio.run(main())


def test_log_groups_by_prefix_every_page(world: World) -> None:
    client: Any = boto3.client("logs", region_name=REGION, endpoint_url=world.endpoint)
    names = [f"/aws/lambda/fn-{n:02d}" for n in range(60)]
    for name in [*names, "/aws/rds/instance/db/error"]:
        client.create_log_group(logGroupName=name)

    async def main() -> tuple[str, ...]:
        async with AwsClients(target(world)) as clients:
            return await log_groups(clients, Place("", REGION), "/aws/lambda/")

    assert sorted(asyncio.run(main())) == names


def test_pacer_spaces_calls_across_tasks() -> None:
    async def main() -> float:
        pacer = PollPacer(rate=100)
        loop = asyncio.get_running_loop()
        began = loop.time()
        await asyncio.gather(*(pacer.wait() for _ in range(11)))
        return loop.time() - began

    assert asyncio.run(main()) >= 0.099
