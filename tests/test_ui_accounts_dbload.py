"""The database load pane over two accounts: the picker lists every account's instances
with an Acct column, the load is read through the picked instance's account's feed, an RDS
alarm opens its own account's instance, and a failing account is named above the list
while the other's instances are still listed."""

from __future__ import annotations

from typing import Any

from montui.model.alarm import AlarmState
from montui.model.dbload import DbInstance
from montui.model.place import Place
from montui.model.records import replace
from montui.sources.assume_role import AssumeRoleFailed
from montui.ui.screens.dbload import DbLoadScreen
from montui.ui.screens.dbload_picker import DbPickerScreen
from montui.ui.widgets.alarm_table import AlarmTable
from tests.accounts_panes import DEV, PROD, TOKYO, VIRGINIA, board_of, two_accounts, until
from tests.fakes import FakeAlarms, make_alarm
from tests.fakes.dbload import BATCH_SESSIONS, FakeDbLoad, shop_instances


def account_dbload(account: str, names: tuple[str, ...]) -> FakeDbLoad:
    """The shop's instances (renamed, in `account`), the writer running the batch."""
    instances = [
        replace(i, place=Place(account, TOKYO), identifier=f"{n}-{i.identifier}")
        for n in names for i in shop_instances()
    ]  # fmt: skip
    fake = FakeDbLoad({TOKYO: instances})
    for instance in instances:
        fake.sessions[instance.identifier] = BATCH_SESSIONS
    return fake


def rds_alarm(account: str, instance: str) -> Any:
    return make_alarm(
        f"{instance}-write-iops", AlarmState.ALARM, minutes_ago=45, namespace="AWS/RDS",
        metric="WriteIOPS", dims=(("DBInstanceIdentifier", instance),), account=account,
    )  # fmt: skip


def setup() -> tuple[Any, FakeDbLoad, FakeDbLoad]:
    prod, dev = account_dbload(PROD, ("prod",)), account_dbload(DEV, ("dev",))
    app, _, _ = two_accounts(
        FakeAlarms({TOKYO: [make_alarm("prod-lambda", account=PROD)], VIRGINIA: []}),
        FakeAlarms({TOKYO: [rds_alarm(DEV, "dev-shop-aurora-writer")], VIRGINIA: []}),
        {"dbload": prod}, {"dbload": dev},
    )  # fmt: skip
    return app, prod, dev


def picker_rows(picker: DbPickerScreen) -> list[tuple[str, str]]:
    table = picker.query_one("#picker")
    return [(str(table.get_row_at(i)[0]), str(table.get_row_at(i)[1])) for i in range(6)]  # type: ignore[attr-defined]


async def test_the_picker_lists_every_account_and_the_load_is_read_through_its_own() -> None:
    app, prod, dev = setup()
    async with app.run_test(size=(120, 30)) as pilot:
        board = await board_of(pilot, app, 2)
        table = board.query_one(AlarmTable)
        key = next(k for k, a in table.alarms_by_key.items() if a.name == "prod-lambda")
        table.move_cursor(row=table.get_row_index(key))
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DbPickerScreen))
        picker = app.screen
        assert isinstance(picker, DbPickerScreen)
        columns = [str(c.label) for c in picker.query_one("#picker").ordered_columns]  # type: ignore[attr-defined]
        assert columns[:2] == ["Acct", "Instance"]
        assert picker_rows(picker) == [
            ("prod", "prod-shop-aurora-writer"), ("prod", "prod-shop-aurora-reader"),
            ("prod", "prod-shop-legacy-mysql"), ("dev", "dev-shop-aurora-writer"),
            ("dev", "dev-shop-aurora-reader"), ("dev", "dev-shop-legacy-mysql"),
        ]  # fmt: skip
        await pilot.press("down", "down", "down", "enter")
        await until(pilot, lambda: isinstance(app.screen, DbLoadScreen))
        screen = app.screen
        assert isinstance(screen, DbLoadScreen)
        await until(pilot, lambda: screen.load is not None)
        assert [c[0] for c in dev.calls] == ["dev-shop-aurora-writer"] and prod.calls == []
        line = str(screen.query_one("#instance").render())
        assert line.startswith("dev dev-shop-aurora-writer")


async def test_an_rds_alarm_of_dev_opens_its_instance_through_devs_feed() -> None:
    app, prod, dev = setup()
    async with app.run_test(size=(120, 30)) as pilot:
        board = await board_of(pilot, app, 2)
        table = board.query_one(AlarmTable)
        key = next(k for k, a in table.alarms_by_key.items() if a.name.endswith("write-iops"))
        table.move_cursor(row=table.get_row_index(key))
        await until(pilot, lambda: board.accounts.alias_of(DEV) == "dev")
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DbLoadScreen))
        screen = app.screen
        assert isinstance(screen, DbLoadScreen)
        await until(pilot, lambda: screen.load is not None)
        assert screen.instance is not None and screen.instance.place.account == DEV
        assert [c[0] for c in dev.calls] == ["dev-shop-aurora-writer"] and prod.calls == []


async def test_a_failing_account_is_named_above_the_others_instances() -> None:
    app, _, dev = setup()
    dev.fail[TOKYO] = AssumeRoleFailed(
        "AccessDenied: not authorized to perform sts:AssumeRole", "check the trust policy",
        service="sts",
    )  # fmt: skip
    async with app.run_test(size=(120, 30)) as pilot:
        await board_of(pilot, app, 2)
        from montui.ui import panes
        from montui.ui.screens.board import BoardScreen

        board = app.screen
        assert isinstance(board, BoardScreen)
        panes.open_dbload(board, None)
        await until(pilot, lambda: isinstance(app.screen, DbPickerScreen))
        picker = app.screen
        assert isinstance(picker, DbPickerScreen)
        listed: list[DbInstance] = list(picker.instances)
        assert {i.place.account for i in listed} == {PROD} and len(listed) == 3
        title = str(picker.query_one("#picker-title").render())
        assert "⚠ dev/ap-northeast-1: sts: AccessDenied: not authorized" in title
