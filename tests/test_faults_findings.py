"""The findings pane and `montui findings` on the real AWS feeds behind the fault proxy
(`fault_proxy`): access denied in one region, throttling and 5xx are said in place, the
other region keeps its findings, and the pane is whole again once the fault clears."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
from textual.pilot import Pilot

from montui.commands.findings import run_findings
from montui.config import Settings
from montui.launch import AwsRequest
from montui.ui.app import MontuiApp
from montui.ui.screens.board import BoardScreen
from montui.ui.screens.findings import FindingsScreen
from montui.ui.widgets.finding_table import FindingTable
from montui.ui.wiring import aws_feeds
from montui_world.faults.plan import Fault, Rule
from montui_world.faults.proxy import FaultProxy
from tests.conftest import ScenarioWorld

TOKYO, VIRGINIA = "ap-northeast-1", "us-east-1"
TYPES = [
    "UnauthorizedAccess:EC2/SSHBruteForce",
    "CryptoCurrency:EC2/BitcoinTool.B!DNS",
    "AttackSequence:IAM/CompromisedCredentials",
]


def seed(world: ScenarioWorld) -> set[str]:
    """A detector in Tokyo (the scenario's, or a new one) with sample findings: their ids."""
    gd: Any = boto3.client("guardduty", region_name=TOKYO, endpoint_url=world.endpoint)
    detectors = gd.list_detectors()["DetectorIds"] or [
        gd.create_detector(Enable=True)["DetectorId"]
    ]
    gd.create_sample_findings(DetectorId=detectors[0], FindingTypes=TYPES)
    criteria = {"Criterion": {"service.archived": {"Eq": ["false"]}}}
    pages = gd.get_paginator("list_findings").paginate(
        DetectorId=detectors[0], FindingCriteria=criteria
    )
    return {i for page in pages for i in page["FindingIds"]}


async def until(pilot: Pilot[None], check: Callable[[], bool], limit: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {check}")
        await pilot.pause(0.05)


def banner(app: MontuiApp) -> str:
    return str(app.screen.query_one("#findings-banner").render())


def rows(app: MontuiApp) -> set[str]:
    table = app.screen.query_one(FindingTable)
    return {str(k.value).split("\t")[1] for k in table.rows}


async def test_the_pane_under_denied_throttled_and_failing_guardduty(
    fault_proxy: FaultProxy, scenario_world: ScenarioWorld, tmp_path: Path
) -> None:
    ids = seed(scenario_world)
    fault_proxy.plan.set_rules([Rule(1.0, (Fault.DENIED,), service="guardduty", region=VIRGINIA)])
    request = AwsRequest(endpoint_url=fault_proxy.endpoint, regions=(TOKYO, VIRGINIA))
    feeds = aws_feeds(request, data_dir=tmp_path)
    app = MontuiApp(feeds, Settings(regions=(TOKYO, VIRGINIA)), data_dir=tmp_path, home="board")
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, BoardScreen))
        board = app.screen
        assert isinstance(board, BoardScreen) and board.findings is not None
        watch = board.findings
        await until(pilot, lambda: bool(watch.statuses) and watch.polled)
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, FindingsScreen) and rows(app) == ids)
        assert "us-east-1: not authorized to call guardduty:ListDetectors" in banner(app)
        assert "grant guardduty:ListDetectors" in banner(app)
        for fault, words in (
            (Fault.THROTTLE, "throttled"),
            (Fault.ERROR_500, "InternalServerErrorException"),
        ):
            fault_proxy.plan.set_rules([Rule(1.0, (fault,), service="guardduty", region=TOKYO)])
            await pilot.press("r")
            await until(pilot, lambda w=words: f"ap-northeast-1: {w}" in banner(app))  # type: ignore[misc]
            assert rows(app) == ids  # the kept findings stay on screen
            assert "showing findings updated" in banner(app)
        fault_proxy.plan.clear()
        await pilot.press("r")
        await until(pilot, lambda: "⚠" not in banner(app) and rows(app) == ids)
        assert isinstance(app.screen, FindingsScreen)


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        (Fault.DENIED, "grant guardduty:ListDetectors"),
        (Fault.THROTTLE, "try again in a minute"),
        (Fault.ERROR_503, "try again in a minute"),
    ],
)
def test_the_command_prints_the_good_region_and_exits_1(
    fault_proxy: FaultProxy,
    scenario_world: ScenarioWorld,
    capsys: pytest.CaptureFixture[str],
    fault: Fault,
    words: str,
) -> None:
    ids = seed(scenario_world)
    fault_proxy.plan.set_rules([Rule(1.0, (fault,), service="guardduty", region=VIRGINIA)])
    out = io.StringIO()
    request = AwsRequest(endpoint_url=fault_proxy.endpoint, regions=(TOKYO, VIRGINIA))
    code = run_findings(request, Settings(), output="json", out=out)
    err = capsys.readouterr().err
    assert code == 1
    assert {r["id"] for r in json.loads(out.getvalue())} == ids
    assert "guardduty us-east-1" in err and words in err
