"""An alarm's metric over a time window: the series, the threshold, breaches, the last transition.

Drawn with textual-plotext (Plotext inside a Textual widget). The x axis is minutes from the
window's start, labelled with clock times (local or UTC); a message replaces the plot while
loading, on an error, and when the window holds no datapoints.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from msgspec import Struct
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static
from textual_plotext import PlotextPlot

from montui.model.duration import format_period
from montui.model.metrics import MetricSeries, TimeWindow

_TICKS = 5
SERIES_MARKERS = ("hd", "braille", "+", "o", "*", "#")
"""One plotext marker per drawn series, so each reads apart without colour (and its legend
shows the same glyph); `x` is kept for the breaching points."""


class ChartData(Struct, frozen=True):
    """Everything one drawing of the chart needs."""

    series: tuple[MetricSeries, ...]
    window: TimeWindow
    period: int
    thresholds: tuple[float, ...] = ()
    breaching: Callable[[float], bool] | None = None
    """Whether a value of the compared series breaches; None when it cannot be told."""
    compared_id: str | None = None
    """The id of the series the alarm compares (breaches are marked on it only)."""
    transition: datetime | None = None
    unit: str | None = None
    utc: bool = False


def clock_label(moment: datetime, *, utc: bool, with_day: bool) -> str:
    """`03:30` or `11-21 03:30`, in UTC or the machine's local time zone."""
    shown = moment.astimezone(UTC) if utc else moment.astimezone()
    return shown.strftime("%m-%d %H:%M" if with_day else "%H:%M")


def window_label(window: TimeWindow, *, utc: bool) -> str:
    """`11-21 00:30 → 03:30 UTC` (local: the zone's abbreviation)."""
    long = window.length > timedelta(hours=20)
    start = clock_label(window.start, utc=utc, with_day=True)
    end = clock_label(window.end, utc=utc, with_day=long)
    zone = "UTC" if utc else (window.end.astimezone().tzname() or "local")
    return f"{start} → {end} {zone}"


class MetricChart(Vertical):
    """A title line, the plot, and a message line used instead of the plot when needed."""

    DEFAULT_CSS = """
    MetricChart {
        height: 16;
        border: round $panel-lighten-2;
        border-title-color: $text-muted;
        padding: 0 0;
    }
    MetricChart > #chart-title { height: 1; padding: 0 1; color: $text-muted; }
    MetricChart > PlotextPlot { height: 1fr; }
    MetricChart > #chart-message { height: 1fr; padding: 1 2; color: $text-muted; }
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="chart-title")
        yield PlotextPlot(id="chart-plot")
        yield Static("Loading metric data…", id="chart-message")

    shown: ChartData | None = None
    """What the plot last drew (None while a message is shown)."""
    legend: tuple[tuple[str, str], ...] = ()
    """(series id, plotext marker) of each drawn series."""

    def on_mount(self) -> None:
        self.border_title = "Metric"
        self.query_one(PlotextPlot).display = False

    @property
    def message(self) -> str:
        """The message shown in place of the plot ('' while the plot is shown)."""
        box = self.query_one("#chart-message", Static)
        return str(box.render()) if box.display else ""

    def _say(self, title: str, message: str, style: str = "") -> None:
        self.query_one("#chart-title", Static).update(title)
        box = self.query_one("#chart-message", Static)
        box.update(Text(message, style=style))
        box.display = True
        self.query_one(PlotextPlot).display = False
        self.shown, self.legend = None, ()

    def show_loading(self, window: TimeWindow, *, utc: bool) -> None:
        self._say(window_label(window, utc=utc), "Loading metric data…")

    def show_error(self, window: TimeWindow, message: str, *, utc: bool) -> None:
        """A failed fetch: the message in the pane (the rest of the screen keeps working)."""
        self._say(window_label(window, utc=utc), f"Could not load the metric: {message}", "bold")

    def show_text(self, title: str, message: str) -> None:
        self._say(title, message)

    def show(self, data: ChartData) -> None:
        title = f"{window_label(data.window, utc=data.utc)} · period {format_period(data.period)}"
        if data.unit:
            title += f" · {data.unit}"
        if all(s.is_empty() for s in data.series):
            self._say(title, "No datapoints in this window. Zoom out (o) or move earlier (p).")
            return
        self.query_one("#chart-title", Static).update(title)
        self.query_one("#chart-message", Static).display = False
        plot = self.query_one(PlotextPlot)
        plot.display = True
        self._draw(plot, data)
        self.shown = data
        plot.refresh()

    def _draw(self, plot: PlotextPlot, data: ChartData) -> None:
        plt = plot.plt
        plt.clear_figure()
        start = data.window.start

        def x_of(moment: datetime) -> float:
            return (moment - start).total_seconds() / 60

        span = x_of(data.window.end)
        with_day = data.window.length > timedelta(hours=20)
        ticks = [span * i / (_TICKS - 1) for i in range(_TICKS)]
        labels = [
            clock_label(start + timedelta(minutes=t), utc=data.utc, with_day=with_day)
            for t in ticks
        ]
        drawn = [s for s in data.series if not s.is_empty()]
        self.legend = tuple(
            (s.id, SERIES_MARKERS[i % len(SERIES_MARKERS)]) for i, s in enumerate(drawn)
        )
        for index, series in enumerate(drawn):
            xs = [x_of(t) for t in series.timestamps]
            label = series.label[:24] if len(drawn) > 1 else None
            marker = SERIES_MARKERS[index % len(SERIES_MARKERS)]
            plt.plot(xs, list(series.values), marker=marker, label=label)
            if data.breaching is not None and series.id == data.compared_id:
                hits = [(x, v) for x, v in zip(xs, series.values, strict=True) if data.breaching(v)]
                if hits:
                    plt.scatter([x for x, _ in hits], [v for _, v in hits], marker="x", color="red")
        for threshold in data.thresholds:
            plt.hline(threshold, "red")
        if data.transition is not None and data.window.contains(data.transition):
            plt.vline(x_of(data.transition), "yellow")
        plt.xlim(0, span)
        plt.xticks(ticks, labels)
        if data.unit and data.unit != "None":
            plt.ylabel(data.unit)
