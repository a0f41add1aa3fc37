"""The workbench's wording: status per state, cost, the plan, one command per line."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

from montui.model.drilldown import LAMBDA_ERRORS, DrilldownPlan
from montui.model.logs import QueryResult, QueryStatistics, QueryStatus
from montui.model.metrics import TimeWindow
from montui.model.time_range import TimeRange
from montui.ui.screens.workbench_text import (
    clock_range,
    cost_text,
    one_command_per_line,
    plan_text,
    range_text,
    status_text,
    title_text,
)
from tests.fakes import NOW, make_alarm

STATS = QueryStatistics(records_matched=12, records_scanned=34_567, bytes_scanned=2.5e9)


def status(**kwargs: Any) -> str:
    base: dict[str, Any] = {
        "result": None,
        "running": False,
        "stopped": False,
        "failure": None,
        "elapsed": 1.25,
        "planned": False,
    }
    base.update(kwargs)
    return status_text(**base).plain


def test_status_says_each_state_with_a_symbol() -> None:
    partial = QueryResult("q", QueryStatus.RUNNING, ({"@message": "x"},), STATS)
    running = status(result=partial, running=True)
    assert running.startswith("◐ Running · 1 rows so far · 12/34,567 matched/scanned")
    assert "2,500.0 MB ~$0.01164" in running  # 2.5e9 bytes at $0.005 per GiB
    assert "esc stops" in running
    done = QueryResult("q", QueryStatus.COMPLETE, (), STATS)
    assert status(result=done).startswith("✔ Complete 1.2s · 0 rows")
    assert status(result=partial, stopped=True).startswith("■ Stopped (StopQuery sent) · 1 rows")
    failed = status(failure=("MalformedQueryException at 1:8", "fix the query"))
    assert failed == "✖ MalformedQueryException at 1:8 — fix the query"
    assert status(planned=True).startswith("Plan ready")
    assert status(result=done, term="timeout", matches=3).endswith("3 rows match 'timeout' (n/N)")


def test_status_says_a_failed_poll_is_retried_and_keeps_the_rows() -> None:
    partial = QueryResult(
        "q", QueryStatus.RUNNING, ({"@message": "x"},), STATS, retrying="throttled by AWS"
    )
    running = status(result=partial, running=True)
    assert running.startswith("◐ Running · retrying: throttled by AWS · 1 rows so far")


def test_cost_is_never_shown_as_zero_dollars() -> None:
    assert cost_text(0.0) == "~$0.00000"
    assert cost_text(1e-9) == "<$0.00001"
    assert cost_text(0.00042) == "~$0.00042"


def test_one_command_per_line_respects_pipes_inside_regexes() -> None:
    assert one_command_per_line(LAMBDA_ERRORS).splitlines() == [
        "fields @timestamp, @requestId, @message",
        "| filter @message like /(?i)(error|exception|timeout|task timed out)/",
        "| sort @timestamp desc",
        "| limit 200",
    ]
    kept = "fields @message\n| limit 5"
    assert one_command_per_line(kept) == kept


def test_title_and_groups() -> None:
    window = TimeWindow(NOW - timedelta(hours=1), NOW)
    title = title_text("ap-northeast-1", None, TimeRange(relative=3600), window, UTC).plain
    assert title == "Logs ap-northeast-1 · last 1h: 11-21 02:30 → 03:30 UTC (1h)"
    assert clock_range(TimeWindow(NOW - timedelta(days=1), NOW), UTC).startswith(
        "11-20 03:30 → 11-21 03:30"
    )
    assert range_text(()).plain == "Groups: none picked (g)"
    assert range_text(("/a", "/b")).plain == "Groups (2): /a, /b"


def test_plan_text_names_groups_reasons_and_the_problem() -> None:
    alarm = make_alarm("nothing-known", namespace="Custom/X")
    plan = DrilldownPlan(
        log_groups=(),
        window=TimeWindow(NOW - timedelta(minutes=20), NOW),
        query="fields @message",
        kind="default",
        reasons=("/aws/lambda/x: Lambda function x, but it does not exist",),
        problem="no log group found for Custom/X Errors — pick log groups",
    )
    text = plan_text(plan, alarm, UTC).plain
    assert "Drill-down plan for nothing-known" in text
    assert "✖ no log group found for Custom/X Errors" in text
    assert "Groups  (0)" in text
    assert "✖ /aws/lambda/x: Lambda function x, but it does not exist" in text
