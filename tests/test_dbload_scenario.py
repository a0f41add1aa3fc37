"""The alarm → load path against the demo scenario, end to end through the app and the AWS
feeds: `d` on the flapping `shop-aurora-writer-write-iops` lands on last night's batch with the
nightly report on top, above the writer's vCPUs; during the live lock pile-up, `d` on the
alarm that fires for it shows the blocking UPDATE waiting on Lock:transactionid."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from montui.config import Settings
from montui.launch import AwsRequest
from montui.model.alarm import AlarmState
from montui.ui.app import MontuiApp
from montui.ui.screens.board import BoardScreen
from montui.ui.screens.dbload import DbLoadScreen
from montui.ui.widgets.alarm_table import AlarmTable
from montui.ui.wiring import aws_feeds
from montui_world.scenario.moments import LOCK_PILEUP
from tests.conftest import ScenarioWorld

REGION = "ap-northeast-1"
WRITER = "shop-prod-aurora-writer"


async def _until(pilot: Any, check: Any, within: int = 600) -> None:
    for _ in range(within):
        if check():
            return
        await pilot.pause(0.05)
    assert check()


async def open_from_board(world: ScenarioWorld, alarm_name: str) -> tuple[Any, Any]:
    """`d` on `alarm_name` on the board; (the alarm, the load pane once its load is in)."""
    scenario = world.ready()
    feeds = aws_feeds(AwsRequest(endpoint_url=world.endpoint, regions=(REGION,)))
    app = MontuiApp(feeds, Settings(), clock=scenario.now, home="board")
    async with app.run_test(size=(80, 24)) as pilot:

        def listed() -> bool:
            board = app.screen
            if not isinstance(board, BoardScreen) or not board.statuses:
                return False
            table = board.query_one(AlarmTable)
            return any(a.name == alarm_name for a in table.alarms_by_key.values())

        await _until(pilot, listed)
        table = app.screen.query_one(AlarmTable)
        key, alarm = next((k, a) for k, a in table.alarms_by_key.items() if a.name == alarm_name)
        table.move_cursor(row=table.get_row_index(key))
        await pilot.pause()
        await pilot.press("d")
        await _until(
            pilot, lambda: isinstance(app.screen, DbLoadScreen) and app.screen.load is not None
        )
        screen = app.screen
        await pilot.press("q")
    return alarm, screen


async def test_the_flapping_write_iops_alarm_lands_on_the_nightly_report(
    scenario_world: ScenarioWorld,
) -> None:
    alarm, screen = await open_from_board(scenario_world, "shop-aurora-writer-write-iops")
    assert alarm.state is AlarmState.OK  # it flapped last night
    load = screen.load
    assert load.instance.identifier == WRITER and load.instance.writer
    assert screen.window.end < scenario_world.ready().now() - timedelta(hours=1)
    top = load.top_sql[0]
    assert "report_daily_sales" in top.statement, [r.statement for r in load.top_sql]
    assert top.top_wait == "IO:DataFileRead"
    assert load.series.waits[0].name == "IO:DataFileRead"
    assert load.vcpus.count == 8 and load.above_vcpus > 0


async def test_the_live_lock_pileup_shows_the_blocking_update(
    scenario_world: ScenarioWorld,
) -> None:
    scenario_world.at(LOCK_PILEUP.starts_after + timedelta(minutes=7))
    alarm, screen = await open_from_board(scenario_world, "shop-aurora-writer-dbload-noncpu")
    assert alarm.state is AlarmState.ALARM
    load = screen.load
    assert load.instance.identifier == WRITER
    top = load.top_sql[0]
    assert top.statement.startswith("UPDATE inventory"), [r.statement for r in load.top_sql]
    assert top.top_wait == "Lock:transactionid"
    assert load.top_waits[0].name == "Lock:transactionid"


def test_montui_dbload_on_the_scenarios_instances(
    scenario_world: ScenarioWorld, capsys: Any
) -> None:
    """The reader has Performance Insights off (exit 1, what enabling takes); the writer's
    last two hours name its top SQL."""
    import json

    from montui.cli import main

    scenario_world.ready()
    base = ["dbload", "--endpoint-url", scenario_world.endpoint, "--region", REGION]
    assert main([*base, "shop-prod-aurora-reader-1"]) == 1
    err = capsys.readouterr().err
    assert "Performance Insights is off for shop-prod-aurora-reader-1" in err
    now = scenario_world.ready().now()
    start = (now - timedelta(hours=2)).isoformat()
    assert (
        main([*base, WRITER, "--start", start, "--end", now.isoformat(), "--output", "json"]) == 0
    )
    record = json.loads(capsys.readouterr().out)
    assert record["instance"] == WRITER and record["vcpus"] == 8
    assert record["top_sql"] and record["top_waits"]
