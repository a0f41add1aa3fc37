"""Issue 11, found with the fault proxy: a Logs Insights query whose StopQuery failed (AWS
throttled or failed every attempt) was forgotten, ledger included, and ran on AWS unowned.
It stays owned: the session's close stops it once StopQuery gets through, and `montui
query` leaves it in its ledger for the next montui to stop."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import aclosing
from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from montui.commands.query import run_query_command
from montui.feeds.insights import AwsLogsInsights
from montui.feeds.session import AwsSession
from montui.launch import AwsRequest
from montui.model.logs import QueryRun, QueryStatus
from montui.model.query_retry import PollRetryBudget
from montui.running_queries import RunningQueries
from montui.sources import logs as logs_source
from montui_world.ext import logs as logs_ext
from montui_world.faults.plan import Fault, FaultPlan, Rule
from montui_world.faults.proxy import FaultProxy
from montui_world.world import World
from tests.conftest import FAULT_READ_TIMEOUT
from tests.fakes import NOW

REGION = "ap-northeast-1"
GROUP = "/aws/lambda/contact-form"


@pytest.fixture
def slow_world(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """A world with a few log lines (at the fixed `NOW`, not the wall clock) whose queries
    stay Running for 30 seconds."""
    monkeypatch.setattr("montui.sources.session.READ_TIMEOUT", FAULT_READ_TIMEOUT)
    previous = logs_ext.configure(pacing=logs_ext.QueryPacing(min_running_seconds=30))
    stamp = int((NOW - timedelta(minutes=5)).timestamp() * 1000)
    logs_ext.put_events(REGION, GROUP, "s", [(stamp + n, f"ERROR {n}") for n in range(5)])
    yield world
    logs_ext.restore(previous)


def running(world: World) -> int:
    logs: Any = boto3.client("logs", region_name=REGION, endpoint_url=world.endpoint)
    return sum(len(logs.describe_queries(status=s)["queries"]) for s in ("Running", "Scheduled"))


async def test_a_query_whose_stop_failed_stays_owned_and_is_stopped_at_close(
    slow_world: World, tmp_path: Path
) -> None:
    plan = FaultPlan([Rule(1.0, (Fault.ERROR_503,), operation="StopQuery")])
    with FaultProxy(slow_world.endpoint, plan) as proxy:
        session = AwsSession(AwsRequest(endpoint_url=proxy.endpoint, regions=(REGION,)))
        await session.connect()
        ledger = RunningQueries(tmp_path)
        feed = AwsLogsInsights(session, ledger)
        end = NOW
        run = QueryRun("fields @message", (GROUP,), end - timedelta(hours=1), end)
        async with aclosing(feed.run_query(REGION, run)) as results:
            first = await anext(results)
            assert first.status is QueryStatus.RUNNING
        # Left early: the generator asked StopQuery, which failed every attempt.
        assert plan.injected[Fault.ERROR_503] >= 1
        assert running(slow_world) == 1
        assert first.query_id in feed._running  # still owned, and on disk for the next start
        assert [q.query_id for q in ledger.queries] == [first.query_id]
        plan.clear()
        await session.close()
    assert running(slow_world) == 0
    assert ledger.queries == ()


def test_montui_query_keeps_a_query_it_could_not_stop_in_its_ledger(
    slow_world: World,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rules = [Rule(1.0, (Fault.ERROR_503,), operation=op) for op in ("GetQueryResults", "StopQuery")]
    # Polls failing for good end the run within a short budget, well inside the 30 s the
    # world keeps the query running (the default budget is 8 failures or 60 s).
    monkeypatch.setattr(logs_source, "POLL_RETRY", PollRetryBudget(max_failures=2, first_wait=0.1))
    ledger = RunningQueries(tmp_path)
    end = NOW
    run = QueryRun("fields @message", (GROUP,), end - timedelta(hours=1), end)
    with FaultProxy(slow_world.endpoint, FaultPlan(rules)) as proxy:
        request = AwsRequest(endpoint_url=proxy.endpoint, regions=(REGION,))
        rc = run_query_command(request, run, output="jsonl", ledger=ledger)
    assert rc == 1
    assert capsys.readouterr().err.startswith(f"montui: logs {REGION}: ")
    assert running(slow_world) == 1
    assert len(ledger.queries) == 1  # the next montui stops it (feeds.leftover_queries)
