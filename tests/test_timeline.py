"""The incident timeline on disk (atomic writes, a failed write leaves the previous file, a bad
file set aside), the retrospective skeleton (golden file), and `montui timeline export`
against the demo world's alarm history."""

from __future__ import annotations

import argparse
import os
from datetime import timedelta
from pathlib import Path

import pytest

from montui.launch import AwsRequest
from montui.model.alarm import AlarmState
from montui.model.logs import QueryRun
from montui.model.records import replace
from montui.model.retrospective import Retrospective, retrospective_markdown
from montui.model.timeline import Step, StepKind
from montui.timeline import TIMELINE_FILE, Timeline, TimelineError
from tests.conftest import SCENARIO_START, ScenarioWorld
from tests.fakes.data import NOW, make_alarm, state_change

GOLDEN = Path(__file__).parent / "golden" / "retrospective.md"
ERROR_RATE = make_alarm("contact-form-error-rate", AlarmState.ALARM, minutes_ago=12)
RUN = QueryRun(
    query='fields @timestamp, @message\n| filter level = "ERROR"\n| limit 50',
    groups=("/aws/lambda/contact-form",),
    start=NOW - timedelta(minutes=30),
    end=NOW,
)


def steps() -> list[Step]:
    at = NOW - timedelta(minutes=10)
    return [
        Step.alarm_opened(at, ERROR_RATE),
        Step.window_chosen(
            at + timedelta(minutes=1),
            "the chart of contact-form-error-rate",
            NOW - timedelta(hours=3),
            NOW,
            region="ap-northeast-1",
            alarm="contact-form-error-rate",
        ),
        Step.drilldown(at + timedelta(minutes=2), ERROR_RATE),
        Step.query_ran(at + timedelta(minutes=3), "ap-northeast-1", RUN, 42, "complete"),
        Step.note(at + timedelta(minutes=4), "SES throttling | sending rate exceeded"),
        Step.pane_viewed(at + timedelta(minutes=5), "SES reputation", "bounce 0.4 %"),
    ]


def test_steps_are_written_and_read_back(tmp_path: Path) -> None:
    timeline = Timeline(tmp_path)
    for step in steps():
        timeline.record(step)
    again = Timeline(tmp_path)
    assert again.load() == []
    assert again.steps == tuple(steps())
    assert [s.kind for s in again.since(NOW - timedelta(minutes=6))] == [
        StepKind.NOTE,
        StepKind.PANE,
    ]
    assert list(tmp_path.iterdir()) == [tmp_path / TIMELINE_FILE]  # no temp file left


def test_a_write_killed_midway_leaves_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    timeline = Timeline(tmp_path)
    first, second, *_ = steps()
    timeline.record(first)
    before = (tmp_path / TIMELINE_FILE).read_bytes()

    def killed(fd: int) -> None:  # the process dies after writing the temp file, before rename
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", killed)
    with pytest.raises(
        TimelineError, match=r"could not write .*timeline\.json: Input/output error"
    ):
        timeline.record(second)
    assert (tmp_path / TIMELINE_FILE).read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [TIMELINE_FILE]
    monkeypatch.undo()
    reread = Timeline(tmp_path)
    reread.load()
    assert reread.steps == (first,)
    timeline.flush()  # the step kept in memory is written with the next write
    written = Timeline(tmp_path)
    written.load()
    assert written.steps == (first, second)


def test_an_unreadable_file_is_set_aside_and_steps_added_meanwhile_are_kept(
    tmp_path: Path,
) -> None:
    (tmp_path / TIMELINE_FILE).write_text("{not json")
    timeline = Timeline(tmp_path)
    early = steps()[0]
    timeline.add(early)  # the app adds steps before its load (after the first frame) ends
    (warning,) = timeline.load()
    assert "timeline.json is not valid" in warning and "moved it to" in warning
    assert timeline.steps == (early,)
    assert any(p.name.startswith("timeline.json.corrupt-") for p in tmp_path.iterdir())


def test_the_retrospective_skeleton_matches_its_golden_file() -> None:
    transitions = (
        state_change("contact-form-error-rate", 14, AlarmState.OK, AlarmState.ALARM, "3 of 5"),
        state_change("contact-form-error-rate", 2, AlarmState.ALARM, AlarmState.OK, "0 of 5"),
    )
    retro = Retrospective(
        start=NOW - timedelta(hours=1),
        end=NOW,
        steps=tuple(steps()),
        transitions=tuple(replace(t, region="ap-northeast-1") for t in transitions),
    )
    markdown = retrospective_markdown(retro)
    if os.environ.get("MONTUI_UPDATE_GOLDEN"):
        GOLDEN.write_text(markdown, encoding="utf-8")
    assert markdown == GOLDEN.read_text(encoding="utf-8")


def test_an_empty_span_and_unreadable_history_still_give_a_skeleton() -> None:
    empty = retrospective_markdown(Retrospective(NOW - timedelta(hours=1), NOW, ()))
    assert "No alarm was opened in this span." in empty
    assert "No steps were recorded in this span." in empty
    assert "No query was run in this span." in empty
    failed = Retrospective(NOW - timedelta(hours=1), NOW, tuple(steps()), transitions_problem="x")
    assert "## Alarm transitions\n\nNot available: x\n" in retrospective_markdown(failed)


# --- montui timeline export against the demo world ---------------------------------------------


def export_args(out: Path | None = None, since: int = 3600) -> argparse.Namespace:
    return argparse.Namespace(since=since, out=out)


def test_export_reads_the_transitions_of_the_alarms_opened(
    scenario_world: ScenarioWorld, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from montui.commands.timeline import run_timeline

    scenario_world.at(timedelta(minutes=30))  # the incident began 2 minutes before the start
    now = SCENARIO_START + timedelta(minutes=30)
    alarm = make_alarm("hitori-lambda-error-rate", AlarmState.ALARM)
    Timeline(tmp_path).record(Step.alarm_opened(SCENARIO_START + timedelta(minutes=1), alarm))
    request = AwsRequest(endpoint_url=scenario_world.endpoint)
    out = tmp_path / "retro.md"
    code = run_timeline(export_args(out), request, data_dir=tmp_path, now=now)
    assert code == 0 and capsys.readouterr().err == f"wrote {out}\n"
    text = out.read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if "`hitori-lambda-error-rate`" in line]
    assert [row.split(" | ")[3] for row in rows] == ["OK → ALARM", "ALARM → OK"]
    assert "opened hitori-lambda-error-rate (ALARM)" in text


def test_export_without_aws_writes_the_skeleton_and_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from montui.commands.timeline import run_timeline

    Timeline(tmp_path).record(steps()[0])
    request = AwsRequest(endpoint_url="http://127.0.0.1:9")
    code = run_timeline(export_args(), request, data_dir=tmp_path, now=NOW)
    out, err = capsys.readouterr()
    assert code == 1
    assert "the alarm history could not be read" in err and "cannot reach 127.0.0.1:9" in err
    assert "Not available: cloudwatch ap-northeast-1: cannot reach 127.0.0.1:9" in out
    assert "opened contact-form-error-rate (ALARM)" in out


def test_export_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from montui.cli import main

    assert main(["timeline", "export", "--since", "2h"]) == 0  # an empty timeline: no AWS call
    out = capsys.readouterr().out
    assert out.startswith("# Incident retrospective: ")
    with pytest.raises(SystemExit) as info:
        main(["timeline", "export", "--since", "0s"])
    assert info.value.code == 2
    assert "--since takes a positive duration like 6h, got '0s'" in capsys.readouterr().err


def test_a_drilldown_from_a_composite_brings_its_family_into_the_retrospective(
    tmp_path: Path,
) -> None:
    down = make_alarm("contact-form-down", AlarmState.ALARM, rule='ALARM("contact-form-errors")')
    child = make_alarm("contact-form-errors", AlarmState.ALARM, region="us-east-1")
    Timeline(tmp_path).record(Step.drilldown(NOW, down, family=(child,)))
    timeline = Timeline(tmp_path)
    timeline.load()
    (step,) = timeline.steps
    assert step.related == (("us-east-1", "contact-form-errors", False),)
    retro = Retrospective(NOW - timedelta(hours=1), NOW, timeline.steps)
    assert retro.alarms == (
        ("ap-northeast-1", "contact-form-down", True),
        ("us-east-1", "contact-form-errors", False),
    )
