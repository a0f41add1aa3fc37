"""The alarm detail's chart pane: its zoom levels and window (zoomed and moved within the 14
days of history), fetching the metric data for it and drawing it, with which series shown
(`m`, see `alarm_detail_chart.py`).

`ChartPane` holds that state and does the work; the screen owns the keys and the worker
(`fetch` runs in the screen's exclusive "chart" worker) and passes in the chart widget and
the alarm as it is at that moment (the board's polls replace it, even during a fetch).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from montui.feeds.metric_data import MetricData
from montui.model.alarm import Alarm
from montui.model.alarm_queries import chart_queries
from montui.model.duration import format_period
from montui.model.metrics import MetricSeries, TimeWindow
from montui.sources.errors import SourceError
from montui.ui.screens.alarm_detail_chart import ChartView, chart_data, view_title
from montui.ui.screens.alarm_detail_text import HISTORY_SPAN
from montui.ui.widgets.metric_chart import MetricChart

ZOOMS = tuple(
    timedelta(seconds=s)
    for s in (3600, 3 * 3600, 12 * 3600, 86400, 3 * 86400, 7 * 86400, 14 * 86400)
)
DEFAULT_ZOOM = 1  # 3 h

MAX_CHART_POINTS = 1440
"""Beyond this many points per series the chart asks for a coarser period (a multiple of the
alarm's): a week of minutes would not fit on a terminal anyway."""


def initial_zoom(alarm: Alarm, now: datetime) -> int:
    """The shortest zoom ending now that shows the last transition (3 h when it is older)."""
    age = now - alarm.in_state_since
    for index in range(DEFAULT_ZOOM, len(ZOOMS)):
        if age < ZOOMS[index] * 0.9:
            return index
    return DEFAULT_ZOOM


def _within_history(window: TimeWindow, now: datetime) -> TimeWindow:
    """`window` moved (not resized) to lie within the 14 days of history ending `now`."""
    if window.end > now:
        window = TimeWindow.ending(now, window.length)
    if window.start < now - HISTORY_SPAN:
        window = TimeWindow(now - HISTORY_SPAN, now - HISTORY_SPAN + window.length)
    return window


def chart_period(alarm_period: int, window: TimeWindow) -> int:
    """The alarm's period, or the smallest multiple of it that keeps the points few enough."""
    points = window.length.total_seconds() / alarm_period
    factor = max(1, -(-int(points) // MAX_CHART_POINTS))
    return alarm_period * factor


class ChartPane:
    """One detail page's chart: zoom, window, view, the last series fetched; fetch and draw."""

    def __init__(
        self,
        alarm: Alarm,
        metrics: MetricData,
        clock: Callable[[], datetime],
        window: TimeWindow | None = None,
    ) -> None:
        """`window`: the shared investigation window to start on (the zoom nearest its
        length, at least it, centred on it; None: the zoom showing the last transition)."""
        self.metrics = metrics
        self.clock = clock
        now = clock()
        self.zoom = initial_zoom(alarm, now)
        self.window = TimeWindow.ending(now, ZOOMS[self.zoom])
        if window is not None:
            fits = [i for i, z in enumerate(ZOOMS) if z >= window.length]
            self.zoom = fits[0] if fits else len(ZOOMS) - 1
            middle = window.start + window.length / 2
            length = max(ZOOMS[self.zoom], window.length)
            self.window = _within_history(TimeWindow(middle - length / 2, middle + length / 2), now)
        self.view = ChartView.COMPARED
        self.charted: tuple[tuple[MetricSeries, ...], TimeWindow, int] | None = None
        """The last series fetched, their window and period (`m` redraws them)."""

    # -- window -----------------------------------------------------------------------

    def zoom_by(self, step: int) -> None:
        """One zoom level in (-1) or out (1), ending where the window ends (at most now)."""
        self.zoom = max(0, min(len(ZOOMS) - 1, self.zoom + step))
        now = self.clock()
        self.window = _within_history(
            TimeWindow.ending(min(self.window.end, now), ZOOMS[self.zoom]), now
        )

    def moved(self, direction: int) -> TimeWindow | None:
        """The window half its length earlier or later, kept inside the 14 days of history
        (None: already at that end; within a minute of it counts)."""
        now = self.clock()
        shifted = _within_history(self.window.shifted(self.window.length / 2 * direction), now)
        if abs(shifted.end - self.window.end) < timedelta(minutes=1):
            return None
        return shifted

    def move(self, direction: int) -> bool:
        """Move the window half its length earlier (-1) or later (1); False: already there."""
        moved = self.moved(direction)
        if moved is None:
            return False
        self.window = moved
        return True

    def inert_reason(self, action: str, step: int) -> str | None:
        """Why zoom or move by `step` does nothing now (see `ui/inert.py`), else None."""
        if action == "zoom" and step:
            limit = 0 if step < 0 else len(ZOOMS) - 1
            if self.zoom == limit:
                length = format_period(int(ZOOMS[limit].total_seconds()))
                return f"Already at the {'closest' if limit == 0 else 'widest'} zoom ({length})"
        if action == "move" and step and self.moved(step) is None:
            if step < 0:
                return "Already at the start of the 14 days of history"
            return "Already at the latest: the chart ends now"
        return None

    # -- fetch and draw ---------------------------------------------------------------

    async def fetch(self, chart: MetricChart, alarm: Alarm, *, utc: bool) -> bool:
        """GetMetricData for the window; loading, errors and "no metric" land in the chart
        pane, never a crash. True when the series came (then `draw` shows them)."""
        window = self.window
        self.show_title(chart, alarm)
        queries = chart_queries(alarm, period=chart_period(alarm.period_seconds or 60, window))
        if not queries:
            chart.show_text("", "This alarm has no metric to chart.")
            return False
        chart.show_loading(window, utc=utc)
        try:
            series = await self.metrics.metric_data(alarm.region, queries, window)
        except SourceError as exc:
            chart.show_error(window, f"{exc.message} {exc.hint}".strip(), utc=utc)
            return False
        except Exception as exc:  # never into Textual's crash screen
            chart.show_error(window, f"{type(exc).__name__}: {exc}", utc=utc)
            return False
        self.charted = (tuple(series), window, queries[0].period or alarm.period_seconds or 60)
        return True

    def show_title(self, chart: MetricChart, alarm: Alarm) -> None:
        """`Metric · 3h`, with which series of a metric-math alarm are shown."""
        title = f"Metric · {format_period(int(self.window.length.total_seconds()))}"
        shown = view_title(alarm, self.view)
        chart.border_title = f"{title} · {shown}" if shown else title

    def draw(self, chart: MetricChart, alarm: Alarm, *, utc: bool) -> None:
        """The series last fetched, in the current view (nothing before the first fetch)."""
        if self.charted is None:
            return
        series, window, period = self.charted
        chart.show(chart_data(alarm, series, window, period, view=self.view, utc=utc))
