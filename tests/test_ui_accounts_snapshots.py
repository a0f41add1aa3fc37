"""SVG snapshots of the board over three accounts (the Account column, the header, one
account's role refused in place) at 80x24 and 160x50. Update: pytest --snapshot-update."""

from __future__ import annotations

from typing import Any

import pytest

from montui.config import Settings
from montui.model.alarm import AlarmState
from montui.sources.assume_role import AssumeRoleFailed
from montui.ui.app import MontuiApp
from tests.fakes import FakeAlarms, fake_accounts, frozen_clock, make_alarm

A, NODATA, OK = AlarmState.ALARM, AlarmState.INSUFFICIENT_DATA, AlarmState.OK
TOKYO, VIRGINIA = "ap-northeast-1", "us-east-1"


def accounts_app(refused: bool) -> MontuiApp:
    def alarms(account: str, prefix: str) -> FakeAlarms:
        return FakeAlarms({
            TOKYO: [
                make_alarm(f"{prefix}-api-5xx", A, account=account, minutes_ago=7),
                make_alarm(f"{prefix}-db-cpu", NODATA, account=account, minutes_ago=40),
                make_alarm("shared-latency-p99", OK, account=account, minutes_ago=300),
            ],
            VIRGINIA: [make_alarm(f"{prefix}-ses-bounce", OK, region=VIRGINIA, account=account)],
        })  # fmt: skip

    prod = alarms("111111111111", "orders")
    if refused:
        prod.fail[TOKYO] = prod.fail[VIRGINIA] = AssumeRoleFailed(
            "AccessDenied: not authorized to perform sts:AssumeRole on "
            "arn:aws:iam::111111111111:role/montui-readonly",
            "check the role's trust policy (it must trust the base account)",
        )
    accounts, feeds = fake_accounts(
        ("shared", "123456789012", alarms("123456789012", "web")),
        ("prod", "111111111111", prod),
        ("dev", "222222222222", alarms("222222222222", "web")),
    )
    return MontuiApp(feeds[0], Settings(), clock=frozen_clock, home="board", accounts=accounts)


async def _settle(pilot: Any) -> None:
    for _ in range(4):
        await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (160, 50)], ids=["80x24", "160x50"])
def test_board_of_three_accounts(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(accounts_app(refused=False), terminal_size=size, run_before=_settle)


def test_board_of_three_accounts_one_refused(snap_compare: Any) -> None:
    assert snap_compare(accounts_app(refused=True), terminal_size=(80, 24), run_before=_settle)
