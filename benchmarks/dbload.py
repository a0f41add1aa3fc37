"""Time from `d` on an RDS alarm to the database load chart and the top SQL on screen, against
the demo world, and the requests per refresh of the pane.

    .venv/bin/python benchmarks/dbload.py [--runs 5] [--alarm shop-aurora-writer-write-iops]

Starts the local AWS world as `montui --demo` does, runs the real app headless at 80x24, puts
the cursor on the alarm and, per run: presses `d` and waits until the chart is drawn and the
top SQL table has its rows (the first run also lists the instances: DescribeDBInstances and
DescribeDBClusters), then `r` (a refresh of the same window) and `esc`. Requests are counted
per operation from the clients' own `before-send` events, per open and per refresh. Prints
figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections import Counter
from typing import Any


async def measure(world: Any, alarm_name: str, runs: int) -> dict[str, Any]:
    from montui.config import Settings
    from montui.launch import AwsRequest
    from montui.model.place import Place
    from montui.ui.app import MontuiApp
    from montui.ui.screens.board import BoardScreen
    from montui.ui.screens.dbload import DbLoadScreen
    from montui.ui.widgets.alarm_table import AlarmTable
    from montui.ui.wiring import aws_feeds

    feeds = aws_feeds(AwsRequest(demo=True), world=world)
    sent: Counter[str] = Counter()

    def count(**kwargs: Any) -> None:
        sent[kwargs["event_name"].rsplit(".", 1)[-1]] += 1

    out: dict[str, Any] = {"open": [], "refresh": [], "open_requests": [], "refresh_requests": []}
    app = MontuiApp(feeds, Settings(), home="board")
    async with app.run_test(size=(80, 24)) as pilot:
        table: Any = None
        waited = time.perf_counter()
        key = None
        while time.perf_counter() - waited < 120 and key is None:
            await pilot.pause(0.2)
            board = app.screen
            if isinstance(board, BoardScreen) and board.statuses:
                table = board.query_one(AlarmTable)
                key = next(
                    (k for k, a in table.alarms_by_key.items() if a.name == alarm_name), None
                )
        if key is None:
            raise SystemExit(f"{alarm_name} is not on the board")
        session: Any = feeds.session
        region = table.alarms_by_key[key].region
        for service in ("pi", "rds"):
            client = await session.clients.client(service, Place(session.account or "", region))
            client.meta.events.register(f"before-send.{service}", count)
        for _ in range(runs):
            table.move_cursor(row=table.get_row_index(key))
            await pilot.pause()
            sent.clear()
            start = time.perf_counter()
            await pilot.press("d")
            screen: Any = None
            while time.perf_counter() - start < 60:
                await pilot.pause(0.005)
                current = app.screen
                if (
                    isinstance(current, DbLoadScreen)
                    and current.load is not None
                    and (current.query_one("#sql-table").row_count or not current.load.top_sql)
                ):
                    screen = current
                    break
            if screen is None:
                raise SystemExit("no load on screen within 60 s")
            out["open"].append(time.perf_counter() - start)
            out["open_requests"].append(dict(sent))
            out["top_sql"] = screen.load.top_sql[0].statement if screen.load.top_sql else ""
            out["instance"] = screen.instance.identifier
            out["window"] = screen.window
            first = screen.load
            sent.clear()
            start = time.perf_counter()
            await pilot.press("r")
            while time.perf_counter() - start < 60 and screen.load is first:
                await pilot.pause(0.005)
            out["refresh"].append(time.perf_counter() - start)
            out["refresh_requests"].append(dict(sent))
            await pilot.press("escape")
            await pilot.pause(0.3)
        await pilot.press("q")
    return out


def _ms(values: list[float]) -> str:
    return (
        f"median {statistics.median(values) * 1000:.0f} ms, best {min(values) * 1000:.0f} ms, "
        f"worst {max(values) * 1000:.0f} ms"
    )


def main() -> int:
    from montui.launch import DemoWorld

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--alarm", default="shop-aurora-writer-write-iops")
    args = parser.parse_args()
    os.environ.setdefault("MONTUI_CONFIG", os.devnull)
    os.environ.setdefault("XDG_DATA_HOME", os.path.join(os.getcwd(), ".bench-data"))
    with DemoWorld() as world:
        out = asyncio.run(measure(world, args.alarm, args.runs))
    print(f"instance {out['instance']}, window {out['window'].start:%m-%d %H:%M} → "
          f"{out['window'].end:%H:%M} UTC; top SQL: {out['top_sql'][:70]}")  # fmt: skip
    print(f"d → chart and top SQL on screen, 80x24 ({args.runs} runs): {_ms(out['open'])}")
    print(f"r → refreshed: {_ms(out['refresh'])}")
    for what in ("open_requests", "refresh_requests"):
        totals = [sum(r.values()) for r in out[what]]
        print(f"requests per {what.split('_')[0]}: {statistics.median(totals):.0f} "
              f"(first: {out[what][0]}, last: {out[what][-1]})")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
