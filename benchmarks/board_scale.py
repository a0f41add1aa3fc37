"""The alarm board at 80, 1,000 and 10,000 alarms: time to board, keystroke latency, RSS.

    .venv/bin/python benchmarks/board_scale.py [--alarms 80,1000,10000] [--sizes 160x50,80x24]

Runs the real board headless (`App.run_test`) over a scripted feed (`tests.fakes.FakeFeed`,
no network) holding N alarms over two regions (1 % in ALARM, 4 % without data), one child
process per (N, size) so each peak RSS is its own. Prints, per run:

- board: seconds from the last region's data arriving (the fake's `on_poll`) to the N rows
  shown and the next frame painted;
- filter: latency of ~30 filter keystrokes (typing `api-latency-7`, then deleting it), each
  timed from the key press to the repainted board (`pilot.press` + `pilot.pause`), p50/p95;
- sort: the four `s` presses of a sort cycle (mean, max); pgdn: page down, mean and max;
  end: `end` to the last row;
- model: `filter_alarms` + `board_order` alone over the N alarms for the same 30 filter texts
  (cold: fresh alarm objects; warm: the same objects again), p50/p95 in ms;
- rss: the child's peak resident set (`resource.getrusage`), MB.

Asserts nothing; run it on two branches to compare.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REGIONS = ("ap-northeast-1", "us-east-1")
SERVICES = ("shop-api", "contact-form", "orders", "billing", "search", "auth", "media", "mail")
METRICS = ("latency", "error-rate", "cpu", "throttles", "duration-p95", "queue-depth")
TYPED = "api-latency-7"


def make_alarms(count: int) -> dict[str, list[object]]:
    """`count` alarms over REGIONS with names like real per-resource alarms."""
    from tests.fakes import make_alarm

    from montui.model.alarm import AlarmState

    alarms: dict[str, list[object]] = {r: [] for r in REGIONS}
    for i in range(count):
        region = REGIONS[i % len(REGIONS)]
        service, metric = SERVICES[i % len(SERVICES)], METRICS[(i // 8) % len(METRICS)]
        if i % 100 == 7:
            state = AlarmState.ALARM
        elif i % 25 == 3:
            state = AlarmState.INSUFFICIENT_DATA
        else:
            state = AlarmState.OK
        alarms[region].append(
            make_alarm(
                f"{service}-{metric}-{i:05d}",
                state,
                region=region,
                minutes_ago=5 + (i * 37) % 5000,
                dims=(("FunctionName", f"{service}-fn-{i % 300}"),),
            )
        )
    return alarms


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def filter_texts() -> list[str]:
    typed = [TYPED[:i] for i in range(1, len(TYPED) + 1)]
    return typed + typed[-2::-1] + [""]


def model_figures(count: int) -> dict[str, float]:
    """filter_alarms + board_order alone, cold (fresh objects) then warm, in ms."""
    from montui.model.board import board_order, filter_alarms

    def run(everything: list[object]) -> list[float]:
        times = []
        for text in filter_texts():
            start = time.perf_counter()
            board_order(filter_alarms(everything, text))  # type: ignore[arg-type]
            times.append((time.perf_counter() - start) * 1000)
        return times

    everything = [a for alarms in make_alarms(count).values() for a in alarms]
    cold = run(everything)
    warm = run(everything)
    return {
        "model_cold_p50": pct(cold, 0.5), "model_cold_p95": pct(cold, 0.95),
        "model_warm_p50": pct(warm, 0.5), "model_warm_p95": pct(warm, 0.95),
    }  # fmt: skip


async def board_figures(count: int, size: tuple[int, int]) -> dict[str, float]:
    from tests.fakes import FakeFeed, frozen_clock
    from textual._compositor import CompositorUpdate

    from montui.config import Settings
    from montui.ui.app import MontuiApp
    from montui.ui.widgets.alarm_table import AlarmTable

    feed = FakeFeed(make_alarms(count))  # type: ignore[arg-type]
    arrived: dict[str, float] = {}
    feed.alarms.on_poll = lambda region: arrived.setdefault(region, time.perf_counter())
    app = MontuiApp(feed.feeds, Settings(refresh=3600.0), clock=frozen_clock, home="board")
    figures: dict[str, float] = {}
    paints: list[tuple[float, int]] = []  # (when, rows in the table then)
    async with app.run_test(size=size) as pilot:
        table = app.screen.query_one(AlarmTable)
        display = app._display

        def painted(screen: Any, renderable: Any) -> None:
            """Each frame, turned into terminal bytes as a real terminal's would be."""
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)
                paints.append((time.perf_counter(), table.row_count))
            display(screen, renderable)

        app._display = painted  # type: ignore[method-assign]
        deadline = time.perf_counter() + 120
        while not any(rows == count for _, rows in paints) and time.perf_counter() < deadline:
            await pilot.pause()
        first_full = min(when for when, rows in paints if rows == count)
        figures["board_s"] = first_full - max(arrived.values())
        await pilot.pause(0.3)  # identity, sparklines and the first frame settle

        async def timed(*keys: str) -> float:
            """From the key press to the last frame it caused, in ms."""
            start = time.perf_counter()
            await pilot.press(*keys)
            await pilot.pause()
            await pilot.pause(0.05)
            last = max((when for when, _ in paints if when >= start), default=start)
            return (last - start) * 1000

        await timed("slash")  # the filter box opens (not counted)
        keystrokes = [await timed(ch) for ch in TYPED]
        keystrokes += [await timed("backspace") for _ in TYPED]
        figures["key_p50"], figures["key_p95"] = pct(keystrokes, 0.5), pct(keystrokes, 0.95)
        figures["key_max"] = max(keystrokes)
        await pilot.press("enter")  # back to the table
        await pilot.pause()
        sorts = [await timed("s") for _ in range(4)]
        figures["sort_mean"], figures["sort_max"] = statistics.mean(sorts), max(sorts)
        pages = [await timed("pagedown") for _ in range(10)]
        figures["pgdn_mean"], figures["pgdn_max"] = statistics.mean(pages), max(pages)
        figures["end"] = await timed("end")
        figures["end_row_ok"] = float(table.cursor_row == count - 1)
    return figures


def child(count: int, size: tuple[int, int]) -> None:
    figures = asyncio.run(board_figures(count, size))
    figures.update(model_figures(count))
    figures["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alarms", default="80,1000,10000")
    parser.add_argument("--sizes", default="160x50,80x24")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        count, size = args.child.split(":")
        width, height = size.split("x")
        child(int(count), (int(width), int(height)))
        return 0
    header = (
        f"{'alarms':>6} {'size':>7} {'board s':>8} {'key p50':>8} {'key p95':>8} "
        f"{'key max':>8} {'sort':>6} {'pgdn':>6} {'end':>6} {'model p50/p95 cold':>19} "
        f"{'warm':>12} {'RSS MB':>7}"
    )
    print(header)
    for count in (int(n) for n in args.alarms.split(",")):
        for size in args.sizes.split(","):
            out = subprocess.run(
                [sys.executable, __file__, "--child", f"{count}:{size}"],
                capture_output=True, text=True, check=False, cwd=ROOT,
            )  # fmt: skip
            if out.returncode:
                print(f"{count:>6} {size:>7} failed:\n{out.stderr[-2000:]}")
                continue
            f = json.loads(out.stdout.strip().splitlines()[-1])
            print(
                f"{count:>6} {size:>7} {f['board_s']:>8.3f} {f['key_p50']:>6.1f}ms "
                f"{f['key_p95']:>6.1f}ms {f['key_max']:>6.1f}ms {f['sort_mean']:>4.0f}ms "
                f"{f['pgdn_mean']:>4.0f}ms {f['end']:>4.0f}ms "
                f"{f['model_cold_p50']:>8.1f}/{f['model_cold_p95']:<6.1f}ms "
                f"{f['model_warm_p50']:>5.1f}/{f['model_warm_p95']:<5.1f} {f['rss_mb']:>7.0f}"
                + ("" if f["end_row_ok"] else "  (end did not reach the last row)")
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
