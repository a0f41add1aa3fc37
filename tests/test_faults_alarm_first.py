"""ALARM rows first behind the fault proxy (issue 16): the ALARM query throttled backs off
and asks for no listing behind it; a full listing failing mid-way keeps the ALARM rows of
the same poll and the rows listed before, marked stale, until a listing succeeds.

Tokyo gets 250 bulk alarms (`montui_world.bulk`, 3 listing pages) over the scenario; they are
removed again afterwards. The polls' waits run on a `HandClock`; the fetches are real."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from moto.cloudwatch.models import cloudwatch_backends

from montui.model.alarm import AlarmState
from montui.ui.widgets.alarm_table import AlarmTable
from montui_world.bulk import add_bulk_alarms
from montui_world.ext.alarm_store import LOCK
from montui_world.faults.plan import Fault, FaultPlan, Rule
from montui_world.faults.proxy import FaultProxy
from montui_world.faults.wire import Call
from montui_world.identity import DEMO_ACCOUNT
from tests.conftest import ScenarioWorld
from tests.test_faults_board import REFRESH, TOKYO, banner_text, board, board_app, settled, until


@pytest.fixture
def bulk_tokyo(scenario_world: ScenarioWorld) -> Iterator[list[str]]:
    """250 bulk alarms in Tokyo (5 in ALARM) over the scenario; their names."""
    scenario_world.ready()
    backend = cloudwatch_backends[DEMO_ACCOUNT][TOKYO]
    before = set(backend.alarms)
    add_bulk_alarms(DEMO_ACCOUNT, TOKYO, 250, alarm_every=50, seed=4)
    added = sorted(set(backend.alarms) - before)
    yield added
    with LOCK:
        for name in added:
            backend.alarms.pop(name, None)


class ListingBreaks(FaultPlan):
    """Tokyo's DescribeAlarms: the first `through` requests of a poll pass (the ALARM query and
    the listing's first page), every later one gets a 500 until `clear`."""

    def __init__(self, through: int) -> None:
        super().__init__(seed=11)
        self.through = through
        self.broken = True
        self.tokyo = 0

    def decide(self, call: Call) -> Fault | None:
        if self.broken and (call.region, call.operation) == (TOKYO, "DescribeAlarms"):
            self.tokyo += 1
            if self.tokyo > self.through:
                self.injected[Fault.ERROR_500] += 1
                return Fault.ERROR_500
        return super().decide(call)


async def test_a_listing_failing_mid_way_keeps_the_alarm_rows_and_says_stale(
    fault_proxy: FaultProxy, scenario_world: ScenarioWorld, bulk_tokyo: list[str], tmp_path: Path
) -> None:
    app, counted, clock = board_app(fault_proxy, scenario_world, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(pilot, counted, clock)
        screen = board(app)
        listed = {a.name: a.state for a in screen.statuses[("", TOKYO)].alarms}
        assert set(bulk_tokyo) <= set(listed)
        # One bulk alarm fires, then the listing breaks after its first page.
        fired = next(n for n in bulk_tokyo if listed[n] is AlarmState.OK)
        with LOCK:
            alarm = cloudwatch_backends[DEMO_ACCOUNT][TOKYO].alarms[fired]
            alarm.state_value = "ALARM"
        plan = ListingBreaks(through=2)
        fault_proxy.plan = plan
        polls = counted.polls[TOKYO]
        clock.advance(REFRESH)
        await until(pilot, lambda: counted.polls[TOKYO] > polls and counted.in_flight == 0)
        await settled(pilot, counted, clock)
        status = screen.statuses[("", TOKYO)]
        assert plan.injected[Fault.ERROR_500] >= 1
        assert status.error is not None and f"⚠ {TOKYO}: " in banner_text(screen)
        shown = {a.name: a.state for a in status.alarms}
        assert shown[fired] is AlarmState.ALARM  # from this poll's ALARM query
        assert set(shown) == set(listed)  # the rest as last listed, none dropped
        assert screen.query_one(AlarmTable).row_count == len(screen.poll.all_alarms())
        assert "showing data updated" in banner_text(screen)
        plan.broken = False
        clock.advance(REFRESH)
        await settled(pilot, counted, clock)
        await until(pilot, lambda: screen.statuses[("", TOKYO)].error is None)
        assert f"⚠ {TOKYO}" not in banner_text(screen)


async def test_a_throttled_alarm_query_backs_off_and_lists_nothing_behind_it(
    fault_proxy: FaultProxy, scenario_world: ScenarioWorld, bulk_tokyo: list[str], tmp_path: Path
) -> None:
    app, counted, clock = board_app(fault_proxy, scenario_world, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(pilot, counted, clock)
        screen = board(app)
        rows = screen.query_one(AlarmTable).row_count
        fault_proxy.plan.set_rules(
            [Rule(1.0, (Fault.THROTTLE,), "cloudwatch", TOKYO, "DescribeAlarms")]
        )
        listings = counted.polls[TOKYO]
        delays: list[float] = []
        for step in (REFRESH, REFRESH, 2 * REFRESH):
            clock.advance(step)
            await settled(pilot, counted, clock)
            await until(pilot, lambda: screen.statuses[("", TOKYO)].failures == len(delays) + 1)
            delays.append(screen.poll._delay[("", TOKYO)])
        assert delays == [REFRESH, 2 * REFRESH, 4 * REFRESH]  # doubling from the refresh
        assert counted.polls[TOKYO] == listings  # no listing asked behind the ALARM query
        assert "throttl" in banner_text(screen).lower()
        assert screen.query_one(AlarmTable).row_count == rows  # kept, marked stale
        assert screen.statuses[("", "us-east-1")].error is None  # the other region stays live
