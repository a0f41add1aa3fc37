"""Strips of alarm states over days, one row per set of settings, a day ruler above.

`model.state_strip` builds the cells; this widget picks as many cells per day as its width
allows and draws one symbol per cell (`█` ALARM, `·` OK, `░` no data), readable without
colour; with colour, ALARM is also red.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from msgspec import Struct
from rich.text import Text
from textual.widget import Widget

from montui.model.alarm import AlarmState
from montui.model.state_strip import StateStrip, cells_per_day_for, state_strip

LABEL_WIDTH = 9
SYMBOLS = {AlarmState.ALARM: "█", AlarmState.OK: "·", AlarmState.INSUFFICIENT_DATA: "░"}
STYLES = {AlarmState.ALARM: "bold red", AlarmState.OK: "green", AlarmState.INSUFFICIENT_DATA: "dim"}

Transitions = Sequence[tuple[datetime, AlarmState]]


class StripRow(Struct, frozen=True):
    """One row: its label and the replay's state changes from `initial` at the start."""

    label: str
    transitions: Transitions
    initial: AlarmState = AlarmState.INSUFFICIENT_DATA


class EpisodeStrip(Widget):
    """`current` above `proposed`: the same days, one cell per bucket, so they line up."""

    DEFAULT_CSS = """
    EpisodeStrip {
        height: 4;
        width: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: tuple[StripRow, ...] = ()
        self.start: datetime | None = None
        self.end: datetime | None = None

    def show(self, rows: Sequence[StripRow], start: datetime, end: datetime) -> None:
        """Draw `rows` over `start`…`end`."""
        self.rows, self.start, self.end = tuple(rows), start, end
        self.refresh()

    def strips(self, width: int) -> list[tuple[str, StateStrip]]:
        """The rows' strips at the most cells per day that fit `width` columns."""
        if self.start is None or self.end is None:
            return []
        days = (self.end - self.start).days + 2
        per_day = cells_per_day_for(width - LABEL_WIDTH, days)
        return [
            (
                row.label,
                state_strip(
                    row.transitions,
                    initial=row.initial,
                    start=self.start,
                    end=self.end,
                    cells_per_day=per_day,
                ),
            )
            for row in self.rows
        ]

    def render(self) -> Text:
        strips = self.strips(self.size.width)
        if not strips:
            return Text("")
        mono = self.app.no_color
        text = Text(no_wrap=True, overflow="crop")
        first = strips[0][1]
        text.append(" " * LABEL_WIDTH)
        for day in range(first.days):
            moment = first.first_day + first.bucket * first.cells_per_day * day
            label = f"{moment:%d}" if first.cells_per_day >= 3 else f"{moment:%d}"[-1]
            text.append(label[: first.cells_per_day].ljust(first.cells_per_day), style="dim")
        text.append("\n")
        for label, strip in strips:
            text.append(f"{label:<{LABEL_WIDTH}}"[:LABEL_WIDTH], style="bold")
            for cell in strip.cells:
                if cell is None:
                    text.append(" ")
                else:
                    text.append(SYMBOLS[cell], style="" if mono else STYLES[cell])
            text.append("\n")
        hours = int(first.bucket.total_seconds() // 3600)
        text.append(
            f"{'':<{LABEL_WIDTH}}█ ALARM  · OK  ░ no data · a cell is {hours} h · UTC days",
            style="dim",
        )
        return text
