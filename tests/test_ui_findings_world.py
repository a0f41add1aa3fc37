"""The findings pane on the real AWS feeds against the local world, seeded the way a person
would with boto3 (create-detector, create-sample-findings, archive-findings): its rows are
what `list-findings` / `get-findings` answer, archived ones only when shown."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from textual.pilot import Pilot

from montui.config import Settings
from montui.launch import AwsRequest
from montui.model.duration import format_age
from montui.model.findings import band_of
from montui.ui.app import MontuiApp
from montui.ui.screens.board import BoardScreen
from montui.ui.screens.findings import FindingsScreen
from montui.ui.widgets.finding_table import FindingTable
from montui.ui.wiring import aws_feeds
from montui_world.clock import WORLD_CLOCK
from montui_world.world import World

ON, OFF = "ap-northeast-1", "us-east-1"
TYPES = [
    "Recon:EC2/PortProbeUnprotectedPort",
    "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
    "Policy:S3/BucketPublicAccessGranted",
    "CryptoCurrency:EC2/BitcoinTool.B!DNS",
    "AttackSequence:IAM/CompromisedCredentials",
]


async def until(pilot: Pilot[None], check: Callable[[], bool], limit: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {check}")
        await pilot.pause(0.05)


def table_rows(app: MontuiApp) -> dict[str, list[str]]:
    table = app.screen.query_one(FindingTable)
    return {
        str(row.key.value).split("\t")[1]: [str(c) for c in table.get_row(row.key)]
        for row in table.ordered_rows
    }


def aws_answer(gd: Any, detector: str, **criteria: Any) -> dict[str, dict[str, Any]]:
    found = gd.list_findings(DetectorId=detector, **criteria)["FindingIds"]
    return {f["Id"]: f for f in gd.get_findings(DetectorId=detector, FindingIds=found)["Findings"]}


class HandClock:
    """The world's present and montui's, moved by hand (never the wall clock)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def hand(world: World) -> Iterator[HandClock]:
    clock = HandClock()
    WORLD_CLOCK.follow(clock)
    yield clock
    WORLD_CLOCK.reset()


async def test_rows_are_what_boto3_sees(world: World, hand: HandClock, tmp_path: Path) -> None:
    gd: Any = boto3.client("guardduty", region_name=ON, endpoint_url=world.endpoint)
    detector = gd.create_detector(Enable=True)["DetectorId"]
    gd.create_sample_findings(DetectorId=detector, FindingTypes=TYPES)
    hand.now += timedelta(minutes=4)
    archived = gd.list_findings(DetectorId=detector)["FindingIds"][0]
    gd.archive_findings(DetectorId=detector, FindingIds=[archived])
    current = aws_answer(
        gd, detector, FindingCriteria={"Criterion": {"service.archived": {"Eq": ["false"]}}}
    )
    everything = aws_answer(gd, detector)
    request = AwsRequest(endpoint_url=world.endpoint, regions=(ON, OFF))
    feeds = aws_feeds(request, data_dir=tmp_path)
    app = MontuiApp(feeds, Settings(), clock=hand, data_dir=tmp_path, home="board")
    async with app.run_test(size=(160, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, BoardScreen))
        board = app.screen
        assert isinstance(board, BoardScreen) and board.findings is not None
        watch = board.findings
        await until(pilot, lambda: bool(watch.statuses) and watch.polled)
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, FindingsScreen))
        await until(pilot, lambda: set(table_rows(app)) == set(current))
        shown = table_rows(app)
        now = app.clock()
        for finding_id, cells in shown.items():
            finding = current[finding_id]
            band = band_of(finding["Severity"])
            assert cells[0] == band.label
            assert cells[1] == finding["Type"]
            assert cells[3].strip() == str(finding["Service"]["Count"])
            assert cells[5] == "apne1"
            seen = watch.all_findings()
            last = next(f.last_seen for f in seen if f.id == finding_id)
            assert cells[4] == f"{format_age((now - last).total_seconds())} ago" == "4m ago"
            assert last == datetime.fromisoformat(finding["Service"]["EventLastSeen"])
        header = str(app.screen.query_one("#findings-header").render())
        assert "use1 off" in header
        await pilot.press("A")
        await until(pilot, lambda: set(table_rows(app)) == set(everything))
        assert table_rows(app)[archived][1].startswith("archived ")
