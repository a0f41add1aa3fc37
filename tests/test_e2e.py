"""End to end: the real `montui` executable in a pseudo-terminal at 80x24."""

from __future__ import annotations

import sys

import pexpect
import pytest

from tests.terminal import Terminal, clean_env

pytestmark = pytest.mark.e2e


def test_demo_shows_alarm_rows_and_quits_with_q() -> None:
    term = Terminal([sys.executable, "-m", "montui", "--demo"], env=clean_env())
    try:
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
