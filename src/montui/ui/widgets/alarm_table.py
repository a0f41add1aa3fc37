"""The board's table: one row per alarm, redrawn on each refresh without losing the cursor."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual.coordinate import Coordinate
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

from montui.model.alarm import Alarm, AlarmState, condition_summary
from montui.model.duration import format_age
from montui.model.metadata import AlarmMeta
from montui.model.region import region_code
from montui.model.text import middle_ellipsis
from montui.ui.widgets.sparkline import SPARK_WIDTH

STATE_STYLE = {
    AlarmState.ALARM: "bold red",
    AlarmState.INSUFFICIENT_DATA: "yellow",
    AlarmState.OK: "green",
}


# With NO_COLOR, Textual turns colours into greys by luminance, and red on the dark
# background becomes nearly invisible: ALARM is shown in reverse video instead.
MONO_STATE_STYLE = {
    AlarmState.ALARM: "bold reverse",
    AlarmState.INSUFFICIENT_DATA: "bold",
    AlarmState.OK: "",
}


def state_style(state: AlarmState, mono: bool = False) -> str:
    return (MONO_STATE_STYLE if mono else STATE_STYLE)[state]


RECOVERED_MARK = "↺"
RECOVERED_STYLE, MONO_RECOVERED_STYLE = "bold cyan", "bold"


def state_cell(state: AlarmState, mono: bool = False, recovered: bool = False) -> Text:
    """`✖ ALARM` in red (reverse video under NO_COLOR): readable by symbol and word alone.
    `recovered` (OK after a recent ALARM, `model.recovery`): `✔ OK ↺`, in its own style."""
    if recovered and state is AlarmState.OK:
        style = MONO_RECOVERED_STYLE if mono else RECOVERED_STYLE
        return Text(f"{state.symbol} {state.short} {RECOVERED_MARK}", style=style)
    return Text(f"{state.symbol} {state.short}", style=state_style(state, mono))


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    max_width: int


# Most useful first: at 80 columns State, Name, For, Condition and Rgn are visible; the rest
# is one scroll to the right (or shown in full for the selected row below the table).
COLUMNS = (
    Column("state", "State", 8),
    Column("name", "Name", 44),
    Column("age", "For", 4),
    Column("condition", "Condition", 26),
    Column("trend", "Trend", SPARK_WIDTH),
    Column("region", "Rgn", 6),
    Column("response", "Response", 8),
    Column("owner", "Owner", 14),
    Column("watches", "Watches", 48),
    Column("reason", "Reason", 90),
)
_FIXED = {"state", "age", "condition", "trend", "region"}
_NAME = next(i for i, c in enumerate(COLUMNS) if c.key == "name")
ACCOUNT_COLUMN = Column("account", "Account", 12)
"""The account alias, after Rgn: shown only when `show(account=…)` (several accounts)."""
_REGION = next(i for i, c in enumerate(COLUMNS) if c.key == "region")
_WITH_ACCOUNT = tuple(
    Column(c.key, c.label, 24) if c.key == "condition" else c  # 80 columns fit the alias
    for c in (*COLUMNS[: _REGION + 1], ACCOUNT_COLUMN, *COLUMNS[_REGION + 1 :])
)


class AlarmTable(DataTable[Text | str]):
    """Alarms in board order. `show()` replaces the rows and keeps the scroll offset and the
    cursor on the same alarm (by region and name) — except on the first row, where the cursor
    stays at the top so that a newly firing alarm is the one under it."""

    DEFAULT_CSS = """
    AlarmTable {
        height: 1fr;
    }
    """

    def __init__(self, **kwargs: str | None) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]
        self.alarms_by_key: dict[str, Alarm] = {}
        self._shown: dict[str, list[Text | str]] = {}
        self._trend_on = True
        self._widths: tuple[int, ...] = ()
        self._columns: tuple[Column, ...] = COLUMNS

    def on_resize(self) -> None:
        """A smaller terminal must not leave the cursor row (which the summary below
        describes) out of view: scroll it back in once the new size is laid out."""
        self.call_after_refresh(self._scroll_cursor_into_view)

    @staticmethod
    def row_key(alarm: Alarm) -> str:
        """`Alarm.key` as a row key: (account, region, name)."""
        return "\x1f".join(alarm.key)

    def rows_on_screen(self) -> list[Alarm]:
        """The alarms of the rows the viewport shows now (rows are one line high)."""
        height = self.scrollable_content_region.height
        if self.show_header:
            height -= self.header_height
        first = round(self.scroll_y)
        rows = self.ordered_rows[first : first + max(0, height)]
        return [a for row in rows if (a := self.alarms_by_key.get(str(row.key.value)))]

    def selected(self) -> Alarm | None:
        """The alarm under the cursor, if any."""
        if self.row_count == 0:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return self.alarms_by_key.get(key or "")

    def show(
        self,
        alarms: Sequence[Alarm],
        *,
        now: datetime,
        meta: Callable[[Alarm], AlarmMeta],
        stale_regions: frozenset[str] = frozenset(),
        trend: Callable[[Alarm], str] | None = None,
        recovered: frozenset[tuple[str, str, str]] = frozenset(),
        account: Callable[[Alarm], str] | None = None,
        stale_places: frozenset[tuple[str, str]] = frozenset(),
    ) -> None:
        """Replace the rows with `alarms` (already filtered and ordered). `trend` draws the
        Trend column (a sparkline, "" while unknown); None: sparklines off, column folded
        away (zero width, no label) so the names get the room. `recovered`: the keys of the
        alarms marked recently recovered. `account`: the alias of an alarm's account, for
        the Account column (None: one account, no column). `stale_places`: the (account id,
        region) pairs whose rows are stale, as `stale_regions` is for regions."""
        self._trend_on = trend is not None
        self._columns = COLUMNS if account is None else _WITH_ACCOUNT
        current = self.selected()
        keep_key = self.row_key(current) if current else None
        keep_row = self.cursor_row
        scroll_x, scroll_y = self.scroll_x, self.scroll_y
        mono = self.app.no_color
        rows = [
            self._cells(
                a, now, meta(a), a.region in stale_regions or (a.place.account, a.region)
                in stale_places, mono, trend, recovered,
            )
            for a in alarms
        ]  # fmt: skip
        if account is not None:
            for alarm, cells in zip(alarms, rows, strict=True):
                cells.insert(_REGION + 1, account(alarm))
        keys = [self.row_key(a) for a in alarms]
        columns_changed = self._ensure_columns(rows)
        for cells in rows:  # a name longer than its column is cut visibly, keeping its tail
            cells[_NAME] = self._fit(cells[_NAME], self._widths[_NAME])
        if not columns_changed and keys == list(self._shown):
            self._update_changed_cells(alarms, keys, rows)
            return
        self._shown = dict(zip(keys, rows, strict=True))
        self.clear()
        self.alarms_by_key = {}
        for alarm, cells in zip(alarms, rows, strict=True):
            key = self.row_key(alarm)
            self.alarms_by_key[key] = alarm
            self.add_row(*cells, key=key)
        if not alarms:
            return
        if keep_row > 0 and keep_key is not None and keep_key in self.alarms_by_key:
            target = self.get_row_index(keep_key)
        else:
            target = min(keep_row, len(alarms) - 1)
        self.scroll_to(scroll_x, scroll_y, animate=False, immediate=True)
        self.move_cursor(row=target, animate=False, scroll=False)

    def _update_changed_cells(
        self, alarms: Sequence[Alarm], keys: list[str], rows: list[list[Text | str]]
    ) -> None:
        """Same alarms in the same order: repaint only the cells that changed (over SSH a
        refresh where only one age moved costs a few bytes, not the whole table)."""
        for index, (alarm, key, cells) in enumerate(zip(alarms, keys, rows, strict=True)):
            self.alarms_by_key[key] = alarm
            before = self._shown[key]
            for column_index, (old, new) in enumerate(zip(before, cells, strict=True)):
                if old != new:
                    self._set_cell(key, index, column_index, new)
            self._shown[key] = cells

    def _set_cell(self, key: str, row: int, column: int, value: Text | str) -> None:
        """DataTable.update_cell repaints the whole table (about 10 KB at 80x24); this sets
        the value the same way and repaints only that cell. It relies on DataTable's `_data`
        and `_update_count` (textual is pinned in pyproject; tests cover it)."""
        self._data[RowKey(key)][ColumnKey(self._columns[column].key)] = value
        self._update_count += 1
        self.refresh_coordinate(Coordinate(row, column))

    def _ensure_columns(self, rows: list[list[Text | str]]) -> bool:
        """Set the columns for these rows; True when they changed (the rows are then gone)."""
        shown = _FIXED | {"name"} | ({"account"} if ACCOUNT_COLUMN in self._columns else set())
        available = max(self.size.width, 80) - 1 - 2 * len(shown)
        fixed = sum(
            self._width(c, rows, i)
            for i, c in enumerate(self._columns)
            if c.key in _FIXED | {"account"} and (c.key != "trend" or self._trend_on)
        )
        widths = []
        for i, column in enumerate(self._columns):
            width = self._width(column, rows, i)
            if column.key == "trend" and not self._trend_on:
                width = 0
            if column.key == "name":
                width = max(16, min(width, available - fixed))
            widths.append(width)
        if tuple(widths) == self._widths:
            return False
        self._widths = tuple(widths)
        self.clear(columns=True)
        for column, width in zip(self._columns, widths, strict=True):
            label = "" if column.key == "trend" and not width else column.label
            self.add_column(label, width=width, key=column.key)
        return True

    @staticmethod
    def _fit(cell: Text | str, width: int) -> Text | str:
        if not isinstance(cell, Text):
            return middle_ellipsis(cell, width)
        if cell.cell_len <= width:
            return cell
        return Text(middle_ellipsis(cell.plain, width), style=cell.style)

    @staticmethod
    def _width(column: Column, rows: list[list[Text | str]], index: int) -> int:
        longest = max((Text(str(r[index])).cell_len for r in rows), default=0)
        return max(len(column.label), min(column.max_width, longest))

    @staticmethod
    def _cells(
        alarm: Alarm,
        now: datetime,
        meta: AlarmMeta,
        stale: bool,
        mono: bool,
        trend: Callable[[Alarm], str] | None,
        recovered: frozenset[tuple[str, str, str]],
    ) -> list[Text | str]:
        age = format_age((now - alarm.in_state_since).total_seconds())
        region = region_code(alarm.region)
        reason = " ".join(alarm.state_reason.split())
        return [
            state_cell(alarm.state, mono, alarm.key in recovered),
            Text(alarm.name, style="bold" if alarm.state is AlarmState.ALARM else ""),
            age,
            condition_summary(alarm) if alarm.metric or alarm.metrics else "composite",
            trend(alarm).rjust(SPARK_WIDTH) if trend else "",
            Text(f"{region}⚠", style="bold" if mono else "yellow") if stale else region,
            meta.response.label if meta.response else "",
            meta.owner or "",
            alarm.watches(),
            reason,
        ]
