"""The metric behind each seeded alarm: deterministic values that agree with the alarm's story.

A story (`Step`s) becomes a `Timeline`: the state transitions at period boundaries plus a few
seconds (when CloudWatch would have evaluated), the intervals where the metric breached and
the intervals where it reported nothing. Values are a pure function of (seed, alarm, metric,
minute): the same seed gives the same numbers whatever the wall clock, and the reasons
written with SetAlarmState quote exactly the datapoints PutMetricData stores.

Per-minute values respect the per-period ranges of the alarm's `Signal`: for Sum each minute
gets its share of the period range, for the other statistics every minute stays inside the
range, so whatever the statistic aggregates, a healthy period is healthy and a breaching one
breaches.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from montui.demo.scenario.spec import ALARM, NO_DATA, OK, AlarmSpec, MetricId, Ratio, Signal, Step

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
Interval = tuple[datetime, datetime]


@dataclass(frozen=True, slots=True)
class Transition:
    """A state change the seed replays with SetAlarmState (`at` includes evaluation delay)."""

    state: str
    at: datetime
    previous: str
    boundary: datetime  # the end of the last period the evaluation looked at


@dataclass(frozen=True, slots=True)
class Timeline:
    """An alarm's transitions, and when its metric breached or was missing."""

    transitions: tuple[Transition, ...]
    breaching: tuple[Interval, ...]
    missing: tuple[Interval, ...]

    def is_breaching(self, moment: datetime) -> bool:
        """Whether the metric breached at `moment`."""
        return _inside(moment, self.breaching)

    def is_missing(self, moment: datetime) -> bool:
        """Whether the metric reported nothing at `moment`."""
        return _inside(moment, self.missing)


def _inside(moment: datetime, intervals: tuple[Interval, ...]) -> bool:
    # A plain loop, not any(): this runs for every stored datapoint and is twice as fast.
    for start, end in intervals:  # noqa: SIM110
        if start <= moment < end:
            return True
    return False


def floor_time(moment: datetime, seconds: int) -> datetime:
    """The period boundary at or before `moment` (periods count from the Unix epoch)."""
    elapsed = int((moment - EPOCH).total_seconds())
    return EPOCH + timedelta(seconds=elapsed - elapsed % seconds)


def unit_noise(*parts: object) -> float:
    """A deterministic number in [0, 1) for the given key (stable across processes)."""
    key = "|".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big") / 2.0**64


@lru_cache(maxsize=4096)
def _phase(key: str) -> float:
    return 2 * math.pi * unit_noise(key, "phase")


def build_timeline(spec: AlarmSpec, steps: tuple[Step, ...], now: datetime, seed: int) -> Timeline:
    """Place the story's steps on period boundaries and derive breach and gap intervals."""
    period = timedelta(seconds=spec.period)
    n, m = spec.evaluation_periods, spec.datapoints_to_alarm
    far = now + timedelta(days=1)
    transitions: list[Transition] = []
    for index, step in enumerate(steps):
        delay = timedelta(seconds=12 + int(40 * unit_noise(seed, spec.name, "delay", index)))
        boundary = floor_time(now - timedelta(minutes=step.minutes_ago), spec.period)
        at = min(boundary + delay, now)
        previous = transitions[-1].state if transitions else step.after
        transitions.append(Transition(step.state, at, previous, boundary))
    breaching: list[Interval] = []
    missing: list[Interval] = []
    for index, tr in enumerate(transitions):
        nxt = transitions[index + 1] if index + 1 < len(transitions) else None
        if tr.state == ALARM:
            start = tr.boundary - m * period
            if nxt is None:
                end = far
            elif nxt.state == OK:
                end = max(nxt.boundary - (n - m + 1) * period, start + period)
            else:
                end = nxt.boundary - n * period
            breaching.append((start, end))
        elif tr.state == NO_DATA:
            start = tr.boundary - n * period
            end = far if nxt is None else nxt.boundary - (n - m + 1) * period
            missing.append((start, max(start, end)))
        if index == 0 and tr.previous == ALARM and tr.state == OK:
            # The alarm was in ALARM before its recorded history: make those datapoints breach.
            breaching.append((tr.boundary - (n + 3) * period, tr.boundary - (n - m + 1) * period))
    return Timeline(tuple(transitions), tuple(breaching), tuple(missing))


def _minutes_per_period(spec: AlarmSpec) -> int:
    return max(1, spec.period // 60) if spec.period <= 3600 else 1


def step_seconds(spec: AlarmSpec) -> int:
    """The resolution data is stored at: one minute, or the period for daily-style alarms."""
    return 60 if spec.period <= 3600 else spec.period


def _shape(signal: Signal, breaching: bool, share: int, key: str, minute: int) -> float:
    """A smooth-ish value in the per-minute range: a slow wave plus noise.

    `share` splits a per-period range over that many minutes (Sum). For counts that leave no
    integer in the split range, breaching rounds up and healthy rounds down, so the period's
    sum still lands on the right side of the threshold.
    """
    low, high = signal.breach if breaching else signal.ok
    low, high = low / share, high / share
    if signal.integer:
        low_i, high_i = math.ceil(low), math.floor(high)
        if low_i > high_i:
            low_i = high_i = low_i if breaching else high_i
        low, high = float(low_i), float(high_i)
    phase = _phase(key)
    wave = 0.5 + 0.3 * math.sin(2 * math.pi * minute / 97.0 + phase)
    fraction = min(1.0, max(0.0, wave + 0.4 * (unit_noise(key, minute) - 0.5)))
    value = low + (high - low) * fraction
    if signal.integer:
        return float(min(high, max(low, round(value))))
    return round(value, signal.digits)


def minute_values(
    spec: AlarmSpec, timeline: Timeline, moment: datetime, seed: int
) -> dict[MetricId, float] | None:
    """Every metric's value for the step starting at `moment`, or None when missing."""
    if timeline.is_missing(moment):
        return None
    breaching = timeline.is_breaching(moment)
    index = int((moment - EPOCH).total_seconds()) // 60
    share = _minutes_per_period(spec) if spec.stat == "Sum" else 1
    metric = spec.metric
    if not isinstance(metric, Ratio):
        return {metric: _shape(spec.signal, breaching, share, f"{seed}|{spec.name}", index)}
    per_period = _minutes_per_period(spec)
    traffic = max(1.0, _shape(metric.traffic, False, per_period, f"{seed}|{spec.name}|d", index))
    percent = _shape(spec.signal, breaching, 1, f"{seed}|{spec.name}|n", index)
    rounding = math.ceil if breaching else math.floor
    errors = float(min(traffic, rounding(traffic * percent / 100.0)))
    return {metric.numerator: errors, metric.denominator: traffic}


def aggregate(stat: str, values: list[float]) -> float:
    """What CloudWatch's statistic makes of one period's values."""
    if stat == "Sum":
        return sum(values)
    if stat == "Average":
        return sum(values) / len(values)
    if stat == "Maximum":
        return max(values)
    if stat == "Minimum":
        return min(values)
    if stat == "SampleCount":
        return float(len(values))
    rank = float(stat[1:]) / 100.0  # pNN: nearest rank
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(rank * len(ordered)) - 1))]


@dataclass(frozen=True, slots=True)
class Datapoint:
    """One period's value of the alarm's statistic (or expression), as CloudWatch evaluates."""

    start: datetime
    value: float
    samples: int


def period_datapoint(
    spec: AlarmSpec, timeline: Timeline, start: datetime, seed: int
) -> Datapoint | None:
    """The alarm's datapoint for the period starting at `start`, None when no data."""
    step = timedelta(seconds=step_seconds(spec))
    rows = []
    moment = start
    for _ in range(_minutes_per_period(spec)):
        row = minute_values(spec, timeline, moment, seed)
        if row is not None:
            rows.append(row)
        moment += step
    if not rows:
        return None
    metric = spec.metric
    if isinstance(metric, Ratio):
        errors = sum(r[metric.numerator] for r in rows)
        traffic = sum(r[metric.denominator] for r in rows)
        return Datapoint(start, round(100.0 * errors / traffic, 6), len(rows))
    values = [r[metric] for r in rows]
    return Datapoint(start, round(aggregate(spec.stat, values), 6), len(rows))


def last_periods(
    spec: AlarmSpec, timeline: Timeline, boundary: datetime, seed: int
) -> list[tuple[datetime, Datapoint | None]]:
    """The EvaluationPeriods periods that end at `boundary`, oldest first."""
    period = timedelta(seconds=spec.period)
    starts = [boundary - (i + 1) * period for i in reversed(range(spec.evaluation_periods))]
    return [(s, period_datapoint(spec, timeline, s, seed)) for s in starts]
