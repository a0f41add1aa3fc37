"""`python -m montui_world serve`: the subprocess `montui --demo` runs, and its human mode."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from montui_world.identity import DEMO_REGIONS, FAKE_ACCESS_KEY
from montui_world.scenario import moments
from montui_world.serve import serve
from montui_world.world import World

SERVE = [sys.executable, "-m", "montui_world", "serve", "--port", "0"]
# The same world through the console entry point: montui.cli hands `demo serve ...` over.
MONTUI_DEMO_SERVE = [sys.executable, "-m", "montui", "demo", "serve", "--port", "0"]
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and /proc")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).parents[1] / "src"), *sys.path])
    return env


def _gone(pid: int, timeout: float) -> bool:
    """Whether process `pid` has exited (a zombie counts as exited) within `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError, IndexError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.1)
    return False


@pytest.fixture(params=[SERVE, MONTUI_DEMO_SERVE], ids=["python-m-montui_world", "montui-demo"])
def child(request: pytest.FixtureRequest) -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen(
        [*request.param, "--ready-json"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.wait(10)


def _ready(proc: subprocess.Popen[str]) -> dict[str, Any]:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line, "no ready line"
    ready: dict[str, Any] = json.loads(line)
    return ready


def test_ready_json_then_describe_alarms_then_sigterm(child: subprocess.Popen[str]) -> None:
    ready = _ready(child)
    assert set(ready) == {"endpoint", "access_key", "secret_key", "regions", "accounts"}
    assert ready["accounts"] == [{"alias": "demo", "id": "123456789012", "role_arn": None}]
    assert ready["endpoint"].startswith("http://127.0.0.1:")
    assert ready["access_key"] == FAKE_ACCESS_KEY
    assert ready["regions"] == list(DEMO_REGIONS)
    for region in ready["regions"]:
        cw = boto3.client(
            "cloudwatch",
            region_name=region,
            endpoint_url=ready["endpoint"],
            aws_access_key_id=ready["access_key"],
            aws_secret_access_key=ready["secret_key"],
        )
        page = cw.describe_alarms(AlarmTypes=["MetricAlarm", "CompositeAlarm"], MaxRecords=100)
        assert page["MetricAlarms"]
    child.send_signal(signal.SIGTERM)
    out, err = child.communicate(timeout=10)
    assert child.returncode == 0
    assert out == ""  # the ready line was the only output
    assert err == ""


def test_exits_when_stdin_closes(child: subprocess.Popen[str]) -> None:
    _ready(child)
    assert child.stdin is not None
    child.stdin.close()
    assert child.wait(timeout=10) == 0
    assert child.stderr is not None
    assert child.stderr.read() == ""


@pytest.mark.parametrize("stdin", ["pipe", "devnull"])
def test_exits_when_its_parent_dies(tmp_path: Path, stdin: str) -> None:
    """A parent killed with SIGKILL: with a pipe on stdin the child sees end of file; with
    /dev/null it notices it was re-parented."""
    err = tmp_path / "err"
    parent_script = textwrap.dedent(
        f"""
        import subprocess, sys, time
        child = subprocess.Popen({[*SERVE, "--ready-json"]!r},
                                 stdin=subprocess.{"PIPE" if stdin == "pipe" else "DEVNULL"},
                                 stdout=subprocess.PIPE, stderr=open({str(err)!r}, "w"),
                                 text=True)
        line = child.stdout.readline()
        print(child.pid, line.strip(), flush=True)
        time.sleep(60)
        """
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", parent_script], stdout=subprocess.PIPE, text=True, env=_env()
    )
    try:
        assert parent.stdout is not None
        pid_text, line = parent.stdout.readline().split(" ", 1)
        assert json.loads(line)["endpoint"]
        pid = int(pid_text)
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        assert _gone(pid, timeout=10), "the world outlived its parent"
        assert err.read_text() == ""
    finally:
        if parent.poll() is None:
            parent.kill()


def test_human_mode_prints_the_shell_lines_and_stops_on_ctrl_c() -> None:
    proc = subprocess.Popen(
        SERVE,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    try:
        assert proc.stdout is not None
        lines: list[str] = []
        while not lines or lines[-1].strip() != "Ctrl-C stops it.":
            line = proc.stdout.readline()
            assert line, f"output ended early: {lines}"
            lines.append(line)
        text = "".join(lines)
        endpoint = text.split("serving at ", 1)[1].split()[0]
        assert f"export AWS_ENDPOINT_URL={endpoint}\n" in text
        assert "export AWS_ACCESS_KEY_ID=" in text
        assert "export AWS_SECRET_ACCESS_KEY=" in text
        assert "export AWS_REGION=ap-northeast-1\n" in text
        assert f"montui --endpoint-url {endpoint} --region ap-northeast-1,us-east-1\n" in text
        assert (
            f"aws --endpoint-url {endpoint} cloudwatch describe-alarms"
            " --alarm-types MetricAlarm CompositeAlarm\n"
        ) in text
        # the live moments, in real time at the world's speed (1x: the simulated minutes)
        assert "Live moments" in text
        for line in moments.schedule(1.0):
            assert f"  {line}\n" in text
        assert "50.0-65.0 min on      ses" in text
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=10)
        assert proc.returncode == 0
        assert err == ""  # no traceback
    finally:
        if proc.poll() is None:
            proc.kill()


def test_serve_in_process_until_stopped(world_server: World) -> None:
    """Seeded, then alive: at 600x the ticker writes ten simulated minutes a second."""
    stop = threading.Event()
    seen: list[World] = []
    moved: list[bool] = []

    def newest(cw: Any) -> Any:
        stat = {
            "Metric": {
                "Namespace": "AWS/Lambda",
                "MetricName": "Invocations",
                "Dimensions": [{"Name": "FunctionName", "Value": "hitori-contact-form"}],
            },
            "Period": 60,
            "Stat": "Sum",
        }
        return cw.get_metric_data(
            MetricDataQueries=[{"Id": "i", "MetricStat": stat}],
            StartTime=datetime.now(UTC) - timedelta(days=2),
            EndTime=datetime.now(UTC) + timedelta(minutes=5),
            ScanBy="TimestampDescending",
        )["MetricDataResults"][0]["Timestamps"][0]

    def ready(world: World) -> None:
        seen.append(world)
        cw = boto3.client("cloudwatch", region_name="ap-northeast-1", endpoint_url=world.endpoint)
        assert cw.describe_alarms()["MetricAlarms"]
        first = newest(cw)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and newest(cw) < first + timedelta(minutes=5):
            time.sleep(0.1)
        moved.append(newest(cw) >= first + timedelta(minutes=5))
        stop.set()

    runner = threading.Thread(
        target=serve, kwargs={"seed": 3, "speed": 600, "ready": ready, "stop": stop}
    )
    try:
        runner.start()
        runner.join(timeout=40)
        assert not runner.is_alive()
        assert len(seen) == 1
        assert moved == [True]
    finally:
        world_server.reset()  # the in-process world shared moto's state with this worker's


def test_python_m_montui_demo_needs_the_serve_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "montui_world"], capture_output=True, text=True, env=_env()
    )
    assert done.returncode == 2
    assert "usage: python -m montui_world serve" in done.stderr


def test_bad_options_are_usage_errors() -> None:
    from montui_world.serve import main

    with pytest.raises(SystemExit) as exited:
        main(["serve", "--port", "not-a-number"])
    assert exited.value.code == 2
