"""The findings pane over several accounts (`[[account]]`), one `fake_feeds()` per account
with its own GuardDuty fake: every (account, region) polled through its account's feed, the
Acct column with the right alias on each row, counts per account and region, the filter and
the detail naming the account, the notice naming it, and one account failing (or with
GuardDuty off) in place while the other keeps updating."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from montui.config import Settings
from montui.model.findings import Finding
from montui.sources.assume_role import AssumeRoleFailed
from montui.ui.app import MontuiApp
from montui.ui.screens.board import BoardScreen
from montui.ui.screens.board_feeds import AccountFeeds, Accounts
from montui.ui.screens.finding_detail import FindingDetailScreen
from montui.ui.screens.findings import FindingsScreen
from montui.ui.widgets.finding_table import FindingTable
from tests.fakes import FakeAlarms, FakeFindings, HandClock, fake_feeds, make_alarm
from tests.fakes.findings import key_resource, make_finding

TOKYO, VIRGINIA = "ap-northeast-1", "us-east-1"
PROD, DEV = "111111111111", "222222222222"
REFRESH = 5.0


def prod_findings() -> dict[str, list[Finding] | None]:
    return {
        TOKYO: [
            make_finding("p-crit", 9.5, minutes_ago=30, account=PROD, resource=key_resource()),
            make_finding("p-low", 2.0, minutes_ago=3, account=PROD),
        ],
        VIRGINIA: [make_finding("p-med", 5.0, region=VIRGINIA, minutes_ago=8, account=PROD)],
    }


def dev_findings() -> dict[str, list[Finding] | None]:
    # the same finding id as prod's in the same region: two rows, two accounts
    return {TOKYO: [make_finding("p-low", 8.0, minutes_ago=1, account=DEV)], VIRGINIA: None}


def two_accounts(
    prod: dict[str, list[Finding] | None] | None = None,
    dev: dict[str, list[Finding] | None] | None = None,
) -> tuple[MontuiApp, list[FakeFindings], HandClock]:
    fakes = [FakeFindings(prod or prod_findings()), FakeFindings(dev or dev_findings())]
    feeds = [
        fake_feeds(
            FakeAlarms({TOKYO: [make_alarm(f"{alias}-cpu", account=account)], VIRGINIA: []}),
            findings=fake, account=account,
        )
        for (alias, account), fake in zip((("prod", PROD), ("dev", DEV)), fakes, strict=True)
    ]  # fmt: skip
    accounts = Accounts([AccountFeeds("prod", feeds[0]), AccountFeeds("dev", feeds[1])])
    clock = HandClock()
    app = MontuiApp(
        feeds[0], Settings().with_refresh(REFRESH), clock=clock, pause=clock.pause,
        home="board", accounts=accounts,
    )  # fmt: skip
    return app, fakes, clock


async def until(pilot: Pilot[None], check: Callable[[], bool], limit: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {check}")
        await pilot.pause(0.01)


def rows(app: MontuiApp) -> list[tuple[str, str, str]]:
    """(Acct cell, Rgn cell, finding id) of every row, in order."""
    table = app.screen.query_one(FindingTable)
    found = []
    for row in table.ordered_rows:
        cells = table.get_row(row.key)
        found.append((str(cells[1]), str(cells[-1]), str(row.key.value).split("\t")[1]))
    return found


def text_of(app: MontuiApp, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def open_pane(pilot: Pilot[None], fakes: list[FakeFindings], app: MontuiApp) -> None:
    await until(pilot, lambda: all(f.polls >= 2 for f in fakes))
    await until(pilot, lambda: isinstance(app.screen, BoardScreen))
    await pilot.press("f")
    await until(pilot, lambda: isinstance(app.screen, FindingsScreen) and bool(rows(app)))


async def test_every_account_is_polled_with_its_alias_on_each_row() -> None:
    app, fakes, _ = two_accounts()
    async with app.run_test(size=(120, 30)) as pilot:
        await open_pane(pilot, fakes, app)
        assert [f.polls for f in fakes] == [2, 2]  # each account's feed, each of its regions
        table = app.screen.query_one(FindingTable)
        assert [str(c.label) for c in table.ordered_columns][:3] == ["Band", "Acct", "Type"]
        assert rows(app) == [
            ("prod", "apne1", "p-crit"), ("dev", "apne1", "p-low"),
            ("prod", "use1", "p-med"), ("prod", "apne1", "p-low"),
        ]  # fmt: skip
        header = text_of(app, "#findings-header")
        assert "‼ 1 ▲ 1 ◆ 1 · 1" in header
        assert "prod/apne1 ‼1 ▲0 ◆0 ·1" in header and "prod/use1 ‼0 ▲0 ◆1 ·0" in header
        assert "dev/apne1 ‼0 ▲1 ◆0 ·0" in header and "dev/use1 off" in header
        banner = text_of(app, "#findings-banner")
        assert "GuardDuty off in dev/us-east-1" in banner and "prod/us-east-1" not in banner
        await pilot.press("slash", *"dev")
        assert rows(app) == [("dev", "apne1", "p-low")]
        await pilot.press("enter")
        assert "dev/ap-northeast-1" in text_of(app, "#findings-summary")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FindingDetailScreen))
        detail = text_of(app, "#finding-text")
        assert f"account dev ({DEV})" in detail and f"dev {DEV} / ap-northeast-1" in detail


async def test_a_failing_account_shows_in_place_and_the_other_keeps_updating() -> None:
    app, fakes, clock = two_accounts()
    async with app.run_test(size=(120, 30)) as pilot:
        await open_pane(pilot, fakes, app)
        await until(pilot, lambda: clock.sleeping >= 8)  # 4 alarm + 4 findings loops
        denied = AssumeRoleFailed(
            "AccessDenied: not authorized to perform sts:AssumeRole",
            "check the role's trust policy (it must trust the base account)",
            service="sts",
        )
        fakes[0].fail[TOKYO] = fakes[0].fail[VIRGINIA] = denied
        dev_tokyo = fakes[1].data[TOKYO]
        assert dev_tokyo is not None
        dev_tokyo.append(make_finding("d-new", 7.5, minutes_ago=0, account=DEV))
        clock.advance(REFRESH)
        await until(pilot, lambda: any(i == "d-new" for _, _, i in rows(app)))
        await until(
            pilot, lambda: "prod/us-east-1: AccessDenied" in text_of(app, "#findings-banner")
        )
        banner = text_of(app, "#findings-banner")
        assert "⚠ prod/ap-northeast-1: AccessDenied: not authorized" in banner
        assert "trust policy" in banner and "dev/ap-northeast-1:" not in banner
        # prod's findings are kept (marked in the header), dev's are fresh
        assert ("prod", "apne1", "p-crit") in rows(app)
        assert "prod/apne1 ‼1 ▲0 ◆0 ·1 ⚠" in text_of(app, "#findings-header")
        fakes[0].fail.clear()
        clock.advance(REFRESH)
        await until(pilot, lambda: "AccessDenied" not in text_of(app, "#findings-banner"))
        assert app.return_code is None


async def test_a_new_finding_notice_names_its_account() -> None:
    app, fakes, clock = two_accounts()
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: all(f.polls >= 2 for f in fakes))
        await until(pilot, lambda: clock.sleeping >= 8)
        dev_tokyo = fakes[1].data[TOKYO]
        assert dev_tokyo is not None
        dev_tokyo.append(make_finding("d-new", 8.5, minutes_ago=0, account=DEV))
        clock.advance(REFRESH)

        def notices() -> list[Any]:
            return [n for n in app._notifications if "GuardDuty" in (n.title or "")]

        await until(pilot, lambda: len(notices()) == 1)
        assert notices()[0].title == f"GuardDuty: new finding in dev ({DEV})"
        assert "ap-northeast-1" in notices()[0].message


async def test_one_account_has_no_acct_column() -> None:
    fake = FakeFindings({TOKYO: [make_finding("only", 8.0)], VIRGINIA: []})
    app = MontuiApp(
        fake_feeds(FakeAlarms({TOKYO: [], VIRGINIA: []}), findings=fake),
        Settings().with_refresh(REFRESH), clock=HandClock(), home="board",
    )  # fmt: skip
    async with app.run_test(size=(120, 30)) as pilot:
        await open_pane(pilot, [fake], app)
        table = app.screen.query_one(FindingTable)
        assert "Acct" not in [str(c.label) for c in table.ordered_columns]
        assert " apne1 ‼0 ▲1" in text_of(app, "#findings-header")


async def test_account_scope_narrows_the_pane_to_one_account() -> None:
    app, fakes, _ = two_accounts()
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: all(f.polls >= 2 for f in fakes))
        app.account_scope = "dev"
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, FindingsScreen) and bool(rows(app)))
        assert rows(app) == [("dev", "apne1", "p-low")]
        header = text_of(app, "#findings-header")
        assert "dev/apne1" in header and "prod/" not in header


async def test_an_account_that_could_not_connect_is_shown_failing_in_place() -> None:
    from montui.sources.errors import SourceError

    app, fakes, _ = two_accounts()
    session = app.accounts.entries[1].feeds.session

    async def refuse() -> Any:
        raise SourceError("The config profile (dev-readonly) could not be found", "aws configure")

    session.connect = refuse  # type: ignore[method-assign]
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: fakes[0].polls >= 2)
        await until(pilot, lambda: isinstance(app.screen, BoardScreen))
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, FindingsScreen) and bool(rows(app)))
        assert {acct for acct, _, _ in rows(app)} == {"prod"} and fakes[1].polls == 0
        banner = text_of(app, "#findings-banner")
        assert (
            "⚠ dev/ap-northeast-1: The config profile (dev-readonly) could not be found" in banner
        )
