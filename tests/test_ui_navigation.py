"""Moving between panes: the `:` command line, the breadcrumb, `esc` one level back, and the
shared investigation window carried across panes (widened, moved, dropped)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from montui.config import Settings
from montui.model.alarm import AlarmState
from montui.model.drilldown import DrilldownPlan
from montui.model.investigation import InvestigationWindow
from montui.model.metrics import TimeWindow
from montui.ui import panes
from montui.ui.app import MontuiApp
from montui.ui.screens.alarm_detail import AlarmDetailScreen
from montui.ui.screens.board import BoardScreen
from montui.ui.screens.command_line import CommandLine
from montui.ui.screens.dbload import DbLoadScreen
from montui.ui.screens.findings import FindingsScreen
from montui.ui.screens.help import HelpScreen
from montui.ui.screens.reputation import ReputationScreen
from montui.ui.screens.review import ReviewScreen
from montui.ui.screens.workbench import QueryWorkbench
from montui.ui.widgets.alarm_table import AlarmTable
from montui.ui.widgets.breadcrumb import Breadcrumb, breadcrumb_line
from tests.fakes import (
    NOW,
    FakeAlarms,
    FakeFindings,
    FakeInsights,
    fake_feeds,
    frozen_clock,
    make_alarm,
)
from tests.fakes.dbload import shop_dbload
from tests.fakes.findings import make_finding

REGION = "ap-northeast-1"
ALARM_NAME = "hitori-contact-form-down"


def make_app() -> MontuiApp:
    alarms = FakeAlarms({
        REGION: [
            make_alarm(ALARM_NAME, AlarmState.ALARM, minutes_ago=10),
            make_alarm("hitori-api-5xx", AlarmState.OK, minutes_ago=300),
        ],
        "us-east-1": [make_alarm("billing", AlarmState.OK, region="us-east-1")],
    })  # fmt: skip
    findings = FakeFindings({
        REGION: [make_finding("new", 7.0, minutes_ago=3),
                 make_finding("old", 8.0, minutes_ago=600)],
        "us-east-1": [],
    })  # fmt: skip
    insights = FakeInsights()
    # The plan's own window is another: the shared window, when changed, replaces it.
    insights.plans[ALARM_NAME] = DrilldownPlan(
        ("/aws/lambda/contact-form",), TimeWindow(NOW - timedelta(hours=6), NOW), "x", "lambda"
    )
    feeds = fake_feeds(alarms, findings=findings, dbload=shop_dbload(), insights=insights)
    return MontuiApp(feeds, Settings(), clock=frozen_clock, home="board")


async def until(pilot: Pilot[None], check: Callable[[], bool], limit: float = 10.0) -> None:
    """Poll (never sleep to guess) until `check`, for at most `limit` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not check():
        assert loop.time() < deadline, "condition not met in time"
        await pilot.pause(0.02)


async def connected(pilot: Pilot[None], app: MontuiApp) -> BoardScreen:
    board = app.screen
    assert isinstance(board, BoardScreen)
    await until(pilot, lambda: board.query_one(AlarmTable).row_count == 3)
    await until(pilot, lambda: bool(board.findings and board.findings.statuses))
    return board


async def command(pilot: Pilot[None], app: MontuiApp, line: str) -> None:
    await pilot.press("colon")
    await until(pilot, lambda: isinstance(app.screen, CommandLine))
    await pilot.press(*line)
    await pilot.press("enter")
    await pilot.pause()


def crumb_text(app: MontuiApp) -> str:
    return str(app.screen.query_one(Breadcrumb).render())


def error_text(app: MontuiApp) -> str:
    return str(app.screen.query_one("#command-error", Static).render())


async def test_tab_completes_names_and_arguments_and_unknown_names_the_closest() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await connected(pilot, app)
        await pilot.press("colon")
        await until(pilot, lambda: isinstance(app.screen, CommandLine))
        line = app.screen.query_one(Input)
        await pilot.press("f", "i", "tab")
        assert line.value == "findings"
        line.value = ""
        await pilot.press("s", "e", "tab", "u", "s", "tab")
        assert line.value == "ses us-east-1"
        line.value = ""
        await pilot.press(*"finding", "enter")
        assert isinstance(app.screen, CommandLine)  # the line stays to be corrected
        assert "Unknown command :finding — did you mean :findings?" in error_text(app)
        line.value = ""
        await pilot.press(*"region mars", "enter")
        assert "Unknown region 'mars'" in error_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, BoardScreen)


async def test_up_and_down_walk_the_history() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await connected(pilot, app)
        await command(pilot, app, "findings")
        await until(pilot, lambda: isinstance(app.screen, FindingsScreen))
        await pilot.press("escape")
        await command(pilot, app, "review")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.press("escape")
        await pilot.press("colon")
        await until(pilot, lambda: isinstance(app.screen, CommandLine))
        line = app.screen.query_one(Input)
        await pilot.press("up")
        assert line.value == "review"
        await pilot.press("up")
        assert line.value == "findings"
        await pilot.press("down", "down")
        assert line.value == ""


@pytest.mark.parametrize(
    ("line", "pane"),
    [
        ("findings", FindingsScreen),
        ("ses", ReputationScreen),
        ("ses us-east-1", ReputationScreen),
        ("db", DbLoadScreen),
        ("db shop-aurora-writer", DbLoadScreen),
        ("logs", QueryWorkbench),
        ("workbench", QueryWorkbench),
        ("review", ReviewScreen),
        ("help", HelpScreen),
    ],
)
async def test_each_command_opens_its_pane(line: str, pane: type[Any]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await connected(pilot, app)
        await command(pilot, app, line)
        # `:db` on a non-RDS alarm: the load pane with its instance picker on top
        await until(pilot, lambda: any(isinstance(s, pane) for s in app.screen_stack[2:]))
        if line == "ses us-east-1":
            assert isinstance(app.screen, ReputationScreen) and app.screen.chosen == "us-east-1"
        if line == "db shop-aurora-writer":
            screen = app.screen
            assert isinstance(screen, DbLoadScreen)
            await until(pilot, lambda: screen.instance is not None)
            assert screen.instance is not None
            assert screen.instance.identifier == "shop-aurora-writer"


async def test_alarms_goes_back_down_to_the_board_and_quit_leaves() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        board = await connected(pilot, app)
        await command(pilot, app, "findings")
        await until(pilot, lambda: isinstance(app.screen, FindingsScreen))
        await command(pilot, app, "alarms")
        await until(pilot, lambda: app.screen is board)
        assert len(app.screen_stack) == 2  # the default screen and the board, no second board
        await command(pilot, app, "quit")
        await until(pilot, lambda: not app.is_running)


async def test_region_narrows_the_board_and_the_panes() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        board = await connected(pilot, app)
        await command(pilot, app, "region us-east-1")
        await until(pilot, lambda: board.query_one(AlarmTable).row_count == 1)
        await command(pilot, app, "ses")
        await until(pilot, lambda: isinstance(app.screen, ReputationScreen))
        assert isinstance(app.screen, ReputationScreen) and app.screen.regions == ("us-east-1",)
        await pilot.press("escape")
        await command(pilot, app, "region all")
        await until(pilot, lambda: board.query_one(AlarmTable).row_count == 3)


async def open_detail(pilot: Pilot[None], app: MontuiApp) -> AlarmDetailScreen:
    await connected(pilot, app)
    await pilot.press("enter")  # the first row: the alarm in ALARM
    await until(pilot, lambda: isinstance(app.screen, AlarmDetailScreen))
    assert isinstance(app.screen, AlarmDetailScreen)
    return app.screen


async def test_breadcrumb_and_esc_one_level_back_on_every_screen() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_detail(pilot, app)
        assert crumb_text(app).startswith(f"alarms › alarm {ALARM_NAME}")
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, QueryWorkbench))
        assert crumb_text(app).startswith(f"alarms › alarm {ALARM_NAME} › logs")
        steps = [
            ("findings", FindingsScreen, "findings"),
            ("ses", ReputationScreen, f"ses {REGION}"),
            ("db shop-aurora-writer", DbLoadScreen, "db load"),
            ("review", ReviewScreen, "review"),
        ]
        for line, pane, crumb in steps:
            below = app.screen
            await command(pilot, app, line)
            await until(pilot, lambda pane=pane: isinstance(app.screen, pane))  # type: ignore[misc]
            assert f"logs › {crumb}" in crumb_text(app)
            await pilot.press("escape")
            await until(pilot, lambda below=below: app.screen is below)  # type: ignore[misc]
        await pilot.press("escape")  # logs → detail
        await until(pilot, lambda: isinstance(app.screen, AlarmDetailScreen))
        await pilot.press("escape")  # detail → board
        await until(pilot, lambda: isinstance(app.screen, BoardScreen))
        assert crumb_text(app).startswith("alarms")
        await pilot.press("escape")  # nothing below the board: it stays
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)


async def test_esc_on_the_board_clears_a_filter_first() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        board = await connected(pilot, app)
        await pilot.press("slash", "b", "i", "l")
        await until(pilot, lambda: board.query_one(AlarmTable).row_count == 1)
        await pilot.press("escape")
        await until(pilot, lambda: board.query_one(AlarmTable).row_count == 3)
        assert app.screen is board


async def test_the_shared_window_carries_from_the_detail_to_logs_and_db_load() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_detail(pilot, app)
        window = app.window
        assert window is not None and window.source == ALARM_NAME
        assert window.chip() in crumb_text(app)
        await pilot.press("W")  # widen: twice as long, the same middle
        wide = app.window
        assert wide is not None and wide.length == window.length * 2 and wide.changed
        assert wide.chip() in crumb_text(app)
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, QueryWorkbench))
        workbench = app.screen
        assert isinstance(workbench, QueryWorkbench)
        await until(pilot, lambda: workbench.state.plan is not None)
        range_ = workbench.state.time_range
        assert (range_.start, range_.end) == (wide.start, wide.end)
        await command(pilot, app, "db shop-aurora-writer")
        await until(pilot, lambda: isinstance(app.screen, DbLoadScreen))
        dbload = app.screen
        assert isinstance(dbload, DbLoadScreen)
        assert (dbload.window.start, dbload.window.end) == (wide.start, wide.end)
        assert not dbload.live
        await command(pilot, app, "findings")
        await until(pilot, lambda: isinstance(app.screen, FindingsScreen))
        findings = app.screen
        assert isinstance(findings, FindingsScreen)
        await until(pilot, lambda: bool(findings.shown_findings()))
        assert [f.id for f in findings.shown_findings()] == ["new"]  # "old" predates it


async def test_the_window_moves_and_drops_and_panes_then_use_their_defaults() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_detail(pilot, app)
        first = app.window
        assert first is not None
        await command(pilot, app, "window earlier")
        moved = app.window
        assert moved is not None and moved.end == first.end - first.length / 2
        await pilot.press("greater_than_sign")  # later again, never past now
        assert app.window is not None and app.window.end == first.end
        await pilot.press("X")
        assert app.window is None
        assert "window" not in crumb_text(app)
        await command(pilot, app, "window widen")
        assert app.window is None  # nothing to widen: said, not raised
        await command(pilot, app, "db shop-aurora-writer")
        await until(pilot, lambda: isinstance(app.screen, DbLoadScreen))
        assert isinstance(app.screen, DbLoadScreen) and app.screen.live


async def test_an_alarm_opened_from_a_pane_keeps_the_window_and_charts_it() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        detail = await open_detail(pilot, app)
        assert detail.chart.window.end == frozen_clock()  # its own window: the default zoom
        start = frozen_clock().replace(hour=1, minute=20)
        app.window = InvestigationWindow(start, start.replace(minute=45), "shop-db-load")
        board = app.screen_stack[1]
        assert isinstance(board, BoardScreen)
        other = next(a for a in board.poll.all_alarms() if a.name == "hitori-api-5xx")
        panes.open_alarm_detail(board, other, keep_window=True)  # as SES, findings, review do
        await until(pilot, lambda: isinstance(app.screen, AlarmDetailScreen))
        assert isinstance(app.screen, AlarmDetailScreen) and app.screen.alarm is other
        assert app.window is not None and app.window.source == "shop-db-load"
        chart = app.screen.chart.window
        assert chart.start <= start and chart.end >= start.replace(minute=45)
        assert chart.length.total_seconds() == 3600  # the nearest zoom: 1 h around it
        await pilot.press("escape", "escape")
        await until(pilot, lambda: app.screen is board)
        await pilot.press("down")
        chosen = board.query_one(AlarmTable).selected()
        assert chosen is not None and chosen.name != ALARM_NAME
        await pilot.press("enter")  # opened from the board: its own window
        await until(pilot, lambda: isinstance(app.screen, AlarmDetailScreen))
        assert app.window is not None and app.window.source == chosen.name


def test_breadcrumb_line_fits_the_width() -> None:
    parts = ["triage", f"alarm {ALARM_NAME}", "logs"]
    chip = "window 01:20–01:45 UTC · from hitori-contact-form-down"
    assert breadcrumb_line(parts, None, 80).plain == f"triage › alarm {ALARM_NAME} › logs"
    line = breadcrumb_line(parts, chip, 80).plain
    assert len(line) <= 80 and line.endswith("window 01:20–01:45 UTC") and "logs" in line
    wide = breadcrumb_line(parts, chip, 160).plain
    assert wide.startswith("triage › ") and wide.endswith(chip)
    short = breadcrumb_line([*parts, "db load shop-aurora-writer"], chip, 60).plain
    assert short.startswith("… › ") and "db load shop-aurora-writer" in short


async def test_help_lists_the_navigation_scheme_on_every_screen() -> None:
    from montui.ui.screens.help import keys_text

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_detail(pilot, app)
        for screen in (app.screen, app.screen_stack[1]):
            listed = keys_text(screen).plain
            assert "Moving between panes" in listed
            assert ":region REGION" in listed and ":db [INSTANCE]" in listed
            assert "[command]" in listed and "[window_widen]" in listed


async def test_open_pane_with_an_alarm_sets_the_window_and_opens_its_panes() -> None:
    """What the home's rows call: the alarm's detail, logs or load, its window set."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        board = await connected(pilot, app)
        alarm = next(a for a in board.poll.all_alarms() if a.name == ALARM_NAME)
        app.open_pane("alarm", alarm=alarm)
        await until(pilot, lambda: bool(app.screen.query(Breadcrumb)))
        assert isinstance(app.screen, AlarmDetailScreen)
        assert app.window is not None and app.window.source == ALARM_NAME
        assert crumb_text(app).startswith(f"alarms › alarm {ALARM_NAME}")
        app.open_pane("logs", alarm=alarm)
        await until(pilot, lambda: isinstance(app.screen, QueryWorkbench))
        app.open_pane("db", argument="shop-aurora-writer")
        await until(pilot, lambda: isinstance(app.screen, DbLoadScreen))
        await until(pilot, lambda: bool(app.screen.query(Breadcrumb)))
        assert f"alarm {ALARM_NAME} › logs › db load shop-aurora-writer" in crumb_text(app)


async def test_triage_goes_back_down_to_the_home_screen() -> None:
    """`:triage` pops down to the screen whose CRUMB is "triage" (the home), however deep."""
    from textual.screen import Screen

    class Home(Screen[None]):
        CRUMB = "triage"

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await connected(pilot, app)
        await command(pilot, app, "triage")  # no home in this stack: said, nothing popped
        assert isinstance(app.screen, BoardScreen)
        home = Home()
        await app.push_screen(home)
        await command(pilot, app, "findings")
        await until(pilot, lambda: isinstance(app.screen, FindingsScreen))
        await command(pilot, app, "triage")
        await until(pilot, lambda: app.screen is home)


async def test_ses_and_the_workbench_start_on_the_window_and_without_one_on_their_defaults() -> (
    None
):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_detail(pilot, app)
        window = app.window
        assert window is not None
        await command(pilot, app, "ses")
        await until(pilot, lambda: isinstance(app.screen, ReputationScreen))
        assert isinstance(app.screen, ReputationScreen) and app.screen.marked == window.start
        await pilot.press("escape")
        await command(pilot, app, "workbench")
        await until(pilot, lambda: isinstance(app.screen, QueryWorkbench))
        assert isinstance(app.screen, QueryWorkbench)
        time_range = app.screen.request.time_range
        assert (time_range.start, time_range.end) == (window.start, window.end)
        app.screen.dismiss()
        await until(pilot, lambda: isinstance(app.screen, AlarmDetailScreen))
        await pilot.press("X")  # dropped: the defaults again
        await command(pilot, app, "ses")
        await until(pilot, lambda: isinstance(app.screen, ReputationScreen))
        assert isinstance(app.screen, ReputationScreen) and app.screen.marked is None
        await pilot.press("escape")
        await command(pilot, app, "workbench")
        await until(pilot, lambda: isinstance(app.screen, QueryWorkbench))
        assert isinstance(app.screen, QueryWorkbench)
        assert app.screen.request.time_range.start is None  # the default: relative
