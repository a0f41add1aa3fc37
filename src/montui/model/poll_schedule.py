"""When a pane polls again: the one rule every poll loop of montui follows.

An outage (a region unreachable, a 5xx, expired credentials) ends when it ends, and the pane
must be live again within one refresh of that moment, however long it lasted. So a failed
poll that was not throttled is retried at the refresh interval, never later: no growing
backoff (its error is shown in place meanwhile). Only throttling asks montui to slow down:
then the wait doubles with each consecutive failure from the refresh interval and honours
AWS's retry-after, but never past `MAX_THROTTLED_WAIT`, so that a throttled pane too is live
again within two minutes of AWS letting go. A refresh interval longer than that is kept as it
is: a throttled poll never comes sooner than a healthy one.
"""

from __future__ import annotations

from enum import Enum

MAX_THROTTLED_WAIT = 120.0
"""The longest wait after throttling, in seconds (2 minutes)."""


class PollOutcome(Enum):
    """How the last poll ended, as far as its schedule cares."""

    OK = "ok"
    FAILED = "failed"
    """Any error but throttling: unreachable, 5xx, expired credentials, access denied."""
    THROTTLED = "throttled"


def next_poll_delay(
    refresh: float,
    outcome: PollOutcome,
    failures: int = 0,
    retry_after: float | None = None,
) -> float:
    """Seconds before the next poll, after one that ended in `outcome`.

    `failures`: consecutive failed polls, this one included; `retry_after`: the wait AWS asked
    for when it throttled, if it said. OK and FAILED: `refresh`. THROTTLED: `refresh` doubled
    per consecutive failure, at least `retry_after`, at most `MAX_THROTTLED_WAIT` (and never
    less than `refresh`).
    """
    if outcome is not PollOutcome.THROTTLED:
        return refresh
    doublings = min(max(failures - 1, 0), 16)  # 2**16 × any refresh is past the cap
    wanted = max(refresh * float(2**doublings), retry_after or 0.0)
    return max(refresh, min(wanted, MAX_THROTTLED_WAIT))
