"""The virtual `AlarmTable` on its own: the optional account column, keys, in-place repaint."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from textual.app import App, ComposeResult
from textual.widgets.data_table import ColumnKey

from montui.model.alarm import Alarm, AlarmState
from montui.model.metadata import AlarmMeta
from montui.ui.widgets.alarm_table import AlarmTable
from tests.fakes import NOW, make_alarm

A, NODATA, OK = AlarmState.ALARM, AlarmState.INSUFFICIENT_DATA, AlarmState.OK
ALIASES = {"ap-northeast-1": "prod", "us-east-1": "shared-services-eu"}


def alarms() -> list[Alarm]:
    return [
        make_alarm("contact-form-error-rate", A, minutes_ago=12),
        make_alarm("shop-db-cpu", NODATA, minutes_ago=30),
        make_alarm("ses-bounce-rate", OK, region="us-east-1", minutes_ago=100),
    ]


def by_region(alarm: Alarm) -> str:
    """The account alias, here told by region (the fakes share one account id)."""
    return ALIASES[alarm.region]


class TableApp(App[None]):
    """Just the table, showing `rows` with or without the account column."""

    def __init__(self, account: Callable[[Alarm], str] | None) -> None:
        super().__init__()
        self.account = account

    def compose(self) -> ComposeResult:
        yield AlarmTable()

    def on_mount(self) -> None:
        table = self.query_one(AlarmTable)
        table.show(alarms(), now=NOW, meta=lambda _: AlarmMeta(), account=self.account)
        table.focus()


def header(table: AlarmTable) -> str:
    return table.render_line(0).text


async def test_without_an_account_callable_there_is_no_account_column() -> None:
    app = TableApp(None)
    async with app.run_test(size=(120, 10)):
        table = app.query_one(AlarmTable)
        assert "Acct" not in header(table)
        assert [c.value for c in table.columns] == [
            "state", "name", "age", "condition", "trend", "region", "response", "owner",
            "watches", "reason",
        ]  # fmt: skip


async def test_an_account_callable_adds_the_account_column_right_after_the_name() -> None:
    app = TableApp(by_region)
    async with app.run_test(size=(120, 10)):
        table = app.query_one(AlarmTable)
        words = header(table).split()
        assert words[:4] == ["State", "Name", "Acct", "For"]
        assert str(table.get_cell(AlarmTable.row_key(alarms()[0]), "account")) == "prod"
        # Wide aliases are held to 12 cells: the rows still start where they did.
        width = table.columns[next(k for k in table.columns if k.value == "account")].width
        assert width == 12
        line = table.render_line(3).text
        assert "shared-servi" in line and "shared-services-eu" not in line


async def test_arrows_pages_and_home_end_move_the_cursor_and_enter_selects() -> None:
    chosen: list[Alarm] = []

    class Chooser(TableApp):
        def on_alarm_table_row_selected(self, event: AlarmTable.RowSelected) -> None:
            chosen.append(event.alarm)

    app = Chooser(None)
    async with app.run_test(size=(120, 10)) as pilot:
        table = app.query_one(AlarmTable)
        await pilot.press("down")
        assert table.cursor_row == 1
        await pilot.press("end")
        assert table.cursor_row == 2
        await pilot.press("home")
        assert table.cursor_row == 0
        await pilot.press("pagedown")
        assert table.cursor_row == 2
        await pilot.press("enter")
        await pilot.pause()
        assert [a.name for a in chosen] == ["ses-bounce-rate"]


async def test_a_click_moves_the_cursor_and_a_second_click_opens_the_row() -> None:
    chosen: list[Alarm] = []

    class Chooser(TableApp):
        def on_alarm_table_row_selected(self, event: AlarmTable.RowSelected) -> None:
            chosen.append(event.alarm)

    app = Chooser(None)
    async with app.run_test(size=(120, 10)) as pilot:
        table = app.query_one(AlarmTable)
        await pilot.click(AlarmTable, offset=(5, 3))  # line 0 is the header
        assert table.cursor_row == 2 and not chosen
        await pilot.click(AlarmTable, offset=(5, 3))
        await pilot.pause()
        assert [a.name for a in chosen] == ["ses-bounce-rate"]


async def test_same_rows_repaint_only_the_cells_that_changed() -> None:
    app = TableApp(None)
    async with app.run_test(size=(120, 10)) as pilot:
        table = app.query_one(AlarmTable)
        await pilot.pause()
        repainted: list[Any] = []
        original = table.refresh

        def spy(*regions: Any, **kwargs: Any) -> Any:
            repainted.append((regions, kwargs))
            return original(*regions, **kwargs)

        table.refresh = spy  # type: ignore[method-assign]
        table.show(alarms(), now=NOW + timedelta(minutes=10), meta=lambda _: AlarmMeta())
        # 12m → 22m and 30m → 40m; 1h stays 1h: two age cells, no whole-table repaint.
        assert all(len(regions) == 1 for regions, _ in repainted)
        cells = [region for regions, _ in repainted for region in regions]
        assert len(cells) == 2 and {c.height for c in cells} == {1}
        assert {c.width for c in cells} == {table.columns[ColumnKey("age")].width + 2}


def test_account_column_snapshot(snap_compare: Any) -> None:
    assert snap_compare(TableApp(by_region), terminal_size=(100, 8))
