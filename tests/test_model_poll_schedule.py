"""The poll schedule: a pane is live again within one refresh of a fault clearing; only
throttling backs off, and never past 2 minutes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from montui.model.poll_schedule import MAX_THROTTLED_WAIT, PollOutcome, next_poll_delay

REFRESH = st.floats(min_value=1, max_value=3600, allow_nan=False)
FAILURES = st.integers(min_value=0, max_value=100_000)
RETRY_AFTER = st.none() | st.floats(min_value=0, max_value=1e9, allow_nan=False)


def test_a_failure_that_is_not_throttling_retries_at_the_refresh_interval() -> None:
    # Issue 11: with a 5 s refresh the backoff used to climb 5 → 120 s.
    assert [next_poll_delay(5, PollOutcome.FAILED, n) for n in range(1, 40)] == [5] * 39
    assert next_poll_delay(5, PollOutcome.OK) == 5
    assert next_poll_delay(60, PollOutcome.FAILED, 3) == 60


def test_throttling_doubles_from_the_refresh_and_stops_at_two_minutes() -> None:
    delays = [next_poll_delay(5, PollOutcome.THROTTLED, n) for n in range(1, 9)]
    assert delays == [5, 10, 20, 40, 80, 120, 120, 120]
    assert MAX_THROTTLED_WAIT == 120


def test_throttling_honours_retry_after_up_to_two_minutes() -> None:
    assert next_poll_delay(5, PollOutcome.THROTTLED, 1, retry_after=30) == 30
    assert next_poll_delay(5, PollOutcome.THROTTLED, 1, retry_after=3600) == 120
    assert next_poll_delay(5, PollOutcome.THROTTLED, 4, retry_after=1) == 40


def test_a_refresh_longer_than_the_cap_is_kept_when_throttled() -> None:
    assert next_poll_delay(300, PollOutcome.THROTTLED, 20) == 300


@given(REFRESH, FAILURES, RETRY_AFTER)
def test_errors_that_are_not_throttling_always_wait_one_refresh(
    refresh: float, failures: int, retry_after: float | None
) -> None:
    for outcome in (PollOutcome.OK, PollOutcome.FAILED):
        assert next_poll_delay(refresh, outcome, failures, retry_after) == refresh


@given(st.floats(min_value=1, max_value=120, allow_nan=False), FAILURES, RETRY_AFTER)
def test_throttled_never_waits_more_than_two_minutes(
    refresh: float, failures: int, retry_after: float | None
) -> None:
    delay = next_poll_delay(refresh, PollOutcome.THROTTLED, failures, retry_after)
    assert refresh <= delay <= MAX_THROTTLED_WAIT


@given(REFRESH, FAILURES, RETRY_AFTER)
def test_throttled_never_polls_sooner_than_healthy_nor_later_than_the_cap_or_refresh(
    refresh: float, failures: int, retry_after: float | None
) -> None:
    delay = next_poll_delay(refresh, PollOutcome.THROTTLED, failures, retry_after)
    assert refresh <= delay <= max(refresh, MAX_THROTTLED_WAIT)
