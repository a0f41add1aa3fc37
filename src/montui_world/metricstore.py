"""The local world's CloudWatch metric store: compact sorted columns, range queries by bisect.

One `Series` per (namespace, metric name, set of dimensions), per (account, region). A series
keeps its datapoints sorted by time in parallel `array` columns: epoch seconds (`q`) and values
(`d`), 16 bytes a datapoint. Statistic sets (PutMetricData `StatisticValues`) and value/count
pairs (`Values` + `Counts`) add sample-count, minimum and maximum columns to that series only,
the first time one arrives. Units take no space until a series sees a second unit.

Aggregation follows CloudWatch's statistics (SampleCount, Sum, Average, Minimum, Maximum and
percentiles `pNN` / `pNN.N`) over periods counted from an origin (the Unix epoch for alarms, the
rounded StartTime for GetMetricData). Percentiles are nearest-rank over the raw samples; as AWS
documents, they are unavailable for a period holding a statistic set of more than one distinct
value (SampleCount > 1 and Minimum != Maximum) or a negative value.

Pure: no moto, no I/O. `montui_world.ext.metrics` serves it over the CloudWatch API.
"""

from __future__ import annotations

import itertools
import math
import operator
import re
import threading
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

DEFAULT_ACCOUNT = "123456789012"
NO_UNIT = "None"
BASIC_STATS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")
_PERCENTILE = re.compile(r"^[pP](\d{1,2}(?:\.\d{1,10})?|100)$")

Dimensions = frozenset[tuple[str, str]]
SeriesKey = tuple[str, str, Dimensions]  # namespace, metric name, dimensions
Bucket = tuple[int, int, int]  # period start (epoch seconds), first index, end index


def percentile_of(stat: str) -> float | None:
    """The percentile a `pNN` statistic asks for (`p99.9` -> 99.9), or None if not one."""
    match = _PERCENTILE.match(stat)
    if match is None:
        return None
    value = float(match.group(1))
    return value if 0 <= value <= 100 else None


def is_statistic(stat: str) -> bool:
    """Whether the store can compute `stat` (a basic statistic or a percentile)."""
    return stat in BASIC_STATS or percentile_of(stat) is not None


def epoch_seconds(moment: datetime) -> int:
    """Whole seconds since the epoch; naive datetimes are read as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return math.floor(moment.timestamp())


@dataclass(frozen=True, slots=True)
class Aggregate:
    """The statistics of one period of one series (`unit`: the datapoints' unit)."""

    sample_count: float
    total: float
    minimum: float
    maximum: float
    unit: str
    samples: tuple[tuple[float, float], ...] | None  # (value, weight) sorted; None: unavailable

    def value(self, stat: str) -> float | None:
        """The value of `stat` (None when a percentile is unavailable for this period)."""
        if stat == "SampleCount":
            return self.sample_count
        if stat == "Sum":
            return self.total
        if stat == "Average":
            return self.total / self.sample_count
        if stat == "Minimum":
            return self.minimum
        if stat == "Maximum":
            return self.maximum
        level = percentile_of(stat)
        if level is None or self.samples is None:
            return None
        return _weighted_rank(self.samples, level)


def _nearest_rank(ordered: Sequence[float], level: float) -> float:
    rank = max(1, math.ceil(level / 100.0 * len(ordered) - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def _average(values: Sequence[float]) -> float:
    return sum(values) / len(values)


_REDUCERS: dict[str, Callable[[Sequence[float]], float]] = {
    "Sum": sum,
    "Average": _average,
    "Minimum": min,
    "Maximum": max,
    "SampleCount": lambda values: float(len(values)),
}


def _weighted_rank(samples: Sequence[tuple[float, float]], level: float) -> float:
    total = sum(weight for _, weight in samples)
    wanted = max(level / 100.0 * total - 1e-9, 0.0)
    seen = 0.0
    for value, weight in samples:
        seen += weight
        if seen >= wanted and seen > 0:
            return value
    return samples[-1][0]


class Series:
    """One metric's datapoints, sorted by time, in parallel columns (see the module doc)."""

    __slots__ = ("counts", "maxs", "mins", "times", "unit_codes", "unit_names", "values")

    def __init__(self) -> None:
        self.times = array("q")
        self.values = array("d")  # the value; for statistic sets and counted values, the Sum
        self.counts: array[float] | None = None
        self.mins: array[float] | None = None
        self.maxs: array[float] | None = None
        self.unit_names: list[str] = []
        self.unit_codes: array[int] | None = None

    def __len__(self) -> int:
        return len(self.times)

    @property
    def last_time(self) -> int | None:
        """Epoch seconds of the newest datapoint."""
        return self.times[-1] if self.times else None

    def _unit_code(self, unit: str) -> int:
        if not self.unit_names:
            self.unit_names.append(unit)
        if unit == self.unit_names[0] and self.unit_codes is None:
            return 0
        if unit not in self.unit_names:
            self.unit_names.append(unit)
        if self.unit_codes is None:
            self.unit_codes = array("B", bytes(len(self.times)))
        return self.unit_names.index(unit)

    def _widen(self) -> None:
        if self.counts is None:
            self.counts = array("d", [1.0]) * len(self.values)
            self.mins = array("d", self.values)
            self.maxs = array("d", self.values)

    def add(
        self, time: int, total: float, unit: str, stats: tuple[float, float, float] | None = None
    ) -> None:
        """One datapoint: a value, or (with `stats` = sample count, min, max) a statistic set
        whose sum is `total`."""
        code = self._unit_code(unit)
        if stats is not None and (stats[0] != 1.0 or stats[1] != total or stats[2] != total):
            self._widen()
        at = len(self.times)
        if at and self.times[-1] > time:
            at = bisect_right(self.times, time)
        count, low, high = stats if stats is not None else (1.0, total, total)
        self.times.insert(at, time)
        self.values.insert(at, total)
        if self.counts is not None and self.mins is not None and self.maxs is not None:
            self.counts.insert(at, count)
            self.mins.insert(at, low)
            self.maxs.insert(at, high)
        if self.unit_codes is not None:
            self.unit_codes.insert(at, code)

    def extend(self, times: Sequence[int], values: Sequence[float], unit: str) -> None:
        """Many plain values at once; fast when they come after what is stored, in order."""
        if not times:
            return
        code = self._unit_code(unit)
        ordered = all(map(operator.le, times, itertools.islice(times, 1, None)))
        if ordered and (not self.times or self.times[-1] <= times[0]):
            added = array("d", values)
            self.times.extend(array("q", times))
            self.values.extend(added)
            if self.counts is not None and self.mins is not None and self.maxs is not None:
                self.counts.extend(array("d", [1.0]) * len(added))
                self.mins.extend(added)
                self.maxs.extend(added)
            if self.unit_codes is not None:
                self.unit_codes.extend(array("B", [code]) * len(times))
            return
        for time, value in zip(times, values, strict=True):
            self.add(time, value, unit)

    def buckets(self, origin: int, period: int, start: int, end: int) -> Iterator[Bucket]:
        """The non-empty periods (origin + k * period) holding datapoints in [start, end)."""
        times = self.times
        lo = bisect_left(times, start)
        stop = bisect_left(times, end, lo)
        while lo < stop:
            begin = origin + (times[lo] - origin) // period * period
            hi = bisect_left(times, begin + period, lo, stop)
            yield begin, lo, hi
            lo = hi

    def aggregate(
        self, lo: int, hi: int, unit: str | None = None, *, percentiles: bool = True
    ) -> Aggregate | None:
        """The statistics of datapoints [lo, hi), only those in `unit` if given (None when
        none is)."""
        rows: Sequence[int] | range = range(lo, hi)
        if unit is not None and self.unit_codes is not None:
            code = self.unit_names.index(unit) if unit in self.unit_names else -1
            codes = self.unit_codes
            rows = [i for i in rows if codes[i] == code]
        elif unit is not None and unit != self.unit_names[0]:
            rows = ()
        if not rows:
            return None
        if unit is None:
            unit = self.unit_names[self.unit_codes[lo] if self.unit_codes else 0]

        def pick(column: array[float]) -> Sequence[float]:
            return column[lo:hi] if isinstance(rows, range) else [column[i] for i in rows]

        values = pick(self.values)
        if self.counts is None or self.mins is None or self.maxs is None:
            low, high = min(values), max(values)
            ordered = sorted(values) if percentiles and low >= 0 else None
            samples = tuple((v, 1.0) for v in ordered) if ordered is not None else None
            return Aggregate(float(len(values)), sum(values), low, high, unit, samples)
        counts, mins, maxs = pick(self.counts), pick(self.mins), pick(self.maxs)
        low, high = min(mins), max(maxs)
        exact = all(c == 1.0 or a == b for c, a, b in zip(counts, mins, maxs, strict=True))
        samples = None
        if percentiles and exact and low >= 0:
            samples = tuple(sorted(zip(mins, counts, strict=True)))
        return Aggregate(sum(counts), sum(values), low, high, unit, samples)

    def per_period(
        self, origin: int, period: int, start: int, end: int, stat: str, unit: str | None = None
    ) -> list[tuple[int, float]]:
        """(period start, `stat`) for every period with data in [start, end), ascending;
        periods without a value for `stat` (see `Aggregate.value`) are left out."""
        if unit is not None or self.counts is not None:
            found = []
            for begin, lo, hi in self.buckets(origin, period, start, end):
                aggregate = self.aggregate(lo, hi, unit, percentiles=stat not in BASIC_STATS)
                value = None if aggregate is None else aggregate.value(stat)
                if value is not None:
                    found.append((begin, value))
            return found
        # The common case, plain values in any unit: one pass, grouped by period.
        lo = bisect_left(self.times, start)
        hi = bisect_left(self.times, end, lo)
        groups: dict[int, list[float]] = {}
        for t, v in zip(self.times[lo:hi], self.values[lo:hi], strict=True):
            begin = t - (t - origin) % period
            group = groups.get(begin)
            if group is None:
                groups[begin] = [v]
            else:
                group.append(v)
        reduce = _REDUCERS.get(stat)
        if reduce is not None:
            return [(begin, reduce(values)) for begin, values in groups.items()]
        level = percentile_of(stat)
        ranked = ((begin, sorted(values)) for begin, values in groups.items())
        return [
            (begin, _nearest_rank(ordered, level))
            for begin, ordered in ranked
            if level is not None and ordered[0] >= 0
        ]


class MetricStore:
    """Every series of every (account, region), behind one lock (moto's server is threaded)."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._regions: dict[tuple[str, str], dict[SeriesKey, Series]] = {}

    @property
    def lock(self) -> threading.RLock:
        """Held while reading series so that writers wait."""
        return self._lock

    def region(self, region: str, account: str = DEFAULT_ACCOUNT) -> dict[SeriesKey, Series]:
        """The series of one region (created empty on first use)."""
        with self._lock:
            found = self._regions.get((account, region))
            if found is None:
                found = self._regions[(account, region)] = {}
            return found

    def series(
        self,
        region: str,
        namespace: str,
        metric: str,
        dimensions: Mapping[str, str],
        account: str = DEFAULT_ACCOUNT,
    ) -> Series | None:
        """The series with exactly these dimensions (in any order), or None."""
        key = (namespace, metric, frozenset(dimensions.items()))
        return self.region(region, account).get(key)

    def _series_for_write(
        self, region: str, key: SeriesKey, account: str
    ) -> Series:  # caller holds the lock
        series_map = self.region(region, account)
        found = series_map.get(key)
        if found is None:
            found = series_map[key] = Series()
        return found

    def put(
        self,
        region: str,
        namespace: str,
        metric: str,
        dimensions: Mapping[str, str],
        timestamp: datetime | int,
        value: float,
        *,
        stats: tuple[float, float, float] | None = None,
        unit: str | None = None,
        account: str = DEFAULT_ACCOUNT,
    ) -> None:
        """One datapoint (`stats` = sample count, minimum, maximum for a statistic set, then
        `value` is its sum)."""
        time = timestamp if isinstance(timestamp, int) else epoch_seconds(timestamp)
        key = (namespace, metric, frozenset(dimensions.items()))
        with self._lock:
            self._series_for_write(region, key, account).add(time, value, unit or NO_UNIT, stats)

    def put_series(
        self,
        region: str,
        namespace: str,
        metric: str,
        dimensions: Mapping[str, str],
        timestamps: Sequence[int] | Sequence[datetime],
        values: Sequence[float],
        *,
        unit: str | None = None,
        account: str = DEFAULT_ACCOUNT,
    ) -> int:
        """Bulk write without the HTTP round trip (backfills): `timestamps` as epoch seconds or
        datetimes, one value each. Returns how many datapoints were written."""
        if len(timestamps) != len(values):
            raise ValueError("timestamps and values differ in length")
        times: array[int]
        try:
            times = array("q", cast("Sequence[int]", timestamps))
        except TypeError:
            times = array("q", [epoch_seconds(cast(datetime, t)) for t in timestamps])
        key = (namespace, metric, frozenset(dimensions.items()))
        with self._lock:
            self._series_for_write(region, key, account).extend(times, values, unit or NO_UNIT)
        return len(times)

    def keys(self, region: str, account: str = DEFAULT_ACCOUNT) -> list[SeriesKey]:
        """Every series key of a region, sorted (namespace, name, dimensions)."""
        with self._lock:
            found = list(self._regions.get((account, region), {}))
        return sorted(found, key=lambda k: (k[0], k[1], sorted(k[2])))

    def drop(self, account: str, region: str) -> None:
        """Forget one region's series."""
        with self._lock:
            self._regions.pop((account, region), None)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._regions.clear()

    def datapoint_count(self) -> int:
        """How many datapoints the store holds in all."""
        with self._lock:
            return sum(len(s) for region in self._regions.values() for s in region.values())


STORE = MetricStore()
"""The world's one metric store (`montui_world.ext.metrics` re-exports it)."""
