"""Time to first frame and to ALARM rows on screen, against the AWS CLI on the same endpoint.

    .venv/bin/python benchmarks/startup.py [--runs 5] [--size 160x50]

Starts the local AWS world (`montui_world serve`, the demo scenario), then for each run starts
the real `montui` executable in a pseudo-terminal (160x50 by default) and reads its screen
with a terminal emulator:
  - first frame: process start → montui's title is on screen;
  - ALARM rows: process start → an ALARM row is on screen (triage, the home: `‼ alarm`, or
    the board: `✖ ALARM`);
  (the screen is emulated after the fact from montui's output as it arrived, `replay`: the
  times are when a terminal had the bytes, and the emulator takes no CPU from montui);
  - peak memory: the montui process's VmHWM once the rows are shown.
Beside it, the AWS CLI (installed in .venv-bench, created on first use; version printed)
runs `aws cloudwatch describe-alarms --state-value ALARM --alarm-types MetricAlarm
CompositeAlarm` from the same endpoint:
  - one region: montui `--region R` against one CLI call for R (R: the region with the most
    ALARM alarms);
  - every region: montui `--region R1,R2` against one CLI call per region, run concurrently
    (the time until the last one has printed);
  (the CLI's time is when its whole answer was printed, not when its process exited).
montui's runs and the CLI's are interleaved (each first in turn), so that both meet the same
machine: a shared machine's speed moves by tens of per cent within minutes. Prints medians and
the ratios (target: <= 1.0, first frame <= 0.3 s), then where montui's
time went: the median of each start-up milestone (`montui.startup_log`, MONTUI_STARTUP_LOG),
montui's own and its prefetch child's. Everything on 127.0.0.1. Asserts nothing.

Where the time went before the prefetch (main's code with temporary timestamps, one region,
160x50, 3 runs at load ~2 on the 2 shared cores): process start → `montui.cli` imported
0.15-0.24 s → Textual and the UI imported 0.31-0.48 → app mounted → first frame painted and
connect started 0.40-0.60 → aiobotocore imported in a thread (under the GIL, while Textual
paints) +0.23-0.42 → profile and regions resolved +0.03-0.08 → CloudWatch client created
(service model, endpoint rules) +0.09-0.18 → DescribeAlarms answered and parsed +0.13-0.17 →
rows on screen +0.03-0.07: 0.97-1.51 s in all; the AWS CLI 0.7-1.2 s in the same minutes.

With the prefetch the AWS side leaves montui's path: the child (`montui.early`, forked before
`montui.cli` is imported) imports botocore and loads CloudWatch's model, endpoint rules and
the region list while montui imports its modules and Textual, resolves the request once the
config is read, sends DescribeAlarms and writes the answer, usually ~0.19 s after start, just
before the app mounts (~0.21 s); the triage screen then mounts with the rows (`connect_now`)
and the first frame carries them. What is left on the way is montui's own start: Python,
`montui.cli` and the model (~0.08 s; 0.13 s while the records were frozen dataclasses),
Textual and the UI (~0.12 s), the first paint (~0.05 s). The
milestones this script prints show both processes (`child: …` lines are the child's).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pexpect
import pyte

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.terminal import Terminal  # noqa: E402

AWSCLI = "awscli==1.46.3"
ALARM_ROW = re.compile(r"‼ alarm |✖ ALARM")


def start_world(extra: list[str]) -> tuple[subprocess.Popen[bytes], dict[str, object]]:
    cmd = [sys.executable, "-m", "montui_world", "serve", "--port", "0", "--ready-json", *extra]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdout is not None
    info: dict[str, object] = json.loads(proc.stdout.readline())
    return proc, info


def world_env(info: dict[str, object]) -> dict[str, str]:
    # PYTHONDONTWRITEBYTECODE (set on some build machines) would make every run recompile
    # montui's own modules; a user's install has its bytecode cached after the first run.
    skip = ("AWS_", "PYTHONDONTWRITEBYTECODE", "MONTUI_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
    env.update(
        TERM="xterm-256color",
        AWS_ACCESS_KEY_ID=str(info["access_key"]),
        AWS_SECRET_ACCESS_KEY=str(info["secret_key"]),
        AWS_CONFIG_FILE="/dev/null",
        AWS_SHARED_CREDENTIALS_FILE="/dev/null",
        AWS_EC2_METADATA_DISABLED="true",
        MONTUI_CONFIG="/dev/null",
    )
    return env


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


ROW_MARKERS = ("‼".encode(), "✖".encode())
"""Bytes that may start an ALARM row: only then is the screen emulated (`replay`)."""


def replay(chunks: list[tuple[float, bytes]], size: tuple[int, int]) -> tuple[float, float]:
    """Feed montui's output, chunk by chunk as it arrived, to a terminal emulator: when the
    chunk that put the title on screen arrived, and the one that put an ALARM row (NaN: not
    yet). The screen is emulated after the fact, so that the emulator (pyte, pure Python,
    ~20 ms of CPU per 160x50 frame) takes no CPU from montui and its child while they start,
    and the times are those at which a real terminal, which draws at once, had the bytes."""
    screen = pyte.Screen(*size)
    stream = pyte.ByteStream(screen)
    first = rows = float("nan")
    for arrived, data in chunks:
        stream.feed(data)
        text = "\n".join(screen.display)
        if first != first and "montui" in text:
            first = arrived
        if ALARM_ROW.search(text):
            return first, arrived
    return first, rows


def time_montui(
    info: dict[str, object], regions: str, size: tuple[int, int]
) -> tuple[float, float, float, dict[str, float]]:
    """First frame, ALARM rows, peak MB, and the start-up milestones (seconds from start)."""
    argv = [str(ROOT / ".venv/bin/montui"), "--endpoint-url", str(info["endpoint"])]
    argv += ["--region", regions]
    with tempfile.NamedTemporaryFile("r", suffix=".log") as log:
        env = world_env(info)
        env["MONTUI_STARTUP_LOG"] = log.name
        wall = time.time()
        start = time.perf_counter()
        term = Terminal(argv, env=env, columns=size[0], lines=size[1])
        first = rows = float("nan")
        try:
            chunks: list[tuple[float, bytes]] = []
            tail, marked = b"", False
            deadline = start + 30
            while time.perf_counter() < deadline and rows != rows:
                try:
                    data = term.child.read_nonblocking(65536, timeout=0.5)
                except pexpect.TIMEOUT:
                    continue
                except pexpect.EOF:
                    break
                chunks.append((time.perf_counter() - start, data))
                marked = marked or any(marker in tail + data for marker in ROW_MARKERS)
                if marked:  # (a row may span chunks: every later chunk is replayed too)
                    first, rows = replay(chunks, size)
                tail = data[-8:]
            memory = peak_rss_mb(term.child.pid)
            term.send("q")
            term.pump(0.5)
        finally:
            term.close()
        milestones: dict[str, float] = {}
        for line in Path(log.name).read_text().splitlines():
            stamp, _, label = line.split(" ", 2)
            milestones.setdefault(label, float(stamp) - wall)
    return first, rows, memory, milestones


def ensure_awscli() -> Path:
    venv = ROOT / ".venv-bench"
    aws = venv / "bin/aws"
    if not aws.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin/python"), "-m", "pip", "install", "--quiet", AWSCLI]
        subprocess.run(pip, check=True)
    return aws


def awscli_version(aws: Path) -> str:
    out = subprocess.run([str(aws), "--version"], capture_output=True, text=True, check=False)
    return (out.stdout or out.stderr).strip()


def time_awscli(aws: Path, info: dict[str, object], regions: list[str]) -> tuple[float, int]:
    """One CLI call per region, all started at once: the time until the last one had printed
    its whole answer (not until it exited: the interpreter's teardown is not the CLI's answer
    any more than montui's is), and how many ALARM alarms they printed."""
    start = time.perf_counter()
    procs = []
    for region in regions:
        argv = [str(aws), "cloudwatch", "describe-alarms", "--state-value", "ALARM"]
        argv += ["--alarm-types", "MetricAlarm", "CompositeAlarm", "--output", "json"]
        argv += ["--endpoint-url", str(info["endpoint"]), "--region", region]
        procs.append(subprocess.Popen(argv, env=world_env(info), stdout=subprocess.PIPE))
    count, printed = 0, start
    for proc in procs:
        data, printed_at = whole_answer(proc)
        printed = max(printed, printed_at)
        count += len(data.get("MetricAlarms", [])) + len(data.get("CompositeAlarms", []))
        proc.wait()
    return printed - start, count


def whole_answer(proc: subprocess.Popen[bytes]) -> tuple[dict[str, Any], float]:
    """The CLI's JSON answer, read as it is written, and when its last byte arrived."""
    assert proc.stdout is not None
    fd, out = proc.stdout.fileno(), b""
    while True:
        chunk = os.read(fd, 65536)
        arrived = time.perf_counter()
        if not chunk:
            break
        out += chunk
        try:
            return json.loads(out), arrived
        except ValueError:
            continue  # not all of it yet
    return json.loads(out), arrived


def compare(
    aws: Path, info: dict[str, object], regions: list[str], runs: int, size: tuple[int, int]
) -> dict[str, object]:
    time_montui(info, ",".join(regions), size)  # warm-up: bytecode cache, page cache
    time_awscli(aws, info, regions)  # likewise
    montui: list[tuple[float, float, float, dict[str, float]]] = []
    cli: list[tuple[float, int]] = []
    for turn in range(runs):  # interleaved, each first in turn: both see the same machine
        for which in ("montui", "cli") if turn % 2 == 0 else ("cli", "montui"):
            if which == "montui":
                montui.append(time_montui(info, ",".join(regions), size))
            else:
                cli.append(time_awscli(aws, info, regions))
    labels: dict[str, list[float]] = defaultdict(list)
    for run in montui:
        for label, at in run[3].items():
            labels[label].append(at)
    rows = statistics.median(m[1] for m in montui)
    cli_time = statistics.median(c[0] for c in cli)
    return {
        "first": statistics.median(m[0] for m in montui),
        "rows": rows,
        "memory": max(m[2] for m in montui),
        "cli": cli_time,
        "count": cli[0][1],
        "ratio": rows / cli_time,
        "milestones": {k: statistics.median(v) for k, v in labels.items()},
    }


def report(title: str, found: dict[str, object]) -> None:
    print(f"\n{title}  (ALARM alarms: {found['count']})")
    print(f"  montui first frame       median {found['first']:.3f} s   (target <= 0.3 s)")
    print(f"  montui ALARM rows shown  median {found['rows']:.3f} s")
    print(f"  aws cli                  median {found['cli']:.3f} s")
    print(f"  ratio montui / aws cli   {found['ratio']:.2f}       (target <= 1.0)")
    print(f"  montui peak memory       {found['memory']:.0f} MB")
    milestones = found["milestones"]
    assert isinstance(milestones, dict)
    print("  montui's start-up milestones (median seconds from process start):")
    for label, at in sorted(milestones.items(), key=lambda item: item[1]):
        print(f"    {at:6.3f}  {label}")


def in_alarm_per_region(aws: Path, info: dict[str, object], regions: list[str]) -> str:
    """The region with the most ALARM alarms (the single-region comparison's region)."""
    counts = {r: time_awscli(aws, info, [r])[1] for r in regions}
    return max(regions, key=lambda r: counts[r])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", default="160x50", help="terminal COLUMNSxLINES")
    args = parser.parse_args()
    columns, lines = (int(n) for n in args.size.split("x"))
    world, info = start_world([])
    regions = [str(r) for r in info["regions"]]  # type: ignore[attr-defined]
    try:
        aws = ensure_awscli()
        one = in_alarm_per_region(aws, info, regions)
        single = compare(aws, info, [one], args.runs, (columns, lines))
        every = compare(aws, info, regions, args.runs, (columns, lines))
    finally:
        world.terminate()
        world.wait()
    print(f"runs: {args.runs}, terminal {columns}x{lines}, {awscli_version(aws)}")
    report(f"one region ({one}) against one CLI call", single)
    report(f"{len(regions)} regions ({', '.join(regions)}) against concurrent CLI calls", every)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
