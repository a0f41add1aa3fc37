"""Finding the keys: the key bar always ends with `? Keys`; `?` lists the screen's own keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from montui.model.alarm import AlarmState
from montui.ui.screens.help import HelpScreen
from montui.ui.screens.tune import TuneScreen
from montui.ui.widgets.alarm_table import AlarmTable
from montui.ui.widgets.key_bar import KeyBar
from tests.fakes import FakeFeed, make_alarm
from tests.test_ui_board import board_feed, make_app
from tests.test_ui_detail import open_alarm, settle
from tests.test_ui_workbench_keys import setup


@pytest.mark.parametrize("width", [200, 80, 60, 40])
async def test_key_bar_always_ends_with_help(width: int) -> None:
    app = make_app(board_feed())
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        shown = str(app.screen.query_one(KeyBar).render()).rstrip()
        assert shown.endswith("? Keys"), shown
        assert len(shown) <= width
        if width >= 80:
            assert " q Quit " in shown


async def test_board_help_mentions_enter_for_the_detail() -> None:
    app = make_app(board_feed())
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        text = str(app.screen.query_one("Static").render())
        line = next(x for x in text.splitlines() if "[open_detail]" in x)
        assert "Open the selected alarm" in line and line.split()[0] in ("⏎", "enter")
        assert "On the table" in text


async def test_tune_help_shows_the_tune_keys_and_footnote_not_the_boards() -> None:
    feed = FakeFeed({"ap-northeast-1": [make_alarm("noisy", AlarmState.OK)]})
    app = make_app(feed)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_alarm(pilot, app, "noisy")
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TuneScreen)
        app.screen.set_focus(None)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("Static").render())
        assert "[run_backtest]" in text and "[open_detail]" not in text
        assert "On the table" not in text and "tab" in text


async def test_ctrl_c_on_the_board_quits_like_q() -> None:
    feed = board_feed()
    app = make_app(feed)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+c")
        await settle(pilot)
        assert not app.is_running
    assert feed.closed and app.return_code in (0, None)


async def test_ctrl_c_in_the_detail_quits_too() -> None:
    feed = FakeFeed({"ap-northeast-1": [make_alarm("noisy", AlarmState.OK)]})
    app = make_app(feed)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_alarm(pilot, app, "noisy")
        await pilot.press("ctrl+c")
        await settle(pilot)
        assert not app.is_running
    assert feed.closed


async def test_ctrl_c_in_the_workbench_stays_its_stop_key(tmp_path: Path) -> None:
    app, _feed, bench = setup(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(bench)
        await settle(pilot)
        await pilot.press("ctrl+c")
        await settle(pilot)
        assert app.is_running and app.screen is bench


async def test_resize_keeps_the_cursor_row_on_screen() -> None:
    many = [make_alarm(f"svc-{i:02d}-latency", AlarmState.OK, minutes_ago=i + 1) for i in range(45)]
    app = make_app(FakeFeed({"ap-northeast-1": many}))
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(AlarmTable)
        for _ in range(40):
            await pilot.press("down")
        await settle(pilot)
        await pilot.resize_terminal(60, 15)
        await settle(pilot)
        on_screen = [a.name for a in table.rows_on_screen()]
        selected = table.selected()
        assert selected is not None
        assert selected.name in on_screen, (selected, on_screen)
