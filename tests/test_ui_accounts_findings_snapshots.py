"""SVG snapshots of the findings pane over two accounts (the Acct column, counts per account
and region, one account denied GuardDuty in one region, in place) at
80x24 and 160x50 (frozen clock, scripted feeds). Update after an intended change:
pytest --snapshot-update."""

from __future__ import annotations

from typing import Any

import pytest

from montui.config import Settings
from montui.sources.errors import AccessDenied
from montui.ui.app import MontuiApp
from montui.ui.screens.board_feeds import AccountFeeds, Accounts
from tests.fakes import FakeAlarms, FakeFindings, fake_feeds, frozen_clock, make_alarm
from tests.fakes.findings import (
    api_action,
    dns_action,
    instance_resource,
    key_resource,
    make_finding,
)

APNE1, USE1 = "ap-northeast-1", "us-east-1"
PROD, DEV = "111111111111", "222222222222"


def snapshot_app() -> MontuiApp:
    bastion = instance_resource("i-0b45c1d2e3f4a5b6c", "bastion")
    prod = FakeFindings({
        APNE1: [
            make_finding(
                "a1", 9.2, "AttackSequence:IAM/CompromisedCredentials", minutes_ago=38,
                title="Potential credential compromise of the IAM user deploy", account=PROD,
                resource=key_resource(), action=api_action("GetSecretValue", "secretsmanager"),
            ),
            make_finding(
                "d4", 5.0, "UnauthorizedAccess:EC2/SSHBruteForce", minutes_ago=2, count=412,
                title="SSH brute force attacks against i-0b45c1d2", resource=bastion,
                account=PROD,
            ),
        ],
        USE1: [make_finding(
            "e5", 2.0, "Recon:EC2/PortProbeUnprotectedPort", minutes_ago=9, count=1830,
            region=USE1, title="Unprotected port on EC2 instance i-0b45c1d2 is being probed",
            resource=bastion, account=PROD,
        )],
    })  # fmt: skip
    dev = FakeFindings({
        APNE1: [make_finding(
            "c3", 8.0, "CryptoCurrency:EC2/BitcoinTool.B!DNS", minutes_ago=180, count=7,
            title="EC2 instance i-0b45c1d2 is querying a domain associated with Bitcoin",
            resource=bastion, action=dns_action(), account=DEV,
        )],
        USE1: [],
    })  # fmt: skip
    dev.fail[USE1] = AccessDenied(
        "not authorized to call guardduty:ListDetectors", "grant guardduty:ListDetectors"
    )
    feeds = [
        fake_feeds(
            FakeAlarms({APNE1: [make_alarm(f"{alias}-cpu", account=account)], USE1: []}),
            findings=fake, account=account,
        )
        for alias, account, fake in (("prod", PROD, prod), ("dev", DEV, dev))
    ]  # fmt: skip
    accounts = Accounts([
        AccountFeeds(alias, f) for alias, f in zip(("prod", "dev"), feeds, strict=True)
    ])  # fmt: skip
    return MontuiApp(feeds[0], Settings(), clock=frozen_clock, home="board", accounts=accounts)


async def _open_pane(pilot: Any) -> None:
    for _ in range(5):
        await pilot.pause()
    await pilot.press("f")
    for _ in range(5):
        await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (160, 50)], ids=["80x24", "160x50"])
def test_findings_pane_two_accounts_snapshot(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(snapshot_app(), terminal_size=size, run_before=_open_pane)
