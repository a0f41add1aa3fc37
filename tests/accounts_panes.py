"""Two accounts of fakes for the panes' tests: `prod` and `dev`, one `fake_feeds()` each
with the parts a test gives (reputation, dbload, review, …), and the waits they share."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from montui.config import Settings
from montui.ui.app import MontuiApp
from montui.ui.screens.board import BoardScreen
from montui.ui.screens.board_feeds import AccountFeeds, Accounts, BoardFeeds
from tests.fakes import FakeAlarms, HandClock, fake_feeds

TOKYO, VIRGINIA = "ap-northeast-1", "us-east-1"
PROD, DEV = "111111111111", "222222222222"
REFRESH = 5.0


def two_accounts(
    prod: FakeAlarms, dev: FakeAlarms, prod_parts: dict[str, Any], dev_parts: dict[str, Any]
) -> tuple[MontuiApp, list[BoardFeeds], HandClock]:
    """An app watching `prod` then `dev` (hand-moved clock, refresh every `REFRESH` s)."""
    feeds = [
        fake_feeds(prod, account=PROD, **prod_parts),
        fake_feeds(dev, account=DEV, **dev_parts),
    ]
    accounts = Accounts([AccountFeeds("prod", feeds[0]), AccountFeeds("dev", feeds[1])])
    clock = HandClock()
    app = MontuiApp(
        feeds[0], Settings().with_refresh(REFRESH), clock=clock, pause=clock.pause,
        home="board", accounts=accounts,
    )  # fmt: skip
    return app, feeds, clock


async def until(pilot: Pilot[None], check: Callable[[], bool], limit: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {check}")
        await pilot.pause(0.01)


async def board_of(pilot: Pilot[None], app: MontuiApp, alarms: int) -> BoardScreen:
    """The board once it has `alarms` alarms of every account."""
    await until(pilot, lambda: isinstance(app.screen, BoardScreen))
    board = app.screen
    assert isinstance(board, BoardScreen)
    await until(pilot, lambda: len(board.poll.all_alarms()) == alarms)
    return board
