"""Tune: replay an alarm over its last 14 days of metric data, as it is and as edited.

The replay is `model.tuning.backtest` (over `model.evaluation.replay`, the same evaluator the
local AWS world moves its alarms with). Nothing is changed in AWS: the screen prints the
`aws cloudwatch put-metric-alarm` command for the proposed settings, and `ctrl+y` copies it
(OSC 52). Both replays are drawn as 14-day strips, current above proposed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Select, Static

from montui.feeds.metric_data import MetricData
from montui.model.alarm import Alarm, operator_symbol
from montui.model.alarm_queries import chart_queries
from montui.model.duration import format_age, format_period
from montui.model.evaluation import COMPARISONS, TREAT_MISSING_DATA, AlarmSettings
from montui.model.metrics import TimeWindow, aligned_start
from montui.model.records import replace
from montui.model.text import counted
from montui.model.tuning import BacktestResult, backtest, exact_number, put_metric_alarm_command
from montui.sources.errors import SourceError
from montui.ui.clipboard import copy_and_tell
from montui.ui.widgets.breadcrumb import Breadcrumb
from montui.ui.widgets.episode_strip import EpisodeStrip, StripRow
from montui.ui.widgets.key_bar import KeyBar

SPAN = timedelta(days=14)
TAGS_NOTE = (
    "Tags are not part of PutMetricAlarm: AWS keeps the alarm's tags. Every other setting is "
    "repeated as it is."
)

Points = dict[datetime, float]


def outcome_text(title: str, settings: AlarmSettings, result: BacktestResult) -> Text:
    """Episodes, time in ALARM and when the latest started, for one set of settings (the
    strip below shows them all)."""
    text = Text()
    text.append(f"{title}\n", style="bold")
    m, n = settings.datapoints_to_alarm, settings.evaluation_periods
    text.append(
        f"{operator_symbol(settings.comparison)} {exact_number(settings.threshold)} · {m} of {n}"
        f" × {format_period(settings.period)} · missing: {settings.treat_missing_data}\n",
        style="dim",
    )
    text.append(counted(result.episodes, "ALARM episode"), style="bold")
    text.append(f", {format_age(result.time_in_alarm.total_seconds())} in ALARM\n")
    if result.starts:
        text.append(f"latest {result.starts[-1].astimezone(UTC):%a %m-%d %H:%M} UTC", style="dim")
    text.rstrip()
    return text


class TuneScreen(Screen[None]):
    """Current settings and edited ones, replayed side by side over 14 days."""

    CRUMB = "tune"
    """Its name in the breadcrumb (`ui/widgets/breadcrumb.py`)."""

    CSS_PATH = "tune.tcss"
    HELP_FOOTNOTE = (
        "tab / shift+tab move between the settings; enter in a field replays. "
        "montui changes nothing: it prints the put-metric-alarm command."
    )

    BINDINGS = [
        Binding("escape", "back", "Back", id="back", tooltip="Back to the previous screen"),
        Binding("ctrl+r", "run", "Replay", id="run_backtest",
                tooltip="Replay the 14 days again with the edited settings"),
        Binding("ctrl+y", "copy_command", "Copy command", id="copy_command",
                tooltip="Copy the put-metric-alarm command (OSC 52)"),
    ]  # fmt: skip

    def __init__(self, alarm: Alarm, metrics: MetricData, *, clock: Callable[[], datetime]) -> None:
        super().__init__()
        self.alarm = alarm
        self.metrics = metrics
        self.clock = clock
        self.current = AlarmSettings.from_alarm(alarm)
        self.points: dict[int, Points] = {}
        self.end = clock()
        self.command: str | None = None

    def compose(self) -> ComposeResult:
        yield Breadcrumb()
        current = self.current
        with VerticalScroll(id="tune"):
            yield Static(Text(f"Tune {self.alarm.name}: replay of the last 14 days", "bold"))
            if current is None:
                yield Static("This alarm has no threshold settings montui can replay.")
            else:
                with Horizontal(id="form"):
                    yield Input(exact_number(current.threshold), id="threshold", type="number")
                    yield Select(
                        [(f"{operator_symbol(c)} {c}", c) for c in sorted(COMPARISONS)],
                        value=current.comparison, allow_blank=False, id="comparison",
                    )  # fmt: skip
                with Horizontal(id="form2"):
                    yield Input(str(current.period), id="period", type="integer")
                    yield Input(str(current.datapoints_to_alarm), id="m", type="integer")
                    yield Input(str(current.evaluation_periods), id="n", type="integer")
                    yield Select(
                        [(t, t) for t in sorted(TREAT_MISSING_DATA)],
                        value=current.treat_missing_data, allow_blank=False, id="missing",
                    )  # fmt: skip
                yield Static("", id="problem")
                with Horizontal(id="results"):
                    yield Static("Loading 14 days of metric data…", id="current")
                    yield Static("", id="proposed")
                yield EpisodeStrip(id="strip")
                yield Static(
                    "Command for the proposed settings (ctrl+y copies; montui changes nothing):"
                )
                yield Static("", id="command")
                yield Static(TAGS_NOTE, id="tags-note")
        yield KeyBar()

    def on_mount(self) -> None:
        for box, title in (
            ("#threshold", "threshold"), ("#comparison", "comparison"), ("#period", "period s"),
            ("#m", "M (to alarm)"), ("#n", "N (evaluated)"), ("#missing", "missing data"),
        ):  # fmt: skip
            for widget in self.query(box):
                widget.border_title = title
        if self.current is not None:
            self.run_backtest()

    def proposed(self) -> AlarmSettings:
        """The edited settings; raises ValueError naming the problem."""
        assert self.current is not None
        try:
            threshold = float(self.query_one("#threshold", Input).value)
            period = int(self.query_one("#period", Input).value)
            m = int(self.query_one("#m", Input).value)
            n = int(self.query_one("#n", Input).value)
        except ValueError:
            raise ValueError("threshold, period, M and N must be numbers") from None
        if period % 60 and period not in (10, 20, 30):
            raise ValueError("the period must be 10, 20, 30 or a multiple of 60 seconds")
        return replace(
            self.current,
            threshold=threshold,
            comparison=str(self.query_one("#comparison", Select).value),
            period=period,
            evaluation_periods=n,
            datapoints_to_alarm=m,
            treat_missing_data=str(self.query_one("#missing", Select).value),
        )

    async def _points(self, period: int) -> Points:
        """The compared series over the 14 days at `period`, fetched once per period."""
        if period not in self.points:
            queries = chart_queries(self.alarm, period=period)
            window = TimeWindow(aligned_start(self.end - SPAN, period), self.end)
            series = await self.metrics.metric_data(self.alarm.region, queries, window)
            returned = self.alarm.returned_query
            wanted = returned.id if returned else (queries[0].id if queries else "")
            chosen = next((s for s in series if s.id == wanted), None)
            self.points[period] = dict(chosen.points()) if chosen else {}
        return self.points[period]

    @work(exclusive=True, group="backtest", exit_on_error=False)
    async def run_backtest(self) -> None:
        assert self.current is not None
        problem = self.query_one("#problem", Static)
        try:
            proposed = self.proposed()
        except ValueError as exc:
            problem.update(Text(str(exc), style="bold"))
            return
        problem.update("")
        try:
            current_points = await self._points(self.current.period)
            proposed_points = await self._points(proposed.period)
        except SourceError as exc:
            problem.update(Text(f"Could not load the metric: {exc.message}", style="bold"))
            return
        except Exception as exc:
            problem.update(Text(f"Could not load the metric: {type(exc).__name__}: {exc}"))
            return
        start = self.end - SPAN
        now = backtest(
            self.current, current_points, aligned_start(start, self.current.period), self.end
        )
        then = backtest(proposed, proposed_points, aligned_start(start, proposed.period), self.end)
        self.query_one("#current", Static).update(
            outcome_text("Current settings", self.current, now)
        )
        self.query_one("#proposed", Static).update(
            outcome_text("Proposed settings", proposed, then)
        )
        self.query_one(EpisodeStrip).show(
            [StripRow("current", now.transitions), StripRow("proposed", then.transitions)],
            start,
            self.end,
        )
        self.command = put_metric_alarm_command(self.alarm, proposed)
        # Text, not markup: a description's `[next business day]` is not a style tag.
        self.query_one("#command", Static).update(Text(self.command))

    @on(Input.Submitted)
    @on(Select.Changed)
    def _edited(self) -> None:
        if self.current is not None and self.is_mounted:
            self.run_backtest()

    def action_run(self) -> None:
        if self.current is not None:
            self.run_backtest()

    def action_copy_command(self) -> None:
        """Copy the printed command to the engineer's clipboard."""
        if self.command is None:
            self.notify("No command yet: the replay has not finished.", severity="warning")
            return
        shown = f"{len(self.command)} characters, for the proposed settings."
        copy_and_tell(self, self.command, "put-metric-alarm command", shown=shown)

    def action_back(self) -> None:
        self.dismiss()
