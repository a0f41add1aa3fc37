"""Metric data as montui charts it: a time window and the series GetMetricData returned."""

from __future__ import annotations

from datetime import datetime, timedelta

from msgspec import Struct


class TimeWindow(Struct, frozen=True):
    """[start, end) in aware UTC datetimes."""

    start: datetime
    end: datetime

    @classmethod
    def ending(cls, end: datetime, length: timedelta) -> TimeWindow:
        """The window of `length` that ends at `end`."""
        return cls(end - length, end)

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    def shifted(self, delta: timedelta) -> TimeWindow:
        """The same length, moved by `delta` (negative: earlier)."""
        return TimeWindow(self.start + delta, self.end + delta)

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


class MetricSeries(Struct, frozen=True):
    """One GetMetricData result, oldest point first."""

    id: str
    label: str
    timestamps: tuple[datetime, ...] = ()
    values: tuple[float, ...] = ()
    status: str = "Complete"
    messages: tuple[str, ...] = ()
    account: str = ""
    """The account it came from ("" in hand-made data)."""
    region: str = ""
    """The region it came from ("" in hand-made data)."""

    def points(self) -> list[tuple[datetime, float]]:
        return list(zip(self.timestamps, self.values, strict=True))

    def is_empty(self) -> bool:
        return not self.values


def aligned_start(start: datetime, period: int) -> datetime:
    """`start` rounded down to a multiple of `period` seconds since the epoch.

    GetMetricData starts its periods at StartTime rounded only to the minute (within 15 days),
    so a window asked from an arbitrary minute gets 5-minute points off the epoch grid the
    evaluator keys points by (`model.evaluator`); asked from `aligned_start`, they are on it."""
    seconds = int(start.timestamp())
    return start - timedelta(seconds=seconds % period, microseconds=start.microsecond)
