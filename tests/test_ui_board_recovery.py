"""Issue 11: after an outage the board is live again within one refresh of the fault
clearing, however long it lasted; only throttling backs off, never past 2 minutes; `r`
polls at once. Time is a `HandClock` the test moves: the app's clock and its polls' waits."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.pilot import Pilot

from montui.config import Settings
from montui.model.alarm import AlarmState
from montui.sources.errors import CredentialsExpired, Throttled
from montui.ui.app import MontuiApp
from montui.ui.screens.board import BoardScreen
from montui.ui.widgets.freshness import Freshness
from montui.ui.widgets.region_banner import RegionBanner
from tests.fakes import FakeFeed, HandClock, make_alarm, region_error

REGION = "ap-northeast-1"
REFRESH = 5.0


def setup() -> tuple[MontuiApp, FakeFeed, HandClock]:
    feed = FakeFeed({REGION: [make_alarm("shop-api-5xx", AlarmState.ALARM, minutes_ago=3)]})
    clock = HandClock()
    settings = Settings().with_refresh(REFRESH)
    app = MontuiApp(feed.feeds, settings, clock=clock, pause=clock.pause, home="board")
    return app, feed, clock


async def until(pilot: Pilot[None], check: Callable[[], bool], limit: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {check}")
        await pilot.pause(0.01)


async def next_wait(pilot: Pilot[None], clock: HandClock, waits: int) -> float:
    """The wait the region's loop asked for after its `waits`-th poll."""
    await until(pilot, lambda: len(clock.waits) >= waits and clock.sleeping == 1)
    return clock.waits[waits - 1]


def board(app: MontuiApp) -> BoardScreen:
    screen = app.screen
    assert isinstance(screen, BoardScreen)
    return screen


async def test_a_region_failing_for_many_polls_is_live_again_at_the_next_refresh() -> None:
    app, feed, clock = setup()
    async with app.run_test(size=(120, 30)) as pilot:
        assert await next_wait(pilot, clock, 1) == REFRESH  # the first poll, good
        feed.fail[REGION] = region_error()
        for poll in range(2, 32):  # 30 failed polls: 150 s of outage
            clock.advance(REFRESH)
            assert await next_wait(pilot, clock, poll) == REFRESH
        screen = board(app)
        assert screen.statuses["", REGION].failures == 30
        banner = screen.query_one(RegionBanner)
        assert banner.display and "cannot reach" in str(banner.render())
        # The banner's age reads as the header's, and ticks between polls.
        assert "data updated 2m ago" in str(banner.render())
        assert "2m old" in str(screen.query_one(Freshness).render())
        clock.advance(REFRESH - 1)
        banner.tick()
        assert "data updated 2m ago" in str(banner.render())
        del feed.fail[REGION]
        clock.advance(1)  # one refresh after the last failed poll: the fault has cleared
        await until(pilot, lambda: screen.statuses["", REGION].error is None)
        await until(pilot, lambda: not banner.display)
        assert await next_wait(pilot, clock, 32) == REFRESH
        assert "updated just now" in str(screen.query_one(Freshness).render())
        assert feed.max_in_flight == 1  # polls never overlap


async def test_expired_credentials_are_retried_at_the_refresh_interval() -> None:
    app, feed, clock = setup()
    async with app.run_test(size=(120, 30)) as pilot:
        assert await next_wait(pilot, clock, 1) == REFRESH
        feed.fail[REGION] = CredentialsExpired("the AWS credentials have expired", "log in")
        for poll in range(2, 12):
            clock.advance(REFRESH)
            assert await next_wait(pilot, clock, poll) == REFRESH
        assert app.is_running  # fatal only before any data came
        del feed.fail[REGION]
        clock.advance(REFRESH)
        await until(pilot, lambda: board(app).statuses["", REGION].error is None)


async def test_throttling_backs_off_but_never_past_two_minutes() -> None:
    app, feed, clock = setup()
    async with app.run_test(size=(120, 30)) as pilot:
        assert await next_wait(pilot, clock, 1) == REFRESH
        feed.fail[REGION] = Throttled("throttled by AWS (Throttling)", retry_after=30)
        waits = []
        for poll in range(2, 12):
            clock.advance(clock.waits[-1])
            waits.append(await next_wait(pilot, clock, poll))
        assert waits == [30, 30, 30, 40, 80, 120, 120, 120, 120, 120]
        del feed.fail[REGION]
        clock.advance(120)
        await until(pilot, lambda: board(app).statuses["", REGION].error is None)
        assert await next_wait(pilot, clock, 12) == REFRESH


async def test_r_polls_a_backing_off_region_at_once() -> None:
    app, feed, clock = setup()
    async with app.run_test(size=(120, 30)) as pilot:
        assert await next_wait(pilot, clock, 1) == REFRESH
        feed.fail[REGION] = Throttled("throttled by AWS (Throttling)", retry_after=120)
        clock.advance(REFRESH)
        assert await next_wait(pilot, clock, 2) == 120
        del feed.fail[REGION]
        polls = feed.polls[REGION]
        await pilot.press("r")  # the clock does not move: only the key ends the wait
        await until(pilot, lambda: board(app).statuses["", REGION].error is None)
        assert feed.polls[REGION] == polls + 1
        assert await next_wait(pilot, clock, 3) == REFRESH
