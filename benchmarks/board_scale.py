"""The alarm board at 80, 1,000 and 10,000 alarms: time to board, keystroke latency, RSS.

    .venv/bin/python benchmarks/board_scale.py [--alarms 80,1000,10000] [--sizes 160x50,80x24]

Runs the real board headless (`App.run_test`) over a scripted feed (`tests.fakes.FakeFeed`,
no network) holding N alarms over two regions (1 % in ALARM, 4 % without data), one child
process per (N, size) so each peak RSS is its own. Prints, per run:

- board s: seconds from the last region's data arriving (the fake's `on_poll`) to the first
  frame with the N rows, wall/CPU (the CPU time this process spent: the machine may be
  shared, and wall figures then grow with the others' load);
- key: latency of 26 filter keystrokes (typing `api-latency-7`, then deleting it), each
  timed from the key press to the first frame showing the filtered board (every frame is
  turned into terminal bytes, as a real terminal's would be), p50/p95 wall, then CPU, and
  the wall maximum; settled: p95 to
  the last frame the key caused (the sparklines of rows new on screen included);
- sort: the four `s` presses of a sort cycle (mean); pgdn: page down (mean); end: `end`
  (today the last row; DataTable's `end` scrolled sideways: noted when the cursor is not on
  the last row);
- model: `filter_alarms` + `board_order` alone over the N alarms for the same 26 filter texts
  (cold: fresh alarm objects; warm: the same objects again), p50/p95 in ms; view: the board's
  `BoardView.rows` over fresh alarms for the same texts (sorted once, narrowing);
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
    figures = {}
    try:  # the board's own path (not on branches before it)
        from montui.model.board_view import BoardView
    except ImportError:
        pass
    else:
        view, times = BoardView(), []
        fresh = [a for alarms in make_alarms(count).values() for a in alarms]
        for text in filter_texts():
            start = time.perf_counter()
            view.rows(fresh, text=text)  # type: ignore[arg-type]
            times.append((time.perf_counter() - start) * 1000)
        figures = {"view_p50": pct(times, 0.5), "view_p95": pct(times, 0.95)}
    return figures | {
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
    arrived_cpu: dict[str, float] = {}

    def on_poll(region: str) -> None:
        arrived.setdefault(region, time.perf_counter())
        arrived_cpu.setdefault(region, time.process_time())

    feed.alarms.on_poll = on_poll
    app = MontuiApp(feed.feeds, Settings(refresh=3600.0), clock=frozen_clock, home="board")
    figures: dict[str, float] = {}
    paints: list[tuple[float, float, tuple[object, ...]]] = []  # (when, CPU, what was shown)
    async with app.run_test(size=size) as pilot:
        board = app.screen
        table = board.query_one(AlarmTable)
        display = app._display

        def state() -> tuple[object, ...]:
            shown = (table.row_count, table.cursor_row, round(table.scroll_y))
            return (*shown, getattr(board, "filter_text", ""), getattr(board, "sort", ""))

        def painted(screen: Any, renderable: Any) -> None:
            """Each frame, turned into terminal bytes as a real terminal's would be."""
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)
                paints.append((time.perf_counter(), time.process_time(), state()))
            display(screen, renderable)

        app._display = painted  # type: ignore[method-assign]
        deadline = time.perf_counter() + 120
        while not any(s[0] == count for *_, s in paints) and time.perf_counter() < deadline:
            await pilot.pause()
        first_full = min((when, cpu) for when, cpu, s in paints if s[0] == count)
        figures["board_s"] = first_full[0] - max(arrived.values())
        figures["board_cpu_s"] = first_full[1] - max(arrived_cpu.values())
        await pilot.pause(0.3)  # identity, sparklines and the first frame settle

        settled: list[float] = []
        cpu: list[float] = []

        async def timed(*keys: str) -> float:
            """From the key press to the first frame showing its result, in ms (the CPU time
            this process spent meanwhile goes to `cpu`: the machine may be shared; the last
            frame the key caused, sparklines of new rows included, goes to `settled`)."""
            start, start_cpu = time.perf_counter(), time.process_time()
            await pilot.press(*keys)
            await pilot.pause()
            await pilot.pause(0.05)
            final = state()
            after = [(when, used, s) for when, used, s in paints if when >= start]
            shown = min(((when, used) for when, used, s in after if s == final), default=None)
            last = max((when for when, _, _ in after), default=start)
            settled.append((last - start) * 1000)
            if shown is None:
                cpu.append(0.0)
                return 0.0
            cpu.append((shown[1] - start_cpu) * 1000)
            return (shown[0] - start) * 1000

        await timed("slash")  # the filter box opens (not counted)
        keystrokes = [await timed(ch) for ch in TYPED]
        keystrokes += [await timed("backspace") for _ in TYPED]
        key_cpu = cpu[-len(keystrokes) :]
        figures["key_p50"], figures["key_p95"] = pct(keystrokes, 0.5), pct(keystrokes, 0.95)
        figures["key_max"] = max(keystrokes)
        figures["key_cpu_p50"], figures["key_cpu_p95"] = pct(key_cpu, 0.5), pct(key_cpu, 0.95)
        figures["settled_p95"] = pct(settled[-len(keystrokes) :], 0.95)
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
    print(
        f"{'alarms':>6} {'size':>7} {'board s':>11} {'key p50/p95 ms':>15} {'cpu p50/p95':>12} "
        f"{'max':>5} {'settled':>7} {'sort':>5} {'pgdn':>5} {'end':>5} "
        f"{'model cold':>11} {'warm':>11} {'view':>10} {'RSS MB':>6}"
    )
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
                f"{count:>6} {size:>7} {f['board_s']:>5.2f}/{f['board_cpu_s']:<5.2f} "
                f"{f['key_p50']:>7.1f}/{f['key_p95']:<7.1f} "
                f"{f['key_cpu_p50']:>5.1f}/{f['key_cpu_p95']:<6.1f} {f['key_max']:>5.0f} "
                f"{f['settled_p95']:>7.0f} {f['sort_mean']:>5.0f} {f['pgdn_mean']:>5.0f} "
                f"{f['end']:>5.0f} {f['model_cold_p50']:>5.1f}/{f['model_cold_p95']:<5.1f} "
                f"{f['model_warm_p50']:>5.1f}/{f['model_warm_p95']:<5.1f} "
                f"{f.get('view_p50', -1):>4.1f}/{f.get('view_p95', -1):<5.1f} {f['rss_mb']:>6.0f}"
                + ("" if f["end_row_ok"] else "  (end: not on the last row)")
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
