"""The findings pane over several accounts end to end: a world set up with boto3 only (a role
in another account trusting the base one, a GuardDuty detector and sample findings in each,
as a person would with the AWS CLI) on the real AWS feeds: every row carries its account's
alias and id, as each account's `get-findings` answers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from montui.config import Settings
from montui.launch import AwsRequest
from montui.model.accounts import AccountSpec
from montui.ui.app import MontuiApp
from montui.ui.screens.board import BoardScreen
from montui.ui.screens.findings import FindingsScreen
from montui.ui.widgets.finding_table import FindingTable
from montui.ui.wiring import aws_accounts
from montui_world.identity import DEMO_ACCOUNT
from montui_world.world import World
from tests.world.accounts import WorldAccount

REGION = "us-east-1"
PAYMENTS = "210987654321"


async def until(pilot: Pilot[None], check: Callable[[], bool], limit: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {check}")
        await pilot.pause(0.05)


def seed(session: Any, types: list[str]) -> set[str]:
    """A detector and sample findings of `types` in the session's account: their ids."""
    gd = session.client("guardduty", region_name=REGION)
    detector = gd.create_detector(Enable=True)["DetectorId"]
    gd.create_sample_findings(DetectorId=detector, FindingTypes=types)
    return set(gd.list_findings(DetectorId=detector)["FindingIds"])


async def test_findings_of_two_accounts_set_up_with_boto3_carry_their_account(
    world: World, add_world_account: Callable[..., WorldAccount], tmp_path: Path
) -> None:
    from tests.world.accounts import base_session

    payments = add_world_account(PAYMENTS)
    base_ids = seed(base_session(world.endpoint), ["Recon:EC2/PortProbeUnprotectedPort"])
    payment_ids = seed(payments.admin, ["CryptoCurrency:EC2/BitcoinTool.B!DNS"])
    assert base_ids and payment_ids
    specs = (AccountSpec("base"), AccountSpec("payments", role_arn=payments.role_arn))
    request = AwsRequest(endpoint_url=world.endpoint, regions=(REGION,))
    accounts = aws_accounts(request, specs, data_dir=tmp_path)
    app = MontuiApp(accounts.primary, Settings(), home="board", accounts=accounts)
    async with app.run_test(size=(140, 30)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, BoardScreen))
        board = app.screen
        assert isinstance(board, BoardScreen) and board.findings is not None
        watch = board.findings
        await until(pilot, lambda: len(watch.statuses) == 2 and watch.polled)
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, FindingsScreen))
        table = app.screen.query_one(FindingTable)
        await until(pilot, lambda: table.row_count == len(base_ids) + len(payment_ids))
        shown = set()
        for row in table.ordered_rows:
            _, finding_id, account = str(row.key.value).split("\t")
            shown.add((str(table.get_row(row.key)[1]), account, finding_id))
        assert shown == {("base", DEMO_ACCOUNT, i) for i in base_ids} | {
            ("payments", PAYMENTS, i) for i in payment_ids
        }
        header = str(app.screen.query_one("#findings-header").render())
        assert "base/use1" in header and "payments/use1" in header
