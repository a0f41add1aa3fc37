"""An account that could not connect at all (an unknown profile) over the panes of every
account: SES's strip, the DB load picker, the review and triage name it failing in place
(`dev/ap-northeast-1`), the other account's data is shown."""

from __future__ import annotations

from typing import Any

from montui.config import Settings
from montui.sources.errors import SourceError
from montui.ui import panes
from montui.ui.app import MontuiApp
from montui.ui.screens.board import BoardScreen
from montui.ui.screens.board_feeds import AccountFeeds, Accounts
from montui.ui.screens.dbload_picker import DbPickerScreen
from montui.ui.screens.reputation import ReputationScreen
from montui.ui.screens.review import ReviewScreen
from montui.ui.screens.triage import TriageScreen
from tests.accounts_panes import DEV, PROD, TOKYO, board_of, two_accounts, until
from tests.fakes import FakeAlarms, FakeReputation, fake_feeds, frozen_clock, make_alarm
from tests.fakes.dbload import shop_dbload

REFUSED = "The config profile (dev-readonly) could not be found"


def refuse(app: MontuiApp) -> None:
    async def connect() -> Any:
        raise SourceError(REFUSED, "aws configure --profile dev-readonly")

    app.accounts.entries[1].feeds.session.connect = connect  # type: ignore[method-assign]


def setup() -> MontuiApp:
    app, _, _ = two_accounts(
        FakeAlarms({TOKYO: [make_alarm("prod-cpu", account=PROD)]}),
        FakeAlarms({TOKYO: [make_alarm("dev-cpu", account=DEV)]}),
        {"reputation": FakeReputation(), "dbload": shop_dbload()},
        {"reputation": FakeReputation(), "dbload": shop_dbload()},
    )  # fmt: skip
    refuse(app)
    return app


async def test_ses_dbload_and_review_name_the_account_that_could_not_connect() -> None:
    app = setup()
    async with app.run_test(size=(140, 40)) as pilot:
        board = await board_of(pilot, app, 1)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ReputationScreen))
        ses = app.screen
        assert isinstance(ses, ReputationScreen)
        await until(pilot, lambda: ses.fetches >= 1)
        await pilot.pause()
        strip = str(ses.query_one("#regions").render())
        assert "▶prod/ap-northeast-1 ✔ Healthy" in strip and "dev/ap-northeast-1 ⚠ failed" in strip
        ses.dismiss()
        await until(pilot, lambda: isinstance(app.screen, BoardScreen))
        panes.open_dbload(board, None)
        await until(pilot, lambda: isinstance(app.screen, DbPickerScreen))
        picker = app.screen
        assert isinstance(picker, DbPickerScreen)
        assert {i.identifier for i in picker.instances} == {
            "shop-aurora-writer", "shop-aurora-reader", "shop-legacy-mysql",
        }  # fmt: skip
        title = str(picker.query_one("#picker-title").render())
        assert f"⚠ dev/ap-northeast-1: {REFUSED}" in title
        picker.dismiss(None)
        await until(pilot, lambda: isinstance(app.screen, BoardScreen))
        await pilot.press("v")
        await until(
            pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.review is not None
        )
        await pilot.pause()
        summary = str(app.screen.query_one("#review-summary").render())
        assert f"⚠ could not check dev/ap-northeast-1: {REFUSED}" in summary
        assert "1 alarms · prod/ap-northeast-1" in summary


async def test_triage_names_the_account_that_could_not_connect() -> None:
    feeds = [
        fake_feeds(FakeAlarms({TOKYO: [make_alarm("prod-cpu", account=PROD)]}), account=PROD),
        fake_feeds(FakeAlarms({TOKYO: []}), account=DEV),
    ]
    accounts = Accounts([AccountFeeds("prod", feeds[0]), AccountFeeds("dev", feeds[1])])
    app = MontuiApp(feeds[0], Settings(), clock=frozen_clock, home="triage", accounts=accounts)
    refuse(app)
    async with app.run_test(size=(160, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TriageScreen))
        screen = app.screen
        assert isinstance(screen, TriageScreen)
        await until(pilot, lambda: len(screen.answered()) == 3)  # alarms, SES, PI
        fresh = str(screen.query_one("#triage-fresh").render())
        assert f"SES ⚠ dev/ap-northeast-1: {REFUSED}" in fresh
        assert f"PI ⚠ dev/ap-northeast-1: {REFUSED}" in fresh
