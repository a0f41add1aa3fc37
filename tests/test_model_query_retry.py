"""The rules a Logs Insights query follows through failed calls (model.query_retry)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from montui.model.query_retry import (
    POLL_RETRY,
    START_ATTEMPTS,
    PollRetryBudget,
    QueryInfo,
    lost_starts,
    poll_retry_wait,
    start_retry_wait,
)
from tests.fakes import NOW


def test_a_failed_poll_is_retried_backing_off_from_half_a_second_to_four() -> None:
    waits = [
        poll_retry_wait(n, 0.0, retryable=True, jitter=1.0)
        for n in range(1, POLL_RETRY.max_failures + 1)
    ]
    assert waits == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0, 4.0, 4.0]


def test_jitter_waits_between_half_and_all_of_the_backoff() -> None:
    assert poll_retry_wait(3, 0.0, retryable=True, jitter=0.0) == 1.0
    assert poll_retry_wait(3, 0.0, retryable=True, jitter=0.5) == 1.5
    assert poll_retry_wait(3, 0.0, retryable=True, jitter=0.999) == pytest.approx(2.0, abs=0.01)


def test_a_fatal_error_ends_the_run_at_once() -> None:
    assert poll_retry_wait(1, 0.0, retryable=False, jitter=0.5) is None


def test_the_budget_ends_after_eight_failures_or_sixty_seconds() -> None:
    assert poll_retry_wait(8, 30.0, retryable=True, jitter=0.5) is not None
    assert poll_retry_wait(9, 30.0, retryable=True, jitter=0.5) is None
    assert poll_retry_wait(2, 60.0, retryable=True, jitter=0.5) is None
    # never waits past the budget's end
    assert poll_retry_wait(5, 59.0, retryable=True, jitter=1.0) == pytest.approx(1.0)


def test_retry_after_is_honoured_within_the_budget() -> None:
    assert poll_retry_wait(1, 0.0, retryable=True, jitter=0.0, retry_after=3.0) == 3.0
    assert poll_retry_wait(1, 50.0, retryable=True, jitter=0.0, retry_after=30.0) == 10.0


def test_a_budget_of_its_own() -> None:
    budget = PollRetryBudget(max_failures=2, max_seconds=5.0, first_wait=0.01, max_wait=0.02)
    assert poll_retry_wait(1, 0.0, retryable=True, jitter=1.0, budget=budget) == 0.01
    assert poll_retry_wait(2, 0.0, retryable=True, jitter=1.0, budget=budget) == 0.02
    assert poll_retry_wait(3, 0.0, retryable=True, jitter=1.0, budget=budget) is None


def test_a_refused_start_is_sent_a_bounded_number_of_times() -> None:
    assert START_ATTEMPTS == 3
    assert [start_retry_wait(n, jitter=1.0) for n in (1, 2, 3)] == [0.5, 1.0, None]
    assert start_retry_wait(1, jitter=0.0, retry_after=2.0) == 2.0
    assert start_retry_wait(1, jitter=0.0, retry_after=600.0) == 4.0


def info(
    query: str = "fields @message",
    group: str = "/g/a",
    status: str = "Running",
    created: timedelta = timedelta(seconds=1),
    query_id: str = "q1",
) -> QueryInfo:
    return QueryInfo(query_id, query, status, NOW + created, group)


def test_lost_starts_are_the_same_query_on_the_same_groups_just_created() -> None:
    candidates = [
        info(query_id="same"),
        info(query_id="scheduled", status="Scheduled"),
        info(query_id="other text", query="fields @timestamp"),
        info(query_id="other group", group="/g/z"),
        info(query_id="finished", status="Complete"),
        info(query_id="old", created=-timedelta(minutes=5)),
        info(query_id="skewed", created=-timedelta(seconds=50)),
        info(query_id="no group named", group=""),
    ]
    found = lost_starts(candidates, "fields @message", ("/g/a", "/g/b"), NOW)
    assert [q.query_id for q in found] == ["same", "scheduled", "skewed", "no group named"]


def test_no_lost_start_among_none() -> None:
    assert lost_starts([], "fields @message", ("/g/a",), NOW) == ()
