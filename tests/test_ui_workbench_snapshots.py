"""SVG snapshots of the Logs Insights workbench at 80x24: the drill-down plan, a query running
with partial results, the results (with a highlighted term) and a row's detail.

Scripted feed, frozen clock, UTC, a still timer. Update after an intended change:
pytest tests/test_ui_workbench_snapshots.py --snapshot-update
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator
from datetime import UTC, timedelta
from typing import Any

from montui.config import Settings
from montui.model.alarm import AlarmState
from montui.model.drilldown import LAMBDA_ERRORS, LAMBDA_REPORT, DrilldownPlan
from montui.model.logs import QueryResult, QueryRun, QueryStatistics, QueryStatus
from montui.model.metrics import TimeWindow
from montui.model.records import replace
from montui.ui.app import MontuiApp
from montui.ui.screens.workbench import QueryWorkbench
from montui.ui.screens.workbench_state import WorkbenchRequest
from montui.ui.widgets.query_results import ResultsTable
from tests.fakes import NOW, FakeFeed, FakeInsights, frozen_clock, make_alarm

GROUP = "/aws/lambda/hitori-contact-form"
ALARM = make_alarm(
    "hitori-lambda-error-rate",
    AlarmState.ALARM,
    minutes_ago=9,
    dims=(("FunctionName", "hitori-contact-form"),),
)
PLAN = DrilldownPlan(
    log_groups=(GROUP,),
    window=TimeWindow(NOW - timedelta(minutes=29), NOW),
    query=LAMBDA_ERRORS,
    kind="lambda",
    reasons=(f"{GROUP}: Lambda function hitori-contact-form",),
    alternatives=(LAMBDA_REPORT,),
)


def _row(minute: int, second: int, message: str) -> dict[str, str]:
    stamp = (NOW - timedelta(minutes=minute, seconds=-second)).strftime("%Y-%m-%d %H:%M:%S")
    return {"@timestamp": f"{stamp}.123", "@message": message, "@ptr": f"p{minute}{second}"}


ERROR_JSON = json.dumps(
    {
        "level": "ERROR",
        "location": "send_mail:81",
        "message": "ClientError: An error occurred (Throttling) when calling the SendEmail "
        "operation: Maximum sending rate exceeded.",
        "function_request_id": "768d13a3-c7df-421a-a656-6bb2ec4a9628",
    }
)
ROWS = [
    _row(3, 12, ERROR_JSON),
    _row(3, 11, "[ERROR] ClientError: An error occurred (Throttling) when calling SendEmail"),
    _row(4, 40, "Task timed out after 10.01 seconds"),
    _row(5, 2, ERROR_JSON),
    _row(6, 30, "[ERROR] ClientError: An error occurred (Throttling) when calling SendEmail"),
    _row(7, 9, ERROR_JSON),
]
STATS = QueryStatistics(records_matched=6, records_scanned=48_210, bytes_scanned=9.6e6)
RUNNING = QueryResult("q1", QueryStatus.RUNNING, tuple(ROWS[:3]), STATS)
COMPLETE = QueryResult("q1", QueryStatus.COMPLETE, tuple(ROWS), STATS)
HISTOGRAM = QueryResult(
    "q2",
    QueryStatus.COMPLETE,
    tuple(
        {
            "bin(30s)": (NOW - timedelta(minutes=m)).strftime("%Y-%m-%d %H:%M:%S.000"),
            "matches": str(c),
        }
        for m, c in ((3, 2), (4, 1), (5, 1), (6, 1), (7, 1), (12, 0))
    ),
)


class ScriptedInsights(FakeInsights):
    """run_query yields the snapshots of `script`, then (when `hold`) waits until stopped."""

    def __init__(self, script: list[QueryResult], *, hold: bool = False) -> None:
        super().__init__()
        self.plans[ALARM.name] = PLAN
        self.script = script
        self.hold = hold

    async def run_query(self, region: str, run: QueryRun) -> AsyncGenerator[QueryResult, None]:
        self.runs.append(run)
        if "as matches by bin(" in run.query:
            yield HISTOGRAM
            return
        for snapshot in self.script:
            yield snapshot
        if self.hold:
            await asyncio.Event().wait()


def ScriptedFeed(script: list[QueryResult], *, hold: bool = False) -> ScriptedInsights:
    return ScriptedInsights(script, hold=hold)


def _app(feed: ScriptedInsights) -> MontuiApp:
    fake = FakeFeed({"ap-northeast-1": [ALARM]})
    return MontuiApp(
        replace(fake.feeds, insights=feed), Settings(), clock=frozen_clock, home="board"
    )


def _bench(app: MontuiApp, feed: ScriptedInsights) -> QueryWorkbench:
    return QueryWorkbench(
        feed,
        WorkbenchRequest.drilldown(ALARM),
        clock=frozen_clock,
        zone=UTC,
        timer=lambda: 0.0,
    )


async def _until(pilot: Any, check: Any) -> None:
    for _ in range(200):
        if check():
            break
        await pilot.pause(0.02)
    for _ in range(3):
        await pilot.pause()


async def _open(pilot: Any, feed: ScriptedInsights) -> QueryWorkbench:
    app = pilot.app
    bench = _bench(app, feed)
    await app.push_screen(bench)
    await _until(pilot, lambda: bench.state.plan is not None)
    return bench


def test_workbench_plan_snapshot(snap_compare: Any) -> None:
    feed = ScriptedFeed([COMPLETE])

    async def run_before(pilot: Any) -> None:
        await _open(pilot, feed)

    assert snap_compare(_app(feed), terminal_size=(80, 24), run_before=run_before)


def test_workbench_running_snapshot(snap_compare: Any) -> None:
    feed = ScriptedFeed([RUNNING], hold=True)

    async def run_before(pilot: Any) -> None:
        bench = await _open(pilot, feed)
        await pilot.press("enter")
        await _until(pilot, lambda: bench.query_one(ResultsTable).row_count == 3)

    assert snap_compare(_app(feed), terminal_size=(80, 24), run_before=run_before)


def test_workbench_results_snapshot(snap_compare: Any) -> None:
    feed = ScriptedFeed([RUNNING, COMPLETE])

    async def run_before(pilot: Any) -> None:
        bench = await _open(pilot, feed)
        await pilot.press("enter")
        await _until(
            pilot, lambda: bench.state.result is not None and bench.state.result.status.finished
        )
        bench.state = replace(bench.state, term="timed out")
        await pilot.press("n")

    assert snap_compare(_app(feed), terminal_size=(80, 24), run_before=run_before)


def test_workbench_row_detail_snapshot(snap_compare: Any) -> None:
    feed = ScriptedFeed([COMPLETE])

    async def run_before(pilot: Any) -> None:
        bench = await _open(pilot, feed)
        await pilot.press("enter")
        await _until(pilot, lambda: bench.state.result is not None)
        await pilot.press("enter")
        await _until(pilot, lambda: not isinstance(pilot.app.screen, QueryWorkbench))

    assert snap_compare(_app(feed), terminal_size=(80, 24), run_before=run_before)
