"""The workbench's state transitions and typed prompts, without a running workbench."""

from __future__ import annotations

from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

from montui.model.drilldown import LAMBDA_ERRORS, LAMBDA_REPORT, DrilldownPlan
from montui.model.logs import QueryResult, QueryRun, QueryStatus
from montui.model.metrics import TimeWindow
from montui.model.time_range import TimeRange
from montui.querybook import SavedQuery
from montui.ui.screens.query_library import LibraryChoice
from montui.ui.screens.query_prompts import ExportPrompt, SaveQueryPrompt, TimeRangePrompt
from montui.ui.screens.workbench_state import RunState, WorkbenchRequest
from tests.fakes import NOW, frozen_clock, make_alarm
from tests.test_ui_logs_modals import keys, opened

PLAN = DrilldownPlan(
    log_groups=("/aws/lambda/a",),
    window=TimeWindow(NOW - timedelta(minutes=30), NOW),
    query=LAMBDA_ERRORS,
    kind="lambda",
    alternatives=(LAMBDA_REPORT,),
    problem="only one group",
)
RUN = QueryRun("fields @message", ("/aws/lambda/a",), NOW - timedelta(hours=1), NOW)


def test_a_drilldown_request_opens_on_the_alarm_region() -> None:
    alarm = make_alarm("x", region="eu-west-1")
    state = RunState.opening(WorkbenchRequest.drilldown(alarm), UTC)
    assert (state.region, state.regions, state.alarm) == ("eu-west-1", ("eu-west-1",), alarm)
    assert state.showing_plan and state.plan is None


def test_the_plan_sets_groups_window_templates_and_picking_groups_updates_it() -> None:
    state = RunState.opening(WorkbenchRequest.scratch("r"), UTC).planned(PLAN)
    assert state.groups == PLAN.log_groups
    assert state.time_range == TimeRange.absolute(PLAN.window)
    assert len(state.templates) == 2
    assert state.next_template(state.templates[0]) == state.templates[1]
    assert state.next_template("something else") == state.templates[0]
    picked = state.with_groups(("/b", "/c"))
    assert picked.plan is not None and picked.plan.log_groups == ("/b", "/c")
    assert picked.plan.problem is None
    ran = picked.started(RUN).with_groups(("/d",))
    assert ran.plan == picked.plan  # a plan already run is left as it ran


def test_a_run_streams_fails_and_stops() -> None:
    state = RunState(region="r", groups=RUN.groups).started(RUN)
    assert state.running and not state.showing_plan and state.result is None
    partial = QueryResult("q", QueryStatus.RUNNING, ({"@message": "a"},))
    state = state.took(partial, 1.5)
    assert (state.result, state.elapsed, state.failure) == (partial, 1.5, None)
    timeout = state.took(QueryResult("q", QueryStatus.TIMEOUT), 2.0)
    assert timeout.failure is not None and "Timeout" in timeout.failure[0]
    halted = state.halted()
    assert (halted.running, halted.stopped) == (False, True)
    again = halted.started(RUN)
    assert (again.stopped, again.failure, again.result) == (False, None, None)


def test_a_library_choice_and_the_next_region() -> None:
    state = RunState(region="a", regions=("a", "b"), groups=("/g",))
    kept = state.loaded(LibraryChoice("q", ()))
    assert kept.groups == ("/g",) and kept.time_range == state.time_range
    window = (NOW - timedelta(hours=5), NOW - timedelta(hours=4))
    back = state.loaded(LibraryChoice("q", ("/h",), window))
    assert back.groups == ("/h",) and back.time_range.window(NOW).start == window[0]
    relative = state.loaded(LibraryChoice("q", (), window, relative=600))
    assert relative.time_range == TimeRange(relative=600)
    moved = state.next_region()
    assert (moved.region, moved.groups) == ("b", ())
    assert moved.next_region().region == "a"


async def test_the_prompts_answer_typed_values() -> None:
    box = TimeRangePrompt(TimeRange(relative=3600), clock=frozen_clock, tz=UTC, utc=True)
    async with opened(box) as (app, pilot):
        await keys(pilot, "ctrl+u", *"soon", "enter")
        assert app.results == [] and box.error
        await keys(pilot, "ctrl+u", *"2h", "enter")
        assert app.results == [TimeRange(relative=7200)]
    save: Any = SaveQueryPrompt("fields @message", ("/g",))
    async with opened(save) as (app, pilot):
        await keys(pilot, *" mine ", "enter")
        assert app.results == [SavedQuery("mine", "fields @message", ("/g",))]
    async with opened(SaveQueryPrompt("q", ())) as (app, pilot):
        await keys(pilot, "enter")
        assert app.results == [None]  # no name: nothing saved
    async with opened(ExportPrompt(NOW)) as (app, pilot):
        await keys(pilot, "ctrl+u", *"out.txt", "enter")
        assert app.results == []
        await keys(pilot, "ctrl+u", *"out.jsonl", "enter")
        assert app.results == [Path("out.jsonl")]
