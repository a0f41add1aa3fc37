"""The `:` command line with triage as the home: the board is installed under it, not in the
stack, and every pane still opens from it (`ui/navigation.board_of`)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import OptionList

from montui.ui.app import MontuiApp
from montui.ui.screens.board import BoardScreen
from montui.ui.screens.command_line import CommandLine
from montui.ui.screens.dbload import DbLoadScreen
from montui.ui.screens.findings import FindingsScreen
from montui.ui.screens.help import HelpScreen
from montui.ui.screens.reputation import ReputationScreen
from montui.ui.screens.review import ReviewScreen
from montui.ui.screens.triage import TriageScreen
from montui.ui.screens.workbench import QueryWorkbench
from tests.fakes import frozen_clock
from tests.test_ui_triage import complete, until
from tests.triage_data import demo_app


async def command(pilot: Any, app: MontuiApp, line: str) -> None:
    await pilot.press("colon")
    await until(pilot, lambda: isinstance(app.screen, CommandLine))
    await pilot.press(*line, "enter")
    await until(pilot, lambda: not isinstance(app.screen, CommandLine))


def notices(app: MontuiApp) -> list[str]:
    return [n.message for n in app._notifications]


@pytest.mark.parametrize(
    ("line", "pane"),
    [
        ("alarms", BoardScreen),
        ("findings", FindingsScreen),
        ("ses", ReputationScreen),
        ("db", DbLoadScreen),
        ("workbench", QueryWorkbench),
        ("review", ReviewScreen),
        ("help", HelpScreen),
    ],
)
async def test_each_command_opens_its_pane_over_triage(line: str, pane: type[Any]) -> None:
    app = demo_app(clock=frozen_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: complete(app))
        await command(pilot, app, line)
        await until(pilot, lambda: any(isinstance(s, pane) for s in app.screen_stack))
        stack = app.screen_stack
        assert isinstance(stack[1], TriageScreen)
        assert any(isinstance(s, pane) for s in stack[2:])
        assert not any("Not connected" in n or "No alarms" in n for n in notices(app))


async def test_alarms_opens_the_board_once_and_triage_goes_back() -> None:
    app = demo_app(clock=frozen_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: complete(app))
        await command(pilot, app, "findings")
        await until(pilot, lambda: isinstance(app.screen, FindingsScreen))
        await command(pilot, app, "alarms")
        await until(pilot, lambda: isinstance(app.screen, BoardScreen))
        assert [type(s) for s in app.screen_stack[1:]] == [TriageScreen, BoardScreen]
        await command(pilot, app, "alarms")
        await until(pilot, lambda: isinstance(app.screen, BoardScreen))
        assert [type(s) for s in app.screen_stack[1:]] == [TriageScreen, BoardScreen]
        await command(pilot, app, "triage")
        await until(pilot, lambda: isinstance(app.screen, TriageScreen))
        assert len(app.screen_stack) == 2


async def test_logs_opens_the_highlighted_alarm_rows_drilldown() -> None:
    app = demo_app(clock=frozen_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: complete(app))
        screen = app.screen
        assert isinstance(screen, TriageScreen)
        act_now = screen.query_one("#act-now", OptionList)
        act_now.focus()
        for index in range(act_now.option_count):
            act_now.highlighted = index
            if screen.selected_alarm() is not None:
                break
        alarm = screen.selected_alarm()
        assert alarm is not None
        await command(pilot, app, "logs")
        await until(pilot, lambda: isinstance(app.screen, QueryWorkbench))
        workbench = app.screen
        assert isinstance(workbench, QueryWorkbench)
        assert workbench.request.alarm is not None
        assert workbench.request.alarm.name == alarm.name
