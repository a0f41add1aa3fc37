"""Time from `enter` on a board row to a drawn chart, against the demo world.

    .venv/bin/python benchmarks/drilldown.py [--runs 5] [--alarm hitori-lambda-error-rate]

Starts the local AWS world (as `montui --demo` does), runs the real app headless at 80x24
against it, puts the cursor on the alarm, presses `enter` and waits until the detail screen's
chart shows the plot (not a message). Prints the median and the spread; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from typing import Any


async def measure(world: Any, alarm_name: str, runs: int) -> list[float]:
    from textual_plotext import PlotextPlot

    from montui.config import Settings
    from montui.launch import AwsRequest
    from montui.ui.app import MontuiApp
    from montui.ui.screens.alarm_detail import AlarmDetailScreen
    from montui.ui.screens.board import BoardScreen
    from montui.ui.widgets.alarm_table import AlarmTable
    from montui.ui.wiring import aws_feeds

    timings: list[float] = []
    app = MontuiApp(aws_feeds(AwsRequest(demo=True), world=world), Settings(), home="board")
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
        table = board.query_one(AlarmTable)
        keys = [k for k, a in table.alarms_by_key.items() if a.name == alarm_name]
        if not keys:
            raise SystemExit(f"{alarm_name} is not on the board")
        for _ in range(runs):
            table.move_cursor(row=table.get_row_index(keys[0]))
            await pilot.pause()
            start = time.perf_counter()
            await pilot.press("enter")
            while time.perf_counter() - start < 30:
                await pilot.pause(0.005)
                screen = app.screen
                if isinstance(screen, AlarmDetailScreen):
                    plots = screen.query(PlotextPlot)
                    if plots and plots.first().display:
                        timings.append(time.perf_counter() - start)
                        break
            await pilot.press("escape")
            await pilot.pause(0.2)
        await pilot.press("q")
    return timings


def main() -> int:
    from montui.launch import DemoWorld

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--alarm", default="hitori-lambda-error-rate")
    args = parser.parse_args()
    os.environ.setdefault("MONTUI_CONFIG", os.devnull)
    with DemoWorld() as world:
        timings = asyncio.run(measure(world, args.alarm, args.runs))
    if not timings:
        print("the chart was never drawn", file=sys.stderr)
        return 1
    print(f"enter -> chart drawn ({args.alarm}, 80x24, {len(timings)} runs):")
    print(
        f"  median {statistics.median(timings) * 1000:.0f} ms, "
        f"best {min(timings) * 1000:.0f} ms, worst {max(timings) * 1000:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
