"""Logs Insights queries that take time: Scheduled, Running with partial results, Cancelled,
and the concurrency cap. Pacing is set per test, in fractions of a second."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from montui_world.ext import logs as logs_ext
from montui_world.world import World
from tests.world.test_logs import GROUP, REGION, STREAM, base_ms, table

EVENTS = 600


@pytest.fixture
def logs(world: World) -> Iterator[Any]:
    """A client on a world holding 600 events, one a second, from `base_ms()`."""
    previous = logs_ext.settings()
    t0 = base_ms()
    logs_ext.put_events(
        REGION, GROUP, STREAM, ((t0 + n * 1000, f"line {n:04d}") for n in range(EVENTS))
    )
    client = boto3.client("logs", region_name=REGION, endpoint_url=world.endpoint)
    client.t0 = t0
    yield client
    logs_ext.restore(previous)


def start(client: Any, text: str = "fields @message | sort @timestamp desc") -> str:
    query_id: str = client.start_query(
        logGroupName=GROUP,
        startTime=client.t0 // 1000,
        endTime=client.t0 // 1000 + EVENTS,
        queryString=text,
    )["queryId"]
    return query_id


def pace(running: float, scheduled: float = 0.0) -> None:
    logs_ext.configure(
        pacing=logs_ext.QueryPacing(scheduled_seconds=scheduled, min_running_seconds=running)
    )


def test_running_query_shows_genuine_partial_results(logs: Any) -> None:
    pace(running=1.5)
    query_id = start(logs)
    seen: list[dict[str, Any]] = []
    for _ in range(100):
        answer = logs.get_query_results(queryId=query_id)
        seen.append(answer)
        if answer["status"] == "Complete":
            break
        time.sleep(0.1)
    assert seen[-1]["status"] == "Complete"
    final = table(seen[-1])
    assert len(final) == EVENTS
    partial = [a for a in seen if a["status"] == "Running" and 0 < len(a["results"]) < EVENTS]
    assert partial, [a["status"] for a in seen]
    scanned = [a["statistics"]["recordsScanned"] for a in seen]
    assert scanned == sorted(scanned)
    assert scanned[-1] == float(EVENTS)
    # The scan goes forward in time: partial rows are the oldest lines, newest first.
    rows = table(partial[0])
    assert rows[-1]["@message"] == "line 0000"
    assert rows[0]["@message"] < final[0]["@message"]
    assert partial[0]["statistics"]["recordsScanned"] == float(len(rows))


def test_scheduled_query_has_no_results_yet(logs: Any) -> None:
    pace(running=0.5, scheduled=30.0)
    query_id = start(logs, "stats count(*) by bin(1m)")
    answer = logs.get_query_results(queryId=query_id)
    assert answer["status"] == "Scheduled"
    assert answer["results"] == []
    assert answer["statistics"]["recordsScanned"] == 0.0
    (info,) = logs.describe_queries(status="Scheduled")["queries"]
    assert info["queryId"] == query_id
    logs.stop_query(queryId=query_id)


def test_stop_query_cancels_a_running_query(logs: Any) -> None:
    pace(running=30.0)
    query_id = start(logs)
    time.sleep(0.2)
    running = logs.describe_queries(status="Running")["queries"]
    assert [q["queryId"] for q in running] == [query_id]
    assert logs.stop_query(queryId=query_id)["success"] is True
    answer = logs.get_query_results(queryId=query_id)
    assert answer["status"] == "Cancelled"
    again = logs.get_query_results(queryId=query_id)
    assert again["results"] == answer["results"]  # frozen where it stopped
    assert [q["queryId"] for q in logs.describe_queries(status="Cancelled")["queries"]] == [
        query_id
    ]
    with pytest.raises(ClientError) as caught:
        logs.stop_query(queryId=query_id)
    assert caught.value.response["Error"]["Code"] == "InvalidParameterException"


def test_concurrency_cap_is_limit_exceeded(logs: Any) -> None:
    pace(running=30.0)
    logs_ext.configure(max_concurrent_queries=3)
    ids = [start(logs) for _ in range(3)]
    with pytest.raises(ClientError) as caught:
        start(logs)
    error = caught.value.response["Error"]
    assert error["Code"] == "LimitExceededException"
    assert "[3]" in error["Message"]
    assert logs.stop_query(queryId=ids[0])["success"] is True
    ids.append(start(logs))  # a slot is free again
    for query_id in ids[1:]:
        logs.stop_query(queryId=query_id)


def test_demo_pacing_runs_a_day_in_seconds() -> None:
    day = 86_400_000
    assert 2.0 <= logs_ext.DEMO_PACING.running_seconds(day) <= 4.0
    assert logs_ext.DEMO_PACING.running_seconds(3_600_000) == 0.8  # the floor
    assert logs_ext.DEMO_PACING.running_seconds(30 * day) == 12.0  # the ceiling
    assert logs_ext.INSTANT.running_seconds(day) == 0.0
