"""The board over several accounts (`[[account]]`), one `fake_feeds()` per account: every
(account, region) polled, the Account column, the header, one account failing in place while
the others keep updating, and the panes opened from an alarm on its own account's feeds."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.pilot import Pilot

from montui.config import Settings
from montui.model.alarm import AlarmState
from montui.sources.assume_role import AssumeRoleFailed
from montui.ui.app import MontuiApp
from montui.ui.screens.alarm_detail import AlarmDetailScreen
from montui.ui.screens.board import BoardScreen
from montui.ui.widgets.alarm_table import AlarmTable
from montui.ui.widgets.region_banner import RegionBanner
from tests.fakes import FakeAlarms, HandClock, fake_accounts, make_alarm

A, OK = AlarmState.ALARM, AlarmState.OK
TOKYO, VIRGINIA = "ap-northeast-1", "us-east-1"
SHARED, PROD, DEV = "123456789012", "111111111111", "222222222222"
REFRESH = 5.0


def alarms_of(account: str, *names: str) -> FakeAlarms:
    """The account's alarms in both regions: `names` in Tokyo (the first in ALARM), one OK
    in Virginia."""
    tokyo = [
        make_alarm(n, A if i == 0 else OK, account=account, minutes_ago=5 + i)
        for i, n in enumerate(names)
    ]
    virginia = [make_alarm(f"{names[0]}-use1", OK, region=VIRGINIA, account=account)]
    return FakeAlarms({TOKYO: tokyo, VIRGINIA: virginia})


def three_accounts() -> tuple[MontuiApp, list[FakeAlarms], HandClock]:
    alarms = [
        alarms_of(SHARED, "shared-billing"),
        alarms_of(PROD, "api-5xx", "db-cpu"),
        alarms_of(DEV, "api-5xx"),  # the same name as prod's: two rows, two accounts
    ]
    accounts, feeds = fake_accounts(
        ("shared", SHARED, alarms[0]), ("prod", PROD, alarms[1]), ("dev", DEV, alarms[2])
    )
    clock = HandClock()
    app = MontuiApp(
        feeds[0], Settings().with_refresh(REFRESH), clock=clock, pause=clock.pause,
        home="board", accounts=accounts,
    )  # fmt: skip
    return app, alarms, clock


async def until(pilot: Pilot[None], check: Callable[[], bool], limit: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {check}")
        await pilot.pause(0.01)


def rows(app: MontuiApp) -> list[tuple[str, str, str]]:
    """(account cell, region cell, name) of every row, in order."""
    table = app.screen.query_one(AlarmTable)
    found = []
    for row in table.ordered_rows:
        account, region = table.get_cell(row.key, "account"), table.get_cell(row.key, "region")
        alarm = table.alarms_by_key[str(row.key.value)]
        found.append((str(account), str(region), alarm.name))
    return found


def board(app: MontuiApp) -> BoardScreen:
    screen = next(s for s in app.screen_stack if isinstance(s, BoardScreen))
    return screen


async def test_every_account_and_region_is_polled_with_the_account_on_each_row() -> None:
    app, alarms, _ = three_accounts()
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: app.screen.query_one(AlarmTable).row_count == 7)
        assert [a.polls for a in alarms] == [{TOKYO: 1, VIRGINIA: 1}] * 3
        shown = rows(app)
        assert ("prod", "apne1", "api-5xx") in shown and ("dev", "apne1", "api-5xx") in shown
        assert ("shared", "use1", "shared-billing-use1") in shown
        assert {alias for alias, _, _ in shown} == {"shared", "prod", "dev"}
        keys = {a.key for a in board(app).poll.all_alarms()}
        assert (PROD, TOKYO, "api-5xx") in keys and (DEV, TOKYO, "api-5xx") in keys
        table = app.screen.query_one(AlarmTable)
        assert [str(c.label) for c in table.columns.values()][1:3] == ["Name", "Acct"]
        header = str(app.screen.query_one("#header").render())
        assert "3 accounts · 2 regions" in header and "shared,prod,dev" in header
        assert set(board(app).statuses) == {
            (alias, region) for alias in ("shared", "prod", "dev") for region in (TOKYO, VIRGINIA)
        }
        accounts = board(app).accounts
        assert [accounts.id_of(a) for a in ("shared", "prod", "dev")] == [SHARED, PROD, DEV]


async def test_a_failing_account_shows_in_place_and_the_others_keep_updating() -> None:
    app, alarms, clock = three_accounts()
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: app.screen.query_one(AlarmTable).row_count == 7)
        await until(pilot, lambda: clock.sleeping == 6)
        denied = AssumeRoleFailed(
            "AccessDenied: not authorized to perform sts:AssumeRole",
            "check the role's trust policy (it must trust the base account)",
            service="sts",
        )
        alarms[1].fail[TOKYO] = alarms[1].fail[VIRGINIA] = denied
        alarms[2].data[TOKYO].append(make_alarm("new-in-dev", A, account=DEV, minutes_ago=1))
        clock.advance(REFRESH)
        screen = board(app)
        await until(pilot, lambda: screen.statuses["prod", TOKYO].error is not None)
        await until(pilot, lambda: any(n == "new-in-dev" for _, _, n in rows(app)))
        banner = screen.query_one(RegionBanner)
        await until(pilot, lambda: banner.display)
        text = str(banner.render())
        assert "prod ⚠ ap-northeast-1, us-east-1: AccessDenied: not authorized" in text
        assert "trust policy" in text and text.count("\n") == 0  # one line for the account
        assert "shared ⚠" not in text and "dev ⚠" not in text
        # prod's rows are kept, marked stale in the Rgn column; the others' are not.
        shown = rows(app)
        assert ("prod", "apne1⚠", "api-5xx") in shown and ("dev", "apne1", "api-5xx") in shown
        assert screen.statuses["dev", TOKYO].error is None
        assert screen.statuses["shared", TOKYO].fetched_at == clock.now
        # Retried on the poll schedule: once the trust policy is fixed, prod is back.
        polls = alarms[1].polls[TOKYO]
        alarms[1].fail.clear()
        clock.advance(REFRESH)
        await until(pilot, lambda: screen.statuses["prod", TOKYO].error is None)
        await until(pilot, lambda: not banner.display)
        assert alarms[1].polls[TOKYO] == polls + 1
        assert app.return_code is None


async def test_the_detail_of_an_alarm_reads_its_own_accounts_feeds() -> None:
    app, _, _ = three_accounts()
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: app.screen.query_one(AlarmTable).row_count == 7)
        table = app.screen.query_one(AlarmTable)
        shown = rows(app)
        table.move_cursor(row=shown.index(("dev", "apne1", "api-5xx")))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, AlarmDetailScreen))
        detail = app.screen
        assert isinstance(detail, AlarmDetailScreen)
        dev = board(app).accounts.by_alias("dev")
        assert dev is not None and detail.alarm.account == DEV
        assert detail.metrics is dev.feeds.metrics and detail.history is dev.feeds.history
        assert detail.insights is dev.feeds.insights and detail.dbload is dev.feeds.dbload
        assert detail.lookup(TOKYO, "api-5xx") == detail.alarm  # dev's, not prod's
        assert detail.lookup(TOKYO, "db-cpu") is None  # prod's alarm: not this account's


async def test_one_account_has_no_account_column_and_its_header_is_unchanged() -> None:
    alarms = alarms_of(SHARED, "shared-billing")
    accounts, feeds = fake_accounts(("", SHARED, alarms))
    app = MontuiApp(feeds[0], Settings(), home="board", accounts=accounts)
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: app.screen.query_one(AlarmTable).row_count == 2)
        table = app.screen.query_one(AlarmTable)
        assert "Acct" not in [str(c.label) for c in table.columns.values()]
        header = app.screen.query_one("#header")
        await until(pilot, lambda: SHARED in str(header.render()))
        assert "account" not in str(header.render())


async def test_triage_rows_name_their_account() -> None:
    from textual.widgets import OptionList

    from montui.ui.screens.triage import TriageScreen

    app, _, _ = three_accounts()
    app.home = "triage"
    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, TriageScreen)
        others = screen.query_one("#others", OptionList)  # unclassified: no rules here
        await until(pilot, lambda: others.option_count == 4)  # the section title and 3 rows
        lines = [str(others.get_option_at_index(i).prompt) for i in range(others.option_count)]
        assert any("prod" in line and "api-5xx" in line for line in lines)
        assert any("dev" in line and "api-5xx" in line for line in lines)
        assert any("shared" in line and "shared-billing" in line for line in lines)
        assert f"alarm:{DEV}:{TOKYO}:api-5xx" in screen.signals
        title = str(screen.query_one("#triage-title").render())
        assert "3 accounts · 2 regions" in title


async def test_account_command_narrows_the_board_to_one_account() -> None:
    from montui.ui.screens.command_line import CommandLine

    app, _, _ = three_accounts()
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: app.screen.query_one(AlarmTable).row_count == 7)
        board_screen = app.screen

        async def command(line: str) -> None:
            await pilot.press("colon")
            await until(pilot, lambda: isinstance(app.screen, CommandLine))
            await pilot.press(*line)
            await pilot.press("enter")
            await until(pilot, lambda: app.screen is board_screen)

        await command("account dev")
        await until(pilot, lambda: app.screen.query_one(AlarmTable).row_count == 2)
        assert {alias for alias, _, _ in rows(app)} == {"dev"}
        assert ":account dev" in str(app.screen.query_one("#header").render())
        await command("account all")
        await until(pilot, lambda: app.screen.query_one(AlarmTable).row_count == 7)


async def test_an_account_that_cannot_connect_fails_in_place_and_montui_runs_on() -> None:
    from montui.sources.errors import UnknownProfile
    from montui.ui.screens.board_feeds import AccountFeeds, Accounts
    from tests.fakes import FakeSession, fake_feeds

    shared = fake_feeds(alarms_of(SHARED, "shared-billing"), account=SHARED)
    broken = FakeSession((TOKYO, VIRGINIA), connect_error=UnknownProfile("staging", ("prod",)))
    staging = fake_feeds(alarms_of(DEV, "api-5xx"), session=broken, account=DEV)
    accounts = Accounts([AccountFeeds("shared", shared), AccountFeeds("staging", staging)])
    app = MontuiApp(shared, Settings(), home="board", accounts=accounts)
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: app.screen.query_one(AlarmTable).row_count == 2)
        banner = app.screen.query_one(RegionBanner)
        await until(pilot, lambda: banner.display)
        text = str(banner.render())
        assert "staging ⚠ ap-northeast-1, us-east-1:" in text and "staging" in text
        assert "shared ⚠" not in text
        assert {alias for alias, _, _ in rows(app)} == {"shared"}
        assert board(app).poll.places == (("shared", TOKYO), ("shared", VIRGINIA))
        assert app.return_code is None  # not fatal: the other account is watched
