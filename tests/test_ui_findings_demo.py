"""The demo scenario's GuardDuty on the real AWS feeds: the board's watch sees the 26
findings at the start, no notice for them, and the one notice (with the bell) when the live
High finding appears 8 simulated minutes in (the contact form's role used from outside AWS)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from montui.config import Settings
from montui.launch import AwsRequest
from montui.model.findings import Band
from montui.ui.app import MontuiApp
from montui.ui.screens.board import BoardScreen
from montui.ui.wiring import aws_feeds
from montui_world.scenario import guardduty
from tests.conftest import SCENARIO_START, ScenarioWorld

TOKYO, VIRGINIA = "ap-northeast-1", "us-east-1"


async def until(pilot: Pilot[None], check: Callable[[], bool], limit: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {check}")
        await pilot.pause(0.05)


def notices(app: MontuiApp) -> list[Any]:
    return [n for n in app._notifications if "GuardDuty" in (n.title or "")]


async def test_the_demo_live_finding_raises_one_notice(
    scenario_world: ScenarioWorld, tmp_path: Path
) -> None:
    scenario = scenario_world.at(timedelta(minutes=2))
    request = AwsRequest(endpoint_url=scenario_world.endpoint, regions=(TOKYO, VIRGINIA))
    feeds = aws_feeds(request, data_dir=tmp_path)
    app = MontuiApp(
        feeds, Settings(), clock=lambda: scenario.reached, data_dir=tmp_path, home="board"
    )
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, BoardScreen))
        board = app.screen
        assert isinstance(board, BoardScreen) and board.findings is not None
        watch = board.findings
        await until(pilot, lambda: bool(watch.statuses) and watch.polled)
        first = {s.region: s.fetched_at for s in watch.statuses.values()}
        found = watch.statuses["", TOKYO].found
        assert found is not None and not found.off
        assert len(found.findings) == len(guardduty.FINDINGS) - 1  # one of them archived
        assert watch.statuses["", VIRGINIA].found is not None
        assert watch.statuses["", VIRGINIA].found.off  # type: ignore[union-attr]
        assert notices(app) == [] and bells == []
        scenario_world.at(SCENARIO_START + guardduty.LIVE_AFTER + timedelta(minutes=1))
        await pilot.press("r")
        await until(
            pilot, lambda: all(s.fetched_at != first[s.region] for s in watch.statuses.values())
        )
        await until(pilot, lambda: len(notices(app)) == 1)
        message = notices(app)[0].message
        assert f"{Band.HIGH.label} {guardduty.LIVE.type}" in message
        assert bells == [1]
