"""The Logs Insights workbench: from an alarm's drill-down plan (`l`) or from scratch (`w`).

Top to bottom: where and when (region, window, log groups), the query editor, the status of
the running query (records and bytes scanned, its cost), a histogram of matches over the
window (a second query, `stats count(*) by bin(…)`, run alongside), and the results, streaming
in as GetQueryResults returns them. Before the first run the results area shows the plan:
which log groups and window were chosen, and why.

No orphaned queries: a new run, `esc`/`ctrl+c`, leaving the screen and quitting montui all stop
what this screen started (the feed remembers every query id until it has finished).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import aclosing
from dataclasses import replace
from datetime import datetime, timedelta, tzinfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import ContentSwitcher, DataTable, Static

from montui.model.alarm import Alarm, AlarmState
from montui.model.drilldown import DrilldownPlan, DrilldownRule
from montui.model.duration import parse_duration
from montui.model.evaluation import Episode
from montui.model.histogram import histogram_bin, histogram_query
from montui.model.history import alarm_episodes
from montui.model.logs import QueryResult, QueryRun, QueryStatus
from montui.model.metrics import TimeWindow
from montui.model.time_range import TimeRange
from montui.querybook import QueryBook
from montui.sources.errors import SourceError
from montui.ui.feed import AlarmFeed
from montui.ui.screens.workbench_actions import WorkbenchActions
from montui.ui.screens.workbench_text import (
    local_zone,
    one_command_per_line,
    plan_text,
    range_text,
    status_text,
    title_text,
    welcome_text,
)
from montui.ui.widgets.key_bar import KeyBar
from montui.ui.widgets.query_editor import QueryEditor
from montui.ui.widgets.query_results import MatchHistogram, ResultsTable, histogram_counts

DEFAULT_QUERY = "fields @timestamp, @message, @logStream\n| sort @timestamp desc\n| limit 200"
DEFAULT_RANGE = TimeRange(relative=3600)
EPISODE_LOOKUP = timedelta(days=1)
"""How far back `l` on an alarm not in ALARM looks for its last episode."""


class QueryWorkbench(WorkbenchActions):
    """Write, run and read Logs Insights queries in one region."""

    CSS_PATH = "workbench.tcss"
    HELP_FOOTNOTE = "In the results: ↑/↓ move, ←/→ scroll the columns, enter opens a row."

    BINDINGS = [
        Binding("ctrl+r", "run", "Run", id="run_query", priority=True,
                tooltip="Run the query (a running one is stopped first)"),
        Binding("ctrl+c", "stop", "Stop", id="stop_query", priority=True, show=False,
                tooltip="Stop the running query (StopQuery)"),
        Binding("escape", "back", "Back", id="back",
                tooltip="Stop the running query; leave the editor; back (stops every query)"),
        Binding("enter", "run", "Run", id="run_plan", show=False,
                tooltip="On the plan: run it. On a row: open it"),
        Binding("e", "edit", "Edit", id="edit_query", tooltip="Edit the query (esc: done)"),
        Binding("g", "groups", "Groups", id="pick_groups",
                tooltip="Pick log groups (prefix search, up to 50)"),
        Binding("t", "time_range", "Time", id="time_range",
                tooltip="Time range: 15m, 3h, 2d, or START/END in ISO-8601"),
        Binding("u", "toggle_utc", "UTC", id="toggle_utc", tooltip="Times in UTC / local time"),
        Binding("slash", "highlight", "Find", id="highlight",
                tooltip="Highlight a term in the results (n/N jump)"),
        Binding("n", "jump(1)", "Next", id="next_match", show=False,
                tooltip="Next row with the highlighted term"),
        Binding("N", "jump(-1)", "Prev", id="previous_match", show=False,
                tooltip="Previous row with the highlighted term"),
        Binding("h", "library", "History", id="query_library",
                tooltip="Query history, saved queries, the account's saved queries"),
        Binding("S", "save", "Save", id="save_query", show=False,
                tooltip="Save the query (and its groups) under a name"),
        Binding("T", "template", "Template", id="next_template", show=False,
                tooltip="The plan's other query templates (Lambda: REPORT statistics)"),
        Binding("x", "export", "Export", id="export_results", show=False,
                tooltip="Export the results to a .csv, .jsonl or .json file"),
        Binding("y", "copy_row", "Copy row", id="copy_row", show=False,
                tooltip="Copy the selected row as JSON"),
        Binding("c", "copy_cell", "Copy cell", id="copy_cell", show=False,
                tooltip="Copy the selected cell"),
        Binding("o", "copy_url", "Console URL", id="copy_insights_url", show=False,
                tooltip="Copy a console URL that opens this query, groups and window"),
        Binding("R", "next_region", "Region", id="next_region", show=False,
                tooltip="Query the next configured region"),
    ]  # fmt: skip

    def __init__(
        self,
        feed: AlarmFeed,
        *,
        region: str,
        regions: Sequence[str] = (),
        clock: Callable[[], datetime],
        book: QueryBook | None = None,
        alarm: Alarm | None = None,
        children: Mapping[str, Alarm] | None = None,
        rules: Sequence[DrilldownRule] = (),
        episode: Episode | None = None,
        query: str | None = None,
        groups: Sequence[str] = (),
        time_range: TimeRange | None = None,
        utc: bool = False,
        zone: tzinfo | None = None,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.feed = feed
        self.aws_region = region
        self.regions = tuple(regions) or (region,)
        self.clock = clock
        self.book = book
        self.alarm = alarm
        self.family = dict(children or {})
        self.rules = tuple(rules)
        self.episode = episode
        self.initial_query = query
        self.groups: tuple[str, ...] = tuple(groups)
        self.time_range = time_range or DEFAULT_RANGE
        self.utc = utc
        self.local = zone or local_zone()
        self.timer = timer
        """Seconds, for how long a query has run (tests pass a still one)."""
        self.plan: DrilldownPlan | None = None
        self.templates: tuple[str, ...] = ()
        self.result: QueryResult | None = None
        self.last_run: QueryRun | None = None
        self.running = False
        self.started_at = 0.0
        self.elapsed = 0.0
        self.failure: tuple[str, str] | None = None
        self.stopped = False
        self.term = ""
        self.histogram_bytes = 0.0

    def compose(self) -> ComposeResult:
        yield Static(id="wb-title")
        yield Static(id="wb-where")
        yield QueryEditor(self.initial_query or DEFAULT_QUERY, id="wb-editor")
        yield Static(id="wb-status")
        yield MatchHistogram(id="wb-histogram")
        with ContentSwitcher(initial="wb-plan", id="wb-body"):
            with VerticalScroll(id="wb-plan"):
                yield Static(id="wb-plan-text")
            yield ResultsTable(id="wb-results")
        yield KeyBar()

    def on_mount(self) -> None:
        self._editor().recall_list = self._recall_list()
        self.query_one("#wb-plan", VerticalScroll).focus()
        if self.alarm is not None:
            self._show_plan_text(Text("Working out the drill-down plan…", style="dim"))
            self._make_plan()
        else:
            self._show_plan_text(welcome_text(bool(self.groups)))
        self._refresh_texts()

    # -- the plan -----------------------------------------------------------------------

    @work(exclusive=True, group="plan", exit_on_error=False)
    async def _make_plan(self) -> None:
        alarm = self.alarm
        assert alarm is not None
        now = self.clock()
        episode = self.episode
        if episode is None and alarm.state is not AlarmState.ALARM:
            episode = await self._last_episode(alarm, now)
        try:
            plan = await self.feed.drilldown_plan(
                alarm, children=self.family, episode=episode, rules=self.rules, now=now
            )
        except SourceError as exc:
            self.failure = (f"No drill-down plan: {exc.message}", exc.hint)
            self._show_plan_text(Text(f"{exc.message}\n{exc.hint}", style="red"))
            self._refresh_texts()
            return
        self._apply_plan(plan)

    async def _last_episode(self, alarm: Alarm, now: datetime) -> Episode | None:
        """The last ALARM episode of the past day (None: none, or the history failed)."""
        try:
            items = await self.feed.history(alarm, now - EPISODE_LOOKUP, now)
        except SourceError:
            return None
        episodes = alarm_episodes(
            items, window_start=now - EPISODE_LOOKUP, now=now, current=alarm.state
        )
        return episodes[-1] if episodes else None

    def _apply_plan(self, plan: DrilldownPlan) -> None:
        self.plan = plan
        self.groups = plan.log_groups
        self.time_range = TimeRange.absolute(plan.window)
        self.templates = tuple(one_command_per_line(q) for q in (plan.query, *plan.alternatives))
        self._editor().set_query(self.templates[0])
        self._show_plan()
        self._refresh_texts()
        if plan.problem is not None:
            self._open_picker(plan.problem)

    # -- running ------------------------------------------------------------------------

    def action_run(self) -> None:
        query = self._editor().text.strip()
        if not query:
            self._fail("The query is empty", "write a query (e) or pick one from the history (h)")
            return
        if not self.groups:
            self._open_picker("Pick the log groups to query first")
            return
        window = self.time_range.window(self.clock())
        run = QueryRun(query=query, groups=self.groups, start=window.start, end=window.end)
        self.last_run = run
        self.failure = None
        self.stopped = False
        self.result = None
        self.histogram_bytes = 0.0
        self.running = True
        self.started_at = self.timer()
        self.query_one(ResultsTable).reset()
        self.query_one(ContentSwitcher).current = "wb-results"
        self.query_one(ResultsTable).focus()
        self._refresh_texts()
        self._run_query(run)
        self._run_histogram(run)
        self._remember(run)

    @work(exclusive=True, group="query", exit_on_error=False)
    async def _run_query(self, run: QueryRun) -> None:
        try:
            async with aclosing(self.feed.run_query(self.aws_region, run)) as results:
                async for snapshot in results:
                    self._take(snapshot)
        except SourceError as exc:
            self._query_error(exc)
        except asyncio.CancelledError:
            self.running = False
            self.stopped = True
            self._refresh_texts()
            raise
        except Exception as exc:  # an unexpected answer: shown, the app keeps going
            self._fail(f"The query failed unexpectedly: {exc!r}", "try again, or report it")
        finally:
            self.running = False
            self.elapsed = self.timer() - self.started_at
            self._refresh_texts()

    def _take(self, snapshot: QueryResult) -> None:
        self.result = snapshot
        self.elapsed = self.timer() - self.started_at
        self.query_one(ResultsTable).show(snapshot, tz=self.tz, term=self.term)
        if snapshot.status in (QueryStatus.FAILED, QueryStatus.TIMEOUT):
            self.failure = (
                f"The query ended {snapshot.status.value}",
                "narrow the window or the log groups, and run it again",
            )
        self._refresh_texts()

    def _query_error(self, exc: SourceError) -> None:
        start = getattr(exc, "start", None)
        if isinstance(start, int) or type(exc).__name__ == "MalformedQuery":
            end = getattr(exc, "end", None)
            self._editor().mark_error(start, end if isinstance(end, int) else None)
            self._editor().focus()
        self._fail(exc.message, exc.hint)

    def _fail(self, message: str, hint: str) -> None:
        self.failure = (message, hint)
        self._refresh_texts()

    @work(exclusive=True, group="histogram", exit_on_error=False)
    async def _run_histogram(self, run: QueryRun) -> None:
        histogram = self.query_one(MatchHistogram)
        window = TimeWindow(run.start, run.end)
        query = histogram_query(run.query, window)
        if query is None:
            histogram.note("no histogram: the query aggregates (stats) itself")
            return
        label = histogram_bin(window)
        seconds = parse_duration(label)
        histogram.note("matches: counting…")
        try:
            async with aclosing(
                self.feed.run_query(self.aws_region, replace(run, query=query))
            ) as rs:
                async for snapshot in rs:
                    histogram.show(histogram_counts(snapshot, window, seconds), label)
                    self.histogram_bytes = snapshot.statistics.bytes_scanned
                    self._refresh_texts()
        except SourceError as exc:
            if type(exc).__name__ != "MalformedQuery":
                histogram.note(f"no histogram: {exc.message}")
            else:
                histogram.note("")

    def action_stop(self) -> None:
        if self.running or self._busy("histogram"):
            self.run_worker(self._stop_all(), group="stop", exit_on_error=False)

    async def _stop_all(self) -> None:
        """Cancel this screen's query workers (each stops its query) and stop anything the
        feed still counts as running."""
        was_running = self.running
        workers = [
            w for w in self.workers if w.group in ("query", "histogram") and not w.is_finished
        ]
        for worker in workers:
            worker.cancel()  # each worker's generator stops its own query on the way out
        try:
            await self.feed.stop_queries()
        except SourceError as exc:
            self.notify(f"Could not stop a query: {exc.message}", severity="error")
        if was_running:
            self.running = False
            self.stopped = True
            self._refresh_texts()

    def _busy(self, group: str) -> bool:
        return any(w.group == group and not w.is_finished for w in self.workers)

    async def action_back(self) -> None:
        if self.running:
            await self._stop_all()
            return
        if isinstance(self.app.focused, QueryEditor):
            self._body().focus()
            return
        await self._stop_all()
        self.dismiss()

    async def on_unmount(self) -> None:
        await self.feed.stop_queries()

    # -- texts ----------------------------------------------------------------------------

    def _refresh_texts(self) -> None:
        if not self.query("#wb-title"):
            return  # not composed yet
        window = self.time_range.window(self.clock())
        self.query_one("#wb-title", Static).update(
            title_text(self.aws_region, self.alarm, self.time_range, window, self.tz)
        )
        self.query_one("#wb-where", Static).update(range_text(self.groups))
        self.query_one("#wb-status", Static).update(
            status_text(
                result=self.result,
                running=self.running,
                stopped=self.stopped,
                failure=self.failure,
                elapsed=self.elapsed,
                planned=self.plan is not None and self.last_run is None,
                term=self.term,
                matches=len(self.query_one(ResultsTable).matching()) if self.term else 0,
                histogram_bytes=self.histogram_bytes,
            )
        )

    def _show_plan_text(self, text: Text) -> None:
        self.query_one("#wb-plan-text", Static).update(text)
        self.query_one(ContentSwitcher).current = "wb-plan"

    def _show_plan(self) -> None:
        if self.plan is not None:
            self._show_plan_text(plan_text(self.plan, self.alarm, self.tz))

    def _body(self) -> VerticalScroll | ResultsTable:
        if self.query_one(ContentSwitcher).current == "wb-results":
            return self.query_one(ResultsTable)
        return self.query_one("#wb-plan", VerticalScroll)

    # -- keys: editing and picking (time, find, library, save, export, copy: the mixin) --

    def action_edit(self) -> None:
        self._editor().focus()

    def action_toggle_utc(self) -> None:
        self.utc = not self.utc
        table = self.query_one(ResultsTable)
        if table.records:
            table.restyle(tz=self.tz, term=self.term)
        if self.plan is not None and self.last_run is None:
            self._show_plan()
        self._refresh_texts()

    def action_jump(self, step: int) -> None:
        if not self.term:
            self.notify("Nothing highlighted: / to find a term first")
            return
        if self.query_one(ResultsTable).jump(step) is None:
            self.notify(f"No row contains {self.term!r}")

    @on(DataTable.CellSelected, "#wb-results")
    def _cell_selected(self) -> None:
        self._open_record()
