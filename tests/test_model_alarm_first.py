"""ALARM rows first (`model.alarm_first`): the merge of an ALARM-only answer over the last
listing, when the full listing is due, and what the region status makes of both."""

from __future__ import annotations

from datetime import timedelta

from montui.model.alarm import AlarmState
from montui.model.alarm_first import (
    left_alarm,
    listing_due,
    listing_interval,
    merge_firing,
    pages,
)
from montui.model.board import RegionStatus
from montui.model.records import replace
from tests.fakes import NOW, make_alarm

A, OK, NODATA = AlarmState.ALARM, AlarmState.OK, AlarmState.INSUFFICIENT_DATA


def test_merge_replaces_and_adds_and_keeps_the_rest_as_last_listed() -> None:
    api = make_alarm("api-5xx", OK)
    db = make_alarm("db-cpu", A, minutes_ago=30)
    queue = make_alarm("queue-age", NODATA)
    fired = replace(api, state=A, state_updated=NOW)
    new = make_alarm("new-alarm", A, minutes_ago=1)
    merged = merge_firing((api, db, queue), (fired, new))
    assert merged == (fired, db, queue, new)  # db kept ALARM: only a listing says it left
    assert merge_firing((), (new,)) == (new,)


def test_left_alarm_is_an_alarm_shown_in_alarm_missing_from_the_answer() -> None:
    db = make_alarm("db-cpu", A)
    ok = make_alarm("api", OK)
    assert left_alarm((db, ok), ()) is True
    assert left_alarm((db, ok), (db,)) is False
    assert left_alarm((ok,), ()) is False


def test_the_listing_spends_at_most_one_request_a_second_on_big_regions() -> None:
    assert pages(0) == 1 and pages(100) == 1 and pages(101) == 2 and pages(10_000) == 100
    assert listing_interval(60, 1_000) == 60  # 10 pages: every refresh
    assert listing_interval(60, 10_000) == 100  # 100 pages: every 100 s
    assert listing_interval(300, 10_000) == 300


def test_listing_due() -> None:
    at = NOW - timedelta(seconds=60)

    def due(listed: object, now: object = NOW, **flags: bool) -> bool:
        assert listed is None or isinstance(listed, type(NOW))
        assert isinstance(now, type(NOW))
        return listing_due(listed, now, refresh=60.0, count=10_000, **flags)

    assert due(None)  # never listed
    assert not due(at)  # 60 s < 100 s
    assert due(at, NOW + timedelta(seconds=40))
    assert due(at, failing=True)
    assert due(at, woken=True)
    assert due(at, left=True)
    assert listing_due(at, NOW, refresh=60.0, count=50)


def test_an_alarm_only_answer_marks_nothing_recovered_and_drops_nothing() -> None:
    db = make_alarm("db-cpu", A, minutes_ago=30)
    others = tuple(make_alarm(f"ok-{i}", OK) for i in range(5))
    listed = RegionStatus("ap-northeast-1").succeeded((db, *others), NOW)
    assert listed.listed_at == NOW and not listed.listing
    partial = listed.firing((), NOW + timedelta(seconds=60))  # db left ALARM
    assert partial.alarms == (db, *others)  # nothing vanished
    assert partial.recovered == {}
    assert partial.listed_at == NOW and partial.fetched_at == NOW + timedelta(seconds=60)
    recovered = replace(db, state=OK, state_updated=NOW + timedelta(seconds=30))
    relisted = partial.succeeded((recovered, *others), NOW + timedelta(seconds=61))
    assert relisted.recovered == {recovered.key: recovered.in_state_since}


def test_a_region_never_listed_shows_only_its_alarm_rows_and_says_it_is_listing() -> None:
    db = make_alarm("db-cpu", A)
    first = RegionStatus("ap-northeast-1").firing((db,), NOW)
    assert first.alarms == (db,) and first.listing and first.listed_at is None
    failed = first.failed("cannot reach CloudWatch")
    assert failed.alarms == (db,) and failed.listing and failed.error
    assert failed.firing((db,), NOW).error == "cannot reach CloudWatch"  # until a listing
    assert not failed.succeeded((db,), NOW).listing
