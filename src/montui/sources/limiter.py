"""Every request montui sends stays under AWS's per-account, per-region API quotas.

AWS throttles each API (or family of APIs sharing a quota) per account and region: over the
quota, requests fail with `Throttling` and botocore's standard retry mode backs off and tries
again, which costs the whole request a second or more. montui sends many requests at once
(every region's poll, the ALARM query and the listing's pages, sparklines, panes, commands),
so it paces them itself: `RateLimiter.acquire` makes a request wait its turn, on the event
loop (an `await`, never a blocking sleep), before it is sent. `install` hooks a client's
`before-send` event (aiobotocore awaits async handlers), so every attempt counts, retries
included; `AwsClients` installs one limiter of its own on every client it makes, so the
board, the panes and a command sharing a session share the quotas. AWS's standard retry mode
stays underneath for throttling that comes from elsewhere (the account's other tools).

The pacing is a sliding window: at most `rate` requests start in any one second per (account,
region, family). A classic token bucket of `rate` tokens refilled at `rate` per second would
let 2 × rate − 1 requests start within the first second of a burst, which is what AWS's
per-second quota throttles. A request reserves the earliest start the window allows, in the
order requests come (no lock: the reservation is made before the first `await`), then sleeps
until then. A cancelled request keeps its reservation (a slot wasted, never an excess).

The quotas (requests per second, per account and Region, AWS's defaults):

| family                               | rate | source                                   |
|--------------------------------------|------|------------------------------------------|
| cloudwatch DescribeAlarms            | 9    | [cw] "DescribeAlarms: 9 TPS"             |
| cloudwatch GetMetricData             | 50   | [cw] "GetMetricData: 50 TPS"             |
| cloudwatch DescribeAlarmHistory      | 3    | [cw] "3 TPS for each of these" (listed)  |
| cloudwatch DescribeAlarmsForMetric   | 3    | [cw] the same line                       |
| logs GetQueryResults                 | 10   | [logs], as `sources.logs` has it         |
| logs StartQuery, StopQuery           | 5    | [logs] unconfirmed here (*)              |
| guardduty (each operation)           | 10   | [gd] no per-second figure published (*)  |
| pi (each operation)                  | 10   | [pi] no per-second figure published (*)  |
| anything else (each operation)       | 10   | montui's default (*)                     |

[cw]   https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html
[logs] https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html
[gd]   https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_limits.html
[pi]   https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PerfInsights.API.html

(*) The stored copies of these pages available when this was written gave no per-second figure
(GuardDuty's quota page lists resource quotas only; Performance Insights documents
throttling without a number): these rates are montui's choices, not AWS's figures, set to
keep a burst (GuardDuty's first poll of 2,000 findings is 80 requests) from hammering one
API without slowing an ordinary poll; the retry mode covers the rest. Quotas raised for an
account are not read (Service Quotas would be another API).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

Sleep = Callable[[float], Awaitable[None]]

WINDOW = 1.0
"""The quotas are per second."""

DEFAULT_RATE = 10
"""Requests per second for an operation the table does not name."""

QUOTAS: dict[tuple[str, str], tuple[str, int]] = {
    ("cloudwatch", "DescribeAlarms"): ("cloudwatch:DescribeAlarms", 9),
    ("cloudwatch", "GetMetricData"): ("cloudwatch:GetMetricData", 50),
    ("cloudwatch", "DescribeAlarmHistory"): ("cloudwatch:DescribeAlarmHistory", 3),
    ("cloudwatch", "DescribeAlarmsForMetric"): ("cloudwatch:DescribeAlarmsForMetric", 3),
    ("logs", "GetQueryResults"): ("logs:GetQueryResults", 10),
    ("logs", "StartQuery"): ("logs:StartQuery", 5),
    ("logs", "StopQuery"): ("logs:StopQuery", 5),
}
"""(botocore service, operation) → (family, requests per second)."""

Key = tuple[str, str, str]
"""(account, region, family)."""


def family(service: str, operation: str) -> tuple[str, int]:
    """The quota family an operation counts against, and its rate per second."""
    return QUOTAS.get((service, operation), (f"{service}:{operation}", DEFAULT_RATE))


class RateLimiter:
    """At most `rate` request starts per second per (account, region, family); a request
    over it waits (awaits `sleep`) until the window lets it start. `clock` (seconds,
    monotonic) and `sleep` are injectable: tests move time by hand."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self._starts: dict[Key, deque[float]] = {}
        self.waited = 0.0
        """Seconds requests have waited in all (for benchmarks and tests)."""

    def reserve(self, key: Key, rate: int) -> float:
        """Reserve the earliest start for a request of `key` (at most `rate` per second);
        returns the seconds to wait before it (0: go now)."""
        now = self.clock()
        starts = self._starts.get(key)
        if starts is None:
            starts = self._starts[key] = deque(maxlen=rate)
        at = now
        if len(starts) == starts.maxlen:
            at = max(now, starts[0] + WINDOW)
        starts.append(at)
        return at - now

    async def acquire(self, account: str, region: str, service: str, operation: str) -> float:
        """Wait until a request of `operation` may start; returns the seconds waited."""
        name, rate = family(service, operation)
        wait = self.reserve((account, region, name), rate)
        if wait > 0:
            self.waited += wait
            await self.sleep(wait)
        return wait

    def rename_account(self, old: str, new: str) -> None:
        """Requests counted under `old` (an account not named yet) are `new`'s."""
        for key in [k for k in self._starts if k[0] == old]:
            self._starts.setdefault((new, *key[1:]), self._starts.pop(key))


def install(client: Any, limiter: RateLimiter, account: Callable[[], str]) -> None:
    """Make every request `client` sends (each attempt) wait its turn in `limiter`, counted
    under `account()` and the client's region. Installing twice on one client keeps one."""
    service = str(client.meta.service_model.service_name)
    region = str(client.meta.region_name)

    async def wait_turn(event_name: str = "", **_: Any) -> None:
        operation = event_name.rsplit(".", 1)[-1]
        await limiter.acquire(account(), region, service, operation)

    client.meta.events.register("before-send", wait_turn, unique_id="montui-rate-limit")
