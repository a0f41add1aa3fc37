"""End to end: SIGTERM and SIGHUP quit montui and `montui query` like `q` and Ctrl+C (no
Logs Insights query left running, the terminal restored), and what a SIGKILL left running is
stopped at the next start."""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pexpect
import pytest

from montui.exit_signals import SHUTDOWN_SECONDS
from tests.conftest import ScenarioWorld
from tests.terminal import Terminal, clean_env
from tests.test_ui_workbench import running_queries

pytestmark = pytest.mark.e2e

REGION = "ap-northeast-1"
GROUP = "/aws/lambda/hitori-contact-form"


@pytest.fixture
def long_queries(scenario_world: ScenarioWorld) -> Iterator[None]:
    """Queries in the world stay Running for a minute. The world is shared by the tests of a
    worker: a query another test left running (killed on purpose, or by a failure) is stopped
    first, so that every query these tests find running is the one their montui started."""
    from montui_world.ext.logs_queries import QueryPacing, configure, restore

    logs = boto3.client("logs", region_name=REGION, endpoint_url=scenario_world.endpoint)
    for query_id in running_queries(scenario_world.endpoint):
        logs.stop_query(queryId=query_id)
    previous = configure(
        pacing=QueryPacing(scheduled_seconds=0.2, min_running_seconds=60, max_running_seconds=60)
    )
    yield
    restore(previous)


def montui(world: ScenarioWorld, *args: str) -> list[str]:
    return [
        *(sys.executable, "-m", "montui", *args),
        *("--endpoint-url", world.endpoint, "--region", REGION),
    ]


def query_command(world: ScenarioWorld) -> list[str]:
    return montui(world, "query", "fields @message", "-g", GROUP, "--since", "1h")


def wait_until_running(term: Terminal, world: ScenarioWorld) -> None:
    deadline = time.monotonic() + 60
    while not running_queries(world.endpoint):
        assert time.monotonic() < deadline and term.child.isalive(), term.text()
        term.pump(0.2)


def exits_within(term: Terminal, seconds: float) -> bytes:
    """Everything the program wrote until it exited (at most `seconds` from now)."""
    chunks: list[bytes] = []
    deadline = time.monotonic() + seconds
    while True:
        remaining = deadline - time.monotonic()
        assert remaining > 0, "still running after the bound"
        try:
            chunks.append(term.child.read_nonblocking(65536, timeout=remaining))
        except pexpect.TIMEOUT:
            continue
        except pexpect.EOF:
            return b"".join(chunks)


def restored(output: bytes) -> bool:
    """The terminal's last word on the alternate screen, the cursor and mouse tracking: off,
    shown, off (Textual ends with the alternate-screen exit and the cursor shown, then mouse
    modes off once more)."""
    last = {seq: output.rfind(b"\x1b[?" + seq) for seq in (b"1049h", b"1049l", b"25l", b"25h")}
    tracking = output.rfind(b"\x1b[?1000h") < output.rfind(b"\x1b[?1000l")
    return last[b"1049h"] < last[b"1049l"] and last[b"25l"] < last[b"25h"] and tracking


def start_tui_query(world: ScenarioWorld, data: Path) -> Terminal:
    term = Terminal(montui(world), env=clean_env(XDG_DATA_HOME=str(data), MONTUI_CONFIG=""))
    assert term.wait_for(lambda s: "ACT NOW" in s, timeout=60), term.text()  # triage
    term.send("b")  # the board
    assert term.wait_for(lambda s: "✖ ALARM" in s, timeout=60), term.text()
    term.send("l")
    assert term.wait_for(lambda s: "Plan ready" in s, timeout=30), term.text()
    term.send("\r")
    assert term.wait_for(lambda s: "◐ Running" in s, timeout=30), term.text()
    assert running_queries(world.endpoint)
    return term


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_mid_query_stops_the_queries_and_restores_the_terminal(
    scenario_world: ScenarioWorld, long_queries: None, tmp_path: Path, sig: signal.Signals
) -> None:
    term = start_tui_query(scenario_world, tmp_path)
    try:
        term.child.kill(sig)
        tail = exits_within(term, SHUTDOWN_SECONDS + 5)  # + a loaded machine's slack
    finally:
        term.close()
    assert running_queries(scenario_world.endpoint) == []
    assert restored(tail), tail[-200:]
    assert b"Traceback" not in tail
    assert term.child.exitstatus == 128 + sig
    assert not list((tmp_path / "montui" / "running-queries").glob("*.json"))


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_montui_query_stops_its_query_on_a_signal(
    scenario_world: ScenarioWorld, long_queries: None, tmp_path: Path, sig: signal.Signals
) -> None:
    env = clean_env(XDG_DATA_HOME=str(tmp_path), MONTUI_CONFIG="")
    term = Terminal(query_command(scenario_world), env=env)
    try:
        wait_until_running(term, scenario_world)
        term.child.kill(sig)
        tail = exits_within(term, SHUTDOWN_SECONDS + 5)
    finally:
        term.close()
    assert running_queries(scenario_world.endpoint) == []
    assert b"the query was stopped" in tail
    assert term.child.exitstatus == 128 + sig


@pytest.mark.parametrize("killed", ["tui", "query"])
def test_the_next_montui_query_stops_what_a_sigkill_left_running(
    scenario_world: ScenarioWorld, long_queries: None, tmp_path: Path, killed: str
) -> None:
    env = clean_env(XDG_DATA_HOME=str(tmp_path), MONTUI_CONFIG="")
    if killed == "tui":
        term = start_tui_query(scenario_world, tmp_path)
    else:
        term = Terminal(query_command(scenario_world), env=env)
        wait_until_running(term, scenario_world)
    left = running_queries(scenario_world.endpoint)
    # The world runs a query before montui has written its id down; a SIGKILL in between
    # leaves a query nobody knows of (no program can avoid that): kill once it is written.
    records = tmp_path / "montui" / "running-queries"
    deadline = time.monotonic() + 60
    while not all(query_id in _recorded(records) for query_id in left):
        assert time.monotonic() < deadline, (left, _recorded(records))
        term.pump(0.2)
    term.child.kill(signal.SIGKILL)
    term.close()
    assert left and running_queries(scenario_world.endpoint) == left
    again = Terminal(query_command(scenario_world), env=env)
    try:
        assert again.wait_for(lambda s: "left running by an earlier montui" in s, timeout=60), (
            again.text()
        )
        text = again.text().replace("\n", "")
        assert all(query_id in text for query_id in left), text
        assert not set(left) & set(running_queries(scenario_world.endpoint))
    finally:
        again.close()


def _recorded(records: Path) -> str:
    """Every query id the running-queries files name (their text, concatenated)."""
    return "".join(path.read_text() for path in records.glob("*.json")) if records.exists() else ""


def test_the_next_montui_stops_what_a_sigkill_left_running(
    scenario_world: ScenarioWorld, long_queries: None, tmp_path: Path
) -> None:
    env = clean_env(XDG_DATA_HOME=str(tmp_path), MONTUI_CONFIG="")
    term = Terminal(query_command(scenario_world), env=env)
    wait_until_running(term, scenario_world)
    left = running_queries(scenario_world.endpoint)
    # The world runs a query before montui has written its id down; a SIGKILL in between
    # leaves a query nobody knows of (no program can avoid that): kill once it is written.
    records = tmp_path / "montui" / "running-queries"
    deadline = time.monotonic() + 60
    while not all(query_id in _recorded(records) for query_id in left):
        assert time.monotonic() < deadline, (left, _recorded(records))
        term.pump(0.2)
    term.child.kill(signal.SIGKILL)
    term.close()
    again = Terminal(montui(scenario_world), env=env)
    try:
        # the toast wraps its text: look for words that fit on a line
        assert again.wait_for(lambda s: "Stopped 1" in s and "earlier" in s, timeout=60), (
            again.text()
        )
        assert running_queries(scenario_world.endpoint) == []
        again.send("q")
        exits_within(again, SHUTDOWN_SECONDS + 5)
    finally:
        again.close()
    assert left
