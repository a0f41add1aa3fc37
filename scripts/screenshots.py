"""Regenerate screenshots/*.svg from the demo world (`make screenshots`).

Starts the local AWS world once (as `montui --demo` does, at 10x speed), waits until the
scenario's contact-form incident is on (its composite alarm in ALARM), then runs the real app
against it for each shot, presses the keys the shot needs, and saves an SVG.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "screenshots"
INCIDENT = "hitori-contact-form-down"

SHOTS: list[tuple[str, tuple[int, int], tuple[str, ...]]] = [
    ("board-80x24", (80, 24), ()),
    ("board-160x50", (160, 50), ()),
    ("board-filter-80x24", (80, 24), ("slash", *"hitori", "enter")),
    ("board-alarm-only-80x24", (80, 24), ("1",)),
    ("help-80x24", (80, 24), ("question_mark",)),
    ("detail-80x24", (80, 24), ("slash", *"hitori math", "enter", "enter")),
    ("detail-160x50", (160, 50), ("slash", *"hitori math", "enter", "enter")),
    ("detail-composite-80x24", (80, 24), ("slash", *"contact-form-down", "enter", "enter")),
    ("tune-160x50", (160, 50), ("slash", *"write-iops", "enter", "enter", "t")),
]


def wait_for_incident(world: Any, timeout: float = 240) -> None:
    import boto3

    client = boto3.client(
        "cloudwatch",
        region_name="ap-northeast-1",
        endpoint_url=world.endpoint,
        aws_access_key_id=world.access_key,
        aws_secret_access_key=world.secret_key,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = client.describe_alarms(AlarmNames=[INCIDENT], AlarmTypes=["CompositeAlarm"])
        if any(a["StateValue"] == "ALARM" for a in found["CompositeAlarms"]):
            return
        time.sleep(2)
    raise SystemExit(f"{INCIDENT} did not fire within {timeout:.0f} s")


async def shoot(world: Any, name: str, size: tuple[int, int], keys: tuple[str, ...]) -> Path:
    from montui.config import Settings
    from montui.launch import AwsRequest
    from montui.ui.app import MontuiApp
    from montui.ui.feed import AwsFeed
    from montui.ui.screens.board import BoardScreen

    app = MontuiApp(AwsFeed(AwsRequest(demo=True), world=world), Settings())
    async with app.run_test(size=size) as pilot:
        for _ in range(600):
            await pilot.pause(0.05)
            screen: Any = app.screen
            if (
                isinstance(screen, BoardScreen)
                and screen.identity
                and all(s.fetched_at for s in screen.statuses.values())
            ):
                break
        else:
            raise SystemExit(f"{name}: the board did not get data from the demo world")
        await pilot.press(*keys)
        await pilot.pause(2.5 if "enter" in keys else 0.3)  # the detail loads its chart
        path = Path(app.save_screenshot(filename=f"{name}.svg", path=str(OUT)))
        await pilot.press("escape", "q")
    return path


def main() -> int:
    from montui.launch import DemoWorldSync

    os.environ.setdefault("MONTUI_CONFIG", os.devnull)
    OUT.mkdir(exist_ok=True)
    with DemoWorldSync() as world:
        print(f"waiting for the demo incident ({INCIDENT})…", file=sys.stderr)
        wait_for_incident(world)
        for name, size, keys in SHOTS:
            print(asyncio.run(shoot(world, name, size, keys)).relative_to(ROOT), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
