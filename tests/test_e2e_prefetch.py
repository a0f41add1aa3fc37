"""End to end: the real `montui` in a pseudo-terminal, and its start-up prefetch child, which
never outlives it. The endpoint accepts connections and never answers, so the child is still
waiting for AWS when montui goes: by `q`, or killed outright (Linux: the death signal)."""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from tests.terminal import Terminal, clean_env

pytestmark = pytest.mark.e2e


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """An HTTP endpoint that takes connections into its backlog and never answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(64)
        yield f"http://127.0.0.1:{server.getsockname()[1]}"


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")


def child_pid(log: Path, parent: int, timeout: float) -> int | None:
    """The prefetch child's pid, once its client is made (it writes the start-up log)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists():
            for line in log.read_text().splitlines():
                _, pid, label = line.split(" ", 2)
                if label.startswith("child: client made") and int(pid) != parent:
                    return int(pid)
        time.sleep(0.05)
    return None


def gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.05)
    return not alive(pid)


def start(endpoint: str, tmp_path: Path) -> tuple[Terminal, Path]:
    log = tmp_path / "startup.log"
    env = clean_env(
        XDG_DATA_HOME=str(tmp_path), MONTUI_CONFIG="", MONTUI_STARTUP_LOG=str(log),
        AWS_ENDPOINT_URL=endpoint,
    )  # fmt: skip
    argv = [sys.executable, "-m", "montui", "--endpoint-url", endpoint, "--region", "us-east-1"]
    return Terminal(argv, env=env), log


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_prefetch_child_ends_when_montui_quits(silent_endpoint: str, tmp_path: Path) -> None:
    term, log = start(silent_endpoint, tmp_path)
    try:
        assert term.wait_for(lambda s: "montui" in s, timeout=30), term.text()
        pid = child_pid(log, term.child.pid, timeout=30)
        assert pid is not None, log.read_text() if log.exists() else "no log"
        assert alive(pid)  # still waiting for the silent endpoint
        term.send("q")
        term.child.expect(pexpect.EOF, timeout=20)
    finally:
        term.close()
    assert gone(pid, timeout=10)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG")
def test_the_prefetch_child_dies_with_a_killed_montui(silent_endpoint: str, tmp_path: Path) -> None:
    term, log = start(silent_endpoint, tmp_path)
    try:
        assert term.wait_for(lambda s: "montui" in s, timeout=30), term.text()
        pid = child_pid(log, term.child.pid, timeout=30)
        assert pid is not None, log.read_text() if log.exists() else "no log"
        assert alive(pid)
        os.kill(term.child.pid, signal.SIGKILL)
        assert gone(pid, timeout=10)
    finally:
        term.close()
