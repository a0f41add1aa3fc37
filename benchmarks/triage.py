"""Time from start to the triage screen complete (every source answered: alarms, GuardDuty,
SES, DB load), and the requests per refresh of each source, against the demo world.

    .venv/bin/python benchmarks/triage.py [--runs 5]

Starts the local AWS world once (as `montui --demo` does; its own start is `world_ready.py`),
then per run builds the feeds and the real app headless at 80x24 (triage is the first screen)
and times until every source's every region has answered and the act-now rows are drawn.
Then presses `r` and counts the requests sent until every source has answered again, by
source (botocore's `before-send` on the session: every HTTP request, retries included).
Prints the median and the spread; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections import Counter
from datetime import datetime
from typing import Any

SOURCES = {
    "cloudwatch.DescribeAlarms": "alarms",
    "cloudwatch.ListTagsForResource": "alarms (tags)",
    "guardduty": "findings",
    "sesv2": "SES",
    "ses.": "SES",
    "cloudwatch.GetMetricData": "SES",  # the reputation rates (no sparklines on triage)
    "rds": "PI",
    "pi.": "PI",
    "sts": "account",
}


def source_of(operation: str) -> str:
    return next((s for prefix, s in SOURCES.items() if operation.startswith(prefix)), operation)


def answered_since(screen: Any, since: datetime | None) -> bool:
    """Every region of every source has answered (after `since`, when given)."""

    def fresh(at: datetime | None, error: str) -> bool:
        return (at is not None and (since is None or at >= since)) or (
            since is None and bool(error)
        )

    board = screen.board
    groups: list[list[tuple[datetime | None, str]]] = [
        [(s.fetched_at, s.error) for s in board.poll.statuses.values()],
        [(s.fetched_at, s.error) for s in screen.ses.statuses.values()],
        [(s.fetched_at, s.error) for s in screen.db.statuses.values()],
    ]
    if board.findings is not None:
        groups.append([(s.fetched_at, s.error) for s in board.findings.statuses.values()])
    return all(group and all(fresh(at, e) for at, e in group) for group in groups)


async def one_run(world: Any, measure_refresh: bool) -> tuple[float, Counter[str], int]:
    from montui.config import Settings
    from montui.launch import AwsRequest
    from montui.ui.app import MontuiApp
    from montui.ui.screens.triage import TriageScreen
    from montui.ui.wiring import aws_feeds

    sent: Counter[str] = Counter()

    def count(event_name: str, **_: Any) -> None:
        sent[source_of(event_name.removeprefix("before-send."))] += 1

    start = time.perf_counter()
    feeds = aws_feeds(AwsRequest(demo=True), world=world)
    app = MontuiApp(feeds, Settings())
    elapsed = float("nan")
    act_now = 0
    async with app.run_test(size=(80, 24)) as pilot:
        screen: Any = None
        while time.perf_counter() - start < 60:
            await pilot.pause(0.005)
            screen = app.screen
            if isinstance(screen, TriageScreen) and answered_since(screen, None):
                await pilot.pause()
                elapsed = time.perf_counter() - start
                act_now = sum(1 for s in screen.signals.values() if s.pattern == "act-now")
                break
        if measure_refresh and isinstance(screen, TriageScreen):
            clients: Any = feeds.session.clients  # type: ignore[attr-defined]
            clients._new_session().register("before-send", count)
            for client in clients._clients.values():
                client.meta.events.register("before-send", count)
            since = app.clock()
            await pilot.press("r")
            deadline = time.perf_counter() + 60
            while not answered_since(screen, since) and time.perf_counter() < deadline:
                await pilot.pause(0.01)
        await pilot.press("q")
    return elapsed, sent, act_now


def main() -> int:
    from montui.launch import DemoWorld

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("MONTUI_CONFIG", os.devnull)
    timings: list[float] = []
    with DemoWorld() as world:
        for i in range(args.runs):
            elapsed, sent, act_now = asyncio.run(one_run(world, i == args.runs - 1))
            timings.append(elapsed)
    done = [t for t in timings if t == t]
    if not done:
        print("the triage screen never completed", file=sys.stderr)
        return 1
    print(f"start -> triage complete, all sources (80x24, demo world, {len(done)} runs):")
    print(
        f"  median {statistics.median(done) * 1000:.0f} ms, "
        f"best {min(done) * 1000:.0f} ms, worst {max(done) * 1000:.0f} ms"
    )
    print("  each run (ms): " + ", ".join(f"{t * 1000:.0f}" for t in timings))
    print(f"  act-now signals on screen: {act_now}")
    print(f"requests per refresh (r; every region), by source: {sum(sent.values())}")
    for name, number in sorted(sent.items()):
        print(f"  {name}: {number}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
