"""One alarm, explained: its state and why, its condition in words, its metric around the last
transition (threshold and breaches drawn), its 14-day history and noise verdict, and for a
composite alarm the rule as a tree of its children.

The chart and the history load in their own workers (exclusive per pane, errors shown in the
pane; the chart's zoom, window, fetch and drawing are `alarm_detail_chart_pane.ChartPane`'s);
the composite tree reads the children's live states from the board's alarms. The page
follows the board: each poll the board publishes (`polled`) brings the alarm's new state,
reason and condition and the children's states in place, and the age ticks with the clock.

Focus starts on the page itself, so ↑/↓/PgUp/PgDn/Home/End scroll it from the moment it opens;
tab moves into a composite's tree (where ↑/↓ pick a child and enter opens it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from typing import TypeAlias

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.signal import Signal
from textual.widgets import Static

from montui.feeds.dbload import DbLoadFeed
from montui.feeds.history import AlarmHistory
from montui.feeds.insights import LogsInsights
from montui.feeds.metric_data import MetricData
from montui.model.alarm import Alarm, AlarmKind, AlarmState
from montui.model.alarm_family import AlarmLookup, direct_children
from montui.model.alarm_queries import input_ids
from montui.model.composite_rule import Rule, RuleSyntaxError, parse_rule, render
from montui.model.dbload_target import alarm_db_target
from montui.model.evaluation import Episode
from montui.model.history import HistoryItem, HistoryKind, alarm_episodes
from montui.model.metadata import AlarmMeta
from montui.model.metrics import TimeWindow
from montui.model.timeline import Step
from montui.sources.errors import SourceError
from montui.ui.inert import action_state
from montui.ui.screens.alarm_detail_chart import ChartView, key_label
from montui.ui.screens.alarm_detail_chart_pane import ChartPane
from montui.ui.screens.alarm_detail_panes import detail_dbload, detail_logs
from montui.ui.screens.alarm_detail_text import (
    HISTORY_SPAN,
    condition_in_words,
    config_text,
    history_summary,
    title_text,
)
from montui.ui.screens.workbench_text import episode_line, local_zone
from montui.ui.timeline_steps import record_step
from montui.ui.widgets.breadcrumb import Breadcrumb
from montui.ui.widgets.composite_tree import CompositeTree
from montui.ui.widgets.history_timeline import HistoryTimeline
from montui.ui.widgets.key_bar import KeyBar
from montui.ui.widgets.metric_chart import MetricChart
from montui.ui.widgets.sparkline import relabel

AlarmsPolled: TypeAlias = Signal[tuple[Alarm, ...]]
"""The board's signal: the alarms one region's poll just brought (see `BoardScreen.polled`)."""


class AlarmDetailScreen(Screen[None]):
    """Everything about one alarm; esc goes back to where it was opened from."""

    CRUMB = "alarm"
    """Its name in the breadcrumb (`ui/widgets/breadcrumb.py`)."""

    CSS_PATH = "alarm_detail.tcss"
    HELP_FOOTNOTE = (
        "↑/↓ PgUp/PgDn Home/End scroll the detail. A composite: tab moves to its rule's tree,\n"
        "where ↑/↓ pick a child and enter opens it; shift+tab goes back to scrolling.\n"
        "On the chart, x marks a breaching point."
    )

    BINDINGS = [
        Binding("escape", "back", "Back", id="back", tooltip="Back to the previous screen"),
        Binding("t", "tune", "Tune", id="tune",
                tooltip="Back-test the alarm over 14 days with other settings"),
        Binding("l", "logs", "Logs", id="drilldown_logs",
                tooltip="Logs Insights for this alarm: its log groups, its window"),
        Binding("d", "dbload", "DB load", id="detail_dbload",
                tooltip="Database load (Performance Insights) of this RDS alarm's instance, "
                "at the episode's window"),
        Binding("m", "chart_inputs", key_label(ChartView.COMPARED)[0], id="chart_inputs",
                tooltip=key_label(ChartView.COMPARED)[1]),
        Binding("i", "zoom(-1)", "Zoom in", id="zoom_in",
                tooltip="Chart a shorter window (1h 3h 12h 1d 3d 1w 2w)"),
        Binding("o", "zoom(1)", "Zoom out", id="zoom_out", tooltip="Chart a longer window"),
        Binding("p", "move(-1)", "Earlier", id="earlier",
                tooltip="Move the chart's window earlier by half its length"),
        Binding("n", "move(1)", "Later", id="later",
                tooltip="Move the chart's window later by half its length"),
        Binding("u", "toggle_utc", "UTC", id="toggle_utc", tooltip="Times in UTC / local time"),
        Binding("left_square_bracket", "episode(1)", "Earlier episode", id="episode_earlier",
                show=False, tooltip="Pick an earlier ALARM episode for l (the drill-down)"),
        Binding("right_square_bracket", "episode(-1)", "Later episode", id="episode_later",
                show=False, tooltip="Pick a later ALARM episode for l; past the last: the current"),
    ]  # fmt: skip

    def __init__(
        self,
        alarm: Alarm,
        *,
        metrics: MetricData,
        history: AlarmHistory,
        insights: LogsInsights,
        clock: Callable[[], datetime],
        lookup: AlarmLookup,
        meta: Callable[[Alarm], AlarmMeta] | None = None,
        utc: bool = False,
        polled: AlarmsPolled | None = None,
        dbload: DbLoadFeed | None = None,
        window: TimeWindow | None = None,
    ) -> None:
        """`window`: the shared investigation window the chart starts on (None: its default,
        the zoom that shows the last transition)."""
        super().__init__()
        self.dbload = dbload
        """The database load pane's feed (`d` on an RDS alarm; None: no such key)."""
        self.alarm = alarm
        self.polled = polled
        """The board's polls (None: a page that does not follow them)."""
        self.metrics = metrics
        self.history = history
        self.insights = insights
        self.clock = clock
        self.lookup = lookup
        self.meta = meta
        self.utc = utc
        self.chart = ChartPane(alarm, metrics, clock, window)
        """The chart's zoom, window and view, its fetch and drawing."""
        self.history_items: tuple[HistoryItem, ...] | None = None
        self.episode_back: int | None = None
        """The episode `l` drills into, counted back from the latest (None: the current)."""
        self._title_shown = ""
        self._at_latest = True
        self._tree_shown: tuple[Rule, dict[str, AlarmState]] | None = None

    def action_logs(self) -> None:
        detail_logs(self, self._chosen_episode())

    def action_dbload(self) -> None:
        if self.dbload is not None and alarm_db_target(self.alarm) is not None:
            detail_dbload(self, self.dbload, self._chosen_episode())

    def _episodes(self) -> tuple[Episode, ...]:
        if self.history_items is None:
            return ()
        now = self.clock()
        states = [i for i in self.history_items if i.kind is HistoryKind.STATE]
        return alarm_episodes(
            states, window_start=now - HISTORY_SPAN, now=now, current=self.alarm.state
        )

    def _chosen_episode(self) -> Episode | None:
        episodes = self._episodes()
        if self.episode_back is None or not episodes:
            return None
        return episodes[-1 - min(self.episode_back, len(episodes) - 1)]

    def action_episode(self, step: int) -> None:
        count = len(self._episodes())
        if not count:  # `inert_reason` says why
            return
        back = (-1 if self.episode_back is None else self.episode_back) + step
        self.episode_back = None if back < 0 else min(back, count - 1)
        self.query_one("#episode", Static).update(
            episode_line(self._chosen_episode(), self.episode_back, count, self._tz())
        )

    def _tz(self) -> tzinfo:
        return UTC if self.utc else local_zone()

    @property
    def is_composite(self) -> bool:
        return self.alarm.kind is AlarmKind.COMPOSITE

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that never apply to this alarm (a composite's chart and tune keys, `m` on an
        alarm without metric math) stay out of the key bar; keys inert only now (zoom at
        its limits, moves at the ends of the history) show dimmed. Pressed, both say why."""
        if self._never_applies(action):
            return False
        return action_state(self, action, parameters)

    def _never_applies(self, action: str) -> bool:
        if action == "chart_inputs":
            return not input_ids(self.alarm)
        if action == "dbload":
            return self.dbload is None or alarm_db_target(self.alarm) is None
        return self.is_composite and action in ("zoom", "move", "tune")

    def inert_reason(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """Why a chart or tune key does nothing now (see `ui/inert.py`)."""
        if action in ("zoom", "move", "tune") and self.is_composite:
            return "A composite alarm has no metric of its own: open a child (tab, enter)"
        if action == "chart_inputs" and not input_ids(self.alarm):
            return "m charts a metric math alarm's inputs; this alarm watches one metric"
        if action == "episode" and not self._episodes():
            return "No ALARM episode in the history to pick"
        step = parameters[0] if parameters and isinstance(parameters[0], int) else 0
        return self.chart.inert_reason(action, step)

    def crumb_detail(self) -> str | None:
        """What the breadcrumb names after `alarm`."""
        return self.alarm.name

    def compose(self) -> ComposeResult:
        yield Breadcrumb()
        with VerticalScroll(id="detail"):
            yield Static(id="title")
            yield Static(id="reason")
            yield Static(id="condition")
            if self.is_composite:
                yield Static("Rule (tab, then enter on a child opens it)", classes="section")
                yield CompositeTree(id="tree")
            else:
                yield MetricChart(id="chart")
            yield Static(id="config")
            yield Static("History, last 14 days", classes="section")
            yield Static("Loading history…", id="noise")
            yield Static(id="episode")
            yield HistoryTimeline(id="timeline")
        yield KeyBar()

    def on_mount(self) -> None:
        record_step(self, Step.alarm_opened(self.clock(), self.alarm))
        self.show_facts()
        if self.is_composite:
            self.show_tree()
        else:
            self.load_chart()
        self.load_history()
        # The page, not the tree, has the keys first: ↓ and PgDn scroll from the start.
        self.query_one("#detail", VerticalScroll).focus()
        if self.polled is not None:
            self.polled.subscribe(self, self.board_polled)
        self.set_interval(1.0, self.tick)

    def board_polled(self, alarms: tuple[Alarm, ...]) -> None:
        """A region's poll landed: take this alarm's new version, and the children's states."""
        fresh = next((a for a in alarms if a.key == self.alarm.key), None)
        if fresh is not None and fresh != self.alarm:
            moved = (fresh.state, fresh.in_state_since) != (
                self.alarm.state,
                self.alarm.in_state_since,
            )
            self.alarm = fresh
            self.show_facts()
            if moved:  # a new transition: the history and the episodes have one more
                self.load_history()
        if self.is_composite and any(a.region == self.alarm.region for a in alarms):
            self.show_tree()

    def tick(self) -> None:
        """Once a second: redraw the title when its age (`for 10m`) reads differently; the
        same length of text cannot wrap differently, so then without a layout pass. The key
        bar is redrawn when `n` (later) stops or starts being able to act."""
        at_latest = self.is_composite or self.chart.moved(1) is None
        if at_latest != self._at_latest:  # time moved on: `n` can act again (undimmed)
            self._at_latest = at_latest
            self.refresh_bindings()
        title = title_text(self.alarm, self.clock(), mono=self.app.no_color, utc=self.utc)
        if title.plain != self._title_shown:
            layout = len(title.plain) != len(self._title_shown)
            self._title_shown = title.plain
            self.query_one("#title", Static).update(title, layout=layout)

    # -- facts ------------------------------------------------------------------------

    def show_facts(self) -> None:
        alarm = self.alarm
        title = title_text(alarm, self.clock(), mono=self.app.no_color, utc=self.utc)
        self._title_shown = title.plain
        self.query_one("#title", Static).update(title)
        reason = alarm.state_reason.strip() or "(no reason given)"
        self.query_one("#reason", Static).update(Text(reason))
        condition = Text("Condition: ", style="bold")
        condition.append(condition_in_words(alarm))
        self.query_one("#condition", Static).update(condition)
        meta = self.meta(alarm) if self.meta else AlarmMeta()
        self.query_one("#config", Static).update(config_text(alarm, meta))

    # -- chart ------------------------------------------------------------------------

    @work(exclusive=True, group="chart", exit_on_error=False)
    async def load_chart(self) -> None:
        """GetMetricData for the window; the outcome lands in the chart pane, never a crash."""
        if await self.chart.fetch(self.query_one(MetricChart), self.alarm, utc=self.utc):
            self._draw_chart()

    def _draw_chart(self) -> None:
        self.chart.draw(self.query_one(MetricChart), self.alarm, utc=self.utc)

    def action_chart_inputs(self) -> None:
        """Metric math: chart the inputs instead of the expression, and back."""
        self.chart.view = self.chart.view.other()
        relabel(self, "chart_inputs", *key_label(self.chart.view))
        self.chart.show_title(self.query_one(MetricChart), self.alarm)
        self._draw_chart()

    def action_zoom(self, step: int) -> None:
        self.chart.zoom_by(step)
        self.load_chart()
        self.refresh_bindings()
        self._record_window()

    def action_move(self, direction: int) -> None:
        if not self.chart.move(direction):  # a press after the check: `inert_reason` said why
            return
        self.load_chart()
        self.refresh_bindings()
        self._record_window()

    def _record_window(self) -> None:
        window, alarm = self.chart.window, self.alarm
        what = f"the chart of {alarm.name}"
        step = Step.window_chosen(
            self.clock(), what, window.start, window.end, region=alarm.region, alarm=alarm.name
        )
        record_step(self, step)

    def action_toggle_utc(self) -> None:
        self.utc = not self.utc
        self.show_facts()
        if not self.is_composite:
            self.load_chart()
        self._show_history()

    # -- history ----------------------------------------------------------------------

    @work(exclusive=True, group="history", exit_on_error=False)
    async def load_history(self) -> None:
        now = self.clock()
        noise = self.query_one("#noise", Static)
        try:
            self.history_items = await self.history.history(self.alarm, now - HISTORY_SPAN, now)
        except SourceError as exc:
            noise.update(Text(f"Could not load the history: {exc.message}", style="bold"))
            return
        except Exception as exc:
            noise.update(Text(f"Could not load the history: {type(exc).__name__}: {exc}"))
            return
        self._show_history()

    def _show_history(self) -> None:
        if self.history_items is None:
            return
        now = self.clock()
        states = [i for i in self.history_items if i.kind is HistoryKind.STATE]
        self.query_one("#noise", Static).update(history_summary(states, self.alarm, now))
        count = len(self._episodes())
        self.query_one("#episode", Static).update(
            episode_line(self._chosen_episode(), self.episode_back, count, self._tz())
        )
        self.query_one(HistoryTimeline).show(self.history_items, now=now, utc=self.utc)

    # -- composite --------------------------------------------------------------------

    def child_states(self) -> dict[str, AlarmState]:
        found = direct_children(self.alarm, self.lookup)
        return {name: child.state for name, child in found.items()}

    def show_tree(self) -> None:
        tree = self.query_one(CompositeTree)
        try:
            rule = parse_rule(self.alarm.alarm_rule or "")
        except RuleSyntaxError as exc:
            tree.display = False
            self.query_one("#condition", Static).update(f"Rule does not parse: {exc}")
            return
        states = self.child_states()
        if (rule, states) == self._tree_shown:
            return  # nothing moved: no repaint
        self._tree_shown = (rule, states)
        line = tree.cursor_line
        tree.show(rule, states)
        tree.cursor_line = line
        tree.border_title = render(rule)

    @on(CompositeTree.ChildChosen)
    def _open_child(self, event: CompositeTree.ChildChosen) -> None:
        child = self.lookup(self.alarm.region, event.name)
        if child is None:
            self.notify(f"{event.name} is not on the board (another region or account?)")
            return
        self.app.push_screen(
            AlarmDetailScreen(
                child, metrics=self.metrics, history=self.history, insights=self.insights,
                clock=self.clock, lookup=self.lookup, meta=self.meta, utc=self.utc,
                polled=self.polled, dbload=self.dbload,
            )
        )  # fmt: skip

    # -- keys -------------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss()

    def action_tune(self) -> None:
        from montui.ui.screens.tune import TuneScreen

        self.app.push_screen(TuneScreen(self.alarm, self.metrics, clock=self.clock))
