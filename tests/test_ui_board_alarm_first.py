"""ALARM rows first (issue 16): each poll of a region shows its alarms in ALARM at once, then
pages in the full listing behind them when due; failures, backoff and recoveries still hold.
`BoardPoll` driven directly with a hand-set clock, then the board and triage through the pilot."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta

from textual.pilot import Pilot
from textual.widgets import OptionList

from montui.config import Settings
from montui.model.alarm import Alarm, AlarmState
from montui.model.records import replace
from montui.sources.errors import Throttled
from montui.ui.app import MontuiApp
from montui.ui.screens.board import BoardScreen
from montui.ui.screens.board_poll import BoardPoll
from montui.ui.widgets.alarm_table import AlarmTable
from montui.ui.widgets.freshness import Freshness
from tests.fakes import NOW, FakeAlarms, FakeFeed, HandClock, fake_feeds, make_alarm, region_error
from tests.triage_data import demo_alarms, demo_app, demo_feeds

A, OK, NODATA = AlarmState.ALARM, AlarmState.OK, AlarmState.INSUFFICIENT_DATA
REGION = "ap-northeast-1"
REFRESH = 60.0


class Clock:
    """The time `BoardPoll` reads, set by hand."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def region(count: int, firing: tuple[str, ...] = ("db-cpu",)) -> list[Alarm]:
    alarms = [make_alarm(f"ok-{i:05d}", OK) for i in range(count)]
    return alarms + [make_alarm(name, A, minutes_ago=20) for name in firing]


async def poller(alarms: FakeAlarms) -> tuple[BoardPoll, Clock, list[str]]:
    clock = Clock()
    events: list[str] = []
    poll = BoardPoll(
        fake_feeds(alarms),
        refresh_every=REFRESH,
        clock=clock,
        changed=lambda: events.append("changed"),
        polled=lambda r, a: events.append(f"polled {len(a)}"),
        fatal=lambda m: events.append(f"fatal {m}"),
    )
    assert await poll.connect() == (REGION,)
    return poll, clock, events


async def test_the_alarm_rows_come_first_then_the_listing_behind_them() -> None:
    alarms = FakeAlarms({REGION: region(250)})
    poll, _, events = await poller(alarms)
    alarms.hold_listing = asyncio.Event()
    task = asyncio.ensure_future(poll.refresh_region(REGION))
    for _ in range(100):
        if events:
            break
        await asyncio.sleep(0)
    assert events == ["changed"]  # shown before the listing answered
    status = poll.statuses[("", REGION)]
    assert [a.name for a in status.alarms] == ["db-cpu"] and status.listing
    assert alarms.alarm_polls == {REGION: 1} and alarms.polls == {REGION: 1}  # paging, held
    alarms.hold_listing.set()
    await task
    assert (
        len(poll.statuses[("", REGION)].alarms) == 251 and not poll.statuses[("", REGION)].listing
    )
    assert events == ["changed", "polled 251"]  # one `polled` per poll: sparklines ask once


async def test_a_quiet_refresh_of_a_big_region_asks_only_for_the_alarm_rows() -> None:
    alarms = FakeAlarms({REGION: region(9_999)})  # 10,000 alarms: 100 pages to list
    poll, clock, _ = await poller(alarms)
    await poll.refresh_region(REGION)
    assert (alarms.alarm_polls[REGION], alarms.polls[REGION]) == (1, 1)
    clock.advance(REFRESH)
    await poll.refresh_region(REGION)  # 60 s after a listing of 100 pages: ALARM rows only
    assert (alarms.alarm_polls[REGION], alarms.polls[REGION]) == (2, 1)
    fired = make_alarm("ok-00007", A, minutes_ago=0)
    alarms.data[REGION] = [fired if a.name == "ok-00007" else a for a in alarms.data[REGION]]
    clock.advance(REFRESH / 2)
    await poll.refresh_region(REGION)  # a new ALARM row needs no listing either
    assert (alarms.alarm_polls[REGION], alarms.polls[REGION]) == (3, 1)
    shown = {a.name: a.state for a in poll.statuses[("", REGION)].alarms}
    assert shown["ok-00007"] is A and len(shown) == 10_000
    clock.advance(REFRESH / 2)
    await poll.refresh_region(REGION)  # 120 s since the listing: past 100 s, list again
    assert (alarms.alarm_polls[REGION], alarms.polls[REGION]) == (4, 2)
    await poll.refresh_region(REGION, woken=True)  # `r`: everything now
    assert (alarms.alarm_polls[REGION], alarms.polls[REGION]) == (5, 3)


async def test_a_small_region_is_listed_every_refresh() -> None:
    alarms = FakeAlarms({REGION: region(80)})
    poll, clock, _ = await poller(alarms)
    for _ in range(3):
        await poll.refresh_region(REGION)
        clock.advance(REFRESH)
    assert (alarms.alarm_polls[REGION], alarms.polls[REGION]) == (3, 3)


async def test_an_alarm_leaving_alarm_is_listed_at_once_and_marked_recovered() -> None:
    alarms = FakeAlarms({REGION: region(9_999)})
    poll, clock, _ = await poller(alarms)
    await poll.refresh_region(REGION)
    clock.advance(REFRESH)
    db = next(a for a in alarms.data[REGION] if a.name == "db-cpu")
    ok = replace(db, state=OK, state_updated=clock.now - timedelta(seconds=30))
    alarms.data[REGION] = [ok if a is db else a for a in alarms.data[REGION]]
    await poll.refresh_region(REGION)
    assert alarms.polls[REGION] == 2  # within the interval, but db-cpu left ALARM
    assert ok.key in poll.recovered()
    assert {a.name: a.state for a in poll.statuses[("", REGION)].alarms}["db-cpu"] is OK


async def test_a_listing_failing_keeps_the_alarm_rows_and_lists_again_next_refresh() -> None:
    alarms = FakeAlarms({REGION: region(9_999)})
    poll, clock, _ = await poller(alarms)
    await poll.refresh_region(REGION)
    clock.advance(REFRESH)
    fired = make_alarm("ok-00003", A, minutes_ago=0)
    alarms.data[REGION] = [fired if a.name == "ok-00003" else a for a in alarms.data[REGION]]
    alarms.fail_listing[REGION] = region_error()
    await poll.refresh_region(REGION, woken=True)
    status = poll.statuses[("", REGION)]
    assert status.error and ("", REGION) in poll.hints  # stale mark and the hint
    assert {a.name: a.state for a in status.alarms}["ok-00003"] is A  # the new ALARM row
    assert len(status.alarms) == 10_000  # the last listing kept under it
    del alarms.fail_listing[REGION]
    clock.advance(REFRESH)
    await poll.refresh_region(REGION)  # failing: listed again though within the interval
    assert alarms.polls[REGION] == 3 and poll.statuses[("", REGION)].error is None


async def test_a_throttled_alarm_query_backs_off_and_skips_the_listing() -> None:
    alarms = FakeAlarms({REGION: region(10)})
    poll, clock, _ = await poller(alarms)
    await poll.refresh_region(REGION)
    alarms.fail[REGION] = Throttled("DescribeAlarms: rate exceeded")
    delays = []
    for _ in range(3):
        clock.advance(REFRESH)
        await poll.refresh_region(REGION)
        delays.append(poll._delay[("", REGION)])
    assert delays == [60.0, 120.0, 120.0]  # doubling from the refresh, capped at 2 minutes
    assert alarms.polls[REGION] == 1  # no listing asked behind a failed ALARM query
    assert len(poll.statuses[("", REGION)].alarms) == 11  # rows kept, marked stale
    assert poll.statuses[("", REGION)].failures == 3


# --- through the pilot -------------------------------------------------------------------


async def until(pilot: Pilot[None], check: Callable[[], bool], limit: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + limit
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {check}")
        await pilot.pause(0.01)


def names(app: MontuiApp) -> list[str]:
    table = app.screen.query_one(AlarmTable)
    return [table.alarms_by_key[str(k.value)].name for k in table.rows]


async def test_the_board_shows_alarm_rows_with_a_listing_mark_then_every_row() -> None:
    feed = FakeFeed({REGION: [*region(3), make_alarm("nodata", NODATA)]})
    feed.hold_listing = asyncio.Event()
    clock = HandClock()
    settings = Settings().with_refresh(REFRESH)
    app = MontuiApp(feed.feeds, settings, clock=clock, pause=clock.pause, home="board")
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: names(app) == ["db-cpu"])
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        assert str(screen.query_one(Freshness).render()) == "ALARMs · listing…"
        feed.hold_listing.set()
        await until(pilot, lambda: len(names(app)) == 5)
        assert names(app)[0] == "db-cpu"
        assert str(screen.query_one(Freshness).render()).startswith("updated")


async def test_triage_act_now_shows_the_alarm_rows_of_the_first_phase() -> None:
    alarms = demo_alarms()
    alarms.hold_listing = asyncio.Event()
    app = demo_app(demo_feeds(alarms), clock=HandClock())
    async with app.run_test(size=(160, 50)) as pilot:

        def act_now() -> list[str]:
            options = app.screen.query_one("#act-now", OptionList)
            return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]

        await until(pilot, lambda: any("hitori-contact-form-down" in r for r in act_now()))
        assert alarms.polls[REGION] == 1 and not alarms.hold_listing.is_set()  # still listing
        alarms.hold_listing.set()
