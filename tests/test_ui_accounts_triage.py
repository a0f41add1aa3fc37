"""Triage's non-alarm signals over two accounts: GuardDuty findings, SES reputation and DB
load of every (account, region), each through its account's own feeds, with the account's
alias in the row; one account's SES refused is said in place (`dev/ap-northeast-1`) while
the other's signals stand; enter on an SES or DB load signal opens its own account's."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import OptionList

from montui.config import Settings
from montui.model.place import Place
from montui.model.records import replace
from montui.sources.assume_role import AssumeRoleFailed
from montui.ui.app import MontuiApp
from montui.ui.screens.board_feeds import AccountFeeds, Accounts
from montui.ui.screens.dbload import DbLoadScreen
from montui.ui.screens.reputation import ReputationScreen
from montui.ui.screens.triage import TriageScreen
from tests.accounts_panes import DEV, PROD, TOKYO, until
from tests.fakes import FakeAlarms, FakeFindings, FakeReputation, fake_feeds, frozen_clock
from tests.fakes.dbload import PILEUP_SESSIONS, FakeDbLoad, shop_instances
from tests.fakes.findings import make_finding
from tests.fakes.reputation import creeping, ses_account


def dbload_of(account: str) -> FakeDbLoad:
    """The shop's instances in `account`, its writer piling up above its vCPUs."""
    instances = [replace(i, place=Place(account, TOKYO)) for i in shop_instances()]
    fake = FakeDbLoad({TOKYO: instances})
    fake.sessions["shop-aurora-writer"] = PILEUP_SESSIONS
    return fake


def setup() -> tuple[MontuiApp, list[FakeReputation], list[FakeDbLoad]]:
    ses = [
        FakeReputation({TOKYO: creeping(TOKYO, account=ses_account(TOKYO, account=PROD))}),
        FakeReputation({TOKYO: creeping(TOKYO, account=ses_account(TOKYO, account=DEV))}),
    ]
    db = [dbload_of(PROD), dbload_of(DEV)]
    findings = [
        FakeFindings({TOKYO: [make_finding("p-high", 8.0, account=PROD)]}),
        FakeFindings({TOKYO: [make_finding("d-high", 8.5, "Recon:EC2/Portscan", account=DEV)]}),
    ]
    ses[1].fail[TOKYO] = AssumeRoleFailed(
        "AccessDenied: not authorized to perform sts:AssumeRole", "check the trust policy",
        service="sts",
    )  # fmt: skip
    feeds = [
        fake_feeds(FakeAlarms({TOKYO: []}), findings=findings[i], reputation=ses[i],
                   dbload=db[i], account=account)
        for i, account in enumerate((PROD, DEV))
    ]  # fmt: skip
    accounts = Accounts([AccountFeeds("prod", feeds[0]), AccountFeeds("dev", feeds[1])])
    app = MontuiApp(feeds[0], Settings(), clock=frozen_clock, home="triage", accounts=accounts)
    return app, ses, db


def rows(app: MontuiApp) -> list[str]:
    found = []
    for list_id in ("#act-now", "#others"):
        options = app.screen.query_one(list_id, OptionList)
        found += [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    return found


def complete(app: MontuiApp) -> bool:
    screen = app.screen
    return isinstance(screen, TriageScreen) and len(screen.answered()) == 4


async def ready(pilot: Pilot[None], app: MontuiApp) -> TriageScreen:
    await until(pilot, lambda: complete(app))
    screen = app.screen
    assert isinstance(screen, TriageScreen)
    await until(pilot, lambda: screen.board.accounts.id_of("dev") == DEV)
    await until(pilot, lambda: sum("DB load" in r for r in rows(app)) == 2)
    return screen


async def test_findings_ses_and_db_load_of_every_account_with_the_alias_in_the_row() -> None:
    app, ses, _ = setup()
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot, app)
        shown = rows(app)
        finding = [r for r in shown if "finding" in r]
        assert any("prod" in r and "SSHBruteForce" in r for r in finding)
        assert any("dev" in r and "Portscan" in r for r in finding)
        dbrows = [r for r in shown if "DB load" in r and "shop-aurora-writer" in r]
        assert len(dbrows) == 2 and any("prod" in r for r in dbrows)
        assert any("dev" in r for r in dbrows)
        sesrows = [r for r in shown if "SES" in r and "bounce" in r]
        assert len(sesrows) == 1 and "prod" in sesrows[0]  # dev's SES is refused
        assert [r for r, _ in ses[0].calls] == [TOKYO] and [r for r, _ in ses[1].calls] == [TOKYO]
        fresh = str(screen.query_one("#triage-fresh").render())
        assert "SES ⚠ dev/ap-northeast-1: AccessDenied" in fresh
        keys = set(screen.signals)
        assert f"prod|db:{TOKYO}:shop-aurora-writer" in keys
        assert f"dev|db:{TOKYO}:shop-aurora-writer" in keys
        dev_db = screen.signals[f"dev|db:{TOKYO}:shop-aurora-writer"]
        assert dev_db.account == DEV


async def test_enter_on_devs_db_load_and_prods_ses_opens_their_own_accounts() -> None:
    app, _, db = setup()
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot, app)
        screen.open_signal(screen.signals[f"dev|db:{TOKYO}:shop-aurora-writer"])
        await until(pilot, lambda: isinstance(app.screen, DbLoadScreen))
        pane = app.screen
        assert isinstance(pane, DbLoadScreen)
        await until(pilot, lambda: pane.load is not None)
        assert [c[0] for c in db[1].calls] == ["shop-aurora-writer"] and db[0].calls == []
        pane.dismiss()
        await until(pilot, lambda: isinstance(app.screen, TriageScreen))
        screen.open_signal(screen.signals[f"prod|ses:{TOKYO}"])
        await until(pilot, lambda: isinstance(app.screen, ReputationScreen))
        ses_pane = app.screen
        assert isinstance(ses_pane, ReputationScreen)
        await until(pilot, lambda: ses_pane.fetches >= 1)
        assert ses_pane.chosen == "prod/ap-northeast-1"


async def test_the_act_now_notice_names_the_signals_account() -> None:
    from tests.fakes import HandClock

    clock = HandClock()
    findings = [FakeFindings({TOKYO: []}), FakeFindings({TOKYO: []})]
    feeds = [
        fake_feeds(FakeAlarms({TOKYO: []}), findings=findings[i], reputation=FakeReputation(),
                   dbload=FakeDbLoad(), account=account)
        for i, account in enumerate((PROD, DEV))
    ]  # fmt: skip
    accounts = Accounts([AccountFeeds("prod", feeds[0]), AccountFeeds("dev", feeds[1])])
    app = MontuiApp(
        feeds[0], Settings(), clock=clock, pause=clock.pause, home="triage", accounts=accounts
    )
    told: list[str] = []
    async with app.run_test(size=(160, 50)) as pilot:
        app.notify = lambda message, **kw: told.append(f"{kw.get('title')}|{message}")  # type: ignore[method-assign]
        await until(pilot, lambda: complete(app) and clock.sleeping == 8)
        assert told == []
        findings[1].data[TOKYO] = [make_finding("d-high", 8.5, "Recon:EC2/Portscan", account=DEV)]
        before = findings[1].polls
        clock.advance(120)
        await until(pilot, lambda: findings[1].polls > before and bool(told))
        assert len(told) == 1 and told[0].startswith("Act now|")
        assert "Recon:EC2/Portscan (dev/ap-northeast-1)" in told[0]
