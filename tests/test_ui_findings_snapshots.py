"""SVG snapshots of the findings pane and a finding's detail at 80x24 and 160x50 (frozen
clock, scripted feed). Update after an intended change: pytest --snapshot-update."""

from __future__ import annotations

from typing import Any

import pytest

from montui.config import Settings
from montui.model.alarm import AlarmState
from montui.model.findings import Finding
from montui.ui.app import MontuiApp
from tests.fakes import FakeAlarms, FakeFindings, fake_feeds, frozen_clock, make_alarm
from tests.fakes.findings import (
    api_action,
    dns_action,
    instance_resource,
    key_resource,
    make_finding,
)

APNE1, USE1 = "ap-northeast-1", "us-east-1"


def findings() -> list[Finding]:
    bastion = instance_resource("i-0b45c1d2e3f4a5b6c", "bastion")
    return [
        make_finding(
            "a1", 9.2, "AttackSequence:IAM/CompromisedCredentials", minutes_ago=38,
            title="Potential credential compromise of the IAM user deploy",
            resource=key_resource(), action=api_action("GetSecretValue", "secretsmanager"),
        ),
        make_finding(
            "b2", 8.0, "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
            minutes_ago=4,
            title="Credentials for instance role hitori-contact-form used from an external IP",
            resource=key_resource("ASIAQ3EXAMPLE", "hitori-contact-form", "AssumedRole"),
            action=api_action("ListBuckets"),
        ),
        make_finding(
            "c3", 8.0, "CryptoCurrency:EC2/BitcoinTool.B!DNS", minutes_ago=180, count=7,
            title="EC2 instance i-0b45c1d2 is querying a domain associated with Bitcoin",
            resource=bastion, action=dns_action(),
        ),
        make_finding(
            "d4", 5.0, "UnauthorizedAccess:EC2/SSHBruteForce", minutes_ago=2, count=412,
            title="SSH brute force attacks against i-0b45c1d2", resource=bastion,
        ),
        make_finding(
            "e5", 2.0, "Recon:EC2/PortProbeUnprotectedPort", minutes_ago=9, count=1830,
            title="Unprotected port on EC2 instance i-0b45c1d2 is being probed",
            resource=bastion,
        ),
        make_finding(
            "f6", 2.0, "Policy:IAMUser/RootCredentialUsage", minutes_ago=60 * 50,
            title="API GetAccountSummary was invoked using root credentials",
            resource=key_resource("ASIAROOTEXAMPLE", "Root", "Root"),
        ),
    ]  # fmt: skip


def snapshot_app() -> MontuiApp:
    bastion_cpu = make_alarm(
        "bastion-cpu-high", AlarmState.ALARM, minutes_ago=6, namespace="AWS/EC2",
        metric="CPUUtilization", dims=(("InstanceId", "i-0b45c1d2e3f4a5b6c"),),
    )  # fmt: skip
    alarms = FakeAlarms({APNE1: [bastion_cpu], USE1: []})
    fake = FakeFindings({APNE1: findings(), USE1: None})
    return MontuiApp(
        fake_feeds(alarms, findings=fake), Settings(), clock=frozen_clock, home="board"
    )


async def _settle(pilot: Any) -> None:
    for _ in range(5):
        await pilot.pause()


async def _open_pane(pilot: Any) -> None:
    await _settle(pilot)
    await pilot.press("f")
    await _settle(pilot)


async def _open_detail(pilot: Any) -> None:
    await _open_pane(pilot)
    await pilot.press("down", "down", "enter")
    await _settle(pilot)


@pytest.mark.parametrize("size", [(80, 24), (160, 50)], ids=["80x24", "160x50"])
def test_findings_pane_snapshot(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(snapshot_app(), terminal_size=size, run_before=_open_pane)


@pytest.mark.parametrize("size", [(80, 24), (160, 50)], ids=["80x24", "160x50"])
def test_finding_detail_snapshot(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(snapshot_app(), terminal_size=size, run_before=_open_detail)
