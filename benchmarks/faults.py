"""The whole app against the demo world through the fault proxy, for minutes: does it hold?

    .venv/bin/python benchmarks/faults.py [--minutes 10] [--rate 0.3] [--refresh 5] [--seed 1]

Starts the demo world (`montui demo serve --speed 10`) and, in this process, the fault proxy
(`montui_world.faults`, every transient fault: throttling, 500, 503, stalls, resets, at
`--rate` of all calls), then runs the real app headless (Textual's pilot, 80x24) on the real
AWS feeds through the proxy. Every second it reads the board; every 30 s it opens the first
alarm's detail, then the workbench and runs a Logs Insights query, and goes back. When the
time is up the faults stop and it waits for every region to be live again, then quits.
Prints: crashes, tracebacks logged, blank panes (the board's table emptied after it had
rows, or a failing region not shown in the banner), the longest stale period per region (the
age of its data), the recovery time after the faults stopped, the queries still running on
the world after quit (orphans), and RSS growth. Asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from montui.model.records import replace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.startup import world_env  # noqa: E402
from montui.config import Settings  # noqa: E402
from montui.launch import AwsRequest  # noqa: E402
from montui.model.time_range import TimeRange  # noqa: E402
from montui.ui.app import MontuiApp  # noqa: E402
from montui.ui.screens.alarm_detail import AlarmDetailScreen  # noqa: E402
from montui.ui.screens.board import BoardScreen  # noqa: E402
from montui.ui.screens.workbench import QueryWorkbench  # noqa: E402
from montui.ui.widgets.alarm_table import AlarmTable  # noqa: E402
from montui.ui.widgets.query_editor import QueryEditor  # noqa: E402
from montui.ui.widgets.region_banner import RegionBanner  # noqa: E402
from montui.ui.wiring import aws_feeds  # noqa: E402
from montui_world.faults.plan import TRANSIENT, FaultPlan, Rule  # noqa: E402
from montui_world.faults.proxy import FaultProxy  # noqa: E402

QUERY = "fields @timestamp, @message | filter @message like /ERROR/ | limit 20"
GROUP = "/aws/lambda/hitori-contact-form"


@dataclass
class Figures:
    """What the run saw."""

    crashes: list[str] = field(default_factory=list)
    tracebacks: Counter[str] = field(default_factory=Counter)
    blank: Counter[str] = field(default_factory=Counter)
    stale: dict[str, float] = field(default_factory=dict)
    recovery: float | None = None
    orphans: int = 0
    rss_start: float = 0.0
    rss_end: float = 0.0
    visits: Counter[str] = field(default_factory=Counter)


class TracebackCounter(logging.Handler):
    """Counts every log record that carries a traceback (and asyncio's unretrieved ones)."""

    def __init__(self, figures: Figures) -> None:
        super().__init__(logging.WARNING)
        self.figures = figures

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info or "Traceback" in record.getMessage():
            self.figures.tracebacks[f"{record.name}: {record.getMessage()[:80]}"] += 1


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_world(speed: float) -> tuple[subprocess.Popen[bytes], dict[str, Any]]:
    import json

    cmd = [sys.executable, "-m", "montui_world", "serve", "--speed", str(speed), "--ready-json"]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdout is not None
    return proc, json.loads(proc.stdout.readline())


async def drive(app: MontuiApp, proxy: FaultProxy, args: argparse.Namespace, out: Figures) -> None:
    async with app.run_test(headless=True, size=(80, 24)) as pilot:
        board = app.screen
        assert isinstance(board, BoardScreen)
        table = board.query_one(AlarmTable)
        for _ in range(600):
            if table.row_count:
                break
            await pilot.pause(0.1)
        else:
            out.crashes.append("no alarm rows within 60 s")
            return
        out.rss_start = rss_mb()
        proxy.plan.set_rules([Rule(args.rate, TRANSIENT)])
        loop = asyncio.get_running_loop()
        end = loop.time() + args.minutes * 60
        next_visit = loop.time() + 30
        while loop.time() < end:
            sample(board, table, out)
            if loop.time() >= next_visit:
                await visit(app, pilot, out)
                next_visit = loop.time() + 30
            await pilot.pause(1.0)
        proxy.plan.clear()
        cleared = loop.time()
        while loop.time() - cleared < 180:
            sample(board, table, out)
            if all(
                s.error is None and (s.age(app.clock()) or 0) < args.refresh + 1
                for s in board.statuses.values()
            ):
                out.recovery = loop.time() - cleared
                break
            await pilot.pause(0.5)
        out.rss_end = rss_mb()
        await pilot.press("q")
        if app.return_code not in (None, 0):
            out.crashes.append(f"exit status {app.return_code}")


def sample(board: BoardScreen, table: AlarmTable, out: Figures) -> None:
    now = board.clock()
    if table.row_count == 0:
        out.blank["board table"] += 1
    banner = board.query_one(RegionBanner)
    shown = str(banner.render()) if banner.display else ""
    for (_, region), status in board.statuses.items():
        age = status.age(now) or 0.0
        out.stale[region] = max(out.stale.get(region, 0.0), age)
        if status.error and f"⚠ {region}: " not in shown:
            out.blank[f"banner missing {region}"] += 1


async def visit(app: MontuiApp, pilot: Any, out: Figures) -> None:
    """The first alarm's detail for 5 s, then the workbench with a query for up to 10 s."""
    await pilot.press("enter")
    await pilot.pause(5.0)
    if isinstance(app.screen, AlarmDetailScreen):
        out.visits["detail"] += 1
        if "Loading" in str(app.screen.query_one("#chart-message").render()):
            out.visits["detail chart still loading after 5 s (a stall)"] += 1
    await back_to_board(app, pilot)
    await pilot.press("w")
    await pilot.pause(1.0)
    bench = app.screen
    if isinstance(bench, QueryWorkbench):
        out.visits["workbench"] += 1
        bench.state = replace(bench.state, groups=(GROUP,), time_range=TimeRange(relative=3600))
        bench.query_one(QueryEditor).set_query(QUERY)
        await pilot.press("ctrl+r")
        for _ in range(100):
            await pilot.pause(0.1)
            result = bench.state.result
            if bench.state.failure is not None or (result is not None and result.status.finished):
                break
        if bench.state.failure is not None:
            out.visits["workbench query failed (said in place)"] += 1
    await back_to_board(app, pilot)


async def back_to_board(app: MontuiApp, pilot: Any) -> None:
    for _ in range(4):
        if isinstance(app.screen, BoardScreen):
            return
        await pilot.press("escape")
        await pilot.pause(0.3)


def orphans(info: dict[str, Any]) -> int:
    import boto3

    count = 0
    for region in info["regions"]:
        logs = boto3.client("logs", region_name=region, endpoint_url=info["endpoint"])
        queries = logs.describe_queries(maxResults=1000)["queries"]
        count += sum(q["status"] in ("Scheduled", "Running") for q in queries)
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=0.3)
    parser.add_argument("--refresh", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    world, info = start_world(10.0)
    out = Figures()
    logging.getLogger().addHandler(TracebackCounter(out))
    started = time.monotonic()
    try:
        os.environ.update(world_env(info))
        plan = FaultPlan(seed=args.seed)
        with (
            FaultProxy(str(info["endpoint"]), plan, stall_seconds=30) as proxy,
            TemporaryDirectory() as tmp,
        ):
            regions = tuple(str(r) for r in info["regions"])
            feeds = aws_feeds(
                AwsRequest(endpoint_url=proxy.endpoint, regions=regions), data_dir=Path(tmp)
            )
            settings = Settings(regions=regions).with_refresh(args.refresh)
            app = MontuiApp(feeds, settings, data_dir=Path(tmp), home="board")
            try:
                asyncio.run(drive(app, proxy, args, out))
            except Exception as exc:
                out.crashes.append(f"{type(exc).__name__}: {exc}")
        out.orphans = orphans(info)
    finally:
        world.terminate()
        world.wait()
    total = sum(plan.requests.values())
    injected = ", ".join(f"{f.value} {n}" for f, n in plan.injected.most_common()) or "none"
    print(
        f"{args.minutes:g} min at {args.rate:.0%} faults, refresh {args.refresh:g} s, "
        f"seed {args.seed}; wall {time.monotonic() - started:.0f} s"
    )
    print(f"requests {total}, faults injected {plan.total_injected}: {injected}")
    print(f"screens visited: {dict(out.visits) or 'none'}")
    print(f"crashes: {len(out.crashes)} {out.crashes or ''}")
    print(f"tracebacks logged: {sum(out.tracebacks.values())} {dict(out.tracebacks) or ''}")
    print(f"blank panes (samples): {sum(out.blank.values())} {dict(out.blank) or ''}")
    for region, age in sorted(out.stale.items()):
        print(f"longest stale period {region}: {age:.0f} s")
    recovery = f"{out.recovery:.1f} s" if out.recovery is not None else "not within 180 s"
    print(f"recovery after faults stopped: {recovery}")
    print(f"orphaned queries (Running after quit): {out.orphans}")
    print(
        f"RSS: {out.rss_start:.0f} MB → {out.rss_end:.0f} MB "
        f"({out.rss_end - out.rss_start:+.0f} MB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
