"""The SES reputation pane over two accounts: the strip's entries are (account, region)s,
each read through its account's own feed; `R` cycles through them; the title names the
account; a failing account shows in its entries while the other keeps updating; one
account is unchanged (see test_ui_reputation)."""

from __future__ import annotations

from montui.model.alarm import Alarm, AlarmState
from montui.sources.assume_role import AssumeRoleFailed
from montui.ui.screens.reputation import ReputationScreen
from tests.accounts_panes import DEV, PROD, REFRESH, TOKYO, VIRGINIA, board_of, two_accounts, until
from tests.fakes import FakeAlarms, FakeReputation, make_alarm
from tests.fakes.reputation import creeping, ses_account


def ses_alarm(name: str, account: str, region: str = TOKYO) -> Alarm:
    return make_alarm(
        name, AlarmState.ALARM, region=region, namespace="AWS/SES",
        metric="Reputation.BounceRate", dims=(), account=account,
    )  # fmt: skip


def shown(pane: ReputationScreen, widget: str) -> str:
    return str(pane.query_one(widget).render())


async def test_every_account_and_region_in_the_strip_and_r_cycles_through_them() -> None:
    prod_ses = FakeReputation({TOKYO: creeping(account=ses_account(account=PROD))})
    dev_ses = FakeReputation()
    app, _, clock = two_accounts(
        FakeAlarms({TOKYO: [ses_alarm("prod-bounce", PROD)], VIRGINIA: []}),
        FakeAlarms({TOKYO: [ses_alarm("dev-bounce", DEV)], VIRGINIA: []}),
        {"reputation": prod_ses}, {"reputation": dev_ses},
    )  # fmt: skip
    async with app.run_test(size=(120, 50)) as pilot:
        await board_of(pilot, app, 2)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ReputationScreen))
        pane = app.screen
        assert isinstance(pane, ReputationScreen)
        await until(pilot, lambda: pane.fetches >= 1)
        await pilot.pause()
        assert sorted(r for r, _ in prod_ses.calls) == [TOKYO, VIRGINIA]
        assert sorted(r for r, _ in dev_ses.calls) == [TOKYO, VIRGINIA]
        strip = shown(pane, "#regions")
        assert "▶prod/ap-northeast-1 ✔ Healthy" in strip
        assert "dev/us-east-1 ✔ Healthy · sandbox" in strip
        assert shown(pane, "#heading") == f"SES sending reputation · prod ({PROD})"
        assert [a.name for a in pane._listed] == ["prod-bounce"]  # prod's alarms only
        assert "bounce      3.2 %" in shown(pane, "#rates")
        await pilot.press("R", "R")
        assert pane.chosen == "dev/ap-northeast-1"
        assert shown(pane, "#heading") == f"SES sending reputation · dev ({DEV})"
        assert [a.name for a in pane._listed] == ["dev-bounce"]
        assert "? bounce    no data" in shown(pane, "#rates")
        # dev's role is refused: its entries say so in place, prod's keep updating
        await until(pilot, lambda: clock.sleeping >= 5)
        denied = AssumeRoleFailed(
            "AccessDenied: not authorized to perform sts:AssumeRole",
            "check the role's trust policy", service="sts",
        )  # fmt: skip
        dev_ses.fail[TOKYO] = dev_ses.fail[VIRGINIA] = denied
        calls = len(prod_ses.calls)
        clock.advance(REFRESH)
        await until(pilot, lambda: pane.fetches >= 2)
        await pilot.pause()
        strip = shown(pane, "#regions")
        assert "▶dev/ap-northeast-1 ⚠ failed" in strip and "dev/us-east-1 ⚠ failed" in strip
        assert "prod/ap-northeast-1 ✔ Healthy" in strip
        assert len(prod_ses.calls) == calls + 2
        status = shown(pane, "#status")
        assert "⚠ dev/ap-northeast-1: AccessDenied: not authorized" in status
        assert "showing data from" in status


async def test_enter_on_an_ses_alarm_of_dev_opens_its_entry() -> None:
    app, _, _ = two_accounts(
        FakeAlarms({TOKYO: [ses_alarm("prod-bounce", PROD)], VIRGINIA: []}),
        FakeAlarms({TOKYO: [], VIRGINIA: [ses_alarm("dev-bounce", DEV, VIRGINIA)]}),
        {"reputation": FakeReputation()}, {"reputation": FakeReputation()},
    )  # fmt: skip
    async with app.run_test(size=(120, 50)) as pilot:
        board = await board_of(pilot, app, 2)
        from montui.ui import panes

        dev_alarm = next(a for a in board.poll.all_alarms() if a.name == "dev-bounce")
        await until(pilot, lambda: board.accounts.alias_of(DEV) == "dev")
        panes.open_reputation(board, dev_alarm.region, dev_alarm)
        await until(pilot, lambda: isinstance(app.screen, ReputationScreen))
        pane = app.screen
        assert isinstance(pane, ReputationScreen)
        assert pane.chosen == "dev/us-east-1"
        await until(pilot, lambda: pane.fetches >= 1)
        assert [a.name for a in pane._listed] == ["dev-bounce"]
