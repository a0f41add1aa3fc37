"""Aggregate functions of `stats`: one accumulator per group and aggregate.

- `count(*)` (or `count()`) counts events; `count(f)` counts events where `f` is present.
- `count_distinct(f)` is exact here (AWS approximates above high cardinality).
- `sum`, `avg`, `stddev` use the values that read as numbers and ignore the rest; `stddev`
  is the sample standard deviation (n - 1), 0 for a single value.
- `min`/`max` compare numbers as numbers; when no value is a number they compare text.
  They return the original value, so `max(@duration)` prints as `@duration` does.
- `pct(f, p)` is the nearest-rank percentile: the smallest value with at least p% of the
  values at or below it (`pct(f, 50)` of 1..10 is 5; `pct(f, 0)` is the minimum).
- `earliest(f)`/`latest(f)` return `f` from the event with the lowest/highest `@timestamp`
  among those where `f` is present. A timestamp comes back as epoch milliseconds, which is
  what AWS was observed to return for `earliest(@timestamp)`.
An aggregate over no values is missing, so its column is left out of the row.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from montui_world.insights.values import Timestamp, Value, compare, to_number

__all__ = ["AGGREGATE_ARITY", "Accumulator", "accumulator_factory", "count_star"]

AGGREGATE_ARITY: dict[str, tuple[int, int]] = {
    "count": (0, 1),
    "count_distinct": (1, 1),
    "sum": (1, 1),
    "avg": (1, 1),
    "min": (1, 1),
    "max": (1, 1),
    "stddev": (1, 1),
    "pct": (2, 2),
    "earliest": (1, 1),
    "latest": (1, 1),
}


class Accumulator:
    """Collects the values of one group for one aggregate."""

    __slots__ = ()

    def add(self, value: Value, timestamp: int) -> None:
        """Take one event's value (`timestamp` is its `@timestamp`, for earliest/latest)."""
        raise NotImplementedError

    def result(self) -> Value:
        """The aggregate of everything added, or None when there was nothing to aggregate."""
        raise NotImplementedError


class _Count(Accumulator):
    __slots__ = ("count", "star")

    def __init__(self, star: bool) -> None:
        self.star = star
        self.count = 0

    def add(self, value: Value, timestamp: int) -> None:
        if self.star or value is not None:
            self.count += 1

    def result(self) -> Value:
        return self.count


class _CountDistinct(Accumulator):
    __slots__ = ("seen",)

    def __init__(self) -> None:
        self.seen: set[Value] = set()

    def add(self, value: Value, timestamp: int) -> None:
        if value is not None:
            self.seen.add(value)

    def result(self) -> Value:
        return len(self.seen)


class _Moments(Accumulator):
    """Sum, mean and standard deviation from one pass (Welford's method)."""

    __slots__ = ("count", "kind", "mean", "spread", "total")

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.count = 0
        self.total: int | float = 0
        self.mean = 0.0
        self.spread = 0.0

    def add(self, value: Value, timestamp: int) -> None:
        number = to_number(value)
        if number is None:
            return
        self.count += 1
        self.total += number
        if self.kind == "stddev":
            delta = number - self.mean
            self.mean += delta / self.count
            self.spread += delta * (number - self.mean)

    def result(self) -> Value:
        if self.count == 0:
            return None
        if self.kind == "sum":
            return self.total
        if self.kind == "avg":
            return self.total / self.count
        return math.sqrt(self.spread / (self.count - 1)) if self.count > 1 else 0.0


class _Extreme(Accumulator):
    __slots__ = ("best_number", "best_text", "op")

    def __init__(self, greatest: bool) -> None:
        self.op = ">" if greatest else "<"
        self.best_number: Value = None
        self.best_text: Value = None

    def add(self, value: Value, timestamp: int) -> None:
        if value is None:
            return
        if to_number(value) is not None:
            if self.best_number is None or compare(self.op, value, self.best_number):
                self.best_number = value
        elif self.best_text is None or compare(self.op, value, self.best_text):
            self.best_text = value

    def result(self) -> Value:
        return self.best_number if self.best_number is not None else self.best_text


class _Percentile(Accumulator):
    __slots__ = ("percent", "values")

    def __init__(self, percent: float) -> None:
        self.percent = percent
        self.values: list[tuple[int | float, Value]] = []

    def add(self, value: Value, timestamp: int) -> None:
        number = to_number(value)
        if number is not None:
            self.values.append((number, value))

    def result(self) -> Value:
        if not self.values:
            return None
        ordered = sorted(self.values, key=lambda pair: pair[0])
        rank = max(1, math.ceil(self.percent / 100 * len(ordered)))
        return ordered[min(rank, len(ordered)) - 1][1]


class _Chronological(Accumulator):
    __slots__ = ("latest", "timestamp", "value")

    def __init__(self, latest: bool) -> None:
        self.latest = latest
        self.timestamp: int | None = None
        self.value: Value = None

    def add(self, value: Value, timestamp: int) -> None:
        if value is None:
            return
        if (
            self.timestamp is None
            or (self.latest and timestamp > self.timestamp)
            or (not self.latest and timestamp < self.timestamp)
        ):
            self.timestamp, self.value = timestamp, value

    def result(self) -> Value:
        return int(self.value) if isinstance(self.value, Timestamp) else self.value


def count_star() -> Accumulator:
    """A fresh `count(*)` accumulator (the engine recognises this factory to count faster)."""
    return _Count(True)


def accumulator_factory(name: str, star: bool, percent: float) -> Callable[[], Accumulator]:
    """A constructor of fresh accumulators for aggregate `name` (lower case)."""
    if name == "count":
        return count_star if star else (lambda: _Count(False))
    if name == "count_distinct":
        return _CountDistinct
    if name in ("sum", "avg", "stddev"):
        return lambda: _Moments(name)
    if name in ("min", "max"):
        return lambda: _Extreme(name == "max")
    if name == "pct":
        return lambda: _Percentile(percent)
    if name in ("earliest", "latest"):
        return lambda: _Chronological(name == "latest")
    raise KeyError(name)
