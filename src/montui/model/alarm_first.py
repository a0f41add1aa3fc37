"""ALARM rows first: how one poll of a region merges the alarms in ALARM over its last listing,
and when the full listing is due again.

Each poll of a region first asks DescribeAlarms for `StateValue=ALARM` (both alarm types:
one request however many alarms the region has, unless more than 100 are firing) and shows
those rows at once, merged over the region's last full listing (`merge_firing`): an alarm in
the answer replaces its row; an alarm not in the answer keeps the state it was last listed
in (it may have left ALARM, which only a listing or its own record can say); a region never
listed shows only its ALARM rows. The full listing (every alarm, 100 per page) pages in
behind them.

Does every refresh need the full listing? Its cost is one request per 100 alarms under
DescribeAlarms' quota (9 requests/s per account and region, shared with every other tool of
the account). Measured on the world (`benchmarks/alarm_first.py`, 10,000 alarms, 100 in
ALARM): the ALARM query is 1 request; the listing is 100 pages, over 11 s at the quota. At the
default 60 s refresh that listing would use a fifth of the region's quota for the whole
account, to learn only which OK alarms went INSUFFICIENT_DATA and back. So the listing runs:

- always when the region was never listed, is failing (its error clears only on a good
  listing), or was woken by hand (`r`: the engineer asked for everything now);
- at once when an alarm shown in ALARM is missing from the ALARM answer (it left ALARM: the
  listing says where it went, so "recovered" is marked within the same refresh);
- otherwise when the last listing is older than `listing_interval`: the refresh interval,
  or, on big regions, as long as it takes to spend `LISTING_RATE` requests per second on it
  (10,000 alarms: every 100 s, so every other refresh at 60 s; 1,000 alarms: every refresh).

So a region of 10,000 alarms costs 1 request per quiet refresh, not 100, and what matters
(every ALARM row, its change, its recovery) is as fresh as the refresh interval.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from montui.model.alarm import Alarm, AlarmState

PAGE_SIZE = 100
"""DescribeAlarms' largest page (MaxRecords)."""

LISTING_RATE = 1.0
"""Requests per second the full listing may average per account and region: one ninth of
DescribeAlarms' default quota (9/s), leaving the rest to the ALARM query, montui's other
panes and the account's other tools."""


def merge_firing(previous: Iterable[Alarm], firing: Iterable[Alarm]) -> tuple[Alarm, ...]:
    """The rows to show after an ALARM-only answer: `previous` (the last listing, merged
    earlier answers included) with each alarm of `firing` replacing its row or added."""
    fresh = {alarm.key: alarm for alarm in firing}
    merged = []
    for alarm in previous:
        merged.append(fresh.pop(alarm.key, alarm))
    merged.extend(fresh.values())
    return tuple(merged)


def left_alarm(previous: Iterable[Alarm], firing: Iterable[Alarm]) -> bool:
    """Whether an alarm shown in ALARM is missing from the ALARM answer."""
    now = {alarm.key for alarm in firing}
    return any(a.state is AlarmState.ALARM and a.key not in now for a in previous)


def pages(count: int) -> int:
    """DescribeAlarms requests a listing of `count` alarms takes (at least one)."""
    return max(1, -(-count // PAGE_SIZE))


def listing_interval(refresh: float, count: int) -> float:
    """Seconds between full listings of a region of `count` alarms (see the module)."""
    return max(refresh, pages(count) / LISTING_RATE)


def listing_due(
    listed_at: datetime | None,
    now: datetime,
    *,
    refresh: float,
    count: int,
    failing: bool = False,
    woken: bool = False,
    left: bool = False,
) -> bool:
    """Whether this poll pages in the full listing after the ALARM rows (see the module):
    `listed_at` the last good listing, `count` the alarms it had; `failing` the region's last
    poll failed; `woken` by hand; `left` an alarm left ALARM."""
    if listed_at is None or failing or woken or left:
        return True
    # A hair of slack: a loop woken at exactly the interval must not wait a whole refresh more.
    return (now - listed_at).total_seconds() >= listing_interval(refresh, count) - 0.5
