"""Failing regions, in place above the board: what went wrong, what to do, when it retries.

The age of each region's kept data ticks like the header's `updated …` (the same wording and
steps, `model.duration.data_age`), not only when a poll ends; the banner repaints only when its
text changes, without a layout pass unless its length changed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from rich.text import Text
from textual.widgets import Static

from montui.model.board import RegionStatus
from montui.model.duration import data_age
from montui.ui.covered import covered

Hints = Mapping[str, str] | Mapping[tuple[str, str], str]
"""What to do, by region, or by (account alias, region) with several accounts."""


def banner_text(statuses: list[RegionStatus], now: datetime, hints: Hints) -> Text:
    """One line per failing region (of an account: `prod ⚠ us-east-1: …`); its rows stay on
    the board, marked ⚠ in the Rgn column. An account failing alike in several regions (its
    role refused) is one line: `prod ⚠ ap-northeast-1, us-east-1: AccessDenied: …`."""
    lines: dict[tuple[str, str], list[RegionStatus]] = {}
    for status in statuses:
        if status.error:
            alike = (status.account, status.error) if status.account else ("", status.region)
            lines.setdefault(alike, []).append(status)
    text = Text()
    for i, group in enumerate(lines.values()):
        status = group[0]
        if i:
            text.append("\n")
        if status.account:
            text.append(f"{status.account} ", style="bold")
        text.append(f"⚠ {', '.join(s.region for s in group)}: ", style="bold yellow")
        text.append(status.error or "")
        age = max((a for s in group if (a := s.age(now)) is not None), default=None)
        kept = f"showing data updated {data_age(age)}" if age is not None else "no data yet"
        text.append(f" · {kept} · retrying", style="dim")
        hint = _hint(hints, status)
        if hint:
            text.append(f" · {hint}", style="dim")
    return text


def _hint(hints: Hints, status: RegionStatus) -> str | None:
    for key in ((status.account, status.region), status.region):
        if key in hints:
            return hints[key]  # type: ignore[index]
    return None


class RegionBanner(Static):
    """Hidden while every region is healthy; while shown, its ages tick once a second."""

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
    _failing: list[RegionStatus] = []
    _hints: Hints = {}
    _clock: Callable[[], datetime] | None = None

    def on_mount(self) -> None:
        self.set_interval(1.0, self.tick)

    def show(
        self,
        statuses: list[RegionStatus],
        now: datetime,
        hints: Hints,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """Show the failing regions of `statuses`; `clock` (else `now`) dates their data."""
        self._failing = [s for s in statuses if s.error]
        self._hints = dict(hints)
        self._clock = clock
        self.display = bool(self._failing)
        self._render_at(now)

    def tick(self) -> None:
        """Re-age the kept data; repaints only when the text changed."""
        if (
            self._failing
            and self._clock is not None
            and not (self.is_mounted and covered(self.screen))
        ):
            self._render_at(self._clock())

    def _render_at(self, now: datetime) -> None:
        if not self._failing:
            return
        text = banner_text(self._failing, now, self._hints)
        if text != self._shown:
            same_size = self._shown is not None and len(self._shown) == len(text)
            self._shown = text
            self.update(text, layout=not same_size)
