"""The investigation window: one time window shared by every pane opened while it is set.

Opening an alarm (or a signal) sets it to the alarm's episode window, by the same rule the Logs
Insights drill-down uses (`model.drilldown.drilldown_window`); the panes opened after it start
on it. `:window widen|earlier|later|drop` (and the chip keys) change or drop it. Pure.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from msgspec import Struct

from montui.model.alarm import Alarm
from montui.model.evaluation import Episode
from montui.model.metrics import TimeWindow

WINDOW_MOVES = ("widen", "earlier", "later", "drop")
"""What `:window` takes."""


class InvestigationWindow(Struct, frozen=True):
    """[start, end) in aware UTC datetimes, and where it came from ("hitori-contact-form-down")."""

    start: datetime
    end: datetime
    source: str
    changed: bool = False
    """Widened or moved since it was set (an alarm's own panes then use it, not their rule)."""

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("an investigation window must end after it starts")

    @classmethod
    def of_alarm(
        cls, alarm: Alarm, *, now: datetime, episode: Episode | None = None
    ) -> InvestigationWindow:
        """`alarm`'s episode window (`drilldown_window`, the Logs drill-down's rule)."""
        from montui.model.drilldown import drilldown_window

        window = drilldown_window(alarm, now=now, episode=episode)
        end = window.end if window.end > window.start else window.start + timedelta(minutes=1)
        return cls(window.start, end, alarm.name)

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    @property
    def time_window(self) -> TimeWindow:
        return TimeWindow(self.start, self.end)

    def widened(self) -> InvestigationWindow:
        """Half the length again on each side (twice as long, same middle)."""
        half = self.length / 2
        return InvestigationWindow(self.start - half, self.end + half, self.source, changed=True)

    def moved(self, direction: int, *, now: datetime | None = None) -> InvestigationWindow:
        """Half its length earlier (-1) or later (+1); later never goes past `now`."""
        step = self.length / 2 * direction
        start, end = self.start + step, self.end + step
        if now is not None and end > now:
            start, end = start - (end - now), now
        return InvestigationWindow(start, end, self.source, changed=True)

    def chip(self) -> str:
        """`window 01:20–01:45 UTC · from hitori-contact-form-down` (dates when not one day)."""
        start, end = self.start.astimezone(UTC), self.end.astimezone(UTC)
        same_day = start.date() == end.date()
        left = f"{start:%H:%M}" if same_day else f"{start:%m-%d %H:%M}"
        right = f"{end:%H:%M}" if same_day else f"{end:%m-%d %H:%M}"
        return f"window {left}–{right} UTC · from {self.source}"
