"""The metric values behind the scenario's alarms: deterministic, fast, a day at a time.

Every alarmed metric gets a value per minute (per period for alarms of six hours or more):
its `Signal`'s healthy range, shaped by a daily pattern (busiest in the Japanese evening)
and noise, replaced by the breach range inside the timeline's breaching intervals and left
out inside its missing ones. Values are a pure function of (seed, alarm, metric, time): a
day's values come from a random generator seeded with those, so the backfill and the live
world write the same numbers for the same minute, whatever the wall clock.

Per-minute values respect the per-period ranges of the alarm's `Signal`: for Sum each minute
gets its share of the period range, for the other statistics every minute stays inside the
range, so whatever the statistic aggregates, a healthy period is healthy and a breaching one
breaches. A `Ratio` (error rate) alarm gets a traffic count per minute and an error count
that makes `100 * errors / traffic` land in the healthy or breaching percentage range.

Pure Python and about 0.1 µs a value: fourteen days of a hundred series take a few tenths of
a second.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from datetime import datetime

from montui_world.scenario.signals import Interval, Timeline, step_seconds
from montui_world.scenario.spec import AlarmSpec, MetricId, Ratio, Signal

DAY = 86400
Column = list[float | None]

_PATTERN: dict[int, list[float]] = {}


def _pattern(step: int) -> list[float]:
    """0.3 + 0.3 x a daily cosine peaking at 12:00 UTC (21:00 JST), one value per step."""
    found = _PATTERN.get(step)
    if found is None:
        found = [0.3 + 0.3 * math.cos(2 * math.pi * (t - 43200) / DAY) for t in range(0, DAY, step)]
        _PATTERN[step] = found
    return found


def _bounds(signal: Signal, breaching: bool, share: int) -> tuple[float, float]:
    """The per-step range; counts that leave no integer in a split range round up when
    breaching and down when healthy, so the period's sum lands on the right side."""
    low, high = signal.breach if breaching else signal.ok
    low, high = low / share, high / share
    if signal.integer:
        low_i, high_i = math.ceil(low), math.floor(high)
        if low_i > high_i:
            low_i = high_i = low_i if breaching else high_i
        return float(low_i), float(high_i)
    return low, high


def shaped_day(
    key: str, day: int, signal: Signal, breaching: bool, share: int, step: int
) -> list[float]:
    """One day of values in the signal's range (healthy or breaching) for the series `key`."""
    low, high = _bounds(signal, breaching, share)
    span = high - low
    draw = random.Random(f"{key}|{day}|{int(breaching)}").random
    floor = math.floor
    # The pattern lies in [0, 0.6] and the noise in [0, 0.4): no clamping needed. Each value
    # is base + noise, base being the pattern mapped onto the range (and the rounding scale).
    scale = 1.0 if signal.integer else 10.0**signal.digits
    noise = 0.4 * span * scale
    base = [(low + span * b) * scale + 0.5 for b in _pattern(step)]
    if signal.integer:
        return [floor(c + noise * draw()) for c in base]
    return [floor(c + noise * draw()) / scale for c in base]


def _minutes_per_period(spec: AlarmSpec) -> int:
    return max(1, spec.period // 60) if spec.period <= 3600 else 1


class AlarmSeries:
    """The values of one alarm's metrics, by day (epoch day number), cached."""

    def __init__(self, spec: AlarmSpec, timeline: Timeline, seed: int) -> None:
        self.spec, self.timeline, self.seed = spec, timeline, seed
        self.step = step_seconds(spec)
        self.key = f"{seed}|{spec.name}"
        self._days: dict[int, dict[MetricId, Column]] = {}
        self._gaps: dict[int, bool] = {}

    def metrics(self) -> tuple[MetricId, ...]:
        """The metrics written for this alarm."""
        return self.spec.metrics()

    def day(self, day: int) -> dict[MetricId, Column]:
        """Every metric's values over one UTC day, None where missing (cached; the
        cache keeps the three most recent days asked for)."""
        found = self._days.get(day)
        if found is None:
            found = self._compute(day)
            self._days[day] = found
            self._gaps[day] = bool(self._slots(day, self.timeline.missing))
            while len(self._days) > 3:
                oldest = min(self._days)
                del self._days[oldest], self._gaps[oldest]
        return found

    def _layer(self, day: int, make: Callable[[bool], list[float]]) -> list[float]:
        """Healthy values with the breaching intervals of the day laid over them."""
        values = make(False)
        breach: list[float] | None = None
        for first, last in self._slots(day, self.timeline.breaching):
            breach = breach or make(True)
            values[first:last] = breach[first:last]
        return values

    def _slots(self, day: int, intervals: tuple[Interval, ...]) -> list[tuple[int, int]]:
        """The [first, last) step indexes of the day inside any of `intervals`."""
        start = day * DAY
        count = DAY // self.step
        found = []
        for begin, end in intervals:
            first = math.ceil((begin.timestamp() - start) / self.step)
            last = math.ceil((end.timestamp() - start) / self.step)
            first, last = max(first, 0), min(last, count)
            if first < last:
                found.append((first, last))
        return found

    def _compute(self, day: int) -> dict[MetricId, Column]:
        spec, step = self.spec, self.step
        metric = spec.metric
        if isinstance(metric, Ratio):
            per = _minutes_per_period(spec)
            traffic = shaped_day(f"{self.key}|d", day, metric.traffic, False, per, step)
            percent = self._layer(
                day, lambda b: shaped_day(f"{self.key}|n", day, spec.signal, b, 1, step)
            )
            breaching: set[int] = set()
            for first, last in self._slots(day, self.timeline.breaching):
                breaching.update(range(first, last))
            calls = [max(1.0, t) for t in traffic]
            errors = [
                float(min(c, (math.ceil if i in breaching else math.floor)(c * p / 100.0)))
                for i, (c, p) in enumerate(zip(calls, percent, strict=True))
            ]
            columns: dict[MetricId, Column] = {
                metric.numerator: list(errors),
                metric.denominator: list(calls),
            }
        else:
            share = _minutes_per_period(spec) if spec.stat == "Sum" else 1
            values = self._layer(
                day, lambda b: shaped_day(self.key, day, spec.signal, b, share, step)
            )
            columns = {metric: list(values)}
        for first, last in self._slots(day, self.timeline.missing):
            for column in columns.values():
                column[first:last] = [None] * (last - first)
        return columns

    def between(self, start: int, end: int) -> dict[MetricId, tuple[list[int], list[float]]]:
        """(times, values) of each metric for the steps in [start, end) (epoch seconds)."""
        step = self.step
        first = -(-start // step) * step
        found: dict[MetricId, tuple[list[int], list[float]]] = {m: ([], []) for m in self.metrics()}
        moment = first
        while moment < end:
            day = moment // DAY
            stop = min(end, (day + 1) * DAY)
            lo, hi = (moment - day * DAY) // step, -(-(stop - day * DAY) // step)
            columns = self.day(day)
            base = day * DAY
            for metric, column in columns.items():
                times, values = found[metric]
                if not self._gaps[day]:
                    times.extend(range(base + lo * step, base + hi * step, step))
                    values.extend(column[lo:hi])  # type: ignore[arg-type]
                    continue
                for index in range(lo, hi):
                    value = column[index]
                    if value is not None:
                        times.append(base + index * step)
                        values.append(value)
            moment = (day + 1) * DAY
        return found


def epoch(moment: datetime) -> int:
    """Whole epoch seconds of an aware datetime."""
    return int(moment.timestamp())
