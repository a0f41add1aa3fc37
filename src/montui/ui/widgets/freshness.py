"""'updated 8s ago': a ticking label that repaints only itself.

Over SSH every byte counts: this widget has a fixed size, ticks once a second, and repaints
(without a layout pass) only when its text actually changes — once a minute after the first
minute (in 5-second steps during the first minute).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.widget import Widget

from montui.model.duration import data_age, format_age
from montui.ui.covered import covered


class Freshness(Widget):
    """How old the board's data is; a warning once it is older than `stale_after` seconds."""

    DEFAULT_CSS = """
    Freshness {
        width: 18;
        height: 1;
        content-align: right middle;
        text-align: right;
        color: $text-muted;
    }
    Freshness.-stale {
        color: $warning;
        text-style: bold;
    }
    """

    def __init__(
        self, clock: Callable[[], datetime], stale_after: float, *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self._clock = clock
        self.stale_after = stale_after
        self._fetched_at: datetime | None = None
        self._busy = False
        self._listing = False
        self._shown = ""

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick)

    def set_fetched(
        self, fetched_at: datetime | None, *, busy: bool = False, listing: bool = False
    ) -> None:
        """The time of the oldest region's last good poll (None: nothing yet); `listing`: a
        region shows only its ALARM rows while its full listing pages in."""
        self._fetched_at = fetched_at
        self._busy = busy
        self._listing = listing
        self._tick()

    def is_stale(self) -> bool:
        age = self._age()
        return age is not None and age > self.stale_after

    def _age(self) -> float | None:
        if self._fetched_at is None:
            return None
        return (self._clock() - self._fetched_at).total_seconds()

    def _text(self) -> str:
        age = self._age()
        if age is None:
            return "connecting…" if self._busy else "no data yet"
        if age > self.stale_after:
            return f"⚠ stale: {format_age(age)} old"
        if self._listing:
            return "ALARMs · listing…"
        return f"updated {data_age(age)}"

    def _tick(self) -> None:
        if self.is_mounted and covered(self.screen):  # repainted when back on top
            return
        text = self._text()
        if text != self._shown:
            self._shown = text
            self.set_class(self.is_stale(), "-stale")
            self.refresh()

    def render(self) -> Text:
        return Text(self._shown, no_wrap=True, overflow="ellipsis")
