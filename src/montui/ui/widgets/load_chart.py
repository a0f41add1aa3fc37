"""Database load stacked by wait event, against the vCPU line, in plain characters.

Each wait event has its own glyph (`█ ▓ ▒ ░ # % @ + = :`, `·` for other), so the chart
reads without colour; with colour each also has its own. Columns are the window's points
(averaged when there are more points than columns, widened when fewer); the largest wait
sits at the bottom. The vCPU line (`╌`) shows where no bar covers it, and its row is
labelled: load above it means sessions waiting for CPU or I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.text import Text
from textual.widgets import Static

from montui.model.dbload import OTHER, LoadSeries, WaitLoad
from montui.ui.widgets.metric_chart import clock_label

GLYPHS = ("█", "▓", "▒", "░", "#", "%", "@", "+", "=", ":")
OTHER_GLYPH = "·"
VCPU_GLYPH = "╌"
COLOURS = (
    "dodger_blue2", "dark_orange", "red3", "green3", "medium_purple", "gold3", "cyan3",
    "magenta", "chartreuse3", "salmon1",
)  # fmt: skip
AXIS = 7
"""Columns of the y axis labels (`  12.5┤`)."""


def glyph_of(index: int, name: str) -> str:
    return OTHER_GLYPH if name == OTHER else GLYPHS[index % len(GLYPHS)]


def _columns(values: Sequence[float], width: int) -> list[float]:
    """`values` resampled to `width` columns: averaged buckets, or each value repeated."""
    count = len(values)
    if not count or width <= 0:
        return [0.0] * max(width, 0)
    out: list[float] = []
    for col in range(width):
        lo = col * count // width
        hi = max(lo + 1, (col + 1) * count // width)
        bucket = values[lo:hi]
        out.append(sum(bucket) / len(bucket))
    return out


def raster(
    stacked: Sequence[WaitLoad], vcpus: float | None, width: int, height: int
) -> tuple[list[list[int]], float, int | None]:
    """(grid of wait indexes per cell, row 0 at the top, -1 empty and -2 the vCPU line; the
    top of the scale; the vCPU line's row or None)."""
    cols = [_columns(w.values, width) for w in stacked]
    totals = [sum(c[x] for c in cols) for x in range(width)]
    scale = max([*totals, vcpus or 0.0, 0.1]) * 1.08
    per_row = scale / height
    vcpu_row = None if vcpus is None else height - 1 - min(height - 1, int(vcpus / per_row))
    grid = [[-1] * width for _ in range(height)]
    for x in range(width):
        for y in range(height):
            middle = (height - 1 - y + 0.5) * per_row
            level = 0.0
            for index, col in enumerate(cols):
                level += col[x]
                if middle < level:
                    grid[y][x] = index
                    break
            if grid[y][x] == -1 and y == vcpu_row:
                grid[y][x] = -2
    return grid, scale, vcpu_row


def chart_text(
    series: LoadSeries,
    vcpus: float | None,
    *,
    width: int,
    height: int,
    utc: bool,
    mono: bool,
) -> Text:
    """The chart, its time axis and its legend, `width` columns wide."""
    stacked = series.stacked()
    plot = max(10, width - AXIS)
    grid, scale, vcpu_row = raster(stacked, vcpus, plot, height)
    text = Text(no_wrap=True, overflow="crop")
    for y, row in enumerate(grid):
        top = scale * (height - y) / height
        if y == vcpu_row and vcpus is not None:
            label = f"{vcpus:>4g}vC┤"
        elif y in (0, height // 2):
            label = f"{top:>6.1f}┤"
        else:
            label = "      │"
        text.append(label.rjust(AXIS), style="dim")
        for cell in row:
            if cell == -2:
                text.append(VCPU_GLYPH, style="" if mono else "bold")
            elif cell < 0:
                text.append(" ")
            else:
                wait = stacked[cell]
                style = "" if mono else COLOURS[cell % len(COLOURS)]
                text.append(glyph_of(cell, wait.name), style=style)
        text.append("\n")
    text.append(_time_axis(series.timestamps, plot, utc=utc), style="dim")
    text.append("\n")
    text.append_text(legend(stacked, mono=mono, width=width, vcpus=vcpus is not None))
    return text


def _time_axis(times: Sequence[datetime], width: int, *, utc: bool) -> str:
    if not times:
        return ""
    long = (times[-1] - times[0]).total_seconds() > 20 * 3600
    first = clock_label(times[0], utc=utc, with_day=long)
    middle = clock_label(times[len(times) // 2], utc=utc, with_day=long)
    last = clock_label(times[-1], utc=utc, with_day=long)
    line = [" "] * (AXIS + width)
    for position, label in ((AXIS, first), (AXIS + (width - len(middle)) // 2, middle)):
        line[position : position + len(label)] = label
    end = AXIS + width - len(last)
    line[end : end + len(last)] = last
    return "".join(line).rstrip()


def legend(stacked: Sequence[WaitLoad], *, mono: bool, width: int, vcpus: bool = True) -> Text:
    """`█ IO:DataFileRead 3.1  ▓ CPU 0.9 …  ╌ vCPUs`, wrapped to `width`."""
    text = Text()
    used = 0
    entries = [
        (glyph_of(i, w.name), w.name, w.mean, "" if mono else COLOURS[i % len(COLOURS)])
        for i, w in enumerate(stacked)
    ]
    for glyph, name, mean, style in entries:
        piece = f"{glyph} {name} {mean:.2f}  "
        if used and used + len(piece) > width:
            text.append("\n")
            used = 0
        text.append(glyph, style=style)
        text.append(piece[1:])
        used += len(piece)
    if not vcpus:
        return text
    piece = f"{VCPU_GLYPH} vCPUs"
    if used and used + len(piece) > width:
        text.append("\n")
    text.append(piece, style="dim")
    return text


class LoadChart(Static):
    """The stacked load chart; `show` draws a series, `say` a message in its place."""

    DEFAULT_CSS = """
    LoadChart {
        height: auto;
        min-height: 6;
    }
    """

    def __init__(self, *, rows: int = 8, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows = rows
        self._shown: tuple[LoadSeries, float | None, bool] | None = None

    def show(self, series: LoadSeries, vcpus: float | None, *, utc: bool) -> None:
        self._shown = (series, vcpus, utc)
        self._draw()

    def say(self, message: str) -> None:
        self._shown = None
        self.update(Text(message))

    def on_resize(self) -> None:
        if self._shown is not None:
            self._draw()

    def _draw(self) -> None:
        if self._shown is None:
            return
        series, vcpus, utc = self._shown
        width = self.size.width or self.app.size.width - 2
        if not series.total:
            self.update(Text("No load in this window (Performance Insights has no points)."))
            return
        self.update(
            chart_text(series, vcpus, width=width, height=self.rows, utc=utc,
                       mono=self.app.no_color)
        )  # fmt: skip
