"""When a Logs Insights query survives a failed call: the rules of `sources.logs.run_query`.

A query runs on AWS whatever happens to one GetQueryResults call, so a failed poll that may
pass (throttling, a 5xx, a timeout, a reset connection) is polled again, backing off from
0.5 s to 4 s with jitter, until a budget is spent (8 consecutive failures or 60 s of
failing, whichever comes first); only then, or on a fatal error, does the run end (and the
query is stopped).

StartQuery is not idempotent: it is sent once, without botocore's automatic retry. An
*answer* that refused it (throttled, a 5xx) started nothing, so it is sent again a bounded
number of times (`start_retry_wait`). When the answer was lost instead (a read timeout, a
reset connection), AWS may run the query already: `lost_starts` picks, among the account's
running queries (DescribeQueries), the ones that request may have started, to be stopped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from msgspec import Struct


class PollRetryBudget(Struct, frozen=True):
    """How long a query's polling keeps trying through failed GetQueryResults calls."""

    max_failures: int = 8
    """Consecutive failed polls after which the run ends."""
    max_seconds: float = 60.0
    """Seconds of consecutive failures after which the run ends."""
    first_wait: float = 0.5
    """The wait after the first failure (doubled per further failure)."""
    max_wait: float = 4.0
    """The longest wait between two failed polls."""


POLL_RETRY = PollRetryBudget()
"""The budget `run_query` uses."""


def poll_retry_wait(
    failures: int,
    failing_for: float,
    *,
    retryable: bool,
    jitter: float,
    retry_after: float | None = None,
    budget: PollRetryBudget = POLL_RETRY,
) -> float | None:
    """Seconds to wait before polling again after a failed poll, or None: give up.

    `failures`: consecutive failed polls, this one included; `failing_for`: seconds since the
    first of them failed; `retryable`: the error may pass (`SourceError.retryable`);
    `jitter`: a number drawn in [0, 1) (the wait is between half and all of the backoff);
    `retry_after`: the wait AWS asked for, honoured within what is left of the budget.
    """
    if not retryable or failures > budget.max_failures or failing_for >= budget.max_seconds:
        return None
    doublings = min(max(failures - 1, 0), 16)
    backoff = min(budget.max_wait, budget.first_wait * float(2**doublings))
    wait = backoff * (0.5 + 0.5 * min(max(jitter, 0.0), 1.0))
    if retry_after is not None:
        wait = max(wait, retry_after)
    return min(wait, budget.max_seconds - failing_for)


START_ATTEMPTS = 3
"""StartQuery sends at most, when AWS's answers refuse it (throttled, 5xx)."""
START_FIRST_WAIT = 0.5


def start_retry_wait(
    attempts: int, *, jitter: float, retry_after: float | None = None
) -> float | None:
    """Seconds to wait before sending a refused StartQuery again, or None: give up.

    `attempts`: StartQuery requests sent so far (each refused by AWS's answer); `jitter` as in
    `poll_retry_wait`; `retry_after`: the wait AWS asked for (at most 4 s is waited)."""
    if attempts >= START_ATTEMPTS:
        return None
    backoff = START_FIRST_WAIT * float(2 ** max(attempts - 1, 0))
    wait = backoff * (0.5 + 0.5 * min(max(jitter, 0.0), 1.0))
    return min(max(wait, retry_after or 0.0), 4.0)


class QueryInfo(Struct, frozen=True):
    """One query of the account as DescribeQueries lists it."""

    query_id: str
    query: str
    status: str
    created: datetime
    group: str = ""
    """The log group DescribeQueries names (one of the query's, "" if it named none)."""


LOST_START_WINDOW = timedelta(minutes=1)
"""How far from the lost StartQuery's sending a query it started may have been created
(a request's way there, and the two clocks' skew)."""


def lost_starts(
    queries: Iterable[QueryInfo], query: str, groups: Sequence[str], sent: datetime
) -> tuple[QueryInfo, ...]:
    """The queries a StartQuery of `query` over `groups`, sent at `sent` (this machine's
    clock), whose answer was lost, may have started: still Scheduled or Running, the same
    query text, over one of those groups, created within `LOST_START_WINDOW` of `sent`."""
    return tuple(
        info
        for info in queries
        if info.status in ("Scheduled", "Running")
        and info.query == query
        and (not info.group or info.group in groups)
        and abs(info.created - sent) <= LOST_START_WINDOW
    )
