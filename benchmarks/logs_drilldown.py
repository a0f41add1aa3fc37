"""Time from `l` on the firing alarm to the first result row on screen, against the demo world,
and GetQueryResults calls per query.

    .venv/bin/python benchmarks/logs_drilldown.py [--runs 5] [--alarm hitori-contact-form-down]

Starts the local AWS world as `montui --demo` does (Logs Insights paced like AWS: Scheduled,
then Running with partial results), waits until the alarm is in ALARM (the demo incident, about
a minute at 10×), runs the real app headless at 80x24, puts the cursor on the alarm and, per
run: presses `l`, waits for the plan, presses `enter` (as a person would, at once), and waits
until the results table shows a row. GetQueryResults calls are counted per query id (the
drill-down query and the histogram query run alongside). Prints figures; asserts nothing.
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


async def measure(world: Any, alarm_name: str, runs: int) -> dict[str, Any]:
    import montui.sources.logs as logs_source
    from montui.config import Settings
    from montui.launch import AwsRequest
    from montui.model.alarm import AlarmState
    from montui.ui.app import MontuiApp
    from montui.ui.screens.board import BoardScreen
    from montui.ui.screens.workbench import QueryWorkbench
    from montui.ui.widgets.alarm_table import AlarmTable
    from montui.ui.widgets.query_results import ResultsTable
    from montui.ui.wiring import aws_feeds

    calls: Counter[str] = Counter()
    original = logs_source.query_results

    async def counted(clients: Any, region: str, query_id: str) -> Any:
        calls[query_id] += 1
        return await original(clients, region, query_id)

    logs_source.query_results = counted  # type: ignore[assignment]
    out: dict[str, Any] = {"plan": [], "first_row": [], "complete": []}
    app = MontuiApp(aws_feeds(AwsRequest(demo=True), world=world), Settings(), home="board")
    async with app.run_test(size=(80, 24)) as pilot:
        table: Any = None
        waited = time.perf_counter()
        while time.perf_counter() - waited < 180:
            await pilot.pause(0.2)
            board = app.screen
            if isinstance(board, BoardScreen) and board.statuses:
                table = board.query_one(AlarmTable)
                firing = [
                    k
                    for k, a in table.alarms_by_key.items()
                    if a.name == alarm_name and a.state is AlarmState.ALARM
                ]
                if firing:
                    break
        else:
            raise SystemExit(f"{alarm_name} did not go into ALARM within 3 minutes")
        key = firing[0]
        for _ in range(runs):
            table.move_cursor(row=table.get_row_index(key))
            await pilot.pause()
            start = time.perf_counter()
            await pilot.press("l")
            bench: Any = None
            while time.perf_counter() - start < 30:
                await pilot.pause(0.005)
                if isinstance(app.screen, QueryWorkbench) and app.screen.state.plan is not None:
                    bench = app.screen
                    break
            if bench is None:
                raise SystemExit("no plan within 30 s")
            out["plan"].append(time.perf_counter() - start)
            await pilot.press("enter")
            results = bench.query_one(ResultsTable)
            seen_row = False
            while time.perf_counter() - start < 60:
                await pilot.pause(0.005)
                if results.row_count and not seen_row:
                    seen_row = True
                    out["first_row"].append(time.perf_counter() - start)
                if bench.state.result is not None and bench.state.result.status.finished:
                    out["complete"].append(time.perf_counter() - start)
                    break
            await pilot.pause(0.5)  # the histogram query finishes too
            await pilot.press("escape")
            await pilot.pause(0.3)
        await pilot.press("q")
    logs_source.query_results = original  # type: ignore[assignment]
    out["calls"] = calls
    return out


def _ms(values: list[float]) -> str:
    if not values:
        return "n/a"
    return (
        f"median {statistics.median(values) * 1000:.0f} ms, best {min(values) * 1000:.0f} ms, "
        f"worst {max(values) * 1000:.0f} ms"
    )


def main() -> int:
    from montui.launch import DemoWorld

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--alarm", default="hitori-contact-form-down")
    args = parser.parse_args()
    os.environ.setdefault("MONTUI_CONFIG", os.devnull)
    os.environ.setdefault("XDG_DATA_HOME", os.path.join(os.getcwd(), ".bench-data"))
    with DemoWorld() as world:
        out = asyncio.run(measure(world, args.alarm, args.runs))
    if not out["first_row"]:
        print("no result row was ever shown", file=sys.stderr)
        return 1
    print(f"`l` on {args.alarm} (80x24, demo world paced like AWS, {args.runs} runs):")
    print(f"  l -> plan shown:            {_ms(out['plan'])}")
    print(f"  l -> first result row:      {_ms(out['first_row'])}")
    print(f"  l -> query complete:        {_ms(out['complete'])}")
    per_query = sorted(out["calls"].values())
    print(
        f"  GetQueryResults per query:  {per_query} "
        f"(median {statistics.median(per_query):.0f}; 2 queries per run: results + histogram)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
