"""What `AlarmTable` answers of DataTable's reading API (rows, columns, cells by key or
position), so that the screens, tests and benchmarks written against the DataTable it
replaced keep reading it the same way."""

from __future__ import annotations

from typing import NamedTuple

from textual.coordinate import Coordinate
from textual.widgets.data_table import ColumnKey, RowKey

from montui.model.alarm import Alarm
from montui.ui.widgets.alarm_cells import Cell, Column, Moving, RowCells, fit


class RowRef(NamedTuple):
    """A row as `ordered_rows` lists it (its key, as DataTable's rows had)."""

    key: RowKey


class ColumnRef(NamedTuple):
    """A column as `columns` lists it: its content width."""

    key: ColumnKey
    label: str
    width: int


class TableReading:
    """DataTable's reading API over the table's rows (a mixin of `AlarmTable`)."""

    _alarms: list[Alarm]
    _keys: list[str]
    _index_of: dict[str, int] | None
    _rows: list[RowCells]
    _moving: Moving
    _columns: tuple[Column, ...]
    _widths: dict[str, int]
    cursor_row: int

    @property
    def alarms_by_key(self) -> dict[str, Alarm]:
        """The alarms shown, by row key."""
        return dict(zip(self._keys, self._alarms, strict=True))

    @property
    def _index(self) -> dict[str, int]:
        if self._index_of is None:
            self._index_of = {k: i for i, k in enumerate(self._keys)}
        return self._index_of

    @property
    def cursor_coordinate(self) -> Coordinate:
        return Coordinate(self.cursor_row, 0)

    @property
    def rows(self) -> list[RowKey]:
        return [RowKey(k) for k in self._keys]

    @property
    def ordered_rows(self) -> list[RowRef]:
        return [RowRef(RowKey(k)) for k in self._keys]

    @property
    def columns(self) -> dict[ColumnKey, ColumnRef]:
        return {
            ColumnKey(c.key): ColumnRef(ColumnKey(c.key), c.label, self._widths.get(c.key, 0))
            for c in self._columns
        }

    def get_row_index(self, key: str | RowKey) -> int:
        return self._index[key.value if isinstance(key, RowKey) else key]  # type: ignore[index]

    def get_row_at(self, row: int) -> list[Cell]:
        """The row's cells as shown (the name cut to its column)."""
        cells = self._moving.cells(self._rows[row])
        return [self._shown(c.key, cells[c.key]) for c in self._columns]

    def get_cell(self, key: str | RowKey, column: str | ColumnKey) -> Cell:
        name = column.value if isinstance(column, ColumnKey) else column
        row = self.get_row_at(self.get_row_index(key))
        return row[[c.key for c in self._columns].index(name or "")]

    def get_cell_at(self, coordinate: Coordinate) -> Cell:
        return self.get_row_at(coordinate.row)[coordinate.column]

    def _shown(self, column: str, cell: Cell) -> Cell:
        return fit(cell, self._widths.get("name", 0)) if column == "name" else cell
