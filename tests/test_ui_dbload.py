"""The database load pane driven by Textual's pilot: from the board and the detail, the
picker, the chart and tables, the statement's text and load, window keys, errors in place."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from montui.config import Settings
from montui.model.alarm import Alarm, AlarmState
from montui.model.drilldown import drilldown_window
from montui.model.metrics import TimeWindow
from montui.model.records import replace
from montui.sources.errors import Throttled
from montui.ui.app import MontuiApp
from montui.ui.screens.alarm_detail import AlarmDetailScreen
from montui.ui.screens.dbload import DbLoadScreen
from montui.ui.screens.dbload_picker import DbPickerScreen
from montui.ui.screens.sql_detail import SqlDetailScreen
from montui.ui.widgets.alarm_table import AlarmTable
from montui.ui.widgets.load_chart import LoadChart
from tests.fakes import NOW, FakeFeed, frozen_clock, make_alarm
from tests.fakes.dbload import (
    BLOCKING_UPDATE,
    NIGHTLY_REPORT,
    PILEUP_SESSIONS,
    FakeDbLoad,
    Session,
    shop_dbload,
)

A, OK = AlarmState.ALARM, AlarmState.OK
WRITE_IOPS = make_alarm(
    "shop-aurora-writer-write-iops", A, minutes_ago=45, namespace="AWS/RDS",
    metric="WriteIOPS", dims=(("DBInstanceIdentifier", "shop-aurora-writer"),),
)  # fmt: skip
CLUSTER_LOAD = make_alarm(
    "shop-aurora-cluster-load", A, minutes_ago=20, namespace="AWS/RDS", metric="DBLoad",
    dims=(("DBClusterIdentifier", "shop-aurora"),),
)  # fmt: skip
LAMBDA = make_alarm("contact-form-errors", A, minutes_ago=5)


def make_app(
    alarms: list[Alarm], sessions: tuple[Session, ...] | None = None
) -> tuple[MontuiApp, FakeDbLoad]:
    fake = FakeFeed({"ap-northeast-1": alarms})
    dbload = shop_dbload(sessions) if sessions is not None else shop_dbload()
    feeds = replace(fake.feeds, dbload=dbload)
    return MontuiApp(feeds, Settings(), clock=frozen_clock, home="board"), dbload


async def until(pilot: Any, check: Any) -> None:
    for _ in range(300):
        if check():
            break
        await pilot.pause(0.02)
    assert check()
    for _ in range(3):
        await pilot.pause()


async def select(pilot: Any, name: str) -> None:
    await until(pilot, lambda: pilot.app.screen.query_one(AlarmTable).row_count > 0)
    table = pilot.app.screen.query_one(AlarmTable)
    key = next(k for k, a in table.alarms_by_key.items() if a.name == name)
    table.move_cursor(row=table.get_row_index(key))
    await until(pilot, lambda: (chosen := table.selected()) is not None and chosen.name == name)


def loaded(pilot: Any) -> bool:
    screen = pilot.app.screen
    return isinstance(screen, DbLoadScreen) and screen.load is not None


def chart_text(screen: DbLoadScreen) -> str:
    return str(screen.query_one(LoadChart).render())


async def test_d_on_an_rds_alarm_opens_its_instance_at_the_alarms_window() -> None:
    app, dbload = make_app([WRITE_IOPS, LAMBDA])
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, WRITE_IOPS.name)
        await pilot.press("d")
        await until(pilot, lambda: loaded(pilot))
        screen = pilot.app.screen
        assert isinstance(screen, DbLoadScreen) and screen.load is not None
        assert screen.instance is not None and screen.instance.identifier == "shop-aurora-writer"
        window = drilldown_window(WRITE_IOPS, now=NOW, episode=None)
        assert dbload.calls == [("shop-aurora-writer", window)]
        assert screen.load.top_sql[0].sql_id == NIGHTLY_REPORT.sql_id
        assert screen.load.top_sql[0].top_wait == "IO:DataFileRead"
        assert screen.load.above_vcpus > 0
        chart = chart_text(screen)
        assert "╌" in chart and "█ IO:DataFileRead" in chart and "vC┤" in chart
        summary = str(screen.query_one("#summary").render())
        assert "4 vCPUs (from the instance class)" in summary and "above the vCPUs" in summary


async def test_a_cluster_alarm_opens_the_writer() -> None:
    app, _ = make_app([CLUSTER_LOAD], PILEUP_SESSIONS)
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, CLUSTER_LOAD.name)
        await pilot.press("d")
        await until(pilot, lambda: loaded(pilot))
        screen = pilot.app.screen
        assert isinstance(screen, DbLoadScreen) and screen.load is not None
        assert screen.instance is not None and screen.instance.writer
        top = screen.load.top_sql[0]
        assert top.sql_id == BLOCKING_UPDATE.sql_id and top.top_wait == "Lock:transactionid"


async def test_d_elsewhere_opens_the_picker_pi_first_and_pi_off_says_what_it_takes() -> None:
    app, _ = make_app([LAMBDA])
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, LAMBDA.name)
        await pilot.press("d")
        await until(pilot, lambda: isinstance(pilot.app.screen, DbPickerScreen))
        picker = pilot.app.screen
        assert isinstance(picker, DbPickerScreen)
        names = [i.identifier for i in picker.instances]
        assert names == ["shop-aurora-writer", "shop-aurora-reader", "shop-legacy-mysql"]
        await pilot.press("down", "down", "enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, DbLoadScreen))
        screen = pilot.app.screen
        assert isinstance(screen, DbLoadScreen)
        await until(pilot, lambda: screen.query_one("#pioff").display)
        text = str(screen.query_one("#pioff").render())
        assert "Performance Insights is off" in text and "--enable-performance-insights" in text
        assert not screen.query_one(LoadChart).display
        await pilot.press("i")  # inert: says why, no crash
        await pilot.press("escape")
        assert not isinstance(pilot.app.screen, DbLoadScreen)


async def test_enter_on_a_statement_shows_its_full_text_and_own_load() -> None:
    app, _ = make_app([WRITE_IOPS])
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, WRITE_IOPS.name)
        await pilot.press("d")
        await until(pilot, lambda: loaded(pilot))
        pilot.app.screen.query_one("#sql-table").focus()
        await pilot.press("enter")
        await until(
            pilot,
            lambda: (
                isinstance(pilot.app.screen, SqlDetailScreen)
                and pilot.app.screen.detail is not None
            ),
        )
        detail = pilot.app.screen
        assert isinstance(detail, SqlDetailScreen) and detail.detail is not None
        assert "date_trunc('day', o.created_at)" in detail.text
        assert detail.detail.series.mean > 0
        assert "IO:DataFileRead" in str(detail.query_one(LoadChart).render())
        await pilot.press("y")
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, DbLoadScreen)


async def test_window_keys_fetch_the_new_window() -> None:
    app, dbload = make_app([WRITE_IOPS])
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, WRITE_IOPS.name)
        await pilot.press("d")
        await until(pilot, lambda: loaded(pilot))
        first = dbload.calls[-1][1]
        await pilot.press("o")
        await until(pilot, lambda: len(dbload.calls) == 2)
        assert first.length == timedelta(minutes=65)  # 45 min in ALARM, 5 periods, 15 min
        assert dbload.calls[-1][1] == TimeWindow.ending(first.end, timedelta(hours=3))
        await pilot.press("p")
        await until(pilot, lambda: len(dbload.calls) == 3)
        assert dbload.calls[-1][1].end == first.end - timedelta(minutes=90)
        await pilot.press("t")
        screen = pilot.app.screen
        assert isinstance(screen, DbLoadScreen)
        assert str(screen.query_one("#tabs").active) == "waits"  # type: ignore[attr-defined]


async def test_a_failing_load_is_said_in_place() -> None:
    app, dbload = make_app([WRITE_IOPS])
    dbload.load_fail["shop-aurora-writer"] = Throttled("throttled by AWS", service="pi")
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, WRITE_IOPS.name)
        await pilot.press("d")
        await until(pilot, lambda: "Could not load" in getattr(pilot.app.screen, "message", ""))
        screen = pilot.app.screen
        assert isinstance(screen, DbLoadScreen)
        assert "throttled" in chart_text(screen)
        del dbload.load_fail["shop-aurora-writer"]
        await pilot.press("r")
        await until(pilot, lambda: loaded(pilot))


async def test_d_in_the_detail_of_an_rds_alarm() -> None:
    app, dbload = make_app([WRITE_IOPS, LAMBDA])
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, LAMBDA.name)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, AlarmDetailScreen))
        assert pilot.app.screen.check_action("dbload", ()) is False  # not an RDS alarm
        await pilot.press("escape")
        await select(pilot, WRITE_IOPS.name)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, AlarmDetailScreen))
        await pilot.press("d")
        await until(pilot, lambda: loaded(pilot))
        assert dbload.calls[-1][0] == "shop-aurora-writer"


async def test_an_unknown_instance_is_said_and_a_writer_without_pi_offers_the_members() -> None:
    gone = make_alarm(
        "old-db-cpu", A, namespace="AWS/RDS", metric="CPUUtilization",
        dims=(("DBInstanceIdentifier", "decommissioned-db"),),
    )  # fmt: skip
    app, dbload = make_app([gone, CLUSTER_LOAD])
    instances = dbload.instances_by_region["ap-northeast-1"]
    writer = next(i for i in instances if i.writer)
    instances[instances.index(writer)] = replace(writer, pi_enabled=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, gone.name)
        await pilot.press("d")
        await until(pilot, lambda: "No DB instance" in getattr(pilot.app.screen, "message", ""))
        assert "decommissioned-db" in chart_text(pilot.app.screen)  # type: ignore[arg-type]
        await pilot.press("escape")
        await select(pilot, CLUSTER_LOAD.name)
        await pilot.press("d")
        await until(pilot, lambda: isinstance(pilot.app.screen, DbPickerScreen))
        picker = pilot.app.screen
        assert isinstance(picker, DbPickerScreen)
        assert {i.identifier for i in picker.instances} == {
            "shop-aurora-writer", "shop-aurora-reader",
        }  # fmt: skip
