"""The contact form's mail, as SES counts it: per quarter hour, per region, and the reputation
rates CloudWatch publishes from it. Pure and lazy: every count is a function of (seed, region,
the scenario's start, the quarter hour), computed when asked, never stored.

- ap-northeast-1 (`TOKYO`) has production access (50,000 messages per 24 hours, 14 per second)
  and sends about 3,900 messages a day, busiest in the Japanese evening. Fourteen days before
  the scenario's start the team imported a bad mailing list: the share of messages that bounce
  creeps from 1 % then to 4.4 % at the start (and stays there), close to the 5 % at which AWS
  reviews the account. Complaints are rare (at most one a day) except for one evening five
  days before the start when the newsletter went to the imported list: 2.5 % of two hours'
  messages were marked as spam, which holds the complaint rate above 0.1 % for about a day.
  The account is HEALTHY: AWS has not reviewed it (yet). Live (`moments.NEWSLETTER`, 35 to
  65 simulated minutes after the start) the newsletter goes out to the imported list again:
  its two quarter hours carry 600 more messages each, 10 of them marked as spam, so the
  complaint rate rises over 0.1 % at the end of the first (act now: above AWS's review
  threshold) and, being a day's rate, stays there for about a day.
- us-east-1 (`VIRGINIA`) is in the sandbox (200 per 24 hours, 1 per second) and sends a test
  message now and then: no bounce, no complaint, so CloudWatch publishes no rate there.

**The rates' window.** AWS computes `Reputation.BounceRate` and `Reputation.ComplaintRate` over
"a representative volume" of recent mail, not a fixed time. The world uses the 96 complete
quarter hours (24 hours) before each minute: the datapoint of minute `t` is bounces (or
complaints) / delivery attempts over GetSendStatistics' points from `Q - 24 h` to `Q`, `Q`
being `t` rounded down to the quarter hour. So the sums of GetSendStatistics' points over
that day give the published rate exactly (a message a person sends through the world counts
in the statistics and the quota, not in the rates).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import cast

from montui_world.ext.ses_store import DAY_QUARTERS, QUARTER, AccountDetails, SendPoint, SesAccount
from montui_world.scenario.hitori import TOKYO, VIRGINIA
from montui_world.scenario.moments import NEWSLETTER, NEWSLETTER_ATTEMPTS, NEWSLETTER_COMPLAINTS
from montui_world.scenario.series import AlarmSeries, Column
from montui_world.scenario.signals import Interval, Timeline, unit_noise
from montui_world.scenario.spec import AlarmSpec, MetricId

__all__ = [
    "BOUNCE_ALARM",
    "COMPLAINT_ALARM",
    "RATE_ALARMS",
    "RateSeries",
    "SesTraffic",
    "accounts",
    "breaching",
    "rate_at",
]

BOUNCE_ALARM = "hitori-ses-bounce-rate"
COMPLAINT_ALARM = "hitori-ses-complaint-rate"
RATE_ALARMS = (BOUNCE_ALARM, COMPLAINT_ALARM)
BOUNCE = MetricId("AWS/SES", "Reputation.BounceRate")
COMPLAINT = MetricId("AWS/SES", "Reputation.ComplaintRate")
_KINDS = {BOUNCE.name: "bounces", COMPLAINT.name: "complaints"}

CREEP_DAYS = 14
BOUNCE_FROM, BOUNCE_TO = 0.010, 0.044
SPIKE_DAYS_BEFORE = 5
SPIKE_UTC_HOUR = 11  # 20:00 JST, when the newsletter goes out
SPIKE_QUARTERS = 8
SPIKE_SHARE = 0.025
WINDOW = DAY_QUARTERS * QUARTER
_DAY = 86400

TOKYO_ACCOUNT = SesAccount(
    production=True,
    max_24_hour_send=50000.0,
    max_send_rate=14.0,
    details=AccountDetails(
        "TRANSACTIONAL",
        "https://hitori-infra.example.jp",
        "JA",
        "Replies to the contact form of hitori-infra.example.jp and its monthly newsletter.",
        ("ops@hitori-infra.example.jp",),
    ),
    review_status="GRANTED",
    case_id="17209365281",
    suppressed_reasons=("BOUNCE", "COMPLAINT"),
)
VIRGINIA_ACCOUNT = SesAccount()


@dataclass(frozen=True, slots=True)
class SesTraffic:
    """One region's mail (`ses_store.SendTraffic`): `start` is the scenario's start (epoch)."""

    region: str
    seed: int
    start: int

    def quarter(self, start: int) -> SendPoint:
        """The counts of the quarter hour [start, start + 900)."""
        return _quarter(self.region, self.seed, self.start, start)


@lru_cache(maxsize=16384)
def _quarter(region: str, seed: int, anchor: int, start: int) -> SendPoint:
    noise = _draws(seed, region, start)
    if region != TOKYO:
        return SendPoint(start, attempts=1 if noise[0] < 0.004 else 0)
    hour = (start % _DAY) / 3600
    pattern = 0.3 + 0.3 * math.cos(2 * math.pi * (hour - 12) / 24)  # peak 21:00 JST
    attempts = 24 + int(40 * pattern + 10 * noise[0])
    bounces = int(attempts * _bounce_share(anchor, start) + noise[1])
    spike = _spike_start(anchor)
    if spike <= start < spike + SPIKE_QUARTERS * QUARTER:
        complaints = int(attempts * SPIKE_SHARE + noise[2])
    else:
        complaints = 1 if start == _complaint_quarter(seed, start - start % _DAY) else 0
    if _newsletter(anchor, start):
        extra = NEWSLETTER_ATTEMPTS
        attempts += extra
        bounces += int(extra * _bounce_share(anchor, start))
        complaints += NEWSLETTER_COMPLAINTS
    rejects = 1 if noise[3] < 0.01 else 0
    return SendPoint(start, attempts, bounces, complaints, rejects)


def _newsletter(anchor: int, start: int) -> bool:
    """Whether the live newsletter (`moments.NEWSLETTER`) goes out in the quarter hour."""
    first = anchor + int(NEWSLETTER.starts_after.total_seconds())
    return first <= start < anchor + int(NEWSLETTER.ends_after.total_seconds())


def _draws(seed: int, region: str, start: int) -> tuple[float, float, float, float]:
    """Four deterministic numbers in [0, 1) for one region's quarter hour (one hash)."""
    digest = hashlib.blake2b(f"{seed}|ses|{region}|{start}".encode(), digest_size=32).digest()
    return cast(
        tuple[float, float, float, float],
        tuple(int.from_bytes(digest[i : i + 8], "big") / 2.0**64 for i in range(0, 32, 8)),
    )


@lru_cache(maxsize=256)
def _complaint_quarter(seed: int, day: int) -> int | None:
    """The quarter hour of the day's one complaint outside the spike (every other day)."""
    if unit_noise(seed, "complaint-day", day) >= 0.5:
        return None
    return day + QUARTER * int(DAY_QUARTERS * unit_noise(seed, "complaint-at", day))


def _bounce_share(anchor: int, moment: int) -> float:
    """The share of messages that bounce: 1 % before the import, 4.4 % from the start on."""
    progress = (moment - (anchor - CREEP_DAYS * _DAY)) / (CREEP_DAYS * _DAY)
    return BOUNCE_FROM + (BOUNCE_TO - BOUNCE_FROM) * min(1.0, max(0.0, progress))


def _spike_start(anchor: int) -> int:
    day = anchor - SPIKE_DAYS_BEFORE * _DAY
    return day - day % _DAY + SPIKE_UTC_HOUR * 3600


def accounts(now: datetime, seed: int) -> tuple[tuple[str, SesAccount, SesTraffic], ...]:
    """Each region's account settings and mail, for a scenario started at `now`."""
    anchor = int(now.timestamp())
    return (
        (TOKYO, TOKYO_ACCOUNT, SesTraffic(TOKYO, seed, anchor)),
        (VIRGINIA, VIRGINIA_ACCOUNT, SesTraffic(VIRGINIA, seed, anchor)),
    )


def _rates(traffic: SesTraffic, metric: str, first: int, last: int) -> list[float | None]:
    """The rate published for the quarter hours starting at first, first + 900, … < last:
    each over the 96 quarter hours before it. None: nothing published (CloudWatch has no rate
    until the first bounce or complaint, and the sandbox region has had neither)."""
    kind = _KINDS[metric]
    counts = [traffic.quarter(s) for s in range(first - WINDOW, last, QUARTER)]
    found: list[float | None] = []
    attempts = sum(p.attempts for p in counts[:DAY_QUARTERS])
    events = sum(getattr(p, kind) for p in counts[:DAY_QUARTERS])
    publishes = traffic.region == TOKYO
    for index in range(DAY_QUARTERS, len(counts)):
        found.append(events / attempts if publishes and attempts else None)
        leaving, entering = counts[index - DAY_QUARTERS], counts[index]
        attempts += entering.attempts - leaving.attempts
        events += getattr(entering, kind) - getattr(leaving, kind)
    return found


def rate_at(traffic: SesTraffic, metric: str, minute: int) -> float | None:
    """The rate published for the minute starting at `minute` (epoch seconds)."""
    quarter = minute - minute % QUARTER
    return _rates(traffic, metric, quarter, quarter + QUARTER)[0]


def breaching(
    spec: AlarmSpec, traffic: SesTraffic, start: datetime, end: datetime
) -> tuple[Interval, ...]:
    """The stretches of [start, end) in which the alarm's rate breaches its threshold."""
    metric = spec.metric
    assert isinstance(metric, MetricId)
    first = int(start.timestamp()) // QUARTER * QUARTER
    last = int(end.timestamp())
    found: list[Interval] = []
    for index, rate in enumerate(_rates(traffic, metric.name, first, last)):
        if rate is None or not spec.breaches(rate):
            continue
        begin = datetime.fromtimestamp(first + index * QUARTER, UTC)
        if found and found[-1][1] == begin:
            found[-1] = (found[-1][0], begin + timedelta(seconds=QUARTER))
        else:
            found.append((begin, begin + timedelta(seconds=QUARTER)))
    return tuple(found)


class RateSeries(AlarmSeries):
    """An SES alarm's metric (`Reputation.BounceRate` or `.ComplaintRate`): one datapoint a
    minute, the rate of the day before the minute's quarter hour (see the module's docstring)."""

    def __init__(self, spec: AlarmSpec, timeline: Timeline, seed: int, traffic: SesTraffic):
        super().__init__(spec, timeline, seed)
        self.traffic = traffic

    def day(self, day: int) -> dict[MetricId, Column]:
        """The day's values, None where nothing is published (then read slot by slot)."""
        found = super().day(day)
        self._gaps[day] = any(v is None for column in found.values() for v in column)
        return found

    def _compute(self, day: int) -> dict[MetricId, Column]:
        metric = self.spec.metric
        assert isinstance(metric, MetricId)
        start = day * _DAY
        per_quarter = _rates(self.traffic, metric.name, start, start + _DAY)
        minutes = QUARTER // 60
        return {metric: [rate for rate in per_quarter for _ in range(minutes)]}
