"""A Logs Insights query against the local world survives failed calls (issue 11): a failed
GetQueryResults is polled through and the query is never stopped for it; StartQuery is sent
once, a refused one again, and a lost one leaves no query running."""

from __future__ import annotations

import asyncio
import urllib.request
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError

from montui.model.logs import QueryResult, QueryStatus
from montui.model.place import Place
from montui.model.query_retry import PollRetryBudget
from montui.sources.error_mapping import map_error
from montui.sources.errors import (
    AccessDenied,
    EndpointUnreachable,
    ServiceError,
    SourceError,
    Throttled,
)
from montui.sources.logs import run_query, start_query
from montui.sources.logs_errors import passing, unsent
from montui.sources.session import AwsClients
from montui_world.ext import logs as logs_ext
from montui_world.world import World
from tests.test_sources_logs import EVENTS, GROUP, REGION, loaded, running, target, window

__all__ = ["loaded"]  # the fixture, shared with test_sources_logs

PLACE = Place("", REGION)
TEXT = "fields @message | sort @timestamp asc"


def throttling(operation: str) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"},
            "ResponseMetadata": {"HTTPStatusCode": 400},
        },
        operation,
    )


def denied(operation: str) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": "AccessDeniedException", "Message": "no"},
            "ResponseMetadata": {"HTTPStatusCode": 400},
        },
        operation,
    )


def mapped(exc: Exception) -> SourceError:
    try:
        raise map_error(exc, service="logs", region=REGION, profile=None) from exc
    except SourceError as error:
        return error


def server_error(status: int, code: str = "ServiceUnavailableException") -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": "x"}, "ResponseMetadata": {"HTTPStatusCode": status}},
        "GetQueryResults",
    )


def test_which_errors_may_pass_and_which_were_answered() -> None:
    throttled = mapped(throttling("GetQueryResults"))
    assert isinstance(throttled, Throttled) and throttled.answered and passing(throttled)
    unavailable = mapped(server_error(503))
    assert isinstance(unavailable, ServiceError) and unavailable.status == 503
    assert unavailable.answered and passing(unavailable)
    unknown = mapped(server_error(400, "ResourceNotFoundException"))
    assert unknown.answered and not passing(unknown)
    assert not passing(mapped(denied("GetQueryResults")))
    lost = mapped(ReadTimeoutError(endpoint_url="http://127.0.0.1:9"))
    assert isinstance(lost, EndpointUnreachable) and not lost.answered
    assert passing(lost) and not unsent(lost)
    refused = mapped(EndpointConnectionError(endpoint_url="http://127.0.0.1:9"))
    assert passing(refused) and not refused.answered and unsent(refused)


class Faults:
    """botocore handlers on every client of one `AwsClients`: `fail(event, error, times)`
    raises `error` from the first `times` calls; `calls[event]` counts each call."""

    def __init__(self, clients: AwsClients) -> None:
        # The session's handlers reach every client it makes, whichever montui picks.
        self.session: Any = clients._new_session()
        self.calls: dict[str, int] = {}

    def count(self, event: str) -> None:
        def counted(**_: Any) -> None:
            self.calls[event] = self.calls.get(event, 0) + 1

        self.calls[event] = 0
        self.session.register(event, counted)

    def fail(self, event: str, error: Callable[[], Exception], times: int) -> None:
        seen = [0]

        def failing(**_: Any) -> None:
            seen[0] += 1
            if seen[0] <= times:
                raise error()

        self.session.register(event, failing)


def world_queries(world: World) -> list[dict[str, Any]]:
    client: Any = boto3.client("logs", region_name=REGION, endpoint_url=world.endpoint)
    return list(client.describe_queries()["queries"])


async def collect(
    clients: AwsClients, *, budget: PollRetryBudget | None = None
) -> list[QueryResult]:
    start, end = window()
    extra: dict[str, Any] = {} if budget is None else {"retry": budget}
    snapshots = run_query(clients, PLACE, TEXT, [GROUP], start, end, first_poll=0.05, **extra)
    return [s async for s in snapshots]


def test_failed_polls_do_not_end_a_healthy_query(loaded: World) -> None:
    logs_ext.configure(pacing=logs_ext.QueryPacing(min_running_seconds=0.5))

    async def main() -> tuple[list[QueryResult], dict[str, int]]:
        async with AwsClients(target(loaded)) as clients:
            faults = Faults(clients)
            faults.count("before-call.cloudwatch-logs.StopQuery")
            # The first polls fail as if botocore's retries were spent on each.
            faults.fail(
                "before-call.cloudwatch-logs.GetQueryResults",
                lambda: throttling("GetQueryResults"),
                times=3,
            )
            return await collect(clients), faults.calls

    snapshots, calls = asyncio.run(main())
    final = snapshots[-1]
    assert final.status is QueryStatus.COMPLETE
    assert [r["@message"] for r in final.rows] == [
        f"{'ERROR' if n % 10 == 0 else 'INFO'} line {n:04d}" for n in range(EVENTS)
    ]
    assert final.retrying == ""
    retrying = [s for s in snapshots if s.retrying]
    assert len(retrying) == 3 and "throttled" in retrying[0].retrying
    assert calls["before-call.cloudwatch-logs.StopQuery"] == 0
    assert [q["status"] for q in world_queries(loaded)] == ["Complete"]


def test_partial_rows_are_kept_while_a_poll_is_retried(loaded: World) -> None:
    logs_ext.configure(pacing=logs_ext.QueryPacing(min_running_seconds=1.0))

    async def main() -> list[QueryResult]:
        async with AwsClients(target(loaded)) as clients:
            session = Faults(clients).session
            had_rows, failed = [False], [0]

            def watch(parsed: Any, **_: Any) -> None:
                had_rows[0] = had_rows[0] or bool(parsed.get("results"))

            def flaky(**_: Any) -> None:
                if had_rows[0] and failed[0] < 2:  # the two polls after the first rows
                    failed[0] += 1
                    raise throttling("GetQueryResults")

            session.register("after-call.cloudwatch-logs.GetQueryResults", watch)
            session.register("before-call.cloudwatch-logs.GetQueryResults", flaky)
            return await collect(clients)

    snapshots = asyncio.run(main())
    retrying = [s for s in snapshots if s.retrying]
    assert len(retrying) == 2
    before = snapshots[snapshots.index(retrying[0]) - 1]
    assert before.rows and before.status is QueryStatus.RUNNING
    assert retrying[0].rows == before.rows and retrying[0].status is before.status
    assert retrying[1].rows == before.rows
    assert snapshots[-1].status is QueryStatus.COMPLETE and len(snapshots[-1].rows) == EVENTS


def test_a_fatal_poll_error_ends_the_run_and_stops_the_query(loaded: World) -> None:
    logs_ext.configure(pacing=logs_ext.QueryPacing(min_running_seconds=30))

    async def main() -> None:
        async with AwsClients(target(loaded)) as clients:
            Faults(clients).fail(
                "before-call.cloudwatch-logs.GetQueryResults",
                lambda: denied("GetQueryResults"),
                times=1,
            )
            await collect(clients)

    with pytest.raises(AccessDenied):
        asyncio.run(main())
    assert running(loaded) == 0
    assert [q["status"] for q in world_queries(loaded)] == ["Cancelled"]


def test_a_spent_retry_budget_ends_the_run_and_stops_the_query(loaded: World) -> None:
    logs_ext.configure(pacing=logs_ext.QueryPacing(min_running_seconds=30))
    budget = PollRetryBudget(max_failures=2, max_seconds=30.0, first_wait=0.01, max_wait=0.02)

    async def main() -> None:
        async with AwsClients(target(loaded)) as clients:
            Faults(clients).fail(
                "before-call.cloudwatch-logs.GetQueryResults",
                lambda: throttling("GetQueryResults"),
                times=1000,
            )
            await collect(clients, budget=budget)

    with pytest.raises(Throttled):
        asyncio.run(main())
    assert running(loaded) == 0


def lose_the_answer(request: Any, **_: Any) -> None:
    """A `before-send` handler: the request reaches the world, its answer never comes back
    (a read timeout after AWS started the query)."""
    body = request.body if isinstance(request.body, bytes) else str(request.body).encode()
    headers = {
        k: v.decode() if isinstance(v, bytes) else str(v) for k, v in request.headers.items()
    }
    sent = urllib.request.Request(request.url, data=body, headers=headers, method=request.method)
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with direct.open(sent, timeout=10) as answer:
        answer.read()
    raise ReadTimeoutError(endpoint_url=request.url)


def test_a_lost_start_leaves_no_query_running_and_says_so(loaded: World) -> None:
    logs_ext.configure(pacing=logs_ext.QueryPacing(min_running_seconds=30))

    async def main() -> None:
        async with AwsClients(target(loaded)) as clients:
            Faults(clients).session.register(
                "before-send.cloudwatch-logs.StartQuery", lose_the_answer
            )
            start, end = window()
            await start_query(clients, PLACE, TEXT, [GROUP], start, end)

    with pytest.raises(EndpointUnreachable) as caught:
        asyncio.run(main())
    assert "did not answer in time" in caught.value.message
    assert "the query it started was stopped" in caught.value.hint
    assert caught.value.cli_hint == caught.value.hint
    assert running(loaded) == 0
    # sent once: botocore did not send it again after the timeout
    assert [q["status"] for q in world_queries(loaded)] == ["Cancelled"]


def test_a_lost_start_of_run_query_fails_the_run(loaded: World) -> None:
    logs_ext.configure(pacing=logs_ext.QueryPacing(min_running_seconds=30))

    async def main() -> None:
        async with AwsClients(target(loaded)) as clients:
            Faults(clients).session.register(
                "before-send.cloudwatch-logs.StartQuery", lose_the_answer
            )
            await collect(clients)

    with pytest.raises(SourceError, match="did not answer in time"):
        asyncio.run(main())
    assert running(loaded) == 0


def test_a_throttled_start_is_sent_again_and_the_query_runs(loaded: World) -> None:
    async def main() -> tuple[list[QueryResult], dict[str, int]]:
        async with AwsClients(target(loaded)) as clients:
            faults = Faults(clients)
            faults.count("before-call.cloudwatch-logs.StartQuery")
            faults.fail(
                "before-call.cloudwatch-logs.StartQuery", lambda: throttling("StartQuery"), times=2
            )
            return await collect(clients), faults.calls

    snapshots, calls = asyncio.run(main())
    assert snapshots[-1].status is QueryStatus.COMPLETE
    assert len(snapshots[-1].rows) == EVENTS
    assert calls["before-call.cloudwatch-logs.StartQuery"] == 3
    assert len(world_queries(loaded)) == 1


def test_a_start_refused_every_time_fails_with_its_error(loaded: World) -> None:
    async def main() -> None:
        async with AwsClients(target(loaded)) as clients:
            Faults(clients).fail(
                "before-call.cloudwatch-logs.StartQuery", lambda: throttling("StartQuery"), times=99
            )
            start, end = window()
            await start_query(clients, PLACE, TEXT, [GROUP], start, end)

    with pytest.raises(Throttled):
        asyncio.run(main())
    assert world_queries(loaded) == []


def test_start_query_is_sent_without_automatic_retry(world: World) -> None:
    async def main() -> tuple[Any, Any]:
        async with AwsClients(target(world)) as clients:
            once = await clients.client("logs", PLACE, once=True)
            usual = await clients.client("logs", PLACE)
            return once.meta.config.retries, usual.meta.config.retries

    once, usual = asyncio.run(main())
    assert once["total_max_attempts"] == 1
    assert usual["total_max_attempts"] == 3
