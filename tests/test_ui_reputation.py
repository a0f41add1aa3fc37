"""The SES reputation pane driven by Textual's pilot over fakes: `e`, `enter` on an SES
alarm, the words shown per band, errors in place, region switching."""

from __future__ import annotations

from typing import Any

from montui.config import Settings
from montui.model.alarm import Alarm, AlarmState
from montui.model.records import replace
from montui.ui.app import MontuiApp
from montui.ui.screens.alarm_detail import AlarmDetailScreen
from montui.ui.screens.board import BoardScreen
from montui.ui.screens.reputation import ReputationScreen
from montui.ui.widgets.alarm_table import AlarmTable
from montui.ui.widgets.metric_chart import MetricChart
from tests.fakes import FakeFeed, FakeReputation, frozen_clock, make_alarm, region_error
from tests.fakes.reputation import creeping, ses_account

A, OK = AlarmState.ALARM, AlarmState.OK


def ses_alarm(name: str, metric: str, state: AlarmState, region: str = "ap-northeast-1") -> Alarm:
    return make_alarm(
        name, state, region=region, namespace="AWS/SES", metric=metric, dims=(), minutes_ago=30
    )


def reputation_app(reputation: FakeReputation | None = None) -> tuple[MontuiApp, FakeFeed]:
    feed = FakeFeed(
        {
            "ap-northeast-1": [
                make_alarm("contact-form-error-rate", OK),
                ses_alarm("hitori-ses-bounce-rate", "Reputation.BounceRate", A),
                ses_alarm("hitori-ses-complaint-rate", "Reputation.ComplaintRate", OK),
            ],
            "us-east-1": [
                ses_alarm("use1-bounce", "Reputation.BounceRate", OK, "us-east-1"),
                ses_alarm("use1-sends", "Send", OK, "us-east-1"),
            ],
        }
    )
    fake = reputation or FakeReputation({"ap-northeast-1": creeping()})
    feeds = replace(feed.feeds, reputation=fake)
    return MontuiApp(feeds, Settings(), clock=frozen_clock, home="board"), feed


async def until(pilot: Any, condition: Any, what: str) -> None:
    for _ in range(300):
        await pilot.pause(0.01)
        if condition():
            return
    raise AssertionError(f"timed out waiting for {what}")


async def board_ready(pilot: Any, app: MontuiApp) -> BoardScreen:
    await until(pilot, lambda: isinstance(app.screen, BoardScreen), "the board")
    board = app.screen
    assert isinstance(board, BoardScreen)
    await until(pilot, lambda: len(board.poll.all_alarms()) == 5, "the alarms")
    return board


async def open_pane(pilot: Any, app: MontuiApp) -> ReputationScreen:
    await board_ready(pilot, app)
    await pilot.press("e")
    await until(pilot, lambda: isinstance(app.screen, ReputationScreen), "the pane")
    pane = app.screen
    assert isinstance(pane, ReputationScreen)
    await until(pilot, lambda: pane.fetches >= 1, "the first fetch")
    await pilot.pause()
    return pane


def shown(pane: ReputationScreen, widget: str) -> str:
    return str(pane.query_one(widget).render())


async def test_e_opens_the_pane_with_status_distance_trend_quota_and_volume() -> None:
    app, _ = reputation_app()
    async with app.run_test(size=(120, 50)) as pilot:
        pane = await open_pane(pilot, app)
        regions = shown(pane, "#regions")
        assert "▶✔ ap-northeast-1 Healthy · ▲ near review" in regions
        assert "us-east-1 Healthy · sandbox" in regions
        status = shown(pane, "#status")
        assert "✔ Healthy · production access · sending enabled" in status
        assert "3,120 of 50,000 in 24 h · max 14/s (6% used)" in status
        assert "24 h: 12,480 sent · 384 bounces" in status
        rates = shown(pane, "#rates")
        assert "▲  bounce      3.2 %  near review [████████····│" in rates
        assert "1.8 points below review at 5 %, 6.8 below pause at 10 %" in rates
        assert "↑ +0.2 points in 24 h · ↑ +1.1 points in 7 d" in rates
        assert "✔  complaint  0.04 %  ok" in rates
        chart = pane.query_one("#chart-bounce", MetricChart)
        assert chart.shown is not None and chart.shown.thresholds == (5.0, 10.0)


async def test_the_alarms_on_the_metrics_are_listed_and_enter_opens_the_detail() -> None:
    app, _ = reputation_app()
    async with app.run_test(size=(120, 50)) as pilot:
        pane = await open_pane(pilot, app)
        assert [a.name for a in pane._listed] == [
            "hitori-ses-bounce-rate",
            "hitori-ses-complaint-rate",
        ]
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, AlarmDetailScreen), "the detail")
        assert isinstance(app.screen, AlarmDetailScreen)
        assert app.screen.alarm.name == "hitori-ses-bounce-rate"
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ReputationScreen), "the pane again")


async def test_enter_on_an_ses_alarm_opens_the_pane_at_its_region() -> None:
    reputation = FakeReputation({"ap-northeast-1": creeping()})
    app, _ = reputation_app(reputation)
    async with app.run_test(size=(120, 50)) as pilot:
        board = await board_ready(pilot, app)
        table = board.query_one(AlarmTable)
        for _ in range(table.row_count):
            selected = table.selected()
            if selected is not None and selected.name == "use1-bounce":
                break
            await pilot.press("down")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReputationScreen), "the pane")
        pane = app.screen
        assert isinstance(pane, ReputationScreen)
        await until(pilot, lambda: pane.fetches >= 1, "the first fetch")
        await pilot.pause()
        assert pane.chosen == "us-east-1"
        assert "No mail sent in 14 days (sandbox): nothing to rate." in shown(pane, "#status")
        assert "? bounce    no data" in shown(pane, "#rates")
        assert pane.marked is not None
        await pilot.press("R")
        await pilot.pause()
        assert pane.chosen == "ap-northeast-1"
        assert "bounce      3.2 %" in shown(pane, "#rates")


async def test_under_review_paused_and_a_failing_region_in_place() -> None:
    reputation = FakeReputation(
        {
            "ap-northeast-1": creeping(end=0.061, account=ses_account(enforcement="PROBATION")),
        }
    )
    reputation.fail["us-east-1"] = region_error("not authorized to call ses:GetAccount")
    app, _ = reputation_app(reputation)
    async with app.run_test(size=(120, 50)) as pilot:
        pane = await open_pane(pilot, app)
        assert "✖ Under review" in shown(pane, "#status")
        assert "✖  bounce      6.1 %  over review" in shown(pane, "#rates")
        assert "1.1 points over review at 5 %" in shown(pane, "#rates")
        assert "⚠ us-east-1 failed" in shown(pane, "#regions")
        await pilot.press("R")
        await pilot.pause()
        assert "not authorized to call ses:GetAccount" in shown(pane, "#status")
        reputation.fail.clear()
        await pilot.press("r")
        await until(pilot, lambda: pane.fetches >= 2, "the second fetch")
        await pilot.pause()
        assert "No mail sent in 14 days" in shown(pane, "#status")


async def test_the_help_lists_e_on_the_board_and_the_pane_s_keys() -> None:
    from montui.ui.screens.help import keys_text

    app, _ = reputation_app()
    async with app.run_test(size=(120, 50)) as pilot:
        board = await board_ready(pilot, app)
        listed = keys_text(board).plain  # type: ignore[arg-type]
        assert "SES sending reputation" in listed and "[reputation]" in listed
        pane = await open_pane(pilot, app)
        listed = keys_text(pane).plain  # type: ignore[arg-type]
        for binding_id in ("next_region", "refresh", "open_alarm", "back"):
            assert f"[{binding_id}]" in listed
        assert "✖✖ over pause" in listed


async def test_at_80x24_the_page_scrolls_to_the_charts_and_tab_picks_an_alarm() -> None:
    from textual.containers import VerticalScroll
    from textual.widgets import DataTable

    app, _ = reputation_app()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot, app)
        page = pane.query_one("#page", VerticalScroll)
        assert page.has_focus and page.scroll_y == 0
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        assert page.scroll_y > 0
        await pilot.press("tab")
        table = pane.query_one("#alarms", DataTable)
        assert table.has_focus
        await pilot.press("down", "enter")
        await until(pilot, lambda: isinstance(app.screen, AlarmDetailScreen), "the detail")
        assert isinstance(app.screen, AlarmDetailScreen)
        assert app.screen.alarm.name == "hitori-ses-complaint-rate"


async def test_throttled_the_pane_backs_off_and_says_so_in_place() -> None:
    from montui.sources.errors import Throttled

    reputation = FakeReputation({"ap-northeast-1": creeping()})
    reputation.fail["us-east-1"] = Throttled("throttled by AWS (Throttling)", retry_after=None)
    app, _ = reputation_app(reputation)
    async with app.run_test(size=(120, 50)) as pilot:
        pane = await open_pane(pilot, app)
        assert "⚠ us-east-1 failed" in shown(pane, "#regions")
        assert "near review" in shown(pane, "#rates")  # the other region is shown
        await pilot.press("r")
        await until(pilot, lambda: len(pane.waits) >= 2, "the second wait")
        assert pane.waits[1] > pane.waits[0] == pane.refresh_every  # doubled, as the board
        reputation.fail.clear()
        await pilot.press("r")
        await until(pilot, lambda: len(pane.waits) >= 3, "the third wait")
        assert pane.waits[2] == pane.refresh_every


async def test_enter_on_any_ses_alarm_opens_the_pane_which_lists_it() -> None:
    app, _ = reputation_app()
    async with app.run_test(size=(120, 50)) as pilot:
        board = await board_ready(pilot, app)
        table = board.query_one(AlarmTable)
        for _ in range(table.row_count):
            selected = table.selected()
            if selected is not None and selected.name == "use1-sends":
                break
            await pilot.press("down")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReputationScreen), "the pane")
        pane = app.screen
        assert isinstance(pane, ReputationScreen)
        await until(pilot, lambda: pane.fetches >= 1, "the first fetch")
        assert [a.name for a in pane._listed] == ["use1-bounce", "use1-sends"]
        await pilot.press("R")  # Tokyo lists only its reputation alarms
        await pilot.pause()
        assert [a.name for a in pane._listed] == [
            "hitori-ses-bounce-rate",
            "hitori-ses-complaint-rate",
        ]
