"""The Logs Insights workbench: from an alarm's drill-down plan (`l`) or from scratch (`w`).

Top to bottom: where and when (region, window, log groups), the query editor, the status of
the running query (records and bytes scanned, its cost), a histogram of matches over the
window (a second query, `stats count(*) by bin(…)`, run alongside), and the results, streaming
in as GetQueryResults returns them. Before the first run the results area shows the plan:
which log groups and window were chosen, and why.

What the screen shows is one frozen `RunState` (workbench_state.py) in a reactive: keys and
workers make a new state, and `watch_state` renders it. `QueryRunner` (workbench_run.py) owns
the query workers; each box (time range, find, save, export, log groups, library, a record)
reads its own input and answers a typed value that the screen applies.

No orphaned queries: a new run, `esc`/`ctrl+c`, leaving the screen and quitting montui all stop
what this screen started (the feed remembers every query id until it has finished).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import datetime, tzinfo
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import ContentSwitcher, DataTable, Static

from montui.feeds.insights import LogsInsights
from montui.model.links import logs_insights_url
from montui.model.logs import QueryRun
from montui.model.records import replace
from montui.model.time_range import TimeRange
from montui.querybook import HistoryEntry, QueryBook, SavedQuery
from montui.sources.errors import MalformedQuery, SourceError
from montui.ui.clipboard import copy_and_tell
from montui.ui.inert import action_state
from montui.ui.screens.query_library import LibraryChoice
from montui.ui.screens.workbench_files import QueryFiles
from montui.ui.screens.workbench_run import QueryRunner
from montui.ui.screens.workbench_state import RunState, WorkbenchRequest
from montui.ui.screens.workbench_text import local_zone
from montui.ui.screens.workbench_timeline import timeline_steps
from montui.ui.screens.workbench_view import render_state
from montui.ui.timeline_steps import record_step
from montui.ui.widgets.breadcrumb import Breadcrumb
from montui.ui.widgets.key_bar import KeyBar
from montui.ui.widgets.query_editor import QueryEditor
from montui.ui.widgets.query_results import MatchHistogram, ResultsTable

DEFAULT_QUERY = "fields @timestamp, @message, @logStream\n| sort @timestamp desc\n| limit 200"


class QueryWorkbench(Screen[None]):
    """Write, run and read Logs Insights queries in one region."""

    CRUMB = "logs"
    """Its name in the breadcrumb (`ui/widgets/breadcrumb.py`)."""

    CSS_PATH = "workbench.tcss"
    HELP_FOOTNOTE = "In the results: ↑/↓ move, ←/→ scroll the columns, enter opens a row."

    BINDINGS = [
        Binding("ctrl+r", "run", "Run", id="run_query", priority=True,
                tooltip="Run the query (a running one is stopped first)"),
        Binding("ctrl+c", "stop", "Stop", id="stop_query", priority=True, show=False,
                tooltip="Stop the running query (StopQuery)"),
        Binding("ctrl+up", "recall(1)", "Earlier query", id="editor_recall_older", show=False,
                tooltip="The previous query from the history, into the editor"),
        Binding("ctrl+down", "recall(-1)", "Later query", id="editor_recall_newer", show=False,
                tooltip="The next query from the history; past the newest, your draft"),
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
                tooltip="Previous row with the highlighted term (none: a timeline note)"),
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

    state: reactive[RunState] = reactive(RunState, init=False)
    """What the screen shows; `watch_state` renders each new one."""

    def __init__(
        self,
        insights: LogsInsights,
        request: WorkbenchRequest,
        *,
        clock: Callable[[], datetime],
        book: QueryBook | None = None,
        zone: tzinfo | None = None,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        """`book`: the query history and saved queries (None: neither); `zone`: the local
        time zone (None: this machine's); `timer`: seconds, for how long a query has run."""
        super().__init__()
        self.insights = insights
        self.request = request
        self.clock = clock
        self.files = QueryFiles(self, book)
        self.runner = QueryRunner(self, insights, timer=timer)
        self.set_reactive(QueryWorkbench.state, RunState.opening(request, zone or local_zone()))

    def compose(self) -> ComposeResult:
        yield Breadcrumb()
        yield Static(id="wb-title")
        yield Static(id="wb-where")
        yield QueryEditor(self.request.query or DEFAULT_QUERY, id="wb-editor")
        yield Static(id="wb-status")
        yield MatchHistogram(id="wb-histogram")
        with ContentSwitcher(initial="wb-plan", id="wb-body"):
            with VerticalScroll(id="wb-plan"):
                yield Static(id="wb-plan-text")
            yield ResultsTable(id="wb-results")
        yield KeyBar()

    def on_mount(self) -> None:
        self._refresh_recall()
        self.query_one("#wb-plan", VerticalScroll).focus()
        render_state(self, None, self.state, now=self.clock())
        if self.request.alarm is not None:
            self._make_plan()

    # -- rendering ------------------------------------------------------------------------

    def watch_state(self, old: RunState, new: RunState) -> None:
        render_state(self, old, new, now=self.clock())
        for step in timeline_steps(old, new, self.clock()):
            record_step(self, step)

    def _editor(self) -> QueryEditor:
        return self.query_one(QueryEditor)

    def _body(self) -> VerticalScroll | ResultsTable:
        if self.query_one(ContentSwitcher).current == "wb-results":
            return self.query_one(ResultsTable)
        return self.query_one("#wb-plan", VerticalScroll)

    def mark_malformed(self, exc: MalformedQuery) -> None:
        """Mark where Logs Insights could not parse the query, and go to the editor."""
        self._editor().mark_error(exc.start, exc.end)
        self._editor().focus()

    # -- the plan -----------------------------------------------------------------------

    @work(exclusive=True, group="plan", exit_on_error=False)
    async def _make_plan(self) -> None:
        request = self.request
        assert request.alarm is not None
        now = self.clock()
        episode = request.episode
        if episode is None and request.last_episode is not None:
            episode = await request.last_episode(now)
        try:
            plan = await self.insights.drilldown_plan(
                request.alarm,
                children=request.children,
                episode=episode,
                rules=request.rules,
                now=now,
            )
        except SourceError as exc:
            self.state = self.state.plan_failed(exc.message, exc.hint)
            return
        if request.window is not None:
            plan = replace(plan, window=request.window)
        self.state = self.state.planned(plan)
        self._editor().set_query(self.state.templates[0])
        if plan.problem is not None:
            self._open_picker(plan.problem)

    # -- running and stopping -----------------------------------------------------------

    def action_run(self) -> None:
        query = self._editor().text.strip()
        if not query:
            hint = "write a query (e) or pick one from the history (h)"
            self.state = self.state.failed("The query is empty", hint)
            return
        state = self.state
        if not state.groups:
            self._open_picker("Pick the log groups to query first")
            return
        window = state.time_range.window(self.clock())
        run = QueryRun(query=query, groups=state.groups, start=window.start, end=window.end)
        self.runner.start(run)
        self.query_one(ResultsTable).focus()
        self._remember(run)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action_state(self, action, parameters)

    def inert_reason(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """Why stop or recall does nothing now (see `ui/inert.py`)."""
        if action == "stop" and not self.runner.busy:
            return "No query is running (ctrl+r runs one; q quits)"
        if action == "recall" and parameters and isinstance(parameters[0], int):
            return self._editor().recall_reason(parameters[0])
        return None

    def action_recall(self, step: int) -> None:
        """ctrl+↑/↓ anywhere on the screen: walk the query history in the editor."""
        editor = self._editor()
        editor.recall(step)
        editor.focus()

    def action_stop(self) -> None:
        if self.runner.busy:
            self.run_worker(self.runner.stop_all(), group="stop", exit_on_error=False)

    async def action_back(self) -> None:
        if self.state.running:
            await self.runner.stop_all()
            return
        if isinstance(self.app.focused, QueryEditor):
            self._body().focus()
            return
        await self.runner.stop_all()
        self.dismiss()

    async def on_unmount(self) -> None:
        await self.insights.stop_queries()

    # -- keys that change what is shown ---------------------------------------------------

    def action_edit(self) -> None:
        self._editor().focus()

    def action_toggle_utc(self) -> None:
        self.state = replace(self.state, utc=not self.state.utc)

    def action_time_range(self) -> None:
        from montui.ui.screens.query_prompts import TimeRangePrompt

        state = self.state

        def chosen(time_range: TimeRange | None) -> None:
            if time_range is not None:
                self.state = replace(self.state, time_range=time_range)

        box = TimeRangePrompt(state.time_range, clock=self.clock, tz=state.tz, utc=state.utc)
        self.app.push_screen(box, chosen)

    def action_highlight(self) -> None:
        from montui.ui.screens.query_prompts import FindPrompt

        def chosen(term: str | None) -> None:
            if term is None:
                return
            self.state = replace(self.state, term=term)
            if term and self.query_one(ResultsTable).jump(1) is None:
                self.notify(f"No row contains {term!r}")

        self.app.push_screen(FindPrompt(self.state.term), chosen)

    async def action_jump(self, step: int) -> None:
        term = self.state.term
        if not term and step < 0:  # N with nothing highlighted: the app-wide note
            await self.run_action("app.note")
            return
        if not term:
            self.notify("Nothing highlighted: / to find a term first")
            return
        if self.query_one(ResultsTable).jump(step) is None:
            self.notify(f"No row contains {term!r}")

    def _open_picker(self, note: str | None) -> None:
        from montui.ui.screens.log_groups import LogGroupPicker

        def picked(groups: tuple[str, ...] | None) -> None:
            if groups is not None:
                self.state = self.state.with_groups(groups)

        state = self.state
        self.app.push_screen(
            LogGroupPicker(self.insights, state.region, state.groups, note=note), picked
        )

    def action_groups(self) -> None:
        self._open_picker(None)

    def action_library(self) -> None:
        from montui.ui.screens.query_library import QueryLibrary

        book = self.files.book
        region = self.state.region

        def chosen(choice: LibraryChoice | None) -> None:
            if choice is None:
                return
            self._editor().set_query(choice.query)
            self.state = self.state.loaded(choice)
            self._editor().focus()

        library = QueryLibrary(
            book.history if book else (),
            book.saved if book else (),
            lambda: self.insights.query_definitions(region),
            tz=self.state.tz,
            on_delete=self.files.delete,
        )
        self.app.push_screen(library, chosen)

    def action_template(self) -> None:
        if len(self.state.templates) < 2:
            self.notify("This plan has one query template")
            return
        self._editor().set_query(self.state.next_template(self._editor().text.strip()))

    def action_next_region(self) -> None:
        if len(self.state.regions) < 2:
            self.notify(f"Only {self.state.region} is configured")
            return
        self.state = self.state.next_region()
        self.notify(f"Querying {self.state.region}: pick its log groups (g)")

    # -- keys that read what is shown --------------------------------------------------

    @on(DataTable.CellSelected, "#wb-results")
    def _cell_selected(self) -> None:
        from montui.ui.screens.log_record import LogRecordScreen

        table = self.query_one(ResultsTable)
        row = table.current_row()
        if row is not None:
            self.app.push_screen(LogRecordScreen(row, tz=self.state.tz, fields=table.fields))

    def action_copy_row(self) -> None:
        row = self.query_one(ResultsTable).current_row()
        if row is None:
            self.notify("No row selected")
            return
        shown = {k: v for k, v in row.items() if k != "@ptr"}
        copy_and_tell(self, json.dumps(shown, ensure_ascii=False), "row as JSON")

    def action_copy_cell(self) -> None:
        value = self.query_one(ResultsTable).current_cell()
        if value is None:
            self.notify("No cell selected")
            return
        copy_and_tell(self, value, "cell")

    def action_copy_url(self) -> None:
        state = self.state
        if not state.groups:
            self.notify("Pick log groups first (g)")
            return
        window = state.time_range.window(self.clock())
        url = logs_insights_url(state.region, self._editor().text, state.groups, window)
        copy_and_tell(self, url, "Logs Insights console URL")

    # -- the query history, saved queries and exports (written by `QueryFiles`) --------

    def _remember(self, run: QueryRun) -> None:
        entry = HistoryEntry(
            query=run.query,
            groups=run.groups,
            region=self.state.region,
            start=run.start,
            end=run.end,
            ran_at=self.clock(),
            relative=self.state.time_range.relative,
        )
        self.files.remember(entry, then=self._refresh_recall)

    def _refresh_recall(self) -> None:
        self._editor().recall_list = self.files.recall_list()

    def action_save(self) -> None:
        from montui.ui.screens.query_prompts import SaveQueryPrompt

        if self.files.book is None:
            self.notify("Saving queries is not available here", severity="warning")
            return
        query = self._editor().text.strip()
        if not query:
            self.notify("Nothing to save: the query is empty")
            return

        def chosen(saved: SavedQuery | None) -> None:
            if saved is not None:
                self.files.save(saved)

        self.app.push_screen(SaveQueryPrompt(query, self.state.groups), chosen)

    def action_export(self) -> None:
        from montui.ui.screens.query_prompts import ExportPrompt

        result = self.state.result
        if result is None or not result.rows:
            self.notify("No results to export yet")
            return

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.files.export(result, path)

        self.app.push_screen(ExportPrompt(self.clock()), chosen)
