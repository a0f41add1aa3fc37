"""Logs Insights results as a table, growing as GetQueryResults returns partial results, and
the one-line histogram of matches over the window.

Rows arrive as whole snapshots (each GetQueryResults returns every row so far). When the new
snapshot only adds rows after the ones shown (the usual case while a query runs) they are
appended; otherwise (a sort reordered them) the table is rebuilt, keeping the cursor's row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta, tzinfo

from rich.text import Text
from textual.widgets import DataTable, Static
from textual.widgets.data_table import ColumnKey

from montui.model.logs import QueryResult, parse_insights_time
from montui.model.metrics import TimeWindow
from montui.model.sparkline import render_sparkline

CELL_MAX = 240
"""Characters of a value shown in a cell (the row detail has the whole value)."""
MESSAGE_MIN = 20
"""The narrowest `@message` column; past that the table scrolls sideways."""


def show_time(text: str, tz: tzinfo) -> str:
    """A Logs Insights time in `tz` as `11-21 03:12:45.123`; other text as it is."""
    moment = parse_insights_time(text)
    if moment is None:
        return text
    return moment.astimezone(tz).strftime("%m-%d %H:%M:%S.%f")[:-3]


def cell_text(name: str, value: str, tz: tzinfo, term: str) -> Text:
    """One cell: times in `tz`, on one line, cut at CELL_MAX, `term` reversed."""
    shown = show_time(value, tz) if name == "@timestamp" or name.startswith("bin(") else value
    flat = " ".join(shown.split())
    if len(flat) > CELL_MAX:
        flat = flat[: CELL_MAX - 1] + "…"
    text = Text(flat, no_wrap=True, overflow="ellipsis")
    if term:
        text.highlight_words([term], style="reverse bold", case_sensitive=False)
    return text


def row_matches(row: Mapping[str, str], term: str) -> bool:
    """Whether any value of the row contains `term` (case-insensitive)."""
    needle = term.lower()
    return bool(needle) and any(needle in v.lower() for k, v in row.items() if k != "@ptr")


class ResultsTable(DataTable[Text]):
    """The rows of the last snapshot; `records` holds them as returned (with `@ptr`)."""

    DEFAULT_CSS = """
    ResultsTable {
        height: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="cell", zebra_stripes=True)
        self.records: list[Mapping[str, str]] = []
        self.fields: tuple[str, ...] = ()
        self.tz: tzinfo = UTC
        self.term = ""

    def show(
        self,
        result: QueryResult,
        *,
        tz: tzinfo,
        term: str,
        columns: Sequence[str] | None = None,
    ) -> None:
        """Show `result`'s rows: appended when it only adds rows, else rebuilt. `columns`:
        the fields to show, in order (None: the result's own, as AWS returned them)."""
        fields = tuple(result.fields if columns is None else columns)
        new_rows = list(result.rows)
        same_look = fields == self.fields and tz == self.tz and term == self.term
        if same_look and _starts_with(new_rows, self.records):
            self._add(new_rows[len(self.records) :])
            self.records = new_rows
            return
        keep = self.cursor_coordinate
        self.clear(columns=fields != self.fields)
        if fields != self.fields:
            for name in fields:
                self.add_column(name, key=name)
        self.fields, self.tz, self.term = fields, tz, term
        self.records = []
        self._add(new_rows)
        self.records = new_rows
        self._fit_message()
        if self.row_count:
            row = min(keep.row, self.row_count - 1)
            column = min(keep.column, max(0, len(fields) - 1))
            self.move_cursor(row=row, column=column, scroll=False)

    def restyle(self, *, tz: tzinfo, term: str) -> None:
        """Redraw the same rows with another time zone or highlight term."""
        rows = tuple(self.records)
        self.tz, self.term = tz, term
        self.records = []
        self.clear()
        self._add(list(rows))
        self.records = list(rows)

    def reset(self) -> None:
        self.clear(columns=True)
        self.records, self.fields = [], ()

    def current_row(self) -> Mapping[str, str] | None:
        if not self.records or not 0 <= self.cursor_row < len(self.records):
            return None
        return self.records[self.cursor_row]

    def current_cell(self) -> str | None:
        row = self.current_row()
        if row is None or not self.fields:
            return None
        column = min(self.cursor_column, len(self.fields) - 1)
        return row.get(self.fields[column], "")

    def matching(self) -> list[int]:
        """Indexes of the rows that contain the highlight term."""
        return [i for i, row in enumerate(self.records) if row_matches(row, self.term)]

    def jump(self, step: int) -> int | None:
        """Move to the next (1) or previous (-1) matching row, wrapping; its index or None."""
        hits = self.matching()
        if not hits:
            return None
        here = self.cursor_row
        if step > 0:
            target = next((i for i in hits if i > here), hits[0])
        else:
            target = next((i for i in reversed(hits) if i < here), hits[-1])
        self.move_cursor(row=target)
        return target

    def _add(self, rows: Sequence[Mapping[str, str]]) -> None:
        for row in rows:
            cells = [cell_text(name, row.get(name, ""), self.tz, self.term) for name in self.fields]
            self.add_row(*cells, height=1)
        if rows:
            self._fit_message()

    def on_resize(self) -> None:
        self._fit_message()

    def _fit_message(self) -> None:
        """The other columns at their natural width, `@message` (last) takes the rest of
        the line (at least `MESSAGE_MIN` cells), so short fields are not pushed off-screen."""
        if "@message" not in self.columns or not self.size.width:
            return
        message = self.columns[ColumnKey("@message")]
        others = sum(
            c.get_render_width(self) for key, c in self.columns.items() if key != "@message"
        )
        rest = self.scrollable_content_region.width - others - 2 * self.cell_padding
        width = max(MESSAGE_MIN, rest)
        if message.auto_width or message.width != width:
            message.auto_width, message.width = False, width
            self._require_update_dimensions = True
            self.refresh()


def _starts_with(rows: Sequence[Mapping[str, str]], prefix: Sequence[Mapping[str, str]]) -> bool:
    if len(rows) < len(prefix):
        return False
    if not prefix:
        return True
    return all(a == b for a, b in zip(rows, prefix, strict=False))


def histogram_counts(
    result: QueryResult, window: TimeWindow, bin_seconds: int
) -> list[float | None]:
    """Counts per bin across the whole window (bins without a row: 0), from the rows of a
    `stats count(*) as matches by bin(…)` query."""
    size = timedelta(seconds=bin_seconds)
    epoch = window.start.timestamp()
    first = datetime.fromtimestamp(epoch - epoch % bin_seconds, UTC)
    slots = max(1, int((window.end - first) / size) + 1)
    counts: list[float | None] = [0.0] * slots
    for row in result.rows:
        moment = next(
            (parse_insights_time(v) for k, v in row.items() if k.startswith("bin(")), None
        )
        if moment is None:
            continue
        index = int((moment - first) / size)
        if 0 <= index < slots:
            try:
                counts[index] = (counts[index] or 0.0) + float(row.get("matches", "0"))
            except ValueError:
                continue
    return counts


class MatchHistogram(Static):
    """`matches ▁▁▂█▆▁  max 41 per 5m`: one line, redrawn only when the counts change."""

    DEFAULT_CSS = """
    MatchHistogram {
        height: 1;
        color: $warning;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._counts: list[float | None] = []
        self._label = ""
        self._note = ""

    def show(self, counts: list[float | None], label: str) -> None:
        if counts == self._counts and label == self._label and not self._note:
            return
        self._counts, self._label, self._note = counts, label, ""
        self._draw()

    def note(self, text: str) -> None:
        """A message instead of bars (no histogram for this query, or its error)."""
        if text == self._note:
            return
        self._counts, self._note = [], text
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        if self._note or not self._counts:
            self.update(Text(self._note, style="dim"))
            return
        peak = max((c or 0.0) for c in self._counts)
        tail = f"  max {peak:,.0f} per {self._label}"
        width = max(8, self.size.width - len(tail) - 9)
        # Fewer bins than cells: each bin gets as many cells as fit, so the bars span the line.
        repeat = max(1, width // len(self._counts))
        stretched = [c for c in self._counts for _ in range(repeat)]
        bars = render_sparkline(stretched, width) if peak else "▁" * min(width, len(stretched))
        text = Text("matches ", style="dim")
        text.append(bars)
        text.append(tail, style="dim")
        self.update(text)
