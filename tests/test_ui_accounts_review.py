"""The alarm review (`v`) over two accounts: every account's alarms and history read through
its own feeds, an Acct column with the right alias per line, the line's account named under
the table, and a failing account named in place while the other's lines stand."""

from __future__ import annotations

from datetime import timedelta

from textual.pilot import Pilot
from textual.widgets import DataTable

from montui.model.alarm import Alarm, AlarmState
from montui.model.history import HistoryItem, HistoryKind
from montui.model.records import replace
from montui.sources.assume_role import AssumeRoleFailed
from montui.ui.app import MontuiApp
from montui.ui.screens.review import ReviewScreen
from tests.accounts_panes import DEV, PROD, TOKYO, VIRGINIA, board_of, two_accounts, until
from tests.fakes import NOW, FakeAlarms, make_alarm
from tests.fakes.review import FakeStateHistory

ALARM, OK = AlarmState.ALARM, AlarmState.OK


def muted(name: str, account: str) -> Alarm:
    """In ALARM with its actions off: an `unheard` line."""
    alarm = make_alarm(name, ALARM, minutes_ago=20, account=account)
    return replace(alarm, actions_enabled=False, description="Act now. Runbook: r")


def history_of(name: str) -> FakeStateHistory:
    fake = FakeStateHistory()
    fake.items[TOKYO] = [
        HistoryItem(name, NOW - timedelta(minutes=20), HistoryKind.STATE, "", OK, ALARM,
                    region=TOKYO),
    ]  # fmt: skip
    return fake


def setup() -> tuple[MontuiApp, list[FakeStateHistory]]:
    histories = [history_of("orders-errors"), history_of("orders-errors")]
    app, _, _ = two_accounts(
        FakeAlarms({TOKYO: [muted("orders-errors", PROD)], VIRGINIA: []}),
        FakeAlarms({TOKYO: [muted("orders-errors", DEV), muted("dev-only", DEV)], VIRGINIA: []}),
        {"review": histories[0]}, {"review": histories[1]},
    )  # fmt: skip
    return app, histories


def lines(screen: ReviewScreen) -> list[tuple[str, str, str]]:
    """(category, Acct cell, alarm) of every line."""
    table = screen.query_one("#review-lines", DataTable)
    return [
        (str(row[1]), str(row[2]), str(row[3]))
        for row in (table.get_row_at(i) for i in range(table.row_count))
    ]


async def open_review(pilot: Pilot[None], app: MontuiApp) -> ReviewScreen:
    board = await board_of(pilot, app, 3)
    await until(pilot, lambda: board.accounts.alias_of(DEV) == "dev")
    await pilot.press("v")
    await until(
        pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.review is not None
    )
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    await pilot.pause()
    return screen


async def test_every_accounts_alarms_and_history_with_the_alias_on_each_line() -> None:
    app, histories = setup()
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_review(pilot, app)
        assert [sorted(r for r, _, _ in h.calls) for h in histories] == [[TOKYO, VIRGINIA]] * 2
        table = screen.query_one("#review-lines", DataTable)
        columns = [str(c.label) for c in table.ordered_columns]
        assert columns[:4] == ["#", "Category", "Acct", "Alarm"]
        shown = lines(screen)
        unheard = sorted((acct, name) for cat, acct, name in shown if cat == "unheard")
        assert unheard == [("dev", "dev-only"), ("dev", "orders-errors"), ("prod", "orders-errors")]
        assert screen.review is not None and screen.review.alarms == 3
        summary = str(screen.query_one("#review-summary").render())
        assert "prod/ap-northeast-1" in summary and "dev/us-east-1" in summary
        row = next(i for i, (_, acct, _) in enumerate(shown) if acct == "dev")
        table.move_cursor(row=row)
        await pilot.pause()
        assert "(dev/ap-northeast-1)" in str(screen.query_one("#review-line").render())


async def test_a_failing_account_is_named_in_place_and_the_others_lines_stand() -> None:
    app, histories = setup()
    histories[1].fail[TOKYO] = AssumeRoleFailed(
        "AccessDenied: not authorized to perform sts:AssumeRole", "check the trust policy",
        service="sts",
    )  # fmt: skip
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_review(pilot, app)
        summary = str(screen.query_one("#review-summary").render())
        assert "⚠ could not check dev/ap-northeast-1: AccessDenied: not authorized" in summary
        assert {acct for _, acct, _ in lines(screen)} == {"prod"}
