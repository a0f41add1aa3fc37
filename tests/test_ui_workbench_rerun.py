"""Issue 11 part 5: `ctrl+r` while a query runs. The cancelled run's clean-up must not mark
the new run stopped (the status read `■ Stopped` while matched/scanned kept rising, and `esc`
then left the screen instead of stopping the query); `elapsed` starts again at zero."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import Any

from montui.config import Settings
from montui.model.logs import QueryResult, QueryStatistics, QueryStatus
from montui.querybook import QueryBook
from montui.ui.app import MontuiApp
from montui.ui.screens.workbench import QueryWorkbench
from montui.ui.screens.workbench_state import WorkbenchRequest
from montui.ui.widgets.query_editor import QueryEditor
from tests.fakes import FakeAlarms, FakeFeed, FakeInsights, fake_feeds, frozen_clock

REGION = "ap-northeast-1"


def running(count: int) -> list[QueryResult]:
    """A query that keeps running: `count` snapshots, matched and scanned rising."""
    return [
        QueryResult(
            "q",
            QueryStatus.RUNNING,
            ({"@message": f"line {i}", "@ptr": str(i)},),
            QueryStatistics(records_matched=i, records_scanned=10 * i, bytes_scanned=100 * i),
        )
        for i in range(1, count + 1)
    ]


async def until(pilot: Any, check: Callable[[], bool]) -> None:
    for _ in range(500):
        if check():
            return
        await pilot.pause(0.02)
    raise AssertionError("timed out")


async def test_ctrl_r_while_a_query_runs_leaves_the_new_run_running(tmp_path: Path) -> None:
    feed = FakeFeed({REGION: []})
    feed.query_script = running(5000)
    feed.query_delay = 0.02
    seconds = [0.0]
    app = MontuiApp(feed.feeds, Settings(), clock=frozen_clock, data_dir=tmp_path, home="board")
    book = QueryBook(tmp_path)
    book.load()
    request = WorkbenchRequest(region=REGION, groups=("/aws/lambda/a",))
    bench = QueryWorkbench(
        feed.insights, request, clock=frozen_clock, book=book, zone=UTC, timer=lambda: seconds[0]
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await app.push_screen(bench)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: bench.state.result is not None)
        seconds[0] = 40.0
        await until(pilot, lambda: bench.state.elapsed == 40.0)
        first = bench.state.last_run
        bench.query_one(QueryEditor).set_query("fields @message | limit 3")
        await pilot.press("ctrl+r")
        assert bench.state.last_run is not first
        assert bench.state.elapsed == 0.0  # a new run starts its own clock
        await until(pilot, lambda: feed.started == 4 and bench.state.result is not None)
        assert len(feed.running) == 2  # the first run's query and histogram were stopped
        matched = bench.state.result.statistics.records_matched if bench.state.result else 0
        await until(
            pilot,
            lambda: (
                bench.state.result is not None
                and bench.state.result.statistics.records_matched > matched + 3
            ),
        )
        text = str(bench.query_one("#wb-status").render())
        assert bench.state.running and not bench.state.stopped, bench.state
        assert "Stopped" not in text and "◐ Running" in text
        assert bench.state.elapsed < 40.0  # measured from the new start
        await pilot.press("escape")  # stops the running query; does not leave
        await until(pilot, lambda: bench.state.stopped)
        assert app.screen is bench
        assert not feed.running


class SlowStop(FakeInsights):
    """StopQuery takes a round trip: `stop_queries` stops what ran when it was called, once
    `gate` is set; `asked` says it was called."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.asked = asyncio.Event()

    async def stop_queries(self) -> int:
        stopping = set(self.running)
        self.asked.set()
        await self.gate.wait()
        self.running -= stopping
        self.stopped += len(stopping)
        return len(stopping)


async def test_a_run_started_while_a_stop_is_on_its_way_is_not_marked_stopped(
    tmp_path: Path,
) -> None:
    # ctrl+c sends StopQuery (a round trip); ctrl+r before it answered starts a new run,
    # which the stop's clean-up must leave running.
    insights = SlowStop()
    insights.query_script = running(5000)
    insights.query_delay = 0.02
    feeds = fake_feeds(FakeAlarms({REGION: []}), insights=insights)
    app = MontuiApp(feeds, Settings(), clock=frozen_clock, data_dir=tmp_path, home="board")
    request = WorkbenchRequest(region=REGION, groups=("/aws/lambda/a",))
    bench = QueryWorkbench(insights, request, clock=frozen_clock, zone=UTC)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.push_screen(bench)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: bench.state.result is not None)
        await pilot.press("ctrl+c")
        await until(pilot, insights.asked.is_set)
        await pilot.press("ctrl+r")
        second = bench.state.last_run
        await until(pilot, lambda: insights.started == 4)
        insights.gate.set()
        await until(pilot, lambda: not any(w.group == "stop" for w in bench.workers))
        await pilot.pause()
        assert bench.state.last_run is second
        assert bench.state.running and not bench.state.stopped
        assert "Stopped" not in str(bench.query_one("#wb-status").render())


async def test_no_log_group_picked_yet_goes_once_a_group_is_picked(tmp_path: Path) -> None:
    from montui.ui.screens.log_groups import LogGroupPicker
    from montui.ui.widgets.check_list import CheckList

    feed = FakeFeed({REGION: []})
    feed.groups = ["/aws/lambda/a", "/aws/lambda/b"]
    app = MontuiApp(feed.feeds, Settings(), clock=frozen_clock, data_dir=tmp_path, home="board")
    bench = QueryWorkbench(feed.insights, WorkbenchRequest(region=REGION), clock=frozen_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.push_screen(bench)
        body = bench.query_one("#wb-plan-text")
        assert "No log group picked yet" in str(body.render())
        await pilot.press("g")
        await until(pilot, lambda: isinstance(app.screen, LogGroupPicker))
        await until(pilot, lambda: app.screen.query_one("#groups-list", CheckList).option_count > 0)
        await pilot.press("down", "space", "enter")
        await until(pilot, lambda: app.screen is bench)
        assert bench.state.groups
        await pilot.pause()
        assert "No log group picked yet" not in str(body.render())
