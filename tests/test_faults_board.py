"""Issue 11: the board on the real AWS feeds behind the fault proxy (`fault_proxy`). Under 30 %
faults for many polls it keeps its last data and says what failed in place; with one region
down the other stays live; after ExpiredToken everywhere it is live again without a restart.

The polls' waits run on a `HandClock` the test moves (`settled` waits until every poll that
came due has ended and waits again); the fetches are real, over loopback."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from montui.config import Settings
from montui.feeds.alarms import Alarms
from montui.launch import AwsRequest
from montui.model.alarm import Alarm
from montui.model.records import replace
from montui.ui.app import MontuiApp
from montui.ui.screens.board import BoardScreen
from montui.ui.widgets.alarm_table import AlarmTable
from montui.ui.widgets.region_banner import RegionBanner
from montui.ui.wiring import aws_feeds
from montui_world.faults.plan import TRANSIENT, Fault, Rule
from montui_world.faults.proxy import FaultProxy
from tests.conftest import ScenarioWorld
from tests.fakes import HandClock

TOKYO, VIRGINIA = "ap-northeast-1", "us-east-1"
REGIONS = (TOKYO, VIRGINIA)
REFRESH = 5.0


class CountedAlarms:
    """The real alarms feed, counting the polls under way and ended per region."""

    def __init__(self, inner: Alarms) -> None:
        self.inner = inner
        self.in_flight = 0
        self.polls: Counter[str] = Counter()

    async def alarms(self, region: str) -> tuple[Alarm, ...]:
        self.in_flight += 1
        try:
            return await self.inner.alarms(region)
        finally:
            self.in_flight -= 1
            self.polls[region] += 1

    async def alarms_in_alarm(self, region: str) -> tuple[Alarm, ...]:
        self.in_flight += 1
        try:
            return await self.inner.alarms_in_alarm(region)
        finally:
            self.in_flight -= 1


_: Alarms = CountedAlarms(None)  # type: ignore[arg-type]


def board_app(
    proxy: FaultProxy, world: ScenarioWorld, tmp_path: Path
) -> tuple[MontuiApp, CountedAlarms, HandClock]:
    clock = HandClock(world.ready().reached)
    feeds = aws_feeds(AwsRequest(endpoint_url=proxy.endpoint, regions=REGIONS), data_dir=tmp_path)
    counted = CountedAlarms(feeds.alarms)
    settings = Settings(regions=REGIONS).with_refresh(REFRESH)
    app = MontuiApp(
        replace(feeds, alarms=counted),
        settings,
        clock=clock,
        pause=clock.pause,
        data_dir=tmp_path,
        home="board",
    )
    return app, counted, clock


async def until(pilot: Pilot[None], check: Callable[[], bool], limit: float = 60.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {check}")
        await pilot.pause(0.02)


async def settled(pilot: Pilot[None], counted: CountedAlarms, clock: HandClock) -> None:
    """Every region has polled, none is polling, and no wait that came due is still asleep."""
    await until(
        pilot,
        lambda: (
            all(counted.polls[r] for r in REGIONS)
            and counted.in_flight == 0
            and clock.due == 0
            and clock.sleeping >= len(REGIONS)
        ),
    )


def board(app: MontuiApp) -> BoardScreen:
    screen = app.screen
    assert isinstance(screen, BoardScreen)
    return screen


def banner_text(screen: BoardScreen) -> str:
    banner = screen.query_one(RegionBanner)
    return str(banner.render()) if banner.display else ""


async def test_thirty_percent_faults_for_many_polls_keep_the_data_and_say_what_failed(
    fault_proxy: FaultProxy, scenario_world: ScenarioWorld, tmp_path: Path
) -> None:
    app, counted, clock = board_app(fault_proxy, scenario_world, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(pilot, counted, clock)
        screen = board(app)
        table = screen.query_one(AlarmTable)
        rows = table.row_count
        assert rows > 0
        fault_proxy.plan.set_rules([Rule(0.3, TRANSIENT)])
        failed_polls = 0
        for _ in range(12):
            clock.advance(REFRESH)
            await settled(pilot, counted, clock)
            assert table.row_count == rows  # never blank
            for (_, region), status in screen.statuses.items():
                assert status.alarms  # the last good alarms are kept
                shown = f"⚠ {region}: " in banner_text(screen)
                assert shown == (status.error is not None)
                failed_polls += status.error is not None
        assert fault_proxy.plan.total_injected > 0
        fault_proxy.plan.clear()
        clock.advance(150.0)  # past the longest throttling backoff (2 minutes)
        await settled(pilot, counted, clock)
        assert all(s.error is None for s in screen.statuses.values())
        assert not screen.query_one(RegionBanner).display
        assert app.return_code is None  # still running: no crash
    assert app.return_code in (None, 0)


async def test_one_region_down_while_the_other_stays_live(
    fault_proxy: FaultProxy, scenario_world: ScenarioWorld, tmp_path: Path
) -> None:
    app, counted, clock = board_app(fault_proxy, scenario_world, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(pilot, counted, clock)
        screen = board(app)
        rows = screen.query_one(AlarmTable).row_count
        fault_proxy.plan.set_rules([Rule(1.0, (Fault.ERROR_503, Fault.RESET), region=VIRGINIA)])
        for _ in range(3):
            clock.advance(REFRESH)
            await settled(pilot, counted, clock)
            assert screen.statuses["", TOKYO].fetched_at == clock.now  # live
            assert screen.statuses["", TOKYO].error is None
            assert screen.statuses["", VIRGINIA].error is not None
            assert screen.statuses["", VIRGINIA].alarms  # kept
            text = banner_text(screen)
            assert f"⚠ {VIRGINIA}: " in text and f"⚠ {TOKYO}" not in text
            assert screen.query_one(AlarmTable).row_count == rows
        fault_proxy.plan.clear()
        clock.advance(REFRESH)
        await settled(pilot, counted, clock)
        assert screen.statuses["", VIRGINIA].error is None
        assert screen.statuses["", VIRGINIA].fetched_at == clock.now


async def test_expired_credentials_everywhere_then_renewed_are_live_again_without_restart(
    fault_proxy: FaultProxy, scenario_world: ScenarioWorld, tmp_path: Path
) -> None:
    app, counted, clock = board_app(fault_proxy, scenario_world, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(pilot, counted, clock)
        screen = board(app)
        rows = screen.query_one(AlarmTable).row_count
        fault_proxy.plan.set_rules([Rule(1.0, (Fault.EXPIRED,))])
        for _ in range(2):
            clock.advance(REFRESH)
            await settled(pilot, counted, clock)
        text = banner_text(screen)
        for region in REGIONS:
            assert f"⚠ {region}: the AWS credentials have expired" in text
        assert screen.query_one(AlarmTable).row_count == rows
        fault_proxy.plan.clear()
        clock.advance(REFRESH)
        await settled(pilot, counted, clock)
        assert all(s.error is None and s.fetched_at == clock.now for s in screen.statuses.values())
        assert not screen.query_one(RegionBanner).display
        assert app.return_code is None
