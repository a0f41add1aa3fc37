"""One table line as Textual's `DataTable` draws it, without its per-cell measuring.

`cells_line` lays cells out in fixed-width columns, one space of padding each side, with the
same styles DataTable gives them (row style, cursor component style, the cursor's colour
taking priority over the cell's), and fills the rest of the width like DataTable does. A
virtual table (`alarm_table.AlarmTable`) calls it for the visible rows only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip
from textual.widgets import DataTable

from montui.ui.widgets.alarm_cells import Cell, Column

PAD = 1
"""Spaces each side of a cell (DataTable's `cell_padding`)."""


def table_css(name: str) -> str:
    """DataTable's own CSS for a widget class `name` using its component classes, so a
    virtual table looks like the DataTable it stands in for, themes included."""
    return DataTable.DEFAULT_CSS.replace("DataTable", name)


@lru_cache(maxsize=256)
def _parsed(style: str) -> Style:
    return Style.parse(style) if style else Style.null()


def _cell_segments(cell: Cell, width: int, pre: Style, post: Style | None) -> list[Segment]:
    """A cell in `width` cells plus padding; a `Text` cell is drawn in its one style (the
    table's cells carry no spans)."""
    pad = pre + post if post else pre
    if isinstance(cell, Text):
        text = cell.plain
        own = cell.style if isinstance(cell.style, Style) else _parsed(cell.style)
    else:
        text, own = cell, Style.null()
    if cell_len(text) > width:
        text = set_cell_size(text, width)
    style = pre + own
    if post:
        style += post
    fill = width - cell_len(text)
    out = [Segment(" " * PAD, pad), Segment(text, style)]
    if fill > 0:
        out.append(Segment(" " * fill, pad))
    out.append(Segment(" " * PAD, pad))
    return out


@lru_cache(maxsize=64)
def _column_styles(
    row_style: Style, cursor: Style | None, extend: Style, columns: int
) -> tuple[tuple[Style, ...], Style | None, Style]:
    """Per column, the style a cell starts from (the row's, the column's meta, the cursor's);
    the cursor colour that wins over the cell's; the style of the room after the last column.
    Made once per row style and cursor, not per cell: a new meta style per cell missed
    rich's style caches (~0.3 ms a line)."""
    post = Style.from_color(color=cursor.color) if cursor and cursor.color else None
    starts = []
    for index in range(columns):
        start = row_style + Style.from_meta({"column": index})
        starts.append(start + cursor if cursor else start)
    meta = Style.from_meta({"column": 0, "out_of_bounds": True})
    fill = extend + cursor + meta if cursor else extend + meta
    return tuple(starts), post, fill


def cells_line(
    columns: Sequence[Column],
    widths: Mapping[str, int],
    cells: Mapping[str, Cell],
    row_style: Style,
    cursor: Style | None,
    extend: Style,
    fill_to: int = 0,
) -> Strip:
    """The cells in their columns. `cursor`: the cursor's component style on this row (None
    off the cursor); `extend`: the style of the room right of the last column, filled up to
    `fill_to` cells. Each cell carries DataTable's `column` meta, which keeps cells apart as
    DataTable's were (the row is known from the line: `AlarmTable.on_click`)."""
    starts, post, fill = _column_styles(row_style, cursor, extend, len(columns))
    segments: list[Segment] = []
    total = 0
    for index, column in enumerate(columns):
        width = widths.get(column.key, 0)
        segments.extend(_cell_segments(cells.get(column.key, ""), width, starts[index], post))
        total += width + 2 * PAD
    if fill_to > total:
        segments.append(Segment(" " * (fill_to - total), fill))
    return Strip(segments, max(total, fill_to)).simplify()
