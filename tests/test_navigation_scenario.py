"""The shared window against the demo scenario, end to end through the app and the AWS feeds:
`enter` on the incident's `hitori-contact-form-down`, `l` (the drill-down at its window), then
`:db shop-prod-aurora-writer` (the load at that same window), the breadcrumb saying where."""

from __future__ import annotations

from typing import Any

from montui.config import Settings
from montui.launch import AwsRequest
from montui.ui.app import MontuiApp
from montui.ui.screens.alarm_detail import AlarmDetailScreen
from montui.ui.screens.board import BoardScreen
from montui.ui.screens.command_line import CommandLine
from montui.ui.screens.dbload import DbLoadScreen
from montui.ui.screens.workbench import QueryWorkbench
from montui.ui.widgets.alarm_table import AlarmTable
from montui.ui.widgets.breadcrumb import Breadcrumb
from montui.ui.wiring import aws_feeds
from tests.conftest import ScenarioWorld

REGION = "ap-northeast-1"
INCIDENT = "hitori-contact-form-down"
WRITER = "shop-prod-aurora-writer"


async def _until(pilot: Any, check: Any, within: int = 600) -> None:
    for _ in range(within):
        if check():
            return
        await pilot.pause(0.05)
    assert check()


async def test_the_incident_window_carries_from_the_alarm_to_logs_and_db_load(
    scenario_world: ScenarioWorld,
) -> None:
    scenario = scenario_world.ready()
    feeds = aws_feeds(AwsRequest(endpoint_url=scenario_world.endpoint, regions=(REGION,)))
    app = MontuiApp(feeds, Settings(), clock=scenario.now, home="board")
    async with app.run_test(size=(140, 40)) as pilot:

        def listed() -> bool:
            board = app.screen
            if not isinstance(board, BoardScreen) or not board.statuses:
                return False
            return any(
                a.name == INCIDENT for a in board.query_one(AlarmTable).alarms_by_key.values()
            )

        await _until(pilot, listed)
        table = app.screen.query_one(AlarmTable)
        key = next(k for k, a in table.alarms_by_key.items() if a.name == INCIDENT)
        table.move_cursor(row=table.get_row_index(key))
        await pilot.pause()
        await pilot.press("enter")
        await _until(pilot, lambda: isinstance(app.screen, AlarmDetailScreen))
        window = app.window
        assert window is not None and window.source == INCIDENT
        assert window.start < scenario.now() <= window.end + (window.end - window.start)
        await pilot.press("l")
        await _until(
            pilot,
            lambda: isinstance(app.screen, QueryWorkbench) and app.screen.state.plan is not None,
        )
        workbench = app.screen
        assert isinstance(workbench, QueryWorkbench) and workbench.state.plan is not None
        planned = workbench.state.plan.window
        assert (planned.start, planned.end) == (window.start, window.end)
        app.action_command()  # `:` (the query editor has the focus and takes a typed `:`)
        await _until(pilot, lambda: isinstance(app.screen, CommandLine))
        await pilot.press(*f"db {WRITER}", "enter")
        await _until(
            pilot, lambda: isinstance(app.screen, DbLoadScreen) and app.screen.load is not None
        )
        dbload = app.screen
        assert isinstance(dbload, DbLoadScreen)
        assert (dbload.window.start, dbload.window.end) == (window.start, window.end)
        crumb = str(dbload.query_one(Breadcrumb).render())
        assert f"alarm {INCIDENT} › logs › db load {WRITER}" in crumb and "window" in crumb
        await pilot.press("q")
