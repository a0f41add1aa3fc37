"""The findings pane against the local AWS world: time from `f` to the rows on screen, and
the GuardDuty requests per refresh, for 40 and for 2,000 findings.

    .venv/bin/python benchmarks/findings.py [--runs 5] [--counts 40,2000]

Starts a plain world in this process, creates a detector in ap-northeast-1 (none in
us-east-1) and N findings with CreateSampleFindings through boto3 (one per sample type per
call, as AWS does), runs the real app headless at 80x24 on the real AWS feeds and measures:

- first poll: app start → the first poll of GuardDuty held (what the board does in the
  background, before anyone presses `f`);
- `f` → rows: the key to the findings table showing its rows (per run: `f`, measure, `esc`);
- requests per refresh: GuardDuty operations sent per poll of both regions, the first (cold:
  every finding fetched) and the next ones (`r`, nothing changed: only what is new or updated
  since the newest known finding is fetched again).

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

ON, OFF = "ap-northeast-1", "us-east-1"


def seed(endpoint: str, count: int) -> None:
    import boto3

    from montui_world.ext.guardduty_catalog import CATALOG

    gd: Any = boto3.client("guardduty", region_name=ON, endpoint_url=endpoint)
    detectors = gd.list_detectors()["DetectorIds"]
    for detector in detectors:
        gd.delete_detector(DetectorId=detector)
    detector = gd.create_detector(Enable=True)["DetectorId"]
    types = sorted(CATALOG)
    left = count
    while left > 0:
        batch = types[: min(left, len(types), 50)]  # at most 50 types a call, as AWS
        gd.create_sample_findings(DetectorId=detector, FindingTypes=batch)
        left -= len(batch)


async def measure(endpoint: str, runs: int) -> dict[str, Any]:
    import montui.sources.session as session_module
    from montui.config import Settings
    from montui.launch import AwsRequest
    from montui.ui.app import MontuiApp
    from montui.ui.screens.board import BoardScreen
    from montui.ui.screens.findings import FindingsScreen
    from montui.ui.widgets.finding_table import FindingTable
    from montui.ui.wiring import aws_feeds

    sent: Counter[str] = Counter()
    guard = session_module.guard

    def counting_guard(client: Any) -> None:
        guard(client)
        if client.meta.service_model.service_name == "guardduty":
            client.meta.events.register(
                "before-call.guardduty", lambda model, **_: sent.update([model.name])
            )

    session_module.guard = counting_guard  # type: ignore[assignment]
    out: dict[str, Any] = {"f": []}
    started = time.perf_counter()
    request = AwsRequest(endpoint_url=endpoint, regions=(ON, OFF))
    app = MontuiApp(aws_feeds(request), Settings(), home="board")
    async with app.run_test(size=(80, 24)) as pilot:
        watch: Any = None
        while time.perf_counter() - started < 120:
            await pilot.pause(0.01)
            board = app.screen
            if isinstance(board, BoardScreen) and board.findings and board.findings.statuses:
                watch = board.findings
                if watch.polled and all(s.found for s in watch.statuses.values()):
                    break
        else:
            raise SystemExit("GuardDuty was not polled within 2 minutes")
        out["first_poll"] = time.perf_counter() - started
        out["held"] = len(watch.all_findings())
        out["cold"] = dict(sent)
        for _ in range(runs):
            start = time.perf_counter()
            await pilot.press("f")
            while time.perf_counter() - start < 30:
                await pilot.pause(0.001)
                screen = app.screen
                if isinstance(screen, FindingsScreen) and screen.query_one(FindingTable).row_count:
                    break
            out["f"].append(time.perf_counter() - start)
            await pilot.press("escape")
            await pilot.pause(0.05)
        await pilot.press("f")
        refreshes: list[Counter[str]] = []
        for _ in range(3):
            before = Counter(sent)
            stamps = {r: s.fetched_at for r, s in watch.statuses.items()}
            await pilot.press("r")
            waited = time.perf_counter()
            while time.perf_counter() - waited < 60:
                await pilot.pause(0.01)
                if all(s.fetched_at != stamps[r] for r, s in watch.statuses.items()):
                    break
            refreshes.append(Counter(sent) - before)
        out["refreshes"] = refreshes
        await pilot.press("q")
    session_module.guard = guard  # type: ignore[assignment]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--counts", default="40,2000")
    args = parser.parse_args(argv)
    from montui_world.identity import FAKE_ACCESS_KEY, FAKE_SECRET_KEY
    from montui_world.world import World

    # The world's credentials, for boto3 and montui alike (no AWS profile is read).
    os.environ.update(AWS_ACCESS_KEY_ID=FAKE_ACCESS_KEY, AWS_SECRET_ACCESS_KEY=FAKE_SECRET_KEY)
    for variable in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        os.environ.pop(variable, None)
    world = World().start()
    try:
        for count in (int(c) for c in args.counts.split(",")):
            seed(world.endpoint, count)
            figures = asyncio.run(measure(world.endpoint, args.runs))
            times = [t * 1000 for t in figures["f"]]
            print(f"{count} findings in ap-northeast-1, GuardDuty off in us-east-1 (80x24):")
            print(f"  findings held after the first poll: {figures['held']}")
            print(
                f"  app start -> first GuardDuty poll held: {figures['first_poll'] * 1000:.0f} ms"
            )
            print(
                f"  f -> rows on screen: median {statistics.median(times):.0f} ms, "
                f"best {min(times):.0f} ms, worst {max(times):.0f} ms ({len(times)} runs)"
            )
            cold = figures["cold"]
            print(f"  first poll: {sum(cold.values())} requests {dict(sorted(cold.items()))}")
            for i, refresh in enumerate(figures["refreshes"], 1):
                counts = dict(sorted(refresh.items()))
                print(f"  refresh {i} (nothing new): {sum(refresh.values())} requests {counts}")
    finally:
        world.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
