"""Three table widgets with 10,000 alarm rows: load, filter, back; the measurement behind
`AlarmTable` being a virtual table of montui's own.

    .venv/bin/python benchmarks/table_widgets.py [datatable|virtual|fast] [--rows 10000]

One bare app at 160x50 holding one table: Textual's `DataTable` (cleared and refilled), the
board's `AlarmTable` (`show()`), or `textual-fastdatatable` (`fast`: it cannot be cleared, so
a new one is mounted; only when the package is installed, e.g. in a scratch venv with the
pinned textual). Prints, for each, the time from handing the rows over to the first frame
with them (wall and CPU time of the process; every frame is turned into terminal bytes as a
real terminal's would be): all rows, a filter to 1 in 6 rows (best of three), all rows
again; then the peak RSS. Asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LABELS = ("State", "Name", "For", "Condition", "Trend", "Rgn", "Response", "Owner", "Watches")
REASON = "Threshold Crossed: 1 out of the last 5 datapoints [2.0 (06/12/26 08:00:00)] was not"


def plain_rows(count: int, every: int) -> list[tuple[str, ...]]:
    return [
        ("✔ OK", f"shop-api-latency-{i:05d}", "12m", "Sum > 10 · 3 of 5 × 1m", "", "apne1",
         "", "", f"AWS/Lambda Errors FunctionName=fn-{i % 300} {REASON}")
        for i in range(0, count, every)
    ]  # fmt: skip


async def measure(kind: str, count: int) -> str:
    from tests.fakes import NOW
    from textual._compositor import CompositorUpdate
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    from benchmarks.board_scale import make_alarms
    from montui.model.metadata import AlarmMeta
    from montui.ui.widgets.alarm_table import AlarmTable

    def fast_table(rows: list[tuple[str, ...]]) -> Any:
        from textual_fastdatatable import DataTable as FastDataTable  # type: ignore[import-not-found]

        return FastDataTable(data=[LABELS, *rows], cursor_type="row")

    class Bench(App[None]):
        def compose(self) -> ComposeResult:
            if kind == "datatable":
                table: DataTable[str] = DataTable(cursor_type="row")
                table.add_columns(*LABELS)
                yield table
            elif kind == "virtual":
                yield AlarmTable()
            else:
                yield fast_table([("",) * len(LABELS)])

    app = Bench()
    paints: list[tuple[float, float]] = []
    async with app.run_test(size=(160, 50)) as pilot:
        display = app._display

        def painted(screen: Any, renderable: Any) -> None:
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)
                paints.append((time.perf_counter(), time.process_time()))
            display(screen, renderable)

        app._display = painted  # type: ignore[method-assign]
        await pilot.pause()

        async def replace(every: int) -> tuple[float, float]:
            alarms = [a for part in make_alarms(count).values() for a in part][::every]
            rows = plain_rows(count, every)
            start, start_cpu = time.perf_counter(), time.process_time()
            if kind == "datatable":
                table = app.query_one(DataTable)
                table.clear()
                table.add_rows(rows)
            elif kind == "virtual":
                app.query_one(AlarmTable).show(alarms, now=NOW, meta=lambda _: AlarmMeta())
            else:
                await app.query_one("DataTable").remove()
                await app.mount(fast_table(rows))
            seen = len(paints)
            for _ in range(60_000):
                if len(paints) > seen:
                    break
                await asyncio.sleep(0.001)
            await pilot.pause()
            when, cpu = paints[seen]
            return (when - start) * 1000, (cpu - start_cpu) * 1000

        full = await replace(1)
        filtered = min([await replace(every) for every in (6, 7, 5)])
        back = await replace(1)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return (
        f"{kind:>9}: {count} rows -> frame {full[0]:6.0f} ms (CPU {full[1]:5.0f}); "
        f"filter to ~{count // 6} -> frame {filtered[0]:5.0f} ms (CPU {filtered[1]:4.0f}); "
        f"back to {count} {back[0]:6.0f} ms (CPU {back[1]:5.0f}); peak RSS {rss:.0f} MB"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=("datatable", "virtual", "fast"))
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    print(asyncio.run(measure(args.kind, args.rows)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
