"""The review pane end to end: the app's own AWS feeds against the demo scenario world, `v`
on the board, the nightly flapper's line with its proven quieter setting, `enter` to its
detail."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable

from montui.config import Settings
from montui.launch import AwsRequest
from montui.ui.app import MontuiApp
from montui.ui.screens.alarm_detail import AlarmDetailScreen
from montui.ui.screens.board import BoardScreen
from montui.ui.screens.review import ReviewScreen
from montui.ui.wiring import aws_feeds
from montui_world.identity import DEMO_ACCOUNT
from tests.conftest import ScenarioWorld

REGIONS = ("ap-northeast-1", "us-east-1")
FLAPPER = "shop-aurora-writer-write-iops"


async def until(pilot: Pilot[None], check: Callable[[], bool], limit: float = 60.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {check}")
        await pilot.pause(0.05)


async def test_v_reviews_the_demo_world_and_enter_opens_the_flapper(
    scenario_world: ScenarioWorld, tmp_path: Path
) -> None:
    now = scenario_world.ready().reached
    feeds = aws_feeds(AwsRequest(endpoint_url=scenario_world.endpoint, regions=REGIONS),
                      data_dir=tmp_path)  # fmt: skip
    app = MontuiApp(
        feeds, Settings(regions=REGIONS), clock=lambda: now, data_dir=tmp_path, home="board"
    )
    async with app.run_test(size=(80, 24)) as pilot:
        board = app.screen
        assert isinstance(board, BoardScreen)
        await until(pilot, lambda: board.poll.connection is not None)
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        review_screen = app.screen
        assert isinstance(review_screen, ReviewScreen)
        await until(pilot, lambda: review_screen.review is not None)
        review = review_screen.review
        assert review is not None and not review.problems
        lines = [(f.category.value, f.alarm.name) for f in review.findings]
        assert ("flapping", FLAPPER) in lines
        assert ("never-fired", "hitori-web-health-latency") in lines
        proposal = review.proposal_for((DEMO_ACCOUNT, "ap-northeast-1", FLAPPER))
        assert proposal is not None and proposal.quieter
        table = review_screen.query_one("#review-lines", DataTable)
        table.move_cursor(row=lines.index(("flapping", FLAPPER)))
        await pilot.pause()
        shown = str(review_screen.query_one("#review-line").render())
        assert f"Back-test: {proposal.summary()}" in shown
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, AlarmDetailScreen))
        detail = app.screen
        assert isinstance(detail, AlarmDetailScreen) and detail.alarm.name == FLAPPER
