"""The board's table: one row per alarm, drawing only the rows on screen.

A virtual table (a `ScrollView` on the Line API): `show()` keeps the alarms and computes the
column widths from cached cell lengths; `render_line(y)` draws only the rows in view. Chosen
by measurement (CPU time, 2 shared cores; `benchmarks/board_scale.py` and a bare-table
script, figures in the README): at 10,000 alarms Textual's `DataTable` measures every new
cell, ~0.5–0.8 s of CPU per filter keystroke and 2.6 s to load; `textual-fastdatatable`
cannot be cleared (a new table is mounted per change: ~0.11 s of CPU per filter, and pyarrow
doubles the resident memory, 110 MB against 55); this table costs what the visible rows cost
(key → filtered board on screen: ~10 ms median, ~39 ms p95 at 160x50). It looks and keys like
the `DataTable` it replaced (same component classes and styles): the board's snapshots did
not change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from operator import attrgetter
from typing import ClassVar

from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from montui.model.alarm import Alarm
from montui.model.metadata import AlarmMeta
from montui.model.recovery import AlarmKey
from montui.ui.widgets.alarm_cells import (
    COLUMNS,
    MONO_RECOVERED_STYLE,
    MONO_STATE_STYLE,
    RECOVERED_MARK,
    RECOVERED_STYLE,
    STATE_STYLE,
    Cell,
    Column,
    Moving,
    RowCells,
    column_widths,
    columns_for,
    state_cell,
    state_style,
)
from montui.ui.widgets.table_lines import PAD, cells_line, table_css
from montui.ui.widgets.table_reading import TableReading

__all__ = [
    "COLUMNS",
    "MONO_RECOVERED_STYLE",
    "MONO_STATE_STYLE",
    "RECOVERED_MARK",
    "RECOVERED_STYLE",
    "STATE_STYLE",
    "AlarmTable",
    "Column",
    "state_cell",
    "state_style",
]


class AlarmTable(TableReading, ScrollView, can_focus=True):
    """Alarms in board order. `show()` replaces the rows and keeps the scroll offset and the
    cursor on the same alarm (by `alarm.key`) — except on the first row, where the cursor
    stays at the top so that a newly firing alarm is the one under it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Select", show=False),
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,ctrl+home", "first_row", "First row", show=False),
        Binding("end,ctrl+end", "last_row", "Last row", show=False),
        Binding("left", "scroll_left", "Scroll left", show=False),
        Binding("right", "scroll_right", "Scroll right", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "datatable--cursor",
        "datatable--header",
        "datatable--fixed-cursor",
    }
    DEFAULT_CSS = (
        table_css("AlarmTable")
        + """
    AlarmTable {
        height: 1fr;
    }
    """
    )

    class RowHighlighted(Message):
        """The cursor moved to another alarm (or the alarm under it changed)."""

        def __init__(self, table: AlarmTable, alarm: Alarm) -> None:
            super().__init__()
            self.table, self.alarm = table, alarm

        @property
        def control(self) -> AlarmTable:
            return self.table

    class RowSelected(Message):
        """enter (or a click on the cursor row) on an alarm."""

        def __init__(self, table: AlarmTable, alarm: Alarm) -> None:
            super().__init__()
            self.table, self.alarm = table, alarm

        @property
        def control(self) -> AlarmTable:
            return self.table

    def __init__(self, **kwargs: str | None) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._alarms: list[Alarm] = []
        self._keys: list[str] = []
        self._index_of: dict[str, int] | None = {}
        self._rows: list[RowCells] = []
        self._cells: dict[str, RowCells] = {}
        """The last cells made for each row key (bounded by the alarms that exist)."""
        self._by_id: dict[int, RowCells] = {}
        """The same, by alarm object: a keystroke finds its rows without making keys."""
        self._moving = Moving(datetime.min)
        self._columns: tuple[Column, ...] = COLUMNS
        self._widths: dict[str, int] = {}
        self._lines: dict[str, tuple[dict[str, Cell], bool, Strip]] = {}
        self._style_key: tuple[object, ...] = ()
        self.cursor_row = 0

    # -- what the board reads -------------------------------------------------------------

    @staticmethod
    def row_key(alarm: Alarm) -> str:
        """The row's key: `alarm.key`, joined."""
        return "\x1f".join(alarm.key)

    @property
    def row_count(self) -> int:
        return len(self._alarms)

    def rows_on_screen(self) -> list[Alarm]:
        """The alarms of the rows the viewport shows now (rows are one line high)."""
        first = round(self.scroll_y)
        return self._alarms[first : first + self._page_height()]

    def selected(self) -> Alarm | None:
        """The alarm under the cursor, if any."""
        if not self._alarms:
            return None
        return self._alarms[min(self.cursor_row, len(self._alarms) - 1)]

    # -- the data -------------------------------------------------------------------------

    def show(
        self,
        alarms: Sequence[Alarm],
        *,
        now: datetime,
        meta: Callable[[Alarm], AlarmMeta],
        stale_regions: frozenset[str] = frozenset(),
        trend: Callable[[Alarm], str] | None = None,
        recovered: frozenset[AlarmKey] = frozenset(),
        account: Callable[[Alarm], str] | None = None,
        stale_places: frozenset[tuple[str, str]] = frozenset(),
    ) -> None:
        """Replace the rows with `alarms` (already filtered and ordered). `trend` draws the
        Trend column (a sparkline, "" while unknown); None: sparklines off, column folded
        away (zero width, no label) so the names get the room. `recovered`: the keys of the
        alarms marked recently recovered. `account`: the account column's text (an alias);
        None: no account column (one account watched). `stale_places`: the (account id,
        region) pairs whose rows are stale, as `stale_regions` is for regions."""
        current = self.selected()
        keep_key = self._keys[min(self.cursor_row, len(self._keys) - 1)] if current else None
        keep_row = self.cursor_row
        self._moving = Moving(
            now, stale_regions, trend, recovered, account, self.app.no_color, stale_places
        )
        self._columns = columns_for(account is not None)
        self._rows = self._cells_of(alarms, meta)
        keys = list(map(attrgetter("key"), self._rows))
        widths = column_widths(self._columns, self._rows, self._moving, self.size.width)
        same_rows = keys == self._keys and widths == self._widths
        self._alarms, self._widths = list(alarms), widths
        if same_rows:
            self._repaint_changed_cells()
            return
        self._keys, self._index_of = keys, None
        self._lines.clear()
        self._set_virtual_size(Size(self._table_width(), len(keys) + 1))
        target = min(keep_row, max(0, len(keys) - 1))
        if keep_row > 0 and keep_key is not None:
            found = self._index.get(keep_key)
            target = target if found is None else found
        self.cursor_row = target
        self.refresh()
        if alarms and (current is None or self.selected() is not current):
            self.post_message(self.RowHighlighted(self, self._alarms[target]))

    def _set_virtual_size(self, size: Size) -> None:
        """A new row count without a layout of the whole screen (setting `virtual_size`
        re-lays every widget out: ~20 ms a keystroke at 160x50). Only the scrollbars follow;
        one shown or hidden still asks for a layout itself. Uses Widget's `_scroll_update`
        (textual is pinned in pyproject; the board tests cover it)."""
        if size == self.virtual_size:
            return
        self.set_reactive(AlarmTable.virtual_size, size)
        self._scroll_update(size)

    def _cells_of(
        self, alarms: Sequence[Alarm], meta: Callable[[Alarm], AlarmMeta]
    ) -> list[RowCells]:
        """Each alarm's cached cells: by object first, else by key (a new poll's objects,
        compared by value), else made."""
        by_id, rows = self._by_id, []
        for alarm in alarms:
            known = by_id.get(id(alarm))
            if known is None or known.alarm is not alarm:
                known = self._row_cells(alarm, meta)
                by_id[id(alarm)] = known
            rows.append(known)
        if len(by_id) > 2 * len(self._cells) + 1000:  # old polls' objects: let them go
            self._by_id = {id(c.alarm): c for c in self._cells.values()}
        return rows

    def _row_cells(self, alarm: Alarm, meta: Callable[[Alarm], AlarmMeta]) -> RowCells:
        key = self.row_key(alarm)
        known = self._cells.get(key)
        if known is not None and known.alarm is alarm:
            return known
        if known is not None and known.alarm == alarm:  # the same alarm, polled again
            made = known._replace(alarm=alarm)
            self._cells[key] = made
            return made
        made = RowCells.of(alarm, key, meta(alarm))
        self._cells[key] = made
        return made

    def _repaint_changed_cells(self) -> None:
        """Same alarms in the same order: repaint only the cells on screen that changed (over
        SSH a refresh where only one age moved costs a few bytes, not the whole table)."""
        first = round(self.scroll_y)
        scroll_x = round(self.scroll_x)
        for row in range(first, min(len(self._keys), first + self._page_height())):
            drawn = self._lines.get(self._keys[row])
            if drawn is None:
                continue
            cells = self._moving.cells(self._rows[row])
            x = 0
            for column in self._columns:
                width = self._widths[column.key] + 2 * PAD
                key = column.key
                if self._shown(key, cells[key]) != drawn[0][key]:
                    self.refresh(Region(x - scroll_x, row - first + 1, width, 1))
                x += width

    # -- drawing --------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        scroll_x, scroll_y = self.scroll_offset
        base = self.rich_style
        style_key = (base, width, self.has_focus, self.app.no_color, self._widths_key())
        if style_key != self._style_key:
            self._lines.clear()
            self._style_key = style_key
        if y == 0:
            labels: dict[str, Cell] = {c.key: self._label(c) for c in self._columns}
            header = self.get_component_styles("datatable--header").rich_style
            line = cells_line(self._columns, self._widths, labels, header, None, header, width)
            return line.crop_extend(scroll_x, scroll_x + width, base).simplify()
        row = scroll_y + y - 1
        if row >= len(self._alarms):
            return Strip.blank(width, base)
        return self._row_line(row, base).crop_extend(scroll_x, scroll_x + width, base)

    def _widths_key(self) -> tuple[int, ...]:
        return tuple(self._widths.get(c.key, 0) for c in self._columns)

    def _label(self, column: Column) -> str:
        return "" if column.key == "trend" and not self._widths.get("trend") else column.label

    def _row_line(self, row: int, base: Style) -> Strip:
        key = self._keys[row]
        cursor = row == self.cursor_row
        moving = self._moving.cells(self._rows[row])
        cells = {c.key: self._shown(c.key, moving[c.key]) for c in self._columns}
        drawn = self._lines.get(key)
        if drawn is not None and drawn[1] == cursor and drawn[0] == cells:
            return drawn[2]
        component = self.get_component_rich_style("datatable--cursor") if cursor else None
        width = self.size.width
        line = cells_line(self._columns, self._widths, cells, base, component, base, width)
        self._lines[key] = (cells, cursor, line)
        return line

    def _page_height(self) -> int:
        return max(0, self.scrollable_content_region.height - 1)

    # -- the cursor -----------------------------------------------------------------------

    def move_cursor(self, *, row: int, animate: bool = False, scroll: bool = True) -> None:
        """Put the cursor on `row` (clamped); `scroll`: bring it into view."""
        if not self._alarms:
            return
        row = max(0, min(row, len(self._alarms) - 1))
        before, self.cursor_row = self.cursor_row, row
        if before != row:
            self._refresh_row(before)
            self._refresh_row(row)
            self.post_message(self.RowHighlighted(self, self._alarms[row]))
        if scroll:
            self._scroll_cursor_into_view()

    def _refresh_row(self, row: int) -> None:
        y = row - round(self.scroll_y) + 1
        if 1 <= y <= self._page_height():
            self.refresh(Region(0, y, self.size.width, 1))

    def _scroll_cursor_into_view(self) -> None:
        top, height = round(self.scroll_y), self._page_height()
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif height and self.cursor_row >= top + height:
            self.scroll_to(y=self.cursor_row - height + 1, animate=False, immediate=True)

    def on_resize(self) -> None:
        """The name column takes the room the new width leaves; a smaller terminal must not
        leave the cursor row (which the summary below describes) out of view: scroll it back
        in once the new size is laid out."""
        widths = column_widths(self._columns, self._rows, self._moving, self.size.width)
        if self._rows and widths != self._widths:
            self._widths = widths
            self._lines.clear()
            self._set_virtual_size(Size(self._table_width(), len(self._keys) + 1))
            self.refresh()
        self.call_after_refresh(self._scroll_cursor_into_view)

    def _table_width(self) -> int:
        return sum(self._widths[c.key] + 2 * PAD for c in self._columns)

    def action_cursor_up(self) -> None:
        self.move_cursor(row=self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self.cursor_row + 1)

    def action_page_down(self) -> None:
        height = self._page_height()
        self.scroll_to(y=self.scroll_y + height, animate=False, immediate=True)
        self.move_cursor(row=self.cursor_row + height)

    def action_page_up(self) -> None:
        height = self._page_height()
        self.scroll_to(y=self.scroll_y - height, animate=False, immediate=True)
        self.move_cursor(row=self.cursor_row - height)

    def action_first_row(self) -> None:
        self.move_cursor(row=0)

    def action_last_row(self) -> None:
        self.move_cursor(row=len(self._alarms) - 1)

    def action_select_cursor(self) -> None:
        if (alarm := self.selected()) is not None:
            self.post_message(self.RowSelected(self, alarm))

    def on_click(self, event: events.Click) -> None:
        """A click moves the cursor to the row; a click on the cursor row opens it."""
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        row = round(self.scroll_y) + offset.y - 1
        if row >= len(self._alarms):
            return
        if row == self.cursor_row:
            self.action_select_cursor()
        else:
            self.move_cursor(row=row)

    def on_focus(self) -> None:
        self._lines.clear()

    def on_blur(self) -> None:
        self._lines.clear()
