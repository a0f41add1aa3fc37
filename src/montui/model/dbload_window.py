"""The database load pane's time window: zoom in and out through fixed lengths ending where the
window ends, move by half a window, kept within Performance Insights' retention (the same keys
and steps as the alarm detail's chart)."""

from __future__ import annotations

from datetime import datetime, timedelta

from montui.model.metrics import TimeWindow

ZOOMS = tuple(
    timedelta(seconds=s)
    for s in (300, 900, 3600, 3 * 3600, 12 * 3600, 86400, 3 * 86400, 7 * 86400, 14 * 86400)
)
"""5 min (in the last day: 1-second points), 15 min, 1 h, 3 h, 12 h, 1 d, 3 d, 1 w, 2 w."""
RETENTION = timedelta(days=14)
"""How far back the pane moves (the demo world keeps 14 days; PI's free tier keeps 7)."""


def zoomed(window: TimeWindow, step: int, now: datetime) -> TimeWindow | None:
    """The next zoom length shorter (step -1) or longer (1) than `window`'s, ending where it
    ends (at most now); None when there is none."""
    length = window.length
    if step < 0:
        shorter = [z for z in ZOOMS if z < length - timedelta(seconds=1)]
        if not shorter:
            return None
        new = shorter[-1]
    else:
        longer = [z for z in ZOOMS if z > length + timedelta(seconds=1)]
        if not longer:
            return None
        new = longer[0]
    return within(TimeWindow.ending(min(window.end, now), new), now)


def moved(window: TimeWindow, direction: int, now: datetime) -> TimeWindow | None:
    """Half a window earlier (-1) or later (1), kept within the retention ending now; None
    when already at that end (within a minute of it)."""
    shifted = within(window.shifted(window.length / 2 * direction), now)
    if abs(shifted.end - window.end) < timedelta(minutes=1):
        return None
    return shifted


def within(window: TimeWindow, now: datetime) -> TimeWindow:
    """`window` moved (not resized) to lie within the retention ending `now`."""
    if window.end > now:
        window = TimeWindow.ending(now, window.length)
    if window.start < now - RETENTION:
        window = TimeWindow(now - RETENTION, now - RETENTION + window.length)
    return window
