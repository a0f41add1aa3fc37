"""SES sending reputation against the thresholds where AWS reviews and pauses an account.

AWS may put an account **under review** at a bounce rate of 5 % or more or a complaint rate of
0.1 % or more, and may **pause sending** at 10 % / 0.5 % (shared MONITORING.md; the SES
developer guide's "Sending review process FAQs"). The CloudWatch metrics `AWS/SES`
`Reputation.BounceRate` and `Reputation.ComplaintRate` are fractions (0.032 is 3.2 %).

A rate is in one of four bands, each with a symbol so it reads without colour:
`✔ ok`, `▲ near review` (at least `NEAR_FRACTION` of the review threshold: 2.5 % bounce,
0.05 % complaint, where AWS's advice to stay well below the threshold starts to bite),
`✖ over review` (at or above review: AWS says "5 % or greater") and `✖✖ over pause`.
A rate AWS has not published (no bounce or complaint yet) is "no data", never 0.

Pure: no I/O, no clock.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from enum import Enum

from msgspec import Struct

from montui.model.alarm import Alarm

NEAR_FRACTION = 0.5
"""A rate at or above this share of its review threshold is near review."""


class RateKind(Struct, frozen=True):
    """One of the two reputation rates: its metric, its thresholds and how it is printed."""

    name: str
    metric: str
    review: float
    pause: float
    decimals: int
    """Decimals of the percentage: 3.2 % bounce, 0.04 % complaint."""

    def percent(self, value: float) -> str:
        """`3.2 %` (a fraction 0.032 as a percentage, the kind's decimals)."""
        return f"{value * 100:.{self.decimals}f} %"

    def threshold_percent(self, value: float) -> str:
        """`5 %`, `0.1 %`: a threshold without trailing zeros."""
        return f"{_trim(value * 100)} %"

    @property
    def steady_points(self) -> float:
        """A change smaller than this (percentage points) rounds to 0 at the kind's
        decimals, and reads as 'steady'."""
        return float(0.5 * 10 ** (-self.decimals))


BOUNCE = RateKind("bounce", "Reputation.BounceRate", review=0.05, pause=0.10, decimals=1)
COMPLAINT = RateKind("complaint", "Reputation.ComplaintRate", review=0.001, pause=0.005, decimals=2)
RATE_KINDS = (BOUNCE, COMPLAINT)
NAMESPACE = "AWS/SES"


class Band(Enum):
    """Where a rate stands against its thresholds, most severe last."""

    OK = ("✔", "ok")
    NEAR = ("▲", "near review")
    REVIEW = ("✖", "over review")
    PAUSE = ("✖✖", "over pause")

    @property
    def symbol(self) -> str:
        return self.value[0]

    @property
    def words(self) -> str:
        return self.value[1]

    @property
    def rank(self) -> int:
        """0 (ok) to 3 (over pause)."""
        return list(Band).index(self)


def band(kind: RateKind, value: float) -> Band:
    """The band of `value` (a fraction): at a threshold counts as over it, as AWS counts."""
    if value >= kind.pause:
        return Band.PAUSE
    if value >= kind.review:
        return Band.REVIEW
    if value >= kind.review * NEAR_FRACTION:
        return Band.NEAR
    return Band.OK


def distance_words(kind: RateKind, value: float | None) -> str:
    """`bounce 3.2 % — 1.8 points below review at 5 %, 6.8 below pause at 10 %`.

    Over a threshold it says `over`; a value that only rounds onto a threshold says
    `just below` / `at`, so the words never contradict the band. None: `no data`.
    """
    if value is None or math.isnan(value):
        return f"{kind.name}: no data (AWS publishes the rate after the first {kind.name})"
    review = _gap(kind, value, kind.review, "review")
    pause = _gap(kind, value, kind.pause, "pause", short=True)
    return f"{kind.name} {kind.percent(value)} — {review}, {pause}"


def _gap(kind: RateKind, value: float, threshold: float, name: str, *, short: bool = False) -> str:
    points = (threshold - value) * 100
    shown = f"{abs(points):.{kind.decimals}f}"
    at = f"{name} at {kind.threshold_percent(threshold)}"
    unit = "" if short else " points"
    if value >= threshold:
        if float(shown) == 0:
            return f"at {at}"
        return f"{shown}{unit} over {at}"
    if float(shown) == 0:
        return f"just below {at}"
    return f"{shown}{unit} below {at}"


def _trim(number: float) -> str:
    text = f"{number:.3f}".rstrip("0").rstrip(".")
    return text or "0"


class Direction(Struct, frozen=True):
    """How a rate moved over a span: the change in percentage points, or None without a
    value that long ago."""

    span: timedelta
    points: float | None

    def words(self, kind: RateKind) -> str:
        """`↑ +0.9 points in 24 h`, `↓ -0.1 points in 7 d`, `→ steady in 24 h`,
        `no data 7 d ago`."""
        label = _span_label(self.span)
        if self.points is None:
            return f"no data {label} ago"
        if abs(self.points) < kind.steady_points:
            return f"→ steady in {label}"
        arrow = "↑" if self.points > 0 else "↓"
        return f"{arrow} {self.points:+.{kind.decimals}f} points in {label}"


def _span_label(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    if hours % 24 == 0 and hours >= 48:
        return f"{hours / 24:.0f} d"
    return f"{hours:.0f} h"


class RateHistory(Struct, frozen=True):
    """One rate's datapoints (GetMetricData, oldest first), as fractions."""

    kind: RateKind
    timestamps: tuple[datetime, ...] = ()
    values: tuple[float, ...] = ()
    period: int = 900
    """Seconds per datapoint the series was asked at."""

    @property
    def has_data(self) -> bool:
        return bool(self.values)

    @property
    def latest(self) -> float | None:
        """The newest value, or None when AWS published none (no data, not 0)."""
        return self.values[-1] if self.values else None

    @property
    def latest_at(self) -> datetime | None:
        return self.timestamps[-1] if self.timestamps else None

    @property
    def band(self) -> Band | None:
        latest = self.latest
        return None if latest is None else band(self.kind, latest)

    def value_at(self, moment: datetime, *, oldest: datetime | None = None) -> float | None:
        """The last value at or before `moment` (None before the first, or when that value
        is from before `oldest`: a week-old point is not the value of a day ago)."""
        found: float | None = None
        for stamp, value in zip(self.timestamps, self.values, strict=True):
            if stamp > moment:
                break
            found = value if oldest is None or stamp >= oldest else None
        return found

    def direction(self, span: timedelta) -> Direction:
        """The change from the value `span` before the newest point to the newest; that
        value may be up to half a span older (sparse points), no more."""
        latest, at = self.latest, self.latest_at
        if latest is None or at is None:
            return Direction(span, None)
        before = self.value_at(at - span, oldest=at - span * 1.5)
        if before is None:
            return Direction(span, None)
        return Direction(span, (latest - before) * 100)

    def directions(self) -> tuple[Direction, Direction]:
        """Over the last 24 h and the last 7 d."""
        return self.direction(timedelta(hours=24)), self.direction(timedelta(days=7))


def worst_band(histories: Sequence[RateHistory]) -> Band | None:
    """The most severe band among the rates with data (None: none has data)."""
    bands = [h.band for h in histories if h.band is not None]
    return max(bands, key=lambda b: b.rank) if bands else None


def watched_rate(alarm: Alarm) -> RateKind | None:
    """The reputation rate an alarm watches (namespace `AWS/SES` and the metric's name, as a
    single metric or among its metric-math inputs), else None."""
    refs = [alarm.metric] if alarm.metric is not None else []
    refs.extend(q.metric for q in alarm.metrics if q.metric is not None)
    for ref in refs:
        if ref.namespace != NAMESPACE:
            continue
        for kind in RATE_KINDS:
            if ref.name == kind.metric:
                return kind
    return None


def watches_ses(alarm: Alarm) -> bool:
    """Whether an alarm watches any `AWS/SES` metric (`enter` on the board opens the
    reputation pane for it)."""
    refs = [alarm.metric] if alarm.metric is not None else []
    refs.extend(q.metric for q in alarm.metrics if q.metric is not None)
    return any(ref.namespace == NAMESPACE for ref in refs)


def reputation_alarms(
    alarms: Iterable[Alarm], region: str, *, also: tuple[str, str, str] | None = None
) -> list[Alarm]:
    """The alarms of `region` watching a reputation rate, most urgent first, then by name;
    `also`: the (region, name) of one more alarm to list (the SES alarm the pane was opened
    from, whichever SES metric it watches)."""
    found = [
        a for a in alarms if a.region == region and (watched_rate(a) is not None or a.key == also)
    ]
    return sorted(found, key=lambda a: (a.state.rank, a.name))
