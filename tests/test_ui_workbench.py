"""The Logs Insights workbench against the local AWS world: `l` on the firing alarm shows the
incident's ERROR lines, partial results stream in, and no query is left running after esc,
leaving the screen or quitting."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import boto3
import pytest
from textual.pilot import Pilot
from textual.screen import Screen

from montui.config import Settings
from montui.launch import AwsRequest
from montui.model.alarm import AlarmState
from montui.model.logs import QueryStatus
from montui.model.records import replace
from montui.model.time_range import TimeRange
from montui.querybook import QueryBook
from montui.ui.app import MontuiApp
from montui.ui.screens.log_groups import LogGroupPicker
from montui.ui.screens.log_record import LogRecordScreen
from montui.ui.screens.workbench import QueryWorkbench
from montui.ui.screens.workbench_state import WorkbenchRequest
from montui.ui.widgets.alarm_table import AlarmTable
from montui.ui.widgets.query_editor import QueryEditor
from montui.ui.widgets.query_results import ResultsTable
from montui.ui.wiring import aws_feeds
from tests.conftest import ScenarioWorld

REGION = "ap-northeast-1"
LAMBDA_GROUP = "/aws/lambda/hitori-contact-form"
DOWN = "hitori-contact-form-down"
S = TypeVar("S", bound=Screen[Any])


async def until(pilot: Pilot[None], check: Callable[[], bool], limit: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {check}")
        await pilot.pause(0.05)


async def until_screen(pilot: Pilot[None], kind: type[S]) -> S:
    """The screen on top once it is a `kind` and mounted: `push_screen` puts a screen on
    top at once, its widgets are composed a turn of the loop (or more, under load) later."""
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, kind) and app.screen.is_mounted)
    screen = app.screen
    assert isinstance(screen, kind)
    return screen


def running_queries(endpoint: str) -> list[str]:
    logs = boto3.client("logs", region_name=REGION, endpoint_url=endpoint)
    queries = logs.describe_queries(maxResults=1000)["queries"]
    return [q["queryId"] for q in queries if q["status"] in ("Scheduled", "Running")]


@pytest.fixture
def slow_queries() -> Iterator[None]:
    """Queries in the world stay Running (with partial results) for 30 s."""
    from montui_world.ext.logs_queries import QueryPacing, configure, restore

    previous = configure(
        pacing=QueryPacing(
            scheduled_seconds=0.1,
            min_running_seconds=30.0,
            max_running_seconds=30.0,
        )
    )
    yield
    restore(previous)


def make_app(world: ScenarioWorld, tmp_path: Path, now: datetime) -> MontuiApp:
    feed = aws_feeds(AwsRequest(endpoint_url=world.endpoint, regions=(REGION,)))
    return MontuiApp(
        feed, Settings(regions=(REGION,)), clock=lambda: now, data_dir=tmp_path, home="board"
    )


def workbench(app: MontuiApp) -> QueryWorkbench:
    screen = app.screen
    assert isinstance(screen, QueryWorkbench), screen
    return screen


async def open_workbench(app: MontuiApp, pilot: Pilot[None], query: str) -> QueryWorkbench:
    await until(pilot, lambda: app.screen.query(AlarmTable).first().row_count > 0)
    await pilot.press("w")
    bench = await until_screen(pilot, QueryWorkbench)
    bench.state = replace(
        bench.state, groups=(LAMBDA_GROUP,), time_range=TimeRange(relative=6 * 3600)
    )
    bench.query_one(QueryEditor).set_query(query)
    return bench


async def test_l_on_the_firing_composite_then_enter_shows_the_incident_errors(
    scenario_world: ScenarioWorld, tmp_path: Path
) -> None:
    scenario = scenario_world.at(timedelta(minutes=8))
    now = scenario.reached
    incident = scenario.plan.incident_start
    app = make_app(scenario_world, tmp_path, now)
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.screen.query_one(AlarmTable)
        await until(pilot, lambda: table.row_count > 0)
        keys = [str(row.key.value) for row in table.ordered_rows]
        key = next(k for k in keys if k.endswith(f"\x1f{DOWN}"))
        assert table.alarms_by_key[key].state is AlarmState.ALARM
        table.move_cursor(row=keys.index(key))
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, QueryWorkbench))
        bench = workbench(app)
        await until(pilot, lambda: bench.state.plan is not None)
        assert bench.state.plan is not None
        assert LAMBDA_GROUP in bench.state.plan.log_groups
        assert bench.state.plan.window.start < incident < bench.state.plan.window.end
        assert "Drill-down plan" in str(bench.query_one("#wb-plan-text").render())
        await pilot.press("enter")
        await until(
            pilot, lambda: bench.state.result is not None and bench.state.result.status.finished
        )
        assert bench.state.result is not None
        assert bench.state.result.status is QueryStatus.COMPLETE
        rows = bench.query_one(ResultsTable).records
        errors = [r for r in rows if "ERROR" in r.get("@message", "")]
        assert errors, rows[:3]
        assert any("Maximum sending rate exceeded" in r["@message"] for r in errors)
        for row in errors:
            moment = datetime.strptime(row["@timestamp"], "%Y-%m-%d %H:%M:%S.%f")
            assert incident - timedelta(minutes=1) <= moment.replace(tzinfo=UTC) <= now
        # the row detail opens on enter
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, LogRecordScreen))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, QueryWorkbench))
        # the run is in the history, on disk
        await until(pilot, lambda: bool(QueryBook(tmp_path).history) or _loaded(tmp_path))
        book = QueryBook(tmp_path)
        assert book.load() == []
        assert book.history[0].groups == bench.state.plan.log_groups


def _loaded(path: Path) -> bool:
    book = QueryBook(path)
    book.load()
    return bool(book.history)


async def test_partial_results_stream_in_and_esc_stops_the_query(
    scenario_world: ScenarioWorld, tmp_path: Path, slow_queries: None
) -> None:
    now = scenario_world.at(timedelta(minutes=8)).reached
    app = make_app(scenario_world, tmp_path, now)
    async with app.run_test(size=(100, 30)) as pilot:
        bench = await open_workbench(app, pilot, "fields @timestamp, @message | limit 5000")
        await pilot.press("ctrl+r")
        table = bench.query_one(ResultsTable)
        await until(pilot, lambda: table.row_count > 0)
        assert bench.state.result is not None
        assert bench.state.result.status is QueryStatus.RUNNING  # rows before completion
        assert running_queries(scenario_world.endpoint)
        await pilot.press("escape")
        await until(pilot, lambda: not running_queries(scenario_world.endpoint))
        assert bench.state.stopped
        assert "Stopped" in str(bench.query_one("#wb-status").render())
        assert isinstance(app.screen, QueryWorkbench)  # esc stopped; it did not leave


async def test_leaving_the_screen_stops_every_query(
    scenario_world: ScenarioWorld, tmp_path: Path, slow_queries: None
) -> None:
    now = scenario_world.at(timedelta(minutes=8)).reached
    app = make_app(scenario_world, tmp_path, now)
    async with app.run_test(size=(100, 30)) as pilot:
        bench = await open_workbench(app, pilot, "fields @timestamp, @message")
        await pilot.press("ctrl+r")
        await until(pilot, lambda: len(running_queries(scenario_world.endpoint)) >= 2)
        bench.dismiss()  # the query and its histogram
        await until(pilot, lambda: not running_queries(scenario_world.endpoint))


async def test_quitting_in_the_middle_of_a_query_leaves_none_running(
    scenario_world: ScenarioWorld, tmp_path: Path, slow_queries: None
) -> None:
    now = scenario_world.at(timedelta(minutes=8)).reached
    app = make_app(scenario_world, tmp_path, now)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_workbench(app, pilot, "fields @timestamp, @message")
        await pilot.press("ctrl+r")
        await until(pilot, lambda: len(running_queries(scenario_world.endpoint)) >= 2)
        await pilot.press("q")
    assert running_queries(scenario_world.endpoint) == []


async def test_a_malformed_query_is_marked_in_the_editor_and_kept(
    scenario_world: ScenarioWorld, tmp_path: Path
) -> None:
    now = scenario_world.at(timedelta(minutes=8)).reached
    app = make_app(scenario_world, tmp_path, now)
    text = "fields @timestamp | filter @message like | limit 5"
    async with app.run_test(size=(100, 30)) as pilot:
        bench = await open_workbench(app, pilot, text)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: bench.state.failure is not None)
        editor = bench.query_one(QueryEditor)
        assert editor.text == text
        assert editor.error_span is not None
        assert any(name == "ERROR" for line in editor._highlights.values() for *_, name in line)
        assert "✖" in str(bench.query_one("#wb-status").render())
        assert app.screen is bench  # the app goes on


async def test_find_jumps_between_matching_rows_and_export_writes_csv(
    scenario_world: ScenarioWorld, tmp_path: Path
) -> None:
    now = scenario_world.at(timedelta(minutes=8)).reached
    app = make_app(scenario_world, tmp_path, now)
    query = "fields @timestamp, @message | sort @timestamp desc | limit 300"
    async with app.run_test(size=(100, 30)) as pilot:
        bench = await open_workbench(app, pilot, query)
        await pilot.press("ctrl+r")
        await until(
            pilot, lambda: bench.state.result is not None and bench.state.result.status.finished
        )
        table = bench.query_one(ResultsTable)
        bench.state = replace(bench.state, term="REPORT")
        hits = table.matching()
        assert 1 < len(hits) < table.row_count
        table.move_cursor(row=0)
        await pilot.press("n")
        first = table.cursor_row
        assert first in hits
        await pilot.press("n")
        assert table.cursor_row in hits and table.cursor_row != first
        await pilot.press("N")
        assert table.cursor_row == first
        target = tmp_path / "out.csv"
        result = bench.state.result
        assert result is not None
        bench.files.export(result, target)
        await until(pilot, target.exists)
        lines = target.read_text().splitlines()
        assert lines[0] == "@timestamp,@message"
        assert len(lines) > table.row_count  # messages with newlines are quoted


async def test_no_log_group_found_opens_the_picker(
    scenario_world: ScenarioWorld, tmp_path: Path
) -> None:
    from tests.fakes import make_alarm

    now = scenario_world.at(timedelta(minutes=8)).reached
    app = make_app(scenario_world, tmp_path, now)
    lonely = make_alarm("nobody-knows", namespace="Custom/Nothing", region=REGION)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.screen.query(AlarmTable).first().row_count > 0)
        app.push_screen(
            QueryWorkbench(
                app.feeds.insights, WorkbenchRequest.drilldown(lonely), clock=lambda: now
            )
        )
        picker = await until_screen(pilot, LogGroupPicker)
        assert picker.note is not None and "no log group found" in picker.note
        note = picker.query_one("#groups-note")
        await until(pilot, lambda: "no log group found" in str(note.render()))


async def test_running_another_query_stops_the_previous_one(
    scenario_world: ScenarioWorld, tmp_path: Path, slow_queries: None
) -> None:
    now = scenario_world.at(timedelta(minutes=8)).reached
    app = make_app(scenario_world, tmp_path, now)
    async with app.run_test(size=(100, 30)) as pilot:
        bench = await open_workbench(app, pilot, "fields @timestamp, @message")
        await pilot.press("ctrl+r")
        await until(pilot, lambda: len(running_queries(scenario_world.endpoint)) == 2)
        first = set(running_queries(scenario_world.endpoint))
        bench.query_one(QueryEditor).set_query("fields @message | limit 3")
        await pilot.press("ctrl+r")
        await until(
            pilot,
            lambda: (
                len(running_queries(scenario_world.endpoint)) == 2
                and not first & set(running_queries(scenario_world.endpoint))
            ),
        )
        await pilot.press("escape")
        await until(pilot, lambda: not running_queries(scenario_world.endpoint))


async def test_the_concurrent_query_limit_is_a_message(
    scenario_world: ScenarioWorld, tmp_path: Path, slow_queries: None
) -> None:
    from montui_world.ext.logs_queries import configure

    now = scenario_world.at(timedelta(minutes=8)).reached
    app = make_app(scenario_world, tmp_path, now)
    previous = configure(max_concurrent_queries=0)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            bench = await open_workbench(app, pilot, "fields @message | limit 3")
            await pilot.press("ctrl+r")
            await until(pilot, lambda: bench.state.failure is not None)
            status = str(bench.query_one("#wb-status").render())
            assert "concurrent Logs Insights queries" in status
            assert app.screen is bench
    finally:
        configure(max_concurrent_queries=previous.max_concurrent_queries)
