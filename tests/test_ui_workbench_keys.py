"""The workbench's keys with a scripted feed: time range, groups, history, save, template,
find, copy, stop, and what a failing feed shows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

from montui.config import Settings
from montui.model.logs import QueryResult, QueryStatus
from montui.model.records import replace
from montui.model.time_range import TimeRange
from montui.querybook import HistoryEntry, QueryBook, SavedQuery
from montui.sources.errors import AccessDenied
from montui.ui.app import MontuiApp
from montui.ui.screens.log_groups import LogGroupPicker
from montui.ui.screens.prompt import Prompt
from montui.ui.screens.query_library import QueryLibrary
from montui.ui.screens.workbench import QueryWorkbench
from montui.ui.screens.workbench_state import WorkbenchRequest
from montui.ui.widgets.query_editor import QueryEditor
from tests.fakes import NOW, FakeFeed, frozen_clock

REGION = "ap-northeast-1"
ROWS = tuple(
    {"@timestamp": f"2026-11-21 03:2{i}:00.000", "@message": m, "@ptr": str(i)}
    for i, m in enumerate(["ok", "timeout here", "fine", "another timeout"])
)


async def until(pilot: Any, check: Callable[[], bool]) -> None:
    for _ in range(300):
        if check():
            return
        await pilot.pause(0.02)
    raise AssertionError("timed out")


def setup(tmp_path: Path, **bench: Any) -> tuple[MontuiApp, FakeFeed, QueryWorkbench]:
    feed = FakeFeed({REGION: []})
    feed.groups = ["/aws/lambda/a", "/aws/lambda/b", "/ecs/c"]
    feed.query_script = [QueryResult("q", QueryStatus.COMPLETE, ROWS)]
    app = MontuiApp(feed.feeds, Settings(), clock=frozen_clock, data_dir=tmp_path, home="board")
    book = QueryBook(tmp_path)
    book.load()
    request = WorkbenchRequest(region=REGION, **bench)
    screen = QueryWorkbench(feed.insights, request, clock=frozen_clock, book=book, zone=UTC)
    return app, feed, screen


async def test_time_range_groups_and_run(tmp_path: Path) -> None:
    app, feed, bench = setup(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(bench)
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, Prompt))
        await pilot.press("ctrl+u", *"2h", "enter")  # the box is prefilled: clear it first
        await until(pilot, lambda: app.screen is bench)
        assert bench.state.time_range == TimeRange(relative=7200)
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, Prompt))
        await pilot.press("ctrl+u", *"soon", "enter")
        assert isinstance(app.screen, Prompt) and app.screen.error  # refused, kept open
        await pilot.press("escape")
        await pilot.press("ctrl+r")  # no group yet: the picker opens
        await until(pilot, lambda: isinstance(app.screen, LogGroupPicker))
        await pilot.press(*"/aws/lambda/a")
        await pilot.pause(0.5)
        await pilot.press("down", "space", "enter")
        await until(pilot, lambda: app.screen is bench)
        assert bench.state.groups == ("/aws/lambda/a",)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: bench.state.result is not None)
        (run,) = [r for r in feed.runs if "by bin(" not in r.query]
        assert run.groups == ("/aws/lambda/a",)
        assert (run.start, run.end) == (NOW - timedelta(hours=2), NOW)
        assert any("by bin(" in r.query for r in feed.runs)  # the histogram ran alongside
        # find: two rows contain "timeout"
        await pilot.press("slash", *"timeout", "enter")
        await until(pilot, lambda: app.screen is bench)
        assert bench.state.term == "timeout"
        assert "2 rows match 'timeout'" in str(bench.query_one("#wb-status").render())


async def test_history_recall_library_and_save(tmp_path: Path) -> None:
    book = QueryBook(tmp_path)
    book.load()
    book.add_history(
        HistoryEntry(
            query="fields @message | limit 7",
            groups=("/ecs/c",),
            region=REGION,
            start=NOW - timedelta(hours=5),
            end=NOW - timedelta(hours=4),
            ran_at=NOW - timedelta(hours=4),
        )
    )
    book.save_query(SavedQuery("mine", "stats count(*) by bin(5m)", ()))
    app, _feed, bench = setup(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(bench)
        editor = bench.query_one(QueryEditor)
        editor.focus()
        await pilot.press("ctrl+up")
        assert editor.text == "fields @message | limit 7"
        await pilot.press("ctrl+down")
        assert "sort @timestamp desc" in editor.text  # the draft is back
        await pilot.press("escape")  # leave the editor
        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, QueryLibrary))
        await pilot.press(*"limit 7", "enter")
        await until(pilot, lambda: app.screen is bench)
        assert editor.text == "fields @message | limit 7"
        assert bench.state.groups == ("/ecs/c",)
        assert bench.state.time_range.window(NOW).start == NOW - timedelta(hours=5)
        bench.query_one("#wb-plan").focus()
        await pilot.press("S")
        await until(pilot, lambda: isinstance(app.screen, Prompt))
        await pilot.press(*"seven", "enter")
        await until(pilot, lambda: _saved(tmp_path) == {"mine", "seven"})


def _saved(path: Path) -> set[str]:
    book = QueryBook(path)
    book.load()
    return {s.name for s in book.saved}


async def test_a_failing_query_and_a_failing_plan_are_shown_not_raised(tmp_path: Path) -> None:
    from tests.fakes import make_alarm

    alarm = make_alarm("x")
    app, feed, bench = setup(tmp_path, alarm=alarm)
    feed.plans["x"] = AccessDenied(
        "not allowed to call logs:DescribeLogGroups", "ask for logs:DescribeLogGroups"
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(bench)
        await until(pilot, lambda: bench.state.failure is not None)
        assert "logs:DescribeLogGroups" in str(bench.query_one("#wb-status").render())
        bench.state = replace(bench.state, groups=("/aws/lambda/a",))
        feed.query_script = AccessDenied("not allowed to call logs:StartQuery", "ask for it")
        await pilot.press("ctrl+r")
        await until(pilot, lambda: "StartQuery" in str(bench.query_one("#wb-status").render()))
        assert app.screen is bench


async def test_ctrl_l_clears_the_editor_and_undo_restores(tmp_path: Path) -> None:
    app, _feed, bench = setup(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(bench)
        editor = bench.query_one(QueryEditor)
        before = editor.text
        editor.focus()
        await pilot.press("ctrl+l")
        assert editor.text == ""
        await pilot.press(*"fields @message")
        assert editor.text == "fields @message"
        await pilot.press("ctrl+z", "ctrl+z")
        assert editor.text == before


def lines_of(bench: QueryWorkbench, selector: str) -> list[str]:
    """What a widget shows, line by line, as on the terminal."""
    widget = bench.query_one(selector)
    return [widget.render_line(y).text.rstrip() for y in range(widget.size.height)]


async def test_a_malformed_query_says_why_in_full_at_80_columns(tmp_path: Path) -> None:
    from montui.sources.errors import MalformedQuery

    app, feed, bench = setup(tmp_path, groups=("/aws/lambda/a",))
    message = "unexpected symbol found filtr at line 2 and position 3"
    feed.query_script = MalformedQuery(message, start=20, end=25)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(bench)
        bench.query_one(QueryEditor).set_query("fields @timestamp\n| filtr @message like /x/")
        await pilot.press("ctrl+r")
        await until(pilot, lambda: bench.state.failure is not None and not bench.runner.busy)
        await pilot.pause()
        status = " ".join(" ".join(lines_of(bench, "#wb-status")).split())
        assert f"✖ {message} — fix the query and run it again" in status
        histogram = " ".join(lines_of(bench, "#wb-histogram"))
        assert "no histogram: the query failed" in histogram
        assert "aggregates" not in histogram


async def test_columns_follow_the_query_and_the_message_takes_the_rest(tmp_path: Path) -> None:
    from montui.model.drilldown import APIGATEWAY_5XX, LAMBDA_ERRORS
    from montui.ui.screens.log_record import LogRecordScreen
    from montui.ui.widgets.query_results import ResultsTable

    app, feed, bench = setup(tmp_path, groups=("/aws/lambda/a",))
    # AWS leaves out a field no row has, and returns the others in its own order.
    row = {"@message": "boom", "@timestamp": "2026-11-21 03:20:00.000", "@ptr": "p"}
    feed.query_script = [QueryResult("q", QueryStatus.COMPLETE, (row,))]
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(bench)
        bench.query_one(QueryEditor).set_query(LAMBDA_ERRORS)
        await pilot.press("ctrl+r")
        table = bench.query_one(ResultsTable)
        await until(pilot, lambda: table.row_count == 1 and not bench.runner.busy)
        assert table.fields == ("@timestamp", "@requestId", "@message")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, LogRecordScreen))
        record = str(app.screen.query_one("#record-fields").render())
        assert record.index("@timestamp") < record.index("@requestId")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is bench)
        api_row = {
            "@timestamp": "2026-11-21 03:20:00.000", "@message": "x" * 300, "status": "502",
            "integrationLatency": "29000", "responseLatency": "29012", "@ptr": "p",
        }  # fmt: skip
        feed.query_script = [QueryResult("q2", QueryStatus.COMPLETE, (api_row,))]
        bench.query_one(QueryEditor).set_query(APIGATEWAY_5XX)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: "status" in table.fields and not bench.runner.busy)
        await pilot.pause()
        assert table.fields[-1] == "@message"
        header = table.render_line(0).text
        for name in ("@timestamp", "status", "responseLatency", "integrationLatency", "@mess"):
            assert name in header, header  # every column on screen at 80 columns
        assert header.index("status") < header.index("responseLatency")
