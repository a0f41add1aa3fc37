"""SVG snapshots of the board at 80x24 and 160x50 (frozen clock, scripted feed).

Update after an intended change of what the board shows: pytest --snapshot-update.
"""

from __future__ import annotations

from typing import Any

import pytest

from montui.config import Settings
from montui.model.alarm import AlarmState
from montui.model.metadata import AlarmMeta, MetaRule, ResponsePattern
from montui.ui.app import MontuiApp
from tests.fakes import FakeAlarms, FakeFeed, frozen_clock, make_alarm, region_error

A, NODATA, OK = AlarmState.ALARM, AlarmState.INSUFFICIENT_DATA, AlarmState.OK
REASON = (
    "Threshold Crossed: 3 out of the last 5 datapoints [14.0 (21/11/26 03:17:00), 12.0 "
    "(21/11/26 03:16:00), 11.0 (21/11/26 03:14:00)] were greater than the threshold (10.0) "
    "(minimum 3 datapoints for OK -> ALARM transition)."
)


def snapshot_app() -> MontuiApp:
    apne1 = [
        make_alarm("contact-form-error-rate", A, minutes_ago=12, reason=REASON),
        make_alarm("contact-form-api-5xx", A, minutes_ago=9, reason=REASON),
        make_alarm("shop-orders-db-cpu", NODATA, minutes_ago=31, reason="Insufficient Data"),
    ]
    apne1 += [
        make_alarm(f"shop-service-{i:02d}-latency-p99", OK, minutes_ago=60 * i)
        for i in range(1, 25)
    ]
    use1 = [
        make_alarm(
            "contact-form-down",
            A,
            region="us-east-1",
            minutes_ago=8,
            rule='ALARM("contact-form-error-rate") OR ALARM("contact-form-api-5xx")',
            reason=(
                "arn:aws:cloudwatch:ap-northeast-1:123456789012:alarm:contact-form-error-rate"
                " transitioned to ALARM"
            ),
        ),
        make_alarm(
            "ses-bounce-rate",
            OK,
            region="us-east-1",
            minutes_ago=3000,
            namespace="AWS/SES",
            metric="Reputation.BounceRate",
            dims=(),
        ),
    ]
    rules = (MetaRule("contact-form-*", AlarmMeta(ResponsePattern.ACT_NOW, "web-team", None)),)
    return MontuiApp(
        FakeFeed({"ap-northeast-1": apne1, "us-east-1": use1}).feeds,
        Settings(alarm_rules=rules),
        clock=frozen_clock,
        home="board",
    )


async def _settle(pilot: Any) -> None:
    for _ in range(3):
        await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (160, 50)], ids=["80x24", "160x50"])
def test_board_snapshot(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(snapshot_app(), terminal_size=size, run_before=_settle)


def test_board_snapshot_failing_region(snap_compare: Any) -> None:
    app = snapshot_app()
    alarms = app.feeds.alarms
    assert isinstance(alarms, FakeAlarms)
    alarms.fail["us-east-1"] = region_error()
    assert snap_compare(app, terminal_size=(80, 24), run_before=_settle)


def test_board_snapshot_alarm_rows_first(snap_compare: Any) -> None:
    """Issue 16: the ALARM rows on screen while the full listing still pages in."""
    import asyncio

    app = snapshot_app()
    alarms = app.feeds.alarms
    assert isinstance(alarms, FakeAlarms)
    alarms.hold_listing = asyncio.Event()  # never set: the listing stays under way
    assert snap_compare(app, terminal_size=(80, 24), run_before=_settle)


def _utc(monkeypatch: pytest.MonkeyPatch) -> None:
    """Local time is the machine's: the snapshots are taken in UTC wherever they run."""
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


@pytest.mark.parametrize("size", [(80, 24), (160, 50)], ids=["80x24", "160x50"])
def test_detail_snapshot(
    snap_compare: Any, size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_ui_detail import detail_feed, open_alarm

    _utc(monkeypatch)
    app = MontuiApp(detail_feed().feeds, Settings(), clock=frozen_clock, home="board")

    async def run_before(pilot: Any) -> None:
        await open_alarm(pilot, app, "contact-form-error-rate")

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_detail_snapshot_composite(snap_compare: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.test_ui_detail import detail_feed, open_alarm

    _utc(monkeypatch)
    app = MontuiApp(detail_feed().feeds, Settings(), clock=frozen_clock, home="board")

    async def run_before(pilot: Any) -> None:
        await open_alarm(pilot, app, "contact-form-down")

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def _reputation_app(case: str) -> MontuiApp:
    """The SES reputation pane's cases over fakes: healthy, near review, under review, no
    data (a sandbox region that never sent)."""
    from tests.fakes import FakeReputation
    from tests.fakes.reputation import creeping, ses_account, unused
    from tests.test_ui_reputation import reputation_app

    found = {
        "healthy": creeping(start=0.008, end=0.011, complaint=0.0002),
        "near": creeping(),
        "review": creeping(
            end=0.061,
            complaint=0.0012,
            account=ses_account(
                enforcement="PROBATION", review_status="PENDING", review_case="17269384501"
            ),
        ),
        "nodata": unused("ap-northeast-1"),
    }[case]
    app, _ = reputation_app(FakeReputation({"ap-northeast-1": found}))
    return app


@pytest.mark.parametrize("case", ["healthy", "near", "review", "nodata"])
@pytest.mark.parametrize("size", [(80, 24), (160, 50)], ids=["80x24", "160x50"])
def test_reputation_snapshot(
    snap_compare: Any, size: tuple[int, int], case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_ui_reputation import open_pane

    _utc(monkeypatch)
    app = _reputation_app(case)

    async def run_before(pilot: Any) -> None:
        pane = await open_pane(pilot, app)
        for _ in range(3):
            await pilot.pause()
        assert pane.fetches >= 1

    assert snap_compare(app, terminal_size=size, run_before=run_before)
