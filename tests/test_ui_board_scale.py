"""The board at 10,000 alarms, driven by the pilot: correctness, not timing (timing is
`benchmarks/board_scale.py`)."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from montui.config import Settings
from montui.model.alarm import Alarm, AlarmState
from montui.model.board import board_order, filter_alarms
from montui.ui.app import MontuiApp
from montui.ui.screens.board import BoardScreen
from montui.ui.widgets.alarm_table import AlarmTable
from tests.fakes import FakeFeed, frozen_clock, make_alarm

COUNT = 10_000
REGIONS = ("ap-northeast-1", "us-east-1")
SERVICES = ("shop-api", "contact-form", "orders", "billing")


def ten_thousand() -> dict[str, list[Alarm]]:
    alarms: dict[str, list[Alarm]] = {r: [] for r in REGIONS}
    for i in range(COUNT):
        state = AlarmState.ALARM if i % 100 == 7 else AlarmState.OK
        region = REGIONS[i % 2]
        name = f"{SERVICES[i % 4]}-latency-{i:05d}"
        alarms[region].append(make_alarm(name, state, region=region, minutes_ago=5 + i % 997))
    return alarms


async def until(pilot: Pilot[None], condition: Callable[[], bool], seconds: float = 60) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not met in time")


def board_of(app: MontuiApp) -> tuple[BoardScreen, AlarmTable]:
    screen = app.screen
    assert isinstance(screen, BoardScreen)
    return screen, screen.query_one(AlarmTable)


async def test_ten_thousand_alarms_filter_to_the_right_rows_and_back() -> None:
    feed = FakeFeed(ten_thousand())
    app = MontuiApp(feed.feeds, Settings(), clock=frozen_clock, home="board")
    async with app.run_test(size=(160, 50)) as pilot:
        board, table = board_of(app)
        await until(pilot, lambda: table.row_count == COUNT)
        everything = [a for alarms in feed.data.values() for a in alarms]
        assert table.selected() == board_order(everything)[0]
        await pilot.press("slash", *"billing-latency-004")
        await until(pilot, lambda: board.filter_text == "billing-latency-004")
        expected = board_order(filter_alarms(everything, "billing-latency-004"))
        assert len(expected) == 25
        assert [table.get_row_at(i)[1].plain for i in range(table.row_count)] == [  # type: ignore[union-attr]
            a.name for a in expected
        ]
        for _ in "004":
            await pilot.press("backspace")
        await until(pilot, lambda: table.row_count == COUNT // 4)
        await pilot.press("escape")
        await until(pilot, lambda: table.row_count == COUNT)


async def test_cursor_stays_on_its_alarm_while_the_filter_narrows() -> None:
    feed = FakeFeed(ten_thousand())
    app = MontuiApp(feed.feeds, Settings(), clock=frozen_clock, home="board")
    async with app.run_test(size=(160, 50)) as pilot:
        board, table = board_of(app)
        await until(pilot, lambda: table.row_count == COUNT)
        await pilot.press("down", "down", "down", "pagedown")
        chosen = table.selected()
        assert chosen is not None and table.cursor_row > 3
        await pilot.press("slash", *chosen.name[:-2])
        await until(pilot, lambda: board.filter_text == chosen.name[:-2])
        assert table.row_count < 200 and table.selected() == chosen
        assert chosen in table.rows_on_screen()


async def test_page_down_and_end_reach_the_last_alarm() -> None:
    feed = FakeFeed(ten_thousand())
    app = MontuiApp(feed.feeds, Settings(), clock=frozen_clock, home="board")
    async with app.run_test(size=(80, 24)) as pilot:
        _, table = board_of(app)
        await until(pilot, lambda: table.row_count == COUNT)
        last = board_order(a for alarms in feed.data.values() for a in alarms)[-1]
        await pilot.press("end")
        assert table.cursor_row == COUNT - 1 and table.selected() == last
        assert table.rows_on_screen()[-1] == last
        await pilot.press("home")
        assert table.cursor_row == 0 and round(table.scroll_y) == 0
        table.move_cursor(row=COUNT - 40)
        for _ in range(4):
            await pilot.press("pagedown")
        assert table.selected() == last and table.rows_on_screen()[-1] == last
        await pilot.press("pageup")
        assert table.cursor_row < COUNT - 1 and table.selected() in table.rows_on_screen()
