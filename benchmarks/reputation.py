"""Time from `e` on the board to the SES reputation pane drawn, and the requests per refresh,
against the demo world.

    .venv/bin/python benchmarks/reputation.py [--runs 5]

Starts the local AWS world (as `montui --demo` does), runs the real app headless at 80x24
against it (sparklines are off below 100 columns, so the board sends no GetMetricData of its
own), presses `e` and waits until every region's answer is in and the bounce chart is drawn;
then presses `r` in the pane and counts the requests sent until that refresh is done, by
service and operation (botocore's `before-send` event on the session: every HTTP request,
retries included). Prints the median and the spread; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections import Counter
from typing import Any

COUNTED = ("sesv2", "ses", "cloudwatch.GetMetricData")
"""The requests of the pane (the board's DescribeAlarms polls are not counted)."""


async def measure(world: Any, runs: int) -> tuple[list[float], list[Counter[str]]]:
    from montui.config import Settings
    from montui.launch import AwsRequest
    from montui.ui.app import MontuiApp
    from montui.ui.screens.board import BoardScreen
    from montui.ui.screens.reputation import ReputationScreen
    from montui.ui.widgets.metric_chart import MetricChart
    from montui.ui.wiring import aws_feeds

    timings: list[float] = []
    refreshes: list[Counter[str]] = []
    sent: Counter[str] = Counter()

    def count(event_name: str, **_: Any) -> None:
        name = event_name.removeprefix("before-send.")
        if name.startswith(COUNTED):
            sent[name] += 1

    feeds = aws_feeds(AwsRequest(demo=True), world=world)
    app = MontuiApp(feeds, Settings(), home="board")
    async with app.run_test(size=(80, 24)) as pilot:
        board: Any = None
        for _ in range(600):
            await pilot.pause(0.05)
            board = app.screen
            if (
                isinstance(board, BoardScreen)
                and board.statuses
                and all(s.fetched_at for s in board.statuses.values())
            ):
                break
        assert isinstance(board, BoardScreen)
        # Clients made from now on copy the session's handlers; the board's existing ones
        # (CloudWatch) get theirs directly. Private attributes: a benchmark, not montui.
        clients: Any = feeds.session.clients  # type: ignore[attr-defined]
        clients._new_session().register("before-send", count)
        for client in clients._clients.values():
            client.meta.events.register("before-send", count)
        for _ in range(runs):
            start = time.perf_counter()
            await pilot.press("e")
            pane: Any = None
            while time.perf_counter() - start < 30:
                await pilot.pause(0.005)
                pane = app.screen
                if isinstance(pane, ReputationScreen) and pane.fetches >= 1:
                    chart = pane.query_one("#chart-bounce", MetricChart)
                    if chart.shown is not None or chart.message:
                        timings.append(time.perf_counter() - start)
                        break
            assert isinstance(pane, ReputationScreen)
            sent.clear()
            done = pane.fetches
            await pilot.press("r")
            while pane.fetches == done:
                await pilot.pause(0.01)
            refreshes.append(Counter(sent))
            await pilot.press("escape")
            await pilot.pause(0.2)
        await pilot.press("q")
    return timings, refreshes


def main() -> int:
    from montui.launch import DemoWorld

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("MONTUI_CONFIG", os.devnull)
    with DemoWorld() as world:
        timings, refreshes = asyncio.run(measure(world, args.runs))
    if not timings:
        print("the pane was never drawn", file=sys.stderr)
        return 1
    print(f"e -> reputation pane drawn (80x24, 2 regions, {len(timings)} runs):")
    print(
        f"  median {statistics.median(timings) * 1000:.0f} ms, "
        f"best {min(timings) * 1000:.0f} ms, worst {max(timings) * 1000:.0f} ms"
    )
    print("  each run (ms): " + ", ".join(f"{t * 1000:.0f}" for t in timings))
    print("  (the first run asks GetSendStatistics; the feed reuses it for 5 minutes)")
    totals = [sum(c.values()) for c in refreshes]
    print(f"requests per refresh (every region): {totals}")
    for name, number in sorted(refreshes[-1].items()):
        print(f"  {name}: {number}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
