"""model.dbload and model.dbload_target: periods, the stacked load, shares, the picker's
order, the vCPUs from a class, and an RDS alarm's database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from montui.model.alarm import AlarmState
from montui.model.dbload import (
    OTHER,
    DbInstance,
    SqlRow,
    TopKey,
    VcpuOrigin,
    WaitLoad,
    choose_period,
    enabling_hint,
    load_series,
    picker_order,
    vcpus_from_class,
    wait_mix,
    with_shares,
)
from montui.model.dbload_target import DbTarget, alarm_db_target, resolve_target
from montui.model.metrics import TimeWindow
from montui.model.place import Place
from tests.fakes import NOW, make_alarm

PLACE = Place("123456789012", "ap-northeast-1")


def db(name: str, *, pi: bool = True, cluster: str = "", writer: bool = False) -> DbInstance:
    return DbInstance(PLACE, name, "aurora-postgresql", "db.r6g.xlarge", f"db-{name}", pi,
                      cluster, writer)  # fmt: skip


@pytest.mark.parametrize(
    ("length", "period"),
    [
        (timedelta(minutes=5), 1),
        (timedelta(hours=1), 60),
        (timedelta(hours=3), 60),
        (timedelta(days=1), 300),
        (timedelta(weeks=1), 3600),
        (timedelta(days=14), 3600),
        (timedelta(days=400), 86400),
    ],
)
def test_period_fits_the_window_within_the_apis_periods(length: timedelta, period: int) -> None:
    assert choose_period(TimeWindow.ending(NOW, length), now=NOW) == period


def test_one_second_data_is_not_asked_for_a_window_older_than_a_day() -> None:
    window = TimeWindow.ending(NOW - timedelta(days=2), timedelta(minutes=5))
    assert choose_period(window, now=NOW) == 60


def test_load_keeps_the_top_waits_largest_first_and_the_rest_is_other() -> None:
    times = [NOW + timedelta(minutes=i) for i in range(3)]
    waits = [WaitLoad(f"w{i}", "IO", (float(i), float(i), float(i))) for i in range(12)]
    series = load_series(times, [70.0, 70.0, 70.0], waits, 60, top=10)
    assert [w.name for w in series.waits] == [f"w{i}" for i in range(11, 1, -1)]
    assert series.other == (70.0 - sum(range(2, 12)),) * 3
    assert series.stacked()[-1].name == OTHER
    assert series.mean == 70.0 and series.peak == 70.0


def test_other_is_left_out_when_the_top_waits_are_all_of_it() -> None:
    series = load_series([NOW], [2.0], [WaitLoad("CPU", "CPU", (2.0,))], 60)
    assert series.other == (0.0,)
    assert [w.name for w in series.stacked()] == ["CPU"]


def test_shares_of_the_windows_load() -> None:
    rows = with_shares([SqlRow("a", "select 1", 3.0, 0.0), SqlRow("b", "x", 1.0, 0.0)], 4.0)
    assert [r.share for r in rows] == [0.75, 0.25]
    assert with_shares([TopKey("u", 1.0, 0.0)], 0.0)[0].share == 0.0


def test_wait_mix_largest_first_without_zeros() -> None:
    assert wait_mix([("CPU", 0.5), ("IO:DataFileRead", 2.0), ("Lock", 0.0)]) == (
        ("IO:DataFileRead", 2.0),
        ("CPU", 0.5),
    )


def test_picker_puts_pi_first_then_clusters_writer_first() -> None:
    order = picker_order([
        db("solo-off", pi=False), db("b-reader", cluster="shop"), db("solo"),
        db("a-writer", cluster="shop", writer=True), db("c-reader", cluster="shop"),
    ])  # fmt: skip
    assert [i.identifier for i in order] == [
        "a-writer", "b-reader", "c-reader", "solo", "solo-off",
    ]  # fmt: skip
    assert order[0].role == "writer" and order[1].role == "reader" and order[3].role == ""


@pytest.mark.parametrize(
    ("cls", "count"),
    [
        ("db.r6g.xlarge", 4.0),
        ("db.r6g.2xlarge", 8.0),
        ("db.t3.medium", 2.0),
        ("db.serverless", None),
    ],
)
def test_vcpus_from_the_instance_class(cls: str, count: float | None) -> None:
    vcpus = vcpus_from_class(cls)
    assert vcpus.count == count
    assert vcpus.origin is (VcpuOrigin.UNKNOWN if count is None else VcpuOrigin.INSTANCE_CLASS)
    assert ("instance class" in vcpus.describe()) == (count is not None)


def test_enabling_hint_names_the_change_it_takes() -> None:
    hint = enabling_hint(db("legacy", pi=False))
    assert "--enable-performance-insights" in hint and "legacy" in hint


def test_rds_alarm_names_its_instance_or_cluster() -> None:
    on_instance = make_alarm(
        "iops", AlarmState.ALARM, namespace="AWS/RDS", metric="WriteIOPS",
        dims=(("DBInstanceIdentifier", "Shop-Writer"),),
    )  # fmt: skip
    on_cluster = make_alarm(
        "c", namespace="AWS/RDS", metric="DBLoad", dims=(("DBClusterIdentifier", "shop"),)
    )
    assert alarm_db_target(on_instance) == DbTarget("shop-writer")
    assert alarm_db_target(on_cluster) == DbTarget("shop", cluster=True)
    assert alarm_db_target(make_alarm("lambda")) is None
    assert alarm_db_target(make_alarm("comp", rule="ALARM(x)")) is None


def test_a_cluster_opens_on_its_writer_or_offers_its_members() -> None:
    members = [db("w", cluster="shop", writer=True), db("r", cluster="shop"), db("x")]
    assert resolve_target(DbTarget("shop", cluster=True), members) == (members[0], ())
    no_pi_writer = [db("w", pi=False, cluster="shop", writer=True), db("r", cluster="shop")]
    assert resolve_target(DbTarget("shop", cluster=True), no_pi_writer) == (
        None, tuple(no_pi_writer),
    )  # fmt: skip
    assert resolve_target(DbTarget("x"), members) == (members[2], ())
    assert resolve_target(DbTarget("nope"), members) == (None, ())


def test_window_zooms_through_fixed_lengths_and_moves_by_half() -> None:
    from montui.model.dbload_window import RETENTION, moved, zoomed

    window = TimeWindow(NOW - timedelta(minutes=40), NOW - timedelta(minutes=10))
    wider = zoomed(window, 1, NOW)
    assert wider == TimeWindow.ending(NOW - timedelta(minutes=10), timedelta(hours=1))
    assert zoomed(window, -1, NOW) == TimeWindow.ending(window.end, timedelta(minutes=15))
    five = zoomed(TimeWindow.ending(NOW, timedelta(minutes=15)), -1, NOW)
    assert five == TimeWindow.ending(NOW, timedelta(minutes=5))
    assert choose_period(five, now=NOW) == 1  # the last day's 1-second points
    assert zoomed(five, -1, NOW) is None
    assert zoomed(TimeWindow.ending(NOW, RETENTION), 1, NOW) is None
    assert moved(TimeWindow.ending(NOW, timedelta(hours=1)), 1, NOW) is None
    earlier = moved(TimeWindow.ending(NOW, timedelta(hours=1)), -1, NOW)
    assert earlier == TimeWindow.ending(NOW - timedelta(minutes=30), timedelta(hours=1))
