"""Which of the board's state counts are known (issue 16 leftovers): while a place shows only
its ALARM rows (the full listing still paging in), its OK and INSUFFICIENT_DATA counts are not
known, and the header must not read as "no OK alarms"."""

from __future__ import annotations

from datetime import timedelta

from montui.model.alarm import AlarmState
from montui.model.board import RegionStatus, unknown_states
from tests.fakes import NOW, make_alarm

A, OK, NODATA = AlarmState.ALARM, AlarmState.OK, AlarmState.INSUFFICIENT_DATA
FIRING = (make_alarm("db-cpu", A),)
EVERY = (*FIRING, make_alarm("api-ok", OK), make_alarm("quiet", NODATA))


def test_nothing_is_known_before_the_connection_or_the_first_answer() -> None:
    assert unknown_states([], connected=False) == frozenset(AlarmState)
    assert unknown_states([RegionStatus("ap-northeast-1")]) == frozenset(AlarmState)


def test_the_alarm_count_is_known_once_the_alarm_rows_came_the_others_once_listed() -> None:
    firing = RegionStatus("ap-northeast-1").firing(FIRING, NOW)
    assert unknown_states([firing]) == frozenset({OK, NODATA})
    listed = firing.succeeded(EVERY, NOW + timedelta(seconds=5))
    assert unknown_states([listed]) == frozenset()


def test_one_place_still_listing_makes_the_sum_unknown() -> None:
    tokyo = RegionStatus("ap-northeast-1").succeeded(EVERY, NOW)
    virginia = RegionStatus("us-east-1").firing(FIRING, NOW)
    assert unknown_states([tokyo, virginia]) == frozenset({OK, NODATA})
    waiting = RegionStatus("us-east-1", account="prod")
    assert unknown_states([tokyo, waiting]) == frozenset(AlarmState)


def test_a_failing_place_is_not_waited_for_its_banner_says_why() -> None:
    """A place whose poll failed is told by the ⚠ banner (rows kept, stale); the counts of
    the others are shown, not `…` for as long as it fails."""
    tokyo = RegionStatus("ap-northeast-1").succeeded(EVERY, NOW)
    denied = RegionStatus("us-east-1").failed("AccessDenied")
    listing_failed = RegionStatus("eu-west-1").firing(FIRING, NOW).failed("Throttling")
    assert unknown_states([tokyo, denied, listing_failed]) == frozenset()


def test_a_refresh_after_a_listing_keeps_the_counts_known() -> None:
    listed = RegionStatus("ap-northeast-1").succeeded(EVERY, NOW)
    again = listed.firing(FIRING, NOW + timedelta(minutes=1))
    assert unknown_states([again]) == frozenset()
