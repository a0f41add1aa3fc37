"""The database load pane and its feed behind the fault proxy (`montui_world.faults`):
throttling, 5xx, resets and stalls on Performance Insights and RDS are said in place in the
pane's words, the picker and the rest keep working, and the next refresh recovers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from montui.config import Settings
from montui.feeds.dbload import AwsDbLoad
from montui.feeds.session import AwsSession
from montui.launch import AwsRequest
from montui.model.dbload_target import DbTarget
from montui.model.records import replace
from montui.sources.errors import AccessDenied, SourceError, Throttled
from montui.ui.app import MontuiApp
from montui.ui.screens.dbload import DbLoadScreen
from montui.ui.widgets.load_chart import LoadChart
from montui_world.faults.plan import Fault, FaultPlan, Rule
from montui_world.faults.proxy import FaultProxy
from montui_world.world import World
from tests.conftest import FAULT_READ_TIMEOUT
from tests.dbload_world import NOW, REGION, REPORT, WINDOW
from tests.dbload_world import shop as shop  # the fixture
from tests.fakes import FakeFeed, make_alarm


@pytest.fixture
def proxied(shop: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FaultProxy, FaultPlan]]:
    monkeypatch.setattr("montui.sources.session.READ_TIMEOUT", FAULT_READ_TIMEOUT)
    plan = FaultPlan([], seed=11)
    with FaultProxy(shop.endpoint, plan) as proxy:
        yield proxy, plan


async def test_throttled_pi_is_a_typed_error_and_the_next_load_recovers(
    proxied: tuple[FaultProxy, FaultPlan],
) -> None:
    proxy, plan = proxied
    session = AwsSession(AwsRequest(endpoint_url=proxy.endpoint, regions=(REGION,)))
    await session.connect()
    try:
        feed = AwsDbLoad(session)
        (writer,) = [i for i in await feed.instances(REGION) if i.identifier == "orders-writer"]
        plan.rules = [Rule(1.0, (Fault.THROTTLE,), service="pi")]
        with pytest.raises(Throttled):
            await feed.load(writer, WINDOW)
        plan.rules = [Rule(1.0, (Fault.ERROR_503, Fault.RESET), service="pi")]
        with pytest.raises(SourceError):
            await feed.load(writer, WINDOW)
        plan.rules = [Rule(1.0, (Fault.DENIED,), service="pi")]
        with pytest.raises(AccessDenied) as denied:
            await feed.load(writer, WINDOW)
        assert "pi:" in denied.value.hint  # names the action to grant
        plan.rules = [Rule(1.0, (Fault.THROTTLE,), service="rds")]
        with pytest.raises(Throttled):
            await feed.instances(REGION)
        plan.rules = []
        load = await feed.load(writer, WINDOW)
        assert load.top_sql[0].statement == REPORT.statement
    finally:
        await session.close()


async def _until(pilot: Any, check: Any) -> None:
    for _ in range(400):
        if check():
            break
        await pilot.pause(0.025)
    assert check()


async def test_the_pane_says_the_fault_in_place_and_r_recovers(
    proxied: tuple[FaultProxy, FaultPlan],
) -> None:
    proxy, plan = proxied
    session = AwsSession(AwsRequest(endpoint_url=proxy.endpoint, regions=(REGION,)))
    await session.connect()
    fake = FakeFeed({REGION: [make_alarm("x")]})
    feeds = replace(fake.feeds, dbload=AwsDbLoad(session))
    app = MontuiApp(feeds, Settings(), clock=lambda: NOW, home="board")
    try:
        plan.rules = [Rule(1.0, (Fault.THROTTLE, Fault.ERROR_500), service="pi")]
        async with app.run_test(size=(80, 24)) as pilot:
            screen = DbLoadScreen(
                feeds.dbload, regions=(REGION,), clock=lambda: NOW,
                target=DbTarget("orders-writer"), window=WINDOW, utc=True,
            )  # fmt: skip
            await app.push_screen(screen)
            await _until(pilot, lambda: screen.message.startswith("Could not load"))
            said = str(screen.query_one(LoadChart).render())
            assert "pi ap-northeast-1" in said and "Traceback" not in said
            assert screen.instance is not None  # the instance was found: RDS was fine
            plan.rules = []
            await pilot.press("r")
            await _until(pilot, lambda: screen.load is not None and not screen.message)
            assert screen.load is not None
            assert screen.load.top_sql[0].statement == REPORT.statement
    finally:
        await session.close()
