"""How the world stores log events: PutLogEvents and the bulk `put_events` feed the same
store the engine queries, and moto's own reads (GetLogEvents, FilterLogEvents) still work."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.logs.models import logs_backends

from montui_world.ext import logs as logs_ext
from montui_world.ext.logs_store import StoredEvent
from montui_world.identity import DEMO_ACCOUNT
from montui_world.world import World
from tests.world.test_logs import GROUP, REGION, STREAM, base_ms, query, seed, table


@pytest.fixture
def logs(world: World) -> Iterator[Any]:
    previous = logs_ext.configure(pacing=logs_ext.INSTANT)
    yield boto3.client("logs", region_name=REGION, endpoint_url=world.endpoint)
    logs_ext.restore(previous)


def stored(group: str = GROUP, stream: str = STREAM) -> list[Any]:
    events: list[Any] = logs_backends[DEMO_ACCOUNT][REGION].groups[group].streams[stream].events
    return events


def test_put_log_events_are_slotted_events_the_engine_reads(logs: Any) -> None:
    t0 = base_ms()
    lines = seed(logs, t0)
    events = stored()
    assert len(events) == len(lines)
    assert all(isinstance(event, StoredEvent) for event in events)
    assert not hasattr(events[0], "__dict__")
    assert [int(e.event_id) for e in events] == sorted(int(e.event_id) for e in events)
    answer = query(logs, "fields @ingestionTime, @message | sort @timestamp asc | limit 1", t0)
    (row,) = table(answer)
    assert row["@message"] == lines[0][1]
    assert row["@ingestionTime"][:2] == "20"  # printed like @timestamp


def test_moto_reads_still_work_on_stored_events(logs: Any) -> None:
    t0 = base_ms()
    lines = seed(logs, t0)
    got = logs.get_log_events(logGroupName=GROUP, logStreamName=STREAM, startFromHead=True)
    assert [e["message"] for e in got["events"]] == [m for _, m in lines]
    filtered = logs.filter_log_events(logGroupName=GROUP, filterPattern="ERROR")
    assert [e["message"] for e in filtered["events"]] == [m for _, m in lines if "ERROR" in m]
    assert filtered["events"][0]["logStreamName"] == STREAM
    (described,) = logs.describe_log_streams(logGroupName=GROUP)["logStreams"]
    assert described["firstEventTimestamp"] == lines[0][0]
    assert described["lastEventTimestamp"] == lines[-1][0]
    assert described["storedBytes"] == sum(len(m) for _, m in lines)


def test_bulk_put_events_creates_group_and_stream_and_is_queryable(logs: Any) -> None:
    t0 = base_ms()
    count = logs_ext.put_events(
        REGION,
        "/aws/lambda/bulk",
        "s1",
        [(t0 + n, f"ERROR {n}" if n % 10 == 0 else "ok") for n in range(100)],
    )
    assert count == 100
    (group,) = logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/bulk")["logGroups"]
    assert group["logGroupName"] == "/aws/lambda/bulk"
    answer = query(
        logs,
        "filter @message like /ERROR/ | stats count(*) as errors",
        t0,
        logGroupName="/aws/lambda/bulk",
    )
    assert table(answer) == [{"errors": "10"}]
    (event,) = stored("/aws/lambda/bulk", "s1")[:1]
    assert event.ingestion_time_ms == event.timestamp_ms + 500
    # A second batch appends; ids keep increasing.
    logs_ext.put_events(REGION, "/aws/lambda/bulk", "s1", [(t0 + 200, "later")])
    ids = [int(e.event_id) for e in stored("/aws/lambda/bulk", "s1")]
    assert ids == sorted(ids) and len(ids) == 101


def test_subscription_to_another_log_group_still_delivers(logs: Any) -> None:
    t0 = base_ms()
    target = "/central/all"
    logs.create_log_group(logGroupName=target)
    logs.create_log_stream(logGroupName=target, logStreamName=STREAM)
    logs.create_log_group(logGroupName=GROUP)
    logs.create_log_stream(logGroupName=GROUP, logStreamName=STREAM)
    logs.put_subscription_filter(
        logGroupName=GROUP,
        filterName="all",
        filterPattern="",
        destinationArn=f"arn:aws:logs:{REGION}:{DEMO_ACCOUNT}:log-group:{target}:*",
    )
    logs.put_log_events(
        logGroupName=GROUP,
        logStreamName=STREAM,
        logEvents=[{"timestamp": t0, "message": "hello"}],
    )
    answer = query(logs, "fields @message, @log", t0, logGroupName=target)
    assert [(r["@message"], r["@log"]) for r in table(answer)] == [
        ("hello", f"{DEMO_ACCOUNT}:{target}")
    ]


def test_reset_forgets_queries(logs: Any, world: World) -> None:
    t0 = base_ms()
    seed(logs, t0)
    query(logs, "fields @message", t0)
    assert len(logs.describe_queries()["queries"]) == 1
    world.reset()
    assert logs.describe_queries()["queries"] == []
