"""The workbench's keys that open a box or leave the app's state alone: time range, find,
history and saved queries, save, export, copy, log groups, templates, region.

A base class of `QueryWorkbench` (screens/workbench.py), which owns the state and the query
workers; split out to keep each file about one thing.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from textual import work
from textual.screen import Screen

from montui.feeds.insights import LogsInsights
from montui.model.alarm import Alarm
from montui.model.drilldown import DrilldownPlan
from montui.model.links import logs_insights_url
from montui.model.logs import QueryDefinition, QueryResult, QueryRun
from montui.model.result_format import export_format, rows_as_csv, rows_as_json, rows_as_jsonl
from montui.model.time_range import TimeRange, format_time_range_input, parse_time_range
from montui.querybook import HistoryEntry, QueryBook, QueryBookError, SavedQuery
from montui.ui.clipboard import copy_and_tell
from montui.ui.widgets.query_editor import QueryEditor
from montui.ui.widgets.query_results import ResultsTable


class WorkbenchActions(Screen[None]):
    """State the actions read; `QueryWorkbench` sets it and implements the hooks."""

    insights: LogsInsights
    aws_region: str
    regions: tuple[str, ...]
    clock: Callable[[], datetime]
    book: QueryBook | None
    alarm: Alarm | None
    groups: tuple[str, ...]
    time_range: TimeRange
    plan: DrilldownPlan | None
    templates: tuple[str, ...]
    result: QueryResult | None
    last_run: QueryRun | None
    utc: bool
    local: tzinfo
    term: str

    @property
    def tz(self) -> tzinfo:
        return UTC if self.utc else self.local

    def _refresh_texts(self) -> None:
        raise NotImplementedError

    def _show_plan(self) -> None:
        raise NotImplementedError

    def _editor(self) -> QueryEditor:
        return self.query_one(QueryEditor)

    # -- the query history --------------------------------------------------------------

    def _recall_list(self) -> tuple[str, ...]:
        if self.book is None:
            return ()
        return tuple(dict.fromkeys(entry.query for entry in self.book.history))

    def _remember(self, run: QueryRun) -> None:
        if self.book is None:
            return
        entry = HistoryEntry(
            query=run.query,
            groups=run.groups,
            region=self.aws_region,
            start=run.start,
            end=run.end,
            ran_at=self.clock(),
            relative=self.time_range.relative,
        )
        self._write_history(entry)

    @work(group="history", exit_on_error=False)
    async def _write_history(self, entry: HistoryEntry) -> None:
        book = self.book
        assert book is not None
        try:
            await asyncio.to_thread(book.add_history, entry)
        except QueryBookError as exc:
            self.notify(f"The query history was not saved: {exc}", severity="warning")
            return
        self._editor().recall_list = self._recall_list()

    # -- time range -----------------------------------------------------------------

    def action_time_range(self) -> None:
        from montui.ui.screens.prompt import Prompt

        def check(text: str) -> str | None:
            try:
                parse_time_range(text, now=self.clock(), tz=self.tz)
            except ValueError as exc:
                return str(exc)
            return None

        def chosen(text: str | None) -> None:
            if text is None:
                return
            self.time_range = parse_time_range(text, now=self.clock(), tz=self.tz)
            self._refresh_texts()

        zone = "UTC" if self.utc else "local time (u: UTC)"
        self.app.push_screen(
            Prompt(
                "Time range",
                format_time_range_input(self.time_range, self.tz),
                placeholder="15m, 3h, 2d or 2026-11-21T03:00/2026-11-21T04:00",
                check=check,
                hint=f"relative: 15m 3h 2d · absolute: START/END in ISO-8601, {zone}",
            ),
            chosen,
        )

    # -- find -------------------------------------------------------------------------

    def action_highlight(self) -> None:
        from montui.ui.screens.prompt import Prompt

        def chosen(text: str | None) -> None:
            if text is None:
                return
            self.term = text.strip()
            table = self.query_one(ResultsTable)
            table.restyle(tz=self.tz, term=self.term)
            if self.term and table.jump(1) is None:
                self.notify(f"No row contains {self.term!r}")
            self._refresh_texts()

        self.app.push_screen(
            Prompt("Highlight in the results", self.term, hint="n / N jump; empty: none"),
            chosen,
        )

    # -- history and saved queries ------------------------------------------------------

    def action_library(self) -> None:
        from montui.ui.screens.query_library import LibraryChoice, QueryLibrary

        book = self.book
        region = self.aws_region

        async def definitions() -> tuple[QueryDefinition, ...]:
            return await self.insights.query_definitions(region)

        def delete(name: str) -> None:
            if book is not None:
                self._book_write(lambda: book.delete_saved(name))

        def chosen(choice: LibraryChoice | None) -> None:
            if choice is None:
                return
            self._editor().set_query(choice.query)
            if choice.groups:
                self.groups = tuple(choice.groups)
            if choice.relative is not None:
                self.time_range = TimeRange(relative=choice.relative)
            elif choice.window is not None:
                start, end = choice.window
                self.time_range = TimeRange(start=start, end=end)
            self._refresh_texts()
            self._editor().focus()

        self.app.push_screen(
            QueryLibrary(
                book.history if book else (),
                book.saved if book else (),
                definitions,
                tz=self.tz,
                on_delete=delete,
            ),
            chosen,
        )

    def action_save(self) -> None:
        from montui.ui.screens.prompt import Prompt

        book = self.book
        if book is None:
            self.notify("Saving queries is not available here", severity="warning")
            return
        query = self._editor().text.strip()
        if not query:
            self.notify("Nothing to save: the query is empty")
            return

        def chosen(name: str | None) -> None:
            if not name or not name.strip():
                return
            saved = SavedQuery(name=name.strip(), query=query, groups=self.groups)
            self._book_write(lambda: book.save_query(saved), f"Saved as {saved.name!r}")

        self.app.push_screen(
            Prompt("Save the query as", hint="a name; the same name replaces"), chosen
        )

    def _book_write(self, write: Callable[[], object], done: str = "") -> None:
        async def run() -> None:
            try:
                await asyncio.to_thread(write)
            except QueryBookError as exc:
                self.notify(str(exc), title="Not saved", severity="error")
                return
            if done:
                self.notify(done)

        self.run_worker(run(), group="book", exit_on_error=False)

    # -- export and copy ---------------------------------------------------------------

    def action_export(self) -> None:
        from montui.ui.screens.prompt import Prompt

        result = self.result
        if result is None or not result.rows:
            self.notify("No results to export yet")
            return

        def check(text: str) -> str | None:
            if export_format(text.strip()) is None:
                return "end the file name with .csv, .jsonl or .json"
            return None

        def chosen(text: str | None) -> None:
            if text is not None:
                self._export(result, Path(text.strip()).expanduser())

        stamp = self.clock().strftime("%Y%m%d-%H%M%S")
        self.app.push_screen(
            Prompt(
                "Export the results to",
                f"montui-query-{stamp}.csv",
                check=check,
                hint=".csv  .jsonl  .json — relative to the directory montui started in",
            ),
            chosen,
        )

    def _export(self, result: QueryResult, path: Path) -> None:
        kind = export_format(str(path))
        render = {"csv": rows_as_csv, "jsonl": rows_as_jsonl}.get(kind or "", rows_as_json)
        body = render(result)

        async def write() -> None:
            try:
                await asyncio.to_thread(path.write_text, body, encoding="utf-8")
            except OSError as exc:
                self.notify(
                    f"{path}: {exc.strerror or exc}", title="Not exported", severity="error"
                )
                return
            self.notify(f"{len(result.rows):,} rows written to {path}")

        self.run_worker(write(), group="export", exit_on_error=False)

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
        if not self.groups:
            self.notify("Pick log groups first (g)")
            return
        window = self.time_range.window(self.clock())
        url = logs_insights_url(self.aws_region, self._editor().text, self.groups, window)
        copy_and_tell(self, url, "Logs Insights console URL")

    # -- log groups, templates, region ------------------------------------------------

    def _open_picker(self, note: str | None) -> None:
        from montui.ui.screens.log_groups import LogGroupPicker

        def picked(groups: tuple[str, ...] | None) -> None:
            if groups is None:
                return
            self.groups = groups
            if self.plan is not None and self.last_run is None:
                self.plan = replace(self.plan, log_groups=groups, problem=None)
                self._show_plan()
            self._refresh_texts()

        self.app.push_screen(
            LogGroupPicker(self.insights, self.aws_region, self.groups, note=note), picked
        )

    def action_groups(self) -> None:
        self._open_picker(None)

    def _open_record(self) -> None:
        from montui.ui.screens.log_record import LogRecordScreen

        row: Mapping[str, str] | None = self.query_one(ResultsTable).current_row()
        if row is not None:
            self.app.push_screen(LogRecordScreen(row, tz=self.tz))

    def action_template(self) -> None:
        if len(self.templates) < 2:
            self.notify("This plan has one query template")
            return
        current = self._editor().text.strip()
        at = self.templates.index(current) if current in self.templates else -1
        self._editor().set_query(self.templates[(at + 1) % len(self.templates)])

    def action_next_region(self) -> None:
        if len(self.regions) < 2:
            self.notify(f"Only {self.aws_region} is configured")
            return
        at = self.regions.index(self.aws_region) if self.aws_region in self.regions else -1
        self.aws_region = self.regions[(at + 1) % len(self.regions)]
        self.groups = ()
        self.notify(f"Querying {self.aws_region}: pick its log groups (g)")
        self._refresh_texts()
