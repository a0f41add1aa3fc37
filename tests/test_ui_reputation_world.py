"""The reputation pane on the real AWS feeds: against the local world (what a person changes
with the AWS CLI's calls shows as `sesv2 get-account` / `cloudwatch get-metric-data` report
it; under review through the world's hook) and behind the fault proxy (errors in place)."""

from __future__ import annotations

import asyncio
import json
import urllib.request
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3
from textual.pilot import Pilot

from montui.config import Settings
from montui.launch import AwsRequest
from montui.ui.app import MontuiApp
from montui.ui.screens.board import BoardScreen
from montui.ui.screens.reputation import ReputationScreen
from montui.ui.wiring import aws_feeds
from montui_world.clock import WORLD_CLOCK
from montui_world.ext.ses_api import HOOK_PATH
from montui_world.faults.plan import Fault, Rule
from montui_world.faults.proxy import FaultProxy
from montui_world.world import World
from tests.conftest import ScenarioWorld

TOKYO, VIRGINIA = "ap-northeast-1", "us-east-1"


def make_app(endpoint: str, tmp_path: Path, clock: Callable[[], Any]) -> MontuiApp:
    regions = (TOKYO, VIRGINIA)
    feeds = aws_feeds(AwsRequest(endpoint_url=endpoint, regions=regions), data_dir=tmp_path)
    return MontuiApp(feeds, Settings(regions=regions), clock=clock, data_dir=tmp_path, home="board")


async def until(pilot: Pilot[None], check: Callable[[], bool], limit: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {check}")
        await pilot.pause(0.05)


async def open_pane(pilot: Pilot[None], app: MontuiApp) -> ReputationScreen:
    await until(pilot, lambda: isinstance(app.screen, BoardScreen))
    board = app.screen
    assert isinstance(board, BoardScreen)
    await until(pilot, lambda: board.poll.connection is not None)
    await pilot.press("e")
    await until(pilot, lambda: isinstance(app.screen, ReputationScreen))
    pane = app.screen
    assert isinstance(pane, ReputationScreen)
    await until(pilot, lambda: pane.fetches >= 1)
    await pilot.pause()
    return pane


async def refreshed(pilot: Pilot[None], pane: ReputationScreen) -> None:
    done = pane.fetches
    await pilot.press("r")
    await until(pilot, lambda: pane.fetches > done)
    await pilot.pause()


def shown(pane: ReputationScreen, selector: str) -> str:
    return str(pane.query_one(selector).render())


def hook(world: World, **document: Any) -> None:
    body = json.dumps(document).encode()
    request = urllib.request.Request(f"{world.endpoint}{HOOK_PATH}", data=body, method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass


async def test_the_pane_shows_what_the_cli_changes_as_aws_reports_it(
    world: World, tmp_path: Path
) -> None:
    v2 = boto3.client("sesv2", region_name=TOKYO, endpoint_url=world.endpoint)
    cw = boto3.client("cloudwatch", region_name=TOKYO, endpoint_url=world.endpoint)
    now = WORLD_CLOCK.now().replace(second=0, microsecond=0)
    app = make_app(world.endpoint, tmp_path, WORLD_CLOCK.now)
    async with app.run_test(size=(100, 40)) as pilot:
        pane = await open_pane(pilot, app)
        assert "? bounce    no data" in shown(pane, "#rates")
        assert "✔ Healthy · sandbox · sending enabled" in shown(pane, "#status")
        cw.put_metric_data(
            Namespace="AWS/SES",
            MetricData=[
                {"MetricName": "Reputation.BounceRate", "Timestamp": at, "Value": value}
                for at, value in (
                    (now - timedelta(days=7, hours=2), 0.012),
                    (now - timedelta(hours=1), 0.0417),
                )
            ],
        )
        v2.put_account_sending_attributes(SendingEnabled=False)
        await refreshed(pilot, pane)
        account = v2.get_account()
        assert account["SendingEnabled"] is False
        assert "■ Sending paused (sending disabled in the account)" in shown(pane, "#status")
        quota = account["SendQuota"]
        assert (
            f"{quota['SentLast24Hours']:,.0f} of {quota['Max24HourSend']:,.0f} in 24 h · "
            f"max {quota['MaxSendRate']:,.0f}/s"
        ) in shown(pane, "#status")
        assert ("production access" in shown(pane, "#status")) is account["ProductionAccessEnabled"]
        end = now + timedelta(minutes=1)
        answer = cw.get_metric_data(
            MetricDataQueries=[{"Id": "b", "MetricStat": {"Metric": {
                "Namespace": "AWS/SES", "MetricName": "Reputation.BounceRate"},
                "Period": 900, "Stat": "Average"}}],
            StartTime=end - timedelta(days=14), EndTime=end, ScanBy="TimestampAscending",
        )  # fmt: skip
        latest = answer["MetricDataResults"][0]["Values"][-1]
        assert latest == 0.0417
        rates = shown(pane, "#rates")
        assert f"bounce      {latest * 100:.1f} %  near review" in rates
        assert "0.8 points below review at 5 %, 5.8 below pause at 10 %" in rates
        assert "no data 24 h ago · ↑ +3.0 points in 7 d" in rates
        hook(world, Region=TOKYO, EnforcementStatus="PROBATION", SendingEnabled=True)
        await refreshed(pilot, pane)
        assert "✖ Under review" in shown(pane, "#status")
        assert "✖ ap-northeast-1 Under review" in shown(pane, "#regions")


async def test_a_failing_region_and_failing_rates_are_said_in_place(
    fault_proxy: FaultProxy, scenario_world: ScenarioWorld, tmp_path: Path
) -> None:
    now = scenario_world.at(timedelta(minutes=8)).reached
    app = make_app(fault_proxy.endpoint, tmp_path, lambda: now)
    fault_proxy.plan.set_rules(
        [
            Rule(1.0, (Fault.DENIED,), service="sesv2", region=VIRGINIA),
            Rule(1.0, (Fault.THROTTLE,), region=TOKYO, operation="GetMetricData"),
        ]
    )
    async with app.run_test(size=(100, 40)) as pilot:
        pane = await open_pane(pilot, app)
        assert "⚠ us-east-1 failed" in shown(pane, "#regions")
        status = shown(pane, "#status")
        assert "⚠ rates: throttled by AWS" in status
        assert "Quota" in status  # the account is still shown
        await pilot.press("R")
        await pilot.pause()
        assert "not authorized to call ses:GetAccount" in shown(pane, "#status")
        fault_proxy.plan.clear()
        await refreshed(pilot, pane)
        assert "failed" not in shown(pane, "#regions")
        assert "Quota" in shown(pane, "#status")
        assert app.screen is pane


async def test_the_scenario_tokyo_creeps_toward_review_virginia_is_a_quiet_sandbox(
    scenario_world: ScenarioWorld, tmp_path: Path
) -> None:
    """What a new user sees on `make demo`: how far Tokyo is from review and pause, the
    creeping bounce rate's direction, its alarms; Virginia's sandbox without rates."""
    now = scenario_world.at(timedelta(minutes=8)).reached
    app = make_app(scenario_world.endpoint, tmp_path, lambda: now)
    async with app.run_test(size=(100, 40)) as pilot:
        pane = await open_pane(pilot, app)
        found = pane.last_good[TOKYO]
        assert found.account.production and found.bounce.latest is not None
        assert 0.025 <= found.bounce.latest < 0.05  # near review, not over
        _day, week = found.bounce.directions()
        assert week.points is not None and week.points > 0.5  # creeping up
        rates = shown(pane, "#rates")
        assert "▲  bounce" in rates and "near review" in rates
        assert "points below review at 5 %" in rates and "below pause at 10 %" in rates
        assert "points in 7 d" in rates and "↑" in rates
        assert [a.name for a in pane._listed] == [
            "hitori-ses-bounce-rate",
            "hitori-ses-complaint-rate",
        ]
        assert "Quota" in shown(pane, "#status") and "production access" in shown(pane, "#status")
        await pilot.press("R")
        await pilot.pause()
        assert "us-east-1  ✔ Healthy · sandbox · sending enabled" in shown(pane, "#status")
        assert "? bounce    no data" in shown(pane, "#rates")
