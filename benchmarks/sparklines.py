"""GetMetricData calls and metrics per board refresh, for 60 and for 1,000 alarms.

    .venv/bin/python benchmarks/sparklines.py

Runs the real board headless with a scripted feed (no network) holding N alarms over two
regions, at 80x24 (sparklines turned on with `g`) and 160x50, forces two refreshes and counts
the GetMetricData calls and the metric queries they carried. Only the rows on screen are
asked for, in one call per region, so the figures do not grow with N. Prints; asserts nothing.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes import FakeFeed, frozen_clock, make_alarm  # noqa: E402

REGIONS = ("ap-northeast-1", "us-east-1")


async def per_refresh(count: int, size: tuple[int, int]) -> tuple[float, float]:
    from montui.config import Settings
    from montui.ui.app import MontuiApp

    alarms = {
        region: [
            make_alarm(f"svc-{i:04d}", region=region, dims=(("FunctionName", f"fn-{i}"),))
            for i in range(r, count, len(REGIONS))
        ]
        for r, region in enumerate(REGIONS)
    }
    feed = FakeFeed(alarms)
    app = MontuiApp(feed.feeds, Settings(), clock=frozen_clock, home="board")
    async with app.run_test(size=size) as pilot:
        await pilot.pause(0.5)
        if size[0] < 100:
            await pilot.press("g")
            await pilot.pause(0.5)
        before_calls = len(feed.metric_calls)
        refreshes = 2
        for _ in range(refreshes):
            await pilot.press("r")
            await pilot.pause(0.6)
        calls = feed.metric_calls[before_calls:]
        await pilot.press("q")
    metrics = sum(sum(1 for q in queries if q.metric is not None) for _, queries, _ in calls)
    return len(calls) / refreshes, metrics / refreshes


def main() -> int:
    print("alarms  terminal  GetMetricData calls/refresh  metrics/refresh")
    for count in (60, 1000):
        for size in ((80, 24), (160, 50)):
            calls, metrics = asyncio.run(per_refresh(count, size))
            print(f"{count:>6}  {size[0]}x{size[1]:<5}  {calls:>27.1f}  {metrics:>15.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
