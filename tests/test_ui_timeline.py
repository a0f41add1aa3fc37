"""The incident timeline in the app: opening an alarm, drilling down, the query that ran and a
note (`N`) are recorded in the data directory, and export to the start of a retrospective;
the note modal's snapshot."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from textual.widgets import Input

from montui.config import Settings
from montui.model.drilldown import DrilldownPlan
from montui.model.logs import QueryResult, QueryStatistics, QueryStatus
from montui.model.metrics import TimeWindow
from montui.model.retrospective import Retrospective, retrospective_markdown
from montui.model.timeline import StepKind
from montui.timeline import Timeline
from montui.ui.app import MontuiApp
from montui.ui.screens.note import NotePrompt
from montui.ui.screens.workbench import QueryWorkbench
from tests.fakes import NOW, FakeFeed, frozen_clock
from tests.test_ui_detail import detail_feed, open_alarm

NAME = "contact-form-error-rate"
GROUP = "/aws/lambda/contact-form"
ROWS = tuple(
    {"@timestamp": f"2026-11-21 03:2{i}:00.000", "@message": f"ERROR {i}"} for i in range(3)
)


async def until(pilot: Any, check: Callable[[], bool], limit: float = 20.0) -> None:
    for _ in range(int(limit / 0.02)):
        if check():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out waiting for {check}")


def steps_on_disk(directory: Path) -> list[StepKind]:
    timeline = Timeline(directory)
    timeline.load()
    return [s.kind for s in timeline.steps]


async def test_a_drilldown_and_a_note_export_as_a_retrospective(tmp_path: Path) -> None:
    feed = detail_feed()
    feed.plans[NAME] = DrilldownPlan(
        (GROUP,), TimeWindow(NOW - timedelta(minutes=20), NOW), "fields @message", "lambda"
    )
    done = QueryResult("q", QueryStatus.COMPLETE, ROWS, QueryStatistics(records_matched=3))
    feed.query_script = [done]
    app = MontuiApp(feed.feeds, Settings(), clock=frozen_clock, data_dir=tmp_path, home="board")
    async with app.run_test(size=(100, 30)) as pilot:
        await open_alarm(pilot, app, NAME)
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, QueryWorkbench) and app.screen.is_mounted)
        bench = app.screen
        assert isinstance(bench, QueryWorkbench)
        await until(pilot, lambda: bench.state.plan is not None)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: bench.state.last_run is not None and not bench.state.running)
        await pilot.press("N")
        await until(pilot, lambda: isinstance(app.screen, NotePrompt))
        await pilot.press(*"SES throttled", "enter")
        await until(pilot, lambda: StepKind.NOTE in steps_on_disk(tmp_path))
    assert steps_on_disk(tmp_path) == [
        StepKind.ALARM,
        StepKind.DRILLDOWN,
        StepKind.WINDOW,
        StepKind.QUERY,
        StepKind.NOTE,
    ]
    timeline = Timeline(tmp_path)
    timeline.load()
    history = await feed.history.history(
        feed.data["ap-northeast-1"][0], NOW - timedelta(days=4), NOW
    )
    retro = Retrospective(NOW - timedelta(hours=1), NOW, timeline.steps, transitions=history)
    text = retrospective_markdown(retro)
    assert "| 2026-11-21 03:18:00 | `contact-form-error-rate` |  | OK → ALARM |" in text
    assert f"| {NOW:%Y-%m-%d %H:%M:%S} | opened contact-form-error-rate (ALARM)" in text
    assert "drilled from contact-form-error-rate into its logs" in text
    assert f"query complete, 3 rows: fields @message (on {GROUP})" in text
    assert f"- {NOW:%Y-%m-%d %H:%M:%S} SES throttled" in text
    assert "### 1. fields @message" in text and "[open in the CloudWatch console](https://" in text


async def test_an_empty_note_is_refused_and_esc_adds_nothing(tmp_path: Path) -> None:
    app = MontuiApp(
        FakeFeed({"ap-northeast-1": []}).feeds,
        Settings(),
        clock=frozen_clock,
        data_dir=tmp_path,
        home="board",
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("N")
        await until(pilot, lambda: isinstance(app.screen, NotePrompt))
        prompt = app.screen
        assert isinstance(prompt, NotePrompt)
        await pilot.press("enter")
        assert prompt.error == "✖ Type the note (esc: no note)"
        await pilot.press("N")  # typed into the note, not a second prompt
        assert app.screen is prompt
        assert prompt.query_one(Input).value == "N"
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, NotePrompt))
    assert steps_on_disk(tmp_path) == []


def test_note_modal_snapshot(snap_compare: Any, tmp_path: Path) -> None:
    app = MontuiApp(
        FakeFeed({"ap-northeast-1": []}).feeds,
        Settings(),
        clock=frozen_clock,
        data_dir=tmp_path,
        home="board",
    )

    async def run_before(pilot: Any) -> None:
        await pilot.press("N")
        await until(pilot, lambda: isinstance(app.screen, NotePrompt))
        await pilot.press(*"rolled back 1.4.2")

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
