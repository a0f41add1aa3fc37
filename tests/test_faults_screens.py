"""Issue 11: the alarm detail and the Logs Insights workbench on the real AWS feeds behind the
fault proxy (`fault_proxy`): a failed call is said in place, the screen keeps working, and
the same action succeeds once the fault has cleared."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from textual.pilot import Pilot

from montui.config import Settings
from montui.launch import AwsRequest
from montui.model.alarm import AlarmKind
from montui.model.records import replace
from montui.model.time_range import TimeRange
from montui.ui.app import MontuiApp
from montui.ui.screens.alarm_detail import AlarmDetailScreen
from montui.ui.screens.workbench import QueryWorkbench
from montui.ui.widgets.alarm_table import AlarmTable
from montui.ui.widgets.query_editor import QueryEditor
from montui.ui.wiring import aws_feeds
from montui_world.faults.plan import Fault, Rule
from montui_world.faults.proxy import FaultProxy
from tests.conftest import ScenarioWorld

TOKYO = "ap-northeast-1"
GROUP = "/aws/lambda/hitori-contact-form"


def make_app(proxy: FaultProxy, world: ScenarioWorld, tmp_path: Path) -> MontuiApp:
    now = world.at(timedelta(minutes=8)).reached
    feeds = aws_feeds(AwsRequest(endpoint_url=proxy.endpoint, regions=(TOKYO,)), data_dir=tmp_path)
    return MontuiApp(
        feeds, Settings(regions=(TOKYO,)), clock=lambda: now, data_dir=tmp_path, home="board"
    )


async def until(pilot: Pilot[None], check: Callable[[], bool], limit: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {check}")
        await pilot.pause(0.05)


def text(app: MontuiApp, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def test_the_detail_says_each_failed_pane_in_place(
    fault_proxy: FaultProxy, scenario_world: ScenarioWorld, tmp_path: Path
) -> None:
    app = make_app(fault_proxy, scenario_world, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.screen.query_one(AlarmTable)
        await until(pilot, lambda: table.row_count > 0)
        keys = [str(row.key.value) for row in table.ordered_rows]
        metric = next(k for k in keys if table.alarms_by_key[k].kind is AlarmKind.METRIC)
        table.move_cursor(row=keys.index(metric))
        fault_proxy.plan.set_rules(
            [
                Rule(1.0, (Fault.DENIED,), operation="GetMetricData"),
                Rule(1.0, (Fault.EXPIRED,), operation="DescribeAlarmHistory"),
            ]
        )
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, AlarmDetailScreen))
        await until(pilot, lambda: "Could not load the metric" in text(app, "#chart-message"))
        assert "not authorized to call cloudwatch:GetMetricData" in text(app, "#chart-message")
        await until(pilot, lambda: "Could not load the history" in text(app, "#noise"))
        assert "expired" in text(app, "#noise")
        fault_proxy.plan.clear()
        await pilot.press("o")  # zoom out: the chart loads again, now without the fault
        detail = app.screen
        assert isinstance(detail, AlarmDetailScreen)
        await until(pilot, lambda: detail.chart.charted is not None)
        assert app.screen is detail


async def test_the_workbench_says_a_failed_query_in_place_and_runs_it_again(
    fault_proxy: FaultProxy, scenario_world: ScenarioWorld, tmp_path: Path
) -> None:
    app = make_app(fault_proxy, scenario_world, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.screen.query_one(AlarmTable)
        await until(pilot, lambda: table.row_count > 0)
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, QueryWorkbench) and app.screen.is_mounted)
        bench = app.screen
        assert isinstance(bench, QueryWorkbench)
        bench.state = replace(bench.state, groups=(GROUP,), time_range=TimeRange(relative=6 * 3600))
        bench.query_one(QueryEditor).set_query("fields @timestamp, @message | limit 5")
        fault_proxy.plan.set_rules([Rule(1.0, (Fault.ERROR_503,), service="logs")])
        await pilot.press("ctrl+r")
        await until(pilot, lambda: bench.state.failure is not None and not bench.runner.busy)
        assert "✖" in text(app, "#wb-status")
        assert "ServiceUnavailable" in text(app, "#wb-status")
        fault_proxy.plan.clear()
        await pilot.press("ctrl+r")
        await until(
            pilot, lambda: bench.state.result is not None and bench.state.result.status.finished
        )
        assert bench.state.failure is None
        assert app.screen is bench
