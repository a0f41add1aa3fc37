"""The findings pane, the finding detail and the live notice, driven by Textual's pilot over
a scripted `Findings` feed and a hand-moved clock."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from montui.config import Settings
from montui.model.alarm import AlarmState
from montui.model.finding_notice import NoticeRule
from montui.model.findings import Band, Finding
from montui.sources.errors import AccessDenied
from montui.ui.app import MontuiApp
from montui.ui.screens.alarm_detail import AlarmDetailScreen
from montui.ui.screens.board import BoardScreen
from montui.ui.screens.finding_detail import FindingDetailScreen
from montui.ui.screens.findings import FindingsScreen
from montui.ui.widgets.finding_table import FindingTable
from tests.fakes import FakeAlarms, FakeFindings, HandClock, fake_feeds, make_alarm
from tests.fakes.findings import api_action, key_resource, make_finding

APNE1, USE1 = "ap-northeast-1", "us-east-1"
REFRESH = 60.0


def sample() -> list[Finding]:
    return [
        make_finding("low-1", 2.0, "Recon:EC2/PortProbeUnprotectedPort", minutes_ago=1),
        make_finding("high-old", 8.0, minutes_ago=300, count=12),
        make_finding(
            "crit-1",
            9.5,
            "AttackSequence:IAM/CompromisedCredentials",
            minutes_ago=500,
            resource=key_resource(),
            action=api_action(),
        ),
        make_finding(
            "high-new",
            7.0,
            "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
            minutes_ago=4,
            resource=key_resource(),
            action=api_action(),
        ),
        make_finding("med-1", 5.0, "CryptoCurrency:EC2/BitcoinTool.B!DNS", minutes_ago=20),
        make_finding("arch-1", 8.5, "Policy:S3/BucketAnonymousAccessGranted", archived=True),
    ]


def setup(
    findings: dict[str, list[Finding] | None] | None = None, *, notify: NoticeRule | None = None
) -> tuple[MontuiApp, FakeFindings, HandClock]:
    data = findings if findings is not None else {APNE1: sample(), USE1: None}
    fake = FakeFindings(data)
    alarms = FakeAlarms({
        APNE1: [make_alarm(
            "bastion-cpu", AlarmState.ALARM, namespace="AWS/EC2", metric="CPUUtilization",
            dims=(("InstanceId", "i-0abc1234def567890"),),
        )],
        USE1: [],
    })  # fmt: skip
    clock = HandClock()
    settings = Settings().with_refresh(REFRESH)
    if notify is not None:
        settings = Settings(notify=notify).with_refresh(REFRESH)
    feeds = fake_feeds(alarms, findings=fake)
    app = MontuiApp(feeds, settings, clock=clock, pause=clock.pause, home="board")
    return app, fake, clock


async def until(pilot: Pilot[None], check: Callable[[], bool], limit: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {check}")
        await pilot.pause(0.01)


def rows(app: MontuiApp) -> list[str]:
    table = app.screen.query_one(FindingTable)
    return [str(k.value).split("\t")[1] for k in table.rows]


async def open_pane(pilot: Pilot[None], fake: FakeFindings, app: MontuiApp) -> FindingsScreen:
    await until(pilot, lambda: fake.polls >= 2 and isinstance(app.screen, BoardScreen))
    await pilot.press("f")
    await until(pilot, lambda: isinstance(app.screen, FindingsScreen) and bool(rows(app)))
    screen = app.screen
    assert isinstance(screen, FindingsScreen)
    return screen


def text_of(app: MontuiApp, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def test_pane_orders_by_band_then_last_seen_and_says_where_guardduty_is_off() -> None:
    app, fake, _ = setup()
    async with app.run_test(size=(120, 30)) as pilot:
        await open_pane(pilot, fake, app)
        assert rows(app) == ["crit-1", "high-new", "high-old", "med-1", "low-1"]
        header = text_of(app, "#findings-header")
        assert "‼ 1 ▲ 2 ◆ 1 · 1" in header
        assert "apne1 ‼1 ▲2 ◆1 ·1" in header and "use1 off" in header
        banner = text_of(app, "#findings-banner")
        assert "GuardDuty off in us-east-1" in banner
        assert "aws guardduty create-detector --enable --region us-east-1" in banner
        first = app.screen.query_one(FindingTable).get_row_at(0)
        assert str(first[0]) == "‼ Critical" and "AKIA… user/deploy" in str(first[2])


async def test_filter_band_keys_and_archived_toggle() -> None:
    app, fake, _ = setup()
    async with app.run_test(size=(120, 30)) as pilot:
        await open_pane(pilot, fake, app)
        await pilot.press("3")
        assert rows(app) == ["crit-1", "high-new", "high-old"]
        await pilot.press("4")
        assert rows(app) == ["crit-1"]
        await pilot.press("1")
        await pilot.press("slash", *"bitcoin")
        assert rows(app) == ["med-1"]
        await pilot.press("enter", "escape")
        assert len(rows(app)) == 5
        polls = fake.polls
        await pilot.press("A")
        await until(pilot, lambda: "arch-1" in rows(app))
        assert fake.polls > polls and fake.queries[-1].archived
        assert rows(app)[2] == "arch-1"  # High, seen 10 minutes ago: after high-new (4)
        await pilot.press("A")
        await until(pilot, lambda: "arch-1" not in rows(app))


async def test_refresh_keeps_the_cursor_on_its_finding() -> None:
    app, fake, clock = setup()
    async with app.run_test(size=(120, 30)) as pilot:
        await open_pane(pilot, fake, app)
        await pilot.press("down", "down")
        table = app.screen.query_one(FindingTable)
        assert table.selected() is not None and table.selected().id == "high-old"  # type: ignore[union-attr]
        fake.data[APNE1] = [make_finding("crit-2", 9.9, minutes_ago=1), *sample()]
        polls = fake.polls
        clock.advance(REFRESH)
        await until(pilot, lambda: fake.polls >= polls + 2 and "crit-2" in rows(app))
        assert table.selected().id == "high-old"  # type: ignore[union-attr]


async def test_detail_of_a_network_connection_finding_links_its_alarm() -> None:
    app, fake, _ = setup()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_pane(pilot, fake, app)
        await pilot.press("down", "down", "enter")
        await until(pilot, lambda: isinstance(app.screen, FindingDetailScreen))
        text = text_of(app, "#finding-text")
        assert "▲ High  severity 8" in text
        assert "UnauthorizedAccess: suspicious activity or access" in text
        assert "Instance          i-0abc1234def567890" in text
        assert "network connection" in text and "INBOUND" in text
        assert "198.51.100.7 (Netherlands, Example Hosting)" in text and "22 (SSH)" in text
        assert "bastion-cpu" in text
        assert "fId=high-old" in text
        assert '"Count": 12' in text_of(app, "#finding-json")
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, AlarmDetailScreen))


async def test_detail_of_an_api_call_finding() -> None:
    app, fake, _ = setup()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_pane(pilot, fake, app)
        await pilot.press("down", "enter")
        await until(pilot, lambda: isinstance(app.screen, FindingDetailScreen))
        text = text_of(app, "#finding-text")
        assert "AWS API call" in text and "ListBuckets" in text and "s3.amazonaws.com" in text
        assert "Access key        AKIAIOSFODNN7EXAMPLE" in text and "IAMUser" in text
        assert "none of the board's alarms" in text
        await pilot.press("a")  # no alarm: says why instead of nothing
        assert isinstance(app.screen, FindingDetailScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, FindingsScreen) and rows(app)[1] == "high-new"


def notices(app: MontuiApp) -> list[Any]:
    return [n for n in app._notifications if "GuardDuty" in (n.title or "")]


async def test_live_notice_fires_once_for_a_new_high_not_for_a_medium() -> None:
    app, fake, clock = setup()
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: fake.polls >= 2)
        assert notices(app) == []  # what was there at start is not news
        fake.data[APNE1] = [*sample(), make_finding("med-new", 5.5)]
        clock.advance(REFRESH)
        await until(pilot, lambda: fake.polls >= 4)
        await pilot.pause()
        assert notices(app) == [] and bells == []
        fake.data[APNE1] = [*sample(), make_finding("med-new", 5.5), make_finding("high-2", 7.2)]
        clock.advance(REFRESH)
        await until(pilot, lambda: fake.polls >= 6)
        await until(pilot, lambda: len(notices(app)) == 1)
        assert "high-2" not in notices(app)[0].message  # in words: type on resource
        assert "▲ High UnauthorizedAccess:EC2/SSHBruteForce" in notices(app)[0].message
        assert bells == [1]
        clock.advance(REFRESH)  # the same findings again: nothing new
        await until(pilot, lambda: fake.polls >= 8)
        await pilot.pause()
        assert len(notices(app)) == 1 and bells == [1]
        grown = [*sample(), make_finding("med-new", 5.5), make_finding("high-2", 7.2, count=3)]
        fake.data[APNE1] = grown
        clock.advance(REFRESH)
        await until(pilot, lambda: len(notices(app)) == 2)
        assert bells == [1, 1]
        assert fake.max_in_flight <= 2  # one poll per region at a time


async def test_notice_min_band_and_bell_from_config() -> None:
    app, fake, clock = setup(notify=NoticeRule(Band.CRITICAL, bell=False))
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: fake.polls >= 2)
        fake.data[APNE1] = [*sample(), make_finding("high-2", 8.0)]
        clock.advance(REFRESH)
        await until(pilot, lambda: fake.polls >= 4)
        await pilot.pause()
        assert notices(app) == []
        fake.data[APNE1] = [*sample(), make_finding("crit-2", 9.1)]
        clock.advance(REFRESH)
        await until(pilot, lambda: len(notices(app)) == 1)
        assert bells == []


async def test_access_denied_in_one_region_is_shown_in_place() -> None:
    app, fake, _ = setup({APNE1: sample(), USE1: []})
    fake.fail[USE1] = AccessDenied(
        "not authorized to call guardduty:ListDetectors", "grant guardduty:ListDetectors"
    )
    async with app.run_test(size=(120, 30)) as pilot:
        await open_pane(pilot, fake, app)
        assert len(rows(app)) == 5
        banner = text_of(app, "#findings-banner")
        assert "us-east-1: not authorized to call guardduty:ListDetectors" in banner
        assert "grant guardduty:ListDetectors" in banner
        assert "use1 ⚠" in text_of(app, "#findings-header")


async def test_at_most_row_limit_rows_and_the_pane_says_how_to_reach_the_rest() -> None:
    from montui.ui.widgets.finding_table import ROW_LIMIT

    many = [make_finding(f"f{i:04d}", 1 + (i % 90) / 10, minutes_ago=i) for i in range(250)]
    app, fake, _ = setup({APNE1: many, USE1: []})
    async with app.run_test(size=(120, 30)) as pilot:
        await open_pane(pilot, fake, app)
        assert len(rows(app)) == ROW_LIMIT
        assert "50 more below these 200" in text_of(app, "#findings-empty")
        assert "‼ 20 ▲ 50 ◆ 90 · 90" in text_of(app, "#findings-header")
        await pilot.press("3")
        assert len(rows(app)) == 70
        assert not app.screen.query_one("#findings-empty").display


async def test_help_lists_f_on_the_board_and_the_pane_keys() -> None:
    from montui.ui.screens.help import HelpScreen, keys_text

    app, fake, _ = setup()
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: fake.polls >= 2)
        board_keys = keys_text(app.screen).plain
        assert "GuardDuty findings of every region" in board_keys and "[findings]" in board_keys
        await open_pane(pilot, fake, app)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        pane_keys = keys_text(app.screen_stack[-2]).plain
        for binding in ("band_high", "toggle_archived", "open_finding", "filter", "copy_url"):
            assert f"[{binding}]" in pane_keys
