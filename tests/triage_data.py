"""Fakes shaped like the demo incident, for the triage screen's tests and snapshots: the
contact form down (act now by rule), the shop's DB lock pile-up (above its vCPUs), a High
GuardDuty finding, the SES bounce rate creeping towards review, and lesser signals."""

from __future__ import annotations

from typing import Any

from montui.config import Settings
from montui.model.alarm import AlarmState
from montui.model.metadata import AlarmMeta, MetaRule, ResponsePattern
from montui.ui.app import MontuiApp
from montui.ui.screens.board_feeds import BoardFeeds
from tests.fakes import FakeAlarms, FakeFindings, FakeReputation, fake_feeds, make_alarm
from tests.fakes.dbload import PILEUP_SESSIONS, FakeDbLoad, shop_dbload
from tests.fakes.findings import make_finding
from tests.fakes.reputation import creeping

TOKYO = "ap-northeast-1"
A, OK = AlarmState.ALARM, AlarmState.OK

RULES = (
    MetaRule("hitori-*", AlarmMeta(response=ResponsePattern.ACT_NOW, owner="web")),
    MetaRule("shop-*-cpu", AlarmMeta(response=ResponsePattern.NEXT_BUSINESS_DAY)),
)


def demo_alarms() -> FakeAlarms:
    return FakeAlarms(
        {
            TOKYO: [
                make_alarm("hitori-contact-form-down", A, minutes_ago=12,
                           reason="Threshold Crossed: 3 datapoints were greater than 0"),
                make_alarm("shop-db-cpu", A, minutes_ago=40, reason="CPU 91 % > 80 %"),
                make_alarm("legacy-batch-errors", A, minutes_ago=300, reason="Errors > 0"),
                make_alarm("hitori-ses-bounce", OK, minutes_ago=600),
            ]
        }
    )  # fmt: skip


def demo_findings() -> FakeFindings:
    return FakeFindings(
        {
            TOKYO: [
                make_finding("f-high", 8.0, "UnauthorizedAccess:EC2/SSHBruteForce"),
                make_finding("f-med", 5.0, "Recon:EC2/PortProbeUnprotectedPort", minutes_ago=90),
                make_finding("f-low", 2.0, "Policy:IAMUser/RootCredentialUsage", minutes_ago=900),
            ]
        }
    )


def demo_feeds(
    alarms: FakeAlarms | None = None,
    findings: FakeFindings | None = None,
    reputation: FakeReputation | None = None,
    dbload: FakeDbLoad | None = None,
) -> BoardFeeds:
    return fake_feeds(
        alarms or demo_alarms(),
        findings=findings or demo_findings(),
        reputation=reputation or FakeReputation({TOKYO: creeping(TOKYO)}),
        dbload=dbload or shop_dbload(PILEUP_SESSIONS),
    )


def demo_app(feeds: BoardFeeds | None = None, **kw: Any) -> MontuiApp:
    settings = kw.pop("settings", Settings(alarm_rules=RULES))
    return MontuiApp(feeds or demo_feeds(), settings, **kw)
