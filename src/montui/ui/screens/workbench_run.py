"""Starting, streaming and stopping the workbench's queries: the query itself and the histogram
query run alongside over the same log groups and window.

Each runs in an exclusive worker on the screen, so a new run cancels the previous one, and a
cancelled worker's generator stops its own query on the way out (StopQuery). Results land in
the screen's `RunState`; a worker whose run is no longer the screen's last one changes nothing.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from contextlib import aclosing
from typing import TYPE_CHECKING

from montui.feeds.insights import LogsInsights
from montui.model.duration import parse_duration
from montui.model.histogram import histogram_bin, histogram_query, histogram_skip
from montui.model.logs import QueryRun
from montui.model.metrics import TimeWindow
from montui.model.records import replace
from montui.sources.errors import MalformedQuery, SourceError
from montui.ui.screens.workbench_state import HistogramView, RunState
from montui.ui.widgets.query_results import histogram_counts

if TYPE_CHECKING:
    from montui.ui.screens.workbench import QueryWorkbench

QUERY, HISTOGRAM = "query", "histogram"
"""The worker groups of the two queries."""


class QueryRunner:
    """Runs the workbench's query and its histogram, and stops them (every path out of the
    screen goes through `stop_all` or the screen's unmount)."""

    def __init__(
        self,
        screen: QueryWorkbench,
        insights: LogsInsights,
        *,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        """`timer`: seconds, for how long a query has run (tests pass a still one)."""
        self.screen = screen
        self.insights = insights
        self.timer = timer

    def start(self, run: QueryRun) -> None:
        """Run `run` and its histogram in the screen's region (a running one is cancelled)."""
        screen = self.screen
        screen.state = screen.state.started(run)
        region = screen.state.region
        screen.run_worker(
            self._query(region, run), group=QUERY, exclusive=True, exit_on_error=False
        )
        screen.run_worker(
            self._histogram(region, run), group=HISTOGRAM, exclusive=True, exit_on_error=False
        )

    @property
    def busy(self) -> bool:
        """The query or its histogram is still running."""
        return self.screen.state.running or self._busy(HISTOGRAM)

    async def stop_all(self) -> None:
        """Cancel this screen's query workers (each stops its query) and stop anything the
        feed still counts as running. Only the run shown when asked is marked stopped: one
        started (ctrl+r) while StopQuery was on its way keeps running."""
        screen = self.screen
        was_running = screen.state.running
        run = screen.state.last_run
        for worker in screen.workers:
            if worker.group in (QUERY, HISTOGRAM) and not worker.is_finished:
                worker.cancel()  # each worker's generator stops its own query on the way out
        try:
            await self.insights.stop_queries()
        except SourceError as exc:
            screen.notify(f"Could not stop a query: {exc.message}", severity="error")
        if was_running and run is not None:
            self._change(run, RunState.halted)

    def _busy(self, group: str) -> bool:
        return any(w.group == group and not w.is_finished for w in self.screen.workers)

    def _change(self, run: QueryRun, change: Callable[[RunState], RunState]) -> None:
        """Apply `change` while `run` is the screen's last run."""
        if self.screen.state.last_run is run:
            self.screen.state = change(self.screen.state)

    async def _query(self, region: str, run: QueryRun) -> None:
        started = self.timer()
        try:
            async with aclosing(self.insights.run_query(region, run)) as results:
                async for snapshot in results:
                    elapsed = self.timer() - started
                    self._change(run, lambda s: s.took(snapshot, elapsed))  # noqa: B023
        except SourceError as exc:
            if isinstance(exc, MalformedQuery) and self.screen.state.last_run is run:
                self.screen.mark_malformed(exc)
            message, hint = exc.message, exc.hint
            self._change(run, lambda s: s.failed(message, hint))
        except asyncio.CancelledError:
            self._change(run, RunState.halted)
            raise
        except Exception as exc:  # an unexpected answer: shown, the app keeps going
            message = f"The query failed unexpectedly: {exc!r}"
            self._change(run, lambda s: s.failed(message, "try again, or report it"))
        finally:
            elapsed = self.timer() - started
            self._change(run, lambda s: s.ended(elapsed))

    async def _histogram(self, region: str, run: QueryRun) -> None:
        window = TimeWindow(run.start, run.end)
        query = histogram_query(run.query, window)
        if query is None:
            note = HistogramView(note=f"no histogram: {histogram_skip(run.query)}")
            self._change(run, lambda s: s.with_histogram(note))
            return
        label = histogram_bin(window)
        seconds = parse_duration(label)
        self._change(run, lambda s: s.with_histogram(HistogramView(note="matches: counting…")))
        try:
            async with aclosing(self.insights.run_query(region, replace(run, query=query))) as rs:
                async for snapshot in rs:
                    view = HistogramView(tuple(histogram_counts(snapshot, window, seconds)), label)
                    scanned = snapshot.statistics.bytes_scanned
                    self._change(run, lambda s: s.with_histogram(view, scanned))  # noqa: B023
        except SourceError as exc:
            text = "" if isinstance(exc, MalformedQuery) else f"no histogram: {exc.message}"
            self._change(run, lambda s: s.with_histogram(HistogramView(note=text)))
