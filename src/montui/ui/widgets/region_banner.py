"""Failing regions, in place above the board: what went wrong, what to do, when it retries."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import Static

from montui.model.board import RegionStatus
from montui.model.duration import format_age


def banner_text(statuses: list[RegionStatus], now: datetime, hints: dict[str, str]) -> Text:
    """One line per failing region; its rows stay on the board, marked ⚠ in the Rgn column."""
    text = Text()
    for i, status in enumerate(s for s in statuses if s.error):
        if i:
            text.append("\n")
        text.append(f"⚠ {status.region}: ", style="bold yellow")
        text.append(status.error or "")
        age = status.age(now)
        kept = f"showing data from {format_age(age)} ago" if age is not None else "no data yet"
        text.append(f" · {kept} · retrying", style="dim")
        hint = hints.get(status.region)
        if hint:
            text.append(f" · {hint}", style="dim")
    return text


class RegionBanner(Static):
    """Hidden while every region is healthy."""

    DEFAULT_CSS = """
    RegionBanner {
        height: auto;
        max-height: 4;
        background: $warning 15%;
        padding: 0 1;
        display: none;
    }
    """

    _shown: Text | None = None

    def show(self, statuses: list[RegionStatus], now: datetime, hints: dict[str, str]) -> None:
        failing = [s for s in statuses if s.error]
        self.display = bool(failing)
        if failing:
            text = banner_text(failing, now, hints)
            if text != self._shown:
                self._shown = text
                self.update(text)
