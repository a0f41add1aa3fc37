"""The board's Trend column: one GetMetricData per region per refresh, only new rows on scroll."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime

import pytest
from textual.pilot import Pilot

from montui.config import Settings
from montui.model.alarm import Alarm, AlarmState
from montui.sources.errors import SourceError
from montui.ui.app import MontuiApp
from montui.ui.screens import board_sparklines
from montui.ui.screens.board import BoardScreen
from montui.ui.widgets.alarm_table import AlarmTable
from montui.ui.widgets.sparkline import SPARK_WIDTH
from tests.fakes import FakeFeed, frozen_clock, make_alarm

TOKYO, VIRGINIA = "ap-northeast-1", "us-east-1"


@pytest.fixture(autouse=True)
def _quick_debounce(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(board_sparklines, "DEBOUNCE", 0.01)


def many(count: int, region: str) -> list[Alarm]:
    """`count` OK alarms, one minute apart: the regions' rows alternate on the board."""
    return [
        make_alarm(f"{region}-{i:04d}", AlarmState.OK, region=region, minutes_ago=60 + i)
        for i in range(count)
    ]


def trend(moment: datetime) -> float:
    return float(moment.minute % 7)


def feed_of(alarms: dict[str, list[Alarm]]) -> FakeFeed:
    feed = FakeFeed(alarms)
    biggest = max(len(v) for v in alarms.values())
    feed.series = {f"s{i}": trend for i in range(biggest)}
    return feed


def make_app(feed: FakeFeed) -> MontuiApp:
    return MontuiApp(feed.feeds, Settings(), clock=frozen_clock, home="board")


def calls(feed: FakeFeed, region: str) -> list[int]:
    """The number of queries of each GetMetricData call for `region`, in order."""
    return [len(q) for r, q, _ in feed.metric_calls if r == region]


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool]) -> None:
    for _ in range(60):
        await pilot.pause(0.02)
        if condition():
            break
    for _ in range(5):
        await pilot.pause(0.02)


def board(app: MontuiApp) -> BoardScreen:
    screen = app.screen
    assert isinstance(screen, BoardScreen)
    return screen


async def test_one_call_per_region_for_sixty_visible_rows() -> None:
    feed = feed_of({TOKYO: many(70, TOKYO), VIRGINIA: many(70, VIRGINIA)})
    app = make_app(feed)
    async with app.run_test(size=(160, 72)) as pilot:
        await wait_for(pilot, lambda: len(feed.metric_calls) >= 2)
        table = app.screen.query_one(AlarmTable)
        on_screen = table.rows_on_screen()
        assert len(on_screen) >= 60
        per_region = {r: sum(a.region == r for a in on_screen) for r in (TOKYO, VIRGINIA)}
        assert calls(feed, TOKYO) == [per_region[TOKYO]]
        assert calls(feed, VIRGINIA) == [per_region[VIRGINIA]]
        # Every row on screen has its sparkline, drawn in the Trend column.
        cell = str(table.get_cell(AlarmTable.row_key(on_screen[0]), "trend"))
        assert len(cell) == SPARK_WIDTH and set(cell) <= set(" ▁▂▃▄▅▆▇█") and cell.strip()
        # A refresh asks again: one more call per region, however many rows.
        await pilot.press("r")
        await wait_for(pilot, lambda: len(feed.metric_calls) >= 4)
        assert len(calls(feed, TOKYO)) == 2 and len(calls(feed, VIRGINIA)) == 2
        label = board(app).sparklines.describe(on_screen)
        assert label[0] == f"Trend {len(on_screen)}"
        assert f"sparklines: {len(on_screen)} metrics/refresh" in label[1]


async def test_a_thousand_alarms_ask_only_for_the_rows_on_screen() -> None:
    feed = feed_of({TOKYO: many(600, TOKYO), VIRGINIA: many(400, VIRGINIA)})
    app = make_app(feed)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_for(pilot, lambda: bool(feed.metric_calls))
        visible = len(app.screen.query_one(AlarmTable).rows_on_screen())
        assert 0 < visible < 50
        total = sum(len(q) for _, q, _ in feed.metric_calls)
        assert total == visible
        for region in (TOKYO, VIRGINIA):
            assert len(calls(feed, region)) <= math.ceil(visible / 500)


async def test_scrolling_asks_only_for_the_new_rows() -> None:
    feed = feed_of({TOKYO: many(200, TOKYO)})
    app = make_app(feed)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: bool(feed.metric_calls))
        table = app.screen.query_one(AlarmTable)
        first = {a.name for a in table.rows_on_screen()}
        assert calls(feed, TOKYO) == [len(first)]
        await pilot.press("pagedown")
        await wait_for(pilot, lambda: len(feed.metric_calls) >= 2)
        now_shown = {a.name for a in table.rows_on_screen()}
        assert len(feed.metric_calls) == 2
        assert calls(feed, TOKYO) == [len(first), len(now_shown - first)]
        asked = board(app).sparklines.asked[TOKYO]
        assert asked == {("123456789012", TOKYO, name) for name in first | now_shown}
        # Scrolling back up: those rows were asked already, nothing is requested.
        await pilot.press("pageup")
        await wait_for(pilot, lambda: len(feed.metric_calls) > 2)
        assert len(feed.metric_calls) == 2


async def test_toggle_off_means_no_requests_and_an_empty_column() -> None:
    feed = feed_of({TOKYO: many(10, TOKYO)})
    app = make_app(feed)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: bool(feed.metric_calls))
        await pilot.press("g")
        await pilot.press("r")
        await wait_for(pilot, lambda: False)
        assert len(feed.metric_calls) == 1
        table = app.screen.query_one(AlarmTable)
        assert all(str(table.get_row_at(i)[4]) == "" for i in range(table.row_count))
        assert board(app).sparklines.describe([])[0] == "Trend: off"
        await pilot.press("g")
        await wait_for(pilot, lambda: len(feed.metric_calls) > 1)
        assert len(feed.metric_calls) == 2


async def test_a_failing_request_leaves_blanks_and_is_counted() -> None:
    feed = feed_of({TOKYO: many(10, TOKYO)})
    feed.metric_fail[TOKYO] = SourceError("GetMetricData: access denied", "")
    app = make_app(feed)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: bool(feed.metric_calls))
        assert app.is_running
        screen = board(app)
        assert screen.sparklines.failures == 1
        assert "access denied" in screen.sparklines.last_error
        assert screen.sparklines.describe([])[0] == "Trend 0 ⚠1"
        table = app.screen.query_one(AlarmTable)
        assert str(table.get_row_at(0)[4]).strip() == ""
        # Not retried in a loop: only at the next poll.
        await wait_for(pilot, lambda: False)
        assert len(feed.metric_calls) == 1


async def test_help_says_how_many_metrics_a_refresh_requests() -> None:
    feed = feed_of({TOKYO: many(23, TOKYO)})
    app = make_app(feed)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: bool(feed.metric_calls))
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: False)
        text = str(app.screen.query_one("Static").render())
        assert "sparklines: 23 metrics/refresh" in text and "[sparklines]" in text


async def test_sparklines_start_off_below_100_columns_and_g_turns_them_on() -> None:
    from montui.config import Settings
    from montui.ui.app import MontuiApp
    from montui.ui.screens.board import BoardScreen
    from tests.fakes import FakeFeed, frozen_clock, make_alarm

    feed = FakeFeed({"ap-northeast-1": [make_alarm(f"a{i}") for i in range(5)]})
    app = MontuiApp(feed.feeds, Settings(), clock=frozen_clock, home="board")
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(5):
            await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        assert not screen.sparklines.enabled
        await pilot.press("g")
        assert screen.sparklines.enabled
