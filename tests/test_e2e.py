"""End to end: the real `montui` executable in a pseudo-terminal at 80x24."""

from __future__ import annotations

import sys
from pathlib import Path

import pexpect
import pytest

from tests.conftest import ScenarioWorld
from tests.terminal import Terminal, clean_env
from tests.test_ui_workbench import running_queries

pytestmark = pytest.mark.e2e


def test_demo_shows_alarm_rows_and_quits_with_q() -> None:
    term = Terminal([sys.executable, "-m", "montui", "--demo"], env=clean_env())
    try:
        assert term.wait_for(lambda s: "ACT NOW" in s, timeout=60), term.text()  # triage
        term.send("b")  # the board
        assert term.wait_for(lambda s: "✖ ALARM" in s, timeout=60), term.text()
        screen = term.text()
        assert "DEMO" in screen
        assert "Traceback" not in screen
        term.send("q")
        term.child.expect(pexpect.EOF, timeout=15)
    finally:
        status = term.close()
    assert status == 0


def test_unknown_profile_exits_2_with_a_message() -> None:
    term = Terminal(
        [sys.executable, "-m", "montui", "--profile", "nope", "--region", "us-east-1"],
        env=clean_env(),
    )
    try:
        assert term.wait_for(lambda s: "nope" in s and "aws configure" in s, timeout=30), (
            term.text()
        )
        assert "Traceback" not in term.text()
    finally:
        term.child.expect(pexpect.EOF, timeout=15)
        term.child.close()
    assert term.child.exitstatus == 2


def test_quitting_in_the_middle_of_a_long_query_leaves_no_query_running(
    scenario_world: ScenarioWorld, tmp_path: Path
) -> None:
    """`l` on the top alarm, `enter` runs the plan; `q` while the query is still running
    (the world keeps it Running for a minute): the world reports no running query after."""
    from montui_world.ext.logs_queries import QueryPacing, configure, restore

    previous = configure(
        pacing=QueryPacing(scheduled_seconds=0.2, min_running_seconds=60, max_running_seconds=60)
    )
    command = [
        *(sys.executable, "-m", "montui"),
        *("--endpoint-url", scenario_world.endpoint, "--region", "ap-northeast-1"),
    ]
    term = Terminal(command, env=clean_env(XDG_DATA_HOME=str(tmp_path), MONTUI_CONFIG=""))
    try:
        assert term.wait_for(lambda s: "ACT NOW" in s, timeout=60), term.text()  # triage
        term.send("b")  # the board
        assert term.wait_for(lambda s: "✖ ALARM" in s, timeout=60), term.text()
        term.send("l")
        assert term.wait_for(lambda s: "Plan ready" in s, timeout=30), term.text()
        term.send("\r")
        assert term.wait_for(lambda s: "◐ Running" in s, timeout=30), term.text()
        assert running_queries(scenario_world.endpoint)
        term.send("q")
        term.child.expect(pexpect.EOF, timeout=20)
    finally:
        status = term.close()
        restore(previous)
    assert status == 0
    assert running_queries(scenario_world.endpoint) == []
    assert "Traceback" not in term.text()
