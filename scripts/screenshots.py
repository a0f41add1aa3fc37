"""Regenerate screenshots/*.svg from the demo world (`make screenshots`).

Each shot runs the real app against `montui --demo`'s local AWS world (started by the app's
own feed, as a user would get it), waits until the board has data, presses the keys the shot
needs, and saves an SVG.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "screenshots"

SHOTS: list[tuple[str, tuple[int, int], tuple[str, ...]]] = [
    ("board-80x24", (80, 24), ()),
    ("board-160x50", (160, 50), ()),
    ("board-filter-80x24", (80, 24), ("slash", *"shop", "enter")),
    ("board-alarm-only-80x24", (80, 24), ("1",)),
    ("help-80x24", (80, 24), ("question_mark",)),
]


async def shoot(name: str, size: tuple[int, int], keys: tuple[str, ...]) -> Path:
    from montui.config import Settings
    from montui.launch import AwsRequest
    from montui.ui.app import MontuiApp
    from montui.ui.feed import AwsFeed
    from montui.ui.screens.board import BoardScreen

    app = MontuiApp(AwsFeed(AwsRequest(demo=True)), Settings())
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
        await pilot.pause(0.3)
        path = Path(app.save_screenshot(filename=f"{name}.svg", path=str(OUT)))
        await pilot.press("escape", "q")
    return path


def main() -> int:
    os.environ.setdefault("MONTUI_CONFIG", os.devnull)
    OUT.mkdir(exist_ok=True)
    for name, size, keys in SHOTS:
        print(asyncio.run(shoot(name, size, keys)).relative_to(ROOT), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
