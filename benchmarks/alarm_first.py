"""ALARM rows first on a big region: montui's first ALARM row and its complete listing, the
DescribeAlarms requests they cost, against the AWS CLI on the same endpoint.

    .venv/bin/python benchmarks/alarm_first.py [--alarms 10000] [--runs 3]

Starts the local AWS world with `--alarms-per-region N` (N bulk alarms per region, 1 in 100
in ALARM, over the demo scenario) and a counting proxy in front of it (the fault proxy with
no faults: it counts every request by service, region and operation). One region is watched:
  - montui in a 160x50 pseudo-terminal (the real executable): process start → an ALARM row
    on screen (the triage screen, montui's home: a row, or `? UNCLASSIFIED 100` folded);
  - montui headless in this process (Textual's pilot, 160x50, refresh 5 s): time to the first
    ALARM row on the board, to the complete listing, the DescribeAlarms requests each took,
    and the requests of the quiet refreshes after it (the ALARM query only, see
    `montui.model.alarm_first`);
  - the AWS CLI (`aws cloudwatch describe-alarms --state-value ALARM`, both alarm types, in
    .venv-bench, created on first use): process start → its answer printed.
Also prints how fast `montui_world.bulk.add_bulk_alarms` puts alarms in (in this process).
Prints medians; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.terminal import Terminal  # noqa: E402

from benchmarks.startup import ensure_awscli, peak_rss_mb, world_env  # noqa: E402

REGION = "us-east-1"
ALARM_ROW = re.compile(r"[‼▲·○?] alarm |UNCLASSIFIED [1-9]|ACT NOW \([1-9]")
"""Alarms in ALARM on triage (montui's home): a row, or a group folded to its count
(`? UNCLASSIFIED 100  (space: unfold)`: the bulk alarms match no response pattern)."""


def start_world(alarms: int) -> tuple[subprocess.Popen[bytes], dict[str, object]]:
    cmd = [sys.executable, "-m", "montui_world", "serve", "--port", "0", "--ready-json"]
    cmd += ["--alarms-per-region", str(alarms)]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdout is not None
    info: dict[str, object] = json.loads(proc.stdout.readline())
    return proc, info


def describe_alarms(plan: object) -> int:
    from montui_world.faults.plan import FaultPlan

    assert isinstance(plan, FaultPlan)
    return sum(n for k, n in plan.requests.items() if k == f"cloudwatch {REGION} DescribeAlarms")


def time_terminal(info: dict[str, object], endpoint: str) -> tuple[float, float]:
    """Process start → an ALARM row on the real montui's screen; its peak memory."""
    argv = [str(ROOT / ".venv/bin/montui"), "--endpoint-url", endpoint, "--region", REGION]
    start = time.perf_counter()
    term = Terminal(argv, columns=160, lines=50, env=world_env(info))
    rows = float("nan")
    try:
        deadline = start + 120
        while time.perf_counter() < deadline:
            term.pump(0.005)
            screen = term.text()
            if "✖ ALARM" in screen or ALARM_ROW.search(screen):
                rows = time.perf_counter() - start
                break
        memory = peak_rss_mb(term.child.pid)
        term.send("q")
        term.pump(0.5)
    finally:
        term.close()
    return rows, memory


async def time_headless(endpoint: str, plan: object) -> dict[str, float]:
    """The board in this process: first ALARM row, complete listing, requests."""
    from montui.config import Settings
    from montui.launch import AwsRequest
    from montui.model.alarm import AlarmState
    from montui.ui.app import MontuiApp
    from montui.ui.screens.board import BoardScreen
    from montui.ui.widgets.alarm_table import AlarmTable
    from montui.ui.wiring import aws_feeds

    data = Path("/tmp/montui-bench-alarm-first")
    feeds = aws_feeds(AwsRequest(endpoint_url=endpoint, regions=(REGION,)), data_dir=data)
    settings = Settings(regions=(REGION,)).with_refresh(5.0)
    app = MontuiApp(feeds, settings, data_dir=data, home="board")
    found: dict[str, float] = {}
    before = describe_alarms(plan)
    start = time.perf_counter()
    async with app.run_test(size=(160, 50)) as pilot:
        deadline = start + 300
        while time.perf_counter() < deadline and app.is_running:
            await pilot.pause(0.005)
            screen = app.screen
            if not isinstance(screen, BoardScreen):
                continue
            table = screen.query_one(AlarmTable)
            shown = table.alarms_by_key.values()
            if "first" not in found and any(a.state is AlarmState.ALARM for a in shown):
                found["first"] = time.perf_counter() - start
                found["first_requests"] = describe_alarms(plan) - before
            status = screen.statuses.get(("", REGION))
            if status is not None and status.listed_at is not None:
                found["listed"] = time.perf_counter() - start
                found["listed_requests"] = describe_alarms(plan) - before
                found["alarms"] = len(status.alarms)
                found["in_alarm"] = sum(a.state is AlarmState.ALARM for a in status.alarms)
                break
        # Quiet refreshes: 12 s at a 5 s refresh, within the big region's listing interval.
        quiet_from = describe_alarms(plan)
        polls = 0
        fetched = (
            app.screen.statuses[("", REGION)].fetched_at
            if isinstance(app.screen, BoardScreen)
            else None
        )
        until = time.perf_counter() + 12
        while time.perf_counter() < until:
            await pilot.pause(0.05)
            screen = app.screen
            if (
                isinstance(screen, BoardScreen)
                and screen.statuses[("", REGION)].fetched_at != fetched
            ):
                fetched = screen.statuses[("", REGION)].fetched_at
                polls += 1
        found["quiet_polls"] = polls
        found["quiet_requests"] = describe_alarms(plan) - quiet_from
        await pilot.press("q")
    return found


def time_awscli(aws: Path, info: dict[str, object], endpoint: str) -> tuple[float, int]:
    argv = [str(aws), "cloudwatch", "describe-alarms", "--state-value", "ALARM"]
    argv += ["--alarm-types", "MetricAlarm", "CompositeAlarm", "--output", "json"]
    argv += ["--endpoint-url", endpoint, "--region", REGION]
    start = time.perf_counter()
    out = subprocess.run(argv, env=world_env(info), capture_output=True, check=True)
    took = time.perf_counter() - start
    data = json.loads(out.stdout)
    return took, len(data.get("MetricAlarms", [])) + len(data.get("CompositeAlarms", []))


def bulk_speed(count: int) -> float:
    from montui_world.bulk import add_bulk_alarms

    best = 0.0
    for seed in range(3):
        start = time.perf_counter()
        add_bulk_alarms("000000000000", REGION, count, seed=seed)
        best = max(best, count / (time.perf_counter() - start))
    return best


def main() -> int:
    from montui_world.faults.plan import FaultPlan
    from montui_world.faults.proxy import FaultProxy

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alarms", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    world, info = start_world(args.alarms)
    ready = time.perf_counter() - started
    plan = FaultPlan()
    proxy = FaultProxy(str(info["endpoint"]), plan).start()
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "MONTUI_CONFIG"):
        os.environ.pop(name, None)
    os.environ.update({k: v for k, v in world_env(info).items() if k.startswith("AWS_")})
    try:
        aws = ensure_awscli()
        time_terminal(info, proxy.endpoint)  # warm-up: bytecode and page caches
        terminal = [time_terminal(info, proxy.endpoint) for _ in range(args.runs)]
        headless = [asyncio.run(time_headless(proxy.endpoint, plan)) for _ in range(args.runs)]
        time_awscli(aws, info, proxy.endpoint)  # warm-up, likewise
        before = describe_alarms(plan)
        cli = [time_awscli(aws, info, proxy.endpoint) for _ in range(args.runs)]
        cli_requests = (describe_alarms(plan) - before) / args.runs
    finally:
        proxy.stop()
        world.terminate()
        world.wait()
    rows = statistics.median(t[0] for t in terminal)
    cli_time = statistics.median(c[0] for c in cli)

    def med(key: str) -> float:
        return statistics.median(h[key] for h in headless)

    print(f"load average at the end: {Path('/proc/loadavg').read_text().split()[0]} (2 cores)")
    print(f"world: {args.alarms} bulk alarms per region, ready in {ready:.2f} s; region {REGION}:")
    print(f"  {med('alarms'):.0f} alarms, {med('in_alarm'):.0f} in ALARM; runs: {args.runs}")
    print(f"montui (terminal 160x50) ALARM row shown  median {rows:.3f} s")
    print(
        f"aws cli --state-value ALARM printed     median {cli_time:.3f} s"
        f"  ({cli[0][1]} alarms, {cli_requests:.0f} request)"
    )
    print(f"ratio montui / aws cli                  {rows / cli_time:.2f}   (target <= 1.0)")
    print(f"montui peak memory (terminal)           {max(t[1] for t in terminal):.0f} MB")
    print(
        f"board (headless 160x50) first ALARM row median {med('first'):.3f} s"
        f"  after {med('first_requests'):.0f} DescribeAlarms request(s)"
    )
    print(
        f"board complete listing                  median {med('listed'):.3f} s"
        f"  after {med('listed_requests'):.0f} DescribeAlarms requests"
    )
    print(
        f"quiet refreshes after it (5 s, 12 s)    {med('quiet_polls'):.0f} polls,"
        f" {med('quiet_requests'):.0f} DescribeAlarms requests"
    )
    print(f"add_bulk_alarms {bulk_speed(args.alarms):,.0f} alarms/s (best of 3, in process)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
