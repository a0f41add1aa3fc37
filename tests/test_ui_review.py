"""The review pane (`v` on the board): ranked lines, the back-test of the noisiest, `enter`
to the alarm's detail, a failing region said in place; SVG snapshots at 80x24 and 160x50."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from montui.config import Settings
from montui.model.alarm import AlarmState
from montui.model.history import HistoryItem, HistoryKind
from montui.model.records import replace
from montui.ui.app import MontuiApp
from montui.ui.screens.alarm_detail import AlarmDetailScreen
from montui.ui.screens.review import ReviewScreen
from tests.fakes import NOW, FakeFeed, frozen_clock, make_alarm, region_error

REGION = "ap-northeast-1"
TOPIC = "arn:aws:sns:ap-northeast-1:123456789012:oncall"
ALARM, OK = AlarmState.ALARM, AlarmState.OK
LONG = (NOW - timedelta(days=3, hours=5), NOW - timedelta(days=9, hours=7))
"""Two real incidents of an hour; every other night a 2-minute spike."""


def iops(moment: datetime) -> float:
    if any(start <= moment < start + timedelta(hours=1) for start in LONG):
        return 100.0
    into_night = moment - moment.replace(hour=2, minute=0, second=0, microsecond=0)
    return 100.0 if timedelta(0) <= into_night < timedelta(minutes=2) else 1.0


def episodes_of(name: str, start: datetime, minutes: float) -> list[HistoryItem]:
    end = start + timedelta(minutes=minutes)
    return [
        HistoryItem(name, start, HistoryKind.STATE, "", OK, ALARM, region=REGION),
        HistoryItem(name, end, HistoryKind.STATE, "", ALARM, OK, region=REGION),
    ]


def review_feed() -> FakeFeed:
    wired: dict[str, Any] = {"alarm_actions": (TOPIC,), "ok_actions": (TOPIC,)}
    noisy = replace(
        make_alarm("db-write-iops", minutes_ago=300, metric="WriteIOPS"),
        evaluation_periods=1, datapoints_to_alarm=1, description="Next business day. Runbook: x",
        **wired,
    )  # fmt: skip
    muted = replace(make_alarm("orders-errors", ALARM, minutes_ago=20), actions_enabled=False,
                    description="Act now. Runbook: https://rb/orders")  # fmt: skip
    ghost = replace(make_alarm("legacy-elb-5xx", metric="Ghost"), **wired)
    quiet = replace(make_alarm("contact-form-latency"), description="Act now. Runbook: r", **wired)
    feed = FakeFeed({REGION: [noisy, muted, ghost, quiet], "us-east-1": []})
    history: list[HistoryItem] = []
    for day in range(14):
        night = (NOW - timedelta(days=day)).replace(hour=2, minute=1, second=0, microsecond=0)
        if night < NOW:
            history += episodes_of("db-write-iops", night, 2)
    for start in LONG:
        history += episodes_of("db-write-iops", start + timedelta(minutes=1), 60)
    history += episodes_of("orders-errors", NOW - timedelta(minutes=20), 30)[:1]
    feed.review.items[REGION] = history
    feed.metrics.series["m1"] = iops
    for query_id in ("d0", "d1", "d3"):  # d2 is legacy-elb-5xx: no data at all
        feed.metrics.series[query_id] = lambda _moment: 5.0
    return feed


async def open_review(pilot: Any, app: MontuiApp) -> ReviewScreen:
    for _ in range(6):
        await pilot.pause()
    await pilot.press("v")
    for _ in range(200):  # the review's worker: bounded, no guessing sleep
        await pilot.pause(0.01)
        screen = app.screen
        if isinstance(screen, ReviewScreen) and screen.review is not None:
            break
    screen = app.screen
    assert isinstance(screen, ReviewScreen) and screen.review is not None
    for _ in range(3):
        await pilot.pause()
    return screen


async def test_v_shows_ranked_lines_and_the_back_test() -> None:
    feed = review_feed()
    app = MontuiApp(feed.feeds, Settings(), clock=frozen_clock, home="board")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, app)
        assert screen.review is not None
        lines = [(f.category.value, f.alarm.name) for f in screen.review.findings]
        assert lines[0] == ("unheard", "orders-errors")
        assert ("dead-metric", "legacy-elb-5xx") in lines
        assert ("flapping", "db-write-iops") in lines
        assert ("never-fired", "contact-form-latency") in lines
        (proposal,) = screen.review.proposals
        assert proposal.quieter and proposal.kept == 2
        assert proposal.summary() == f"episodes {proposal.current_episodes} → 2, the 2 longest kept"
        assert {r for r, *_ in feed.review.calls} == {REGION, "us-east-1"}
        assert len(feed.review.calls) == 2  # one stream per region
        row = lines.index(("flapping", "db-write-iops"))
        for _ in range(row):
            await pilot.press("down")
        await pilot.pause()
        shown = str(screen.query_one("#review-line").render())
        assert "Back-test: episodes" in shown and "M of N 3 of 3 (was 1 of 1)" in shown
        await pilot.press("enter")
        for _ in range(6):
            await pilot.pause()
        assert isinstance(app.screen, AlarmDetailScreen)
        assert app.screen.alarm.name == "db-write-iops"


async def test_a_failing_region_is_named_and_the_others_stand() -> None:
    feed = review_feed()
    feed.review.fail["us-east-1"] = region_error()
    app = MontuiApp(feed.feeds, Settings(), clock=frozen_clock, home="board")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, app)
        summary = str(screen.query_one("#review-summary").render())
        assert "could not check us-east-1" in summary
        assert screen.review is not None and screen.review.findings


@pytest.mark.parametrize("size", [(80, 24), (160, 50)], ids=["80x24", "160x50"])
def test_review_snapshot(snap_compare: Any, size: tuple[int, int]) -> None:
    app = MontuiApp(review_feed().feeds, Settings(), clock=frozen_clock, home="board")

    async def run_before(pilot: Any) -> None:
        await open_review(pilot, app)
        await pilot.press("down", "down")  # the flapping line: its back-test shown below
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)
