"""Recently recovered alarms: what two consecutive polls of a region tell, and the board order."""

from __future__ import annotations

from datetime import timedelta

from montui.model.alarm import AlarmState
from montui.model.board import RegionStatus, board_order
from montui.model.recovery import RECENTLY_RECOVERED, recently_recovered, recoveries
from tests.fakes import NOW, make_alarm

A, NODATA, OK = AlarmState.ALARM, AlarmState.INSUFFICIENT_DATA, AlarmState.OK
KEY = ("123456789012", "ap-northeast-1", "x")


def test_an_alarm_seen_in_alarm_then_ok_recovered_when_it_entered_ok() -> None:
    before = [make_alarm("x", A, minutes_ago=20)]
    after = [make_alarm("x", OK, minutes_ago=2)]
    assert recoveries(before, after, {}) == {KEY: NOW - timedelta(minutes=2)}


def test_an_alarm_that_left_ok_and_came_back_between_two_polls_is_marked() -> None:
    before = [make_alarm("x", OK, minutes_ago=300)]
    after = [make_alarm("x", OK, minutes_ago=1)]  # a newer OK: it was elsewhere meanwhile
    assert recoveries(before, after, {}) == {KEY: NOW - timedelta(minutes=1)}


def test_no_recovery_without_an_alarm_behind_it() -> None:
    steady = [make_alarm("x", OK, minutes_ago=300)]
    assert recoveries(steady, steady, {}) == {}
    assert recoveries([], [make_alarm("x", OK, minutes_ago=1)], {}) == {}  # first poll
    data_back = [make_alarm("x", NODATA, minutes_ago=30)], [make_alarm("x", OK, minutes_ago=1)]
    assert recoveries(*data_back, {}) == {}
    firing = [make_alarm("x", A, minutes_ago=1)]
    assert recoveries(steady, firing, {}) == {}


def test_a_recovery_is_kept_while_the_alarm_stays_in_that_ok() -> None:
    ok = [make_alarm("x", OK, minutes_ago=2)]
    known = {KEY: NOW - timedelta(minutes=2)}
    assert recoveries(ok, ok, known) == known
    refired = [make_alarm("x", A, minutes_ago=0.5)]
    assert recoveries(ok, refired, known) == {}


def test_recently_means_within_the_window() -> None:
    known = {
        KEY: NOW - RECENTLY_RECOVERED,
        ("123456789012", "us-east-1", "y"): NOW - timedelta(minutes=16),
    }
    assert recently_recovered(known, NOW) == frozenset({KEY})
    assert timedelta(minutes=15) == RECENTLY_RECOVERED


def test_region_status_remembers_recoveries_across_polls_and_failures() -> None:
    status = RegionStatus("ap-northeast-1").succeeded((make_alarm("x", A, minutes_ago=9),), NOW)
    status = status.succeeded((make_alarm("x", OK, minutes_ago=1),), NOW)
    assert status.recovered == {KEY: NOW - timedelta(minutes=1)}
    assert status.failed("throttled").recovered == status.recovered
    status = status.succeeded((make_alarm("x", OK, minutes_ago=1),), NOW)
    assert status.recovered == {KEY: NOW - timedelta(minutes=1)}


def test_recovered_alarms_sort_just_below_the_alarm_rows() -> None:
    alarms = [
        make_alarm("ok", OK, minutes_ago=0.5),
        make_alarm("nodata", NODATA, minutes_ago=5),
        make_alarm("old-recovery", OK, minutes_ago=9),
        make_alarm("firing", A, minutes_ago=30),
        make_alarm("new-recovery", OK, minutes_ago=2),
    ]
    recent = frozenset(
        {
            ("123456789012", "ap-northeast-1", "old-recovery"),
            ("123456789012", "ap-northeast-1", "new-recovery"),
        }
    )
    order = [a.name for a in board_order(alarms, recent)]
    assert order == ["firing", "new-recovery", "old-recovery", "nodata", "ok"]
    assert [a.name for a in board_order(alarms)] == [
        "firing",
        "nodata",
        "ok",
        "new-recovery",
        "old-recovery",
    ]
