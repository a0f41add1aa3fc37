"""A scripted `MetricData`: per-minute values by query id, failures by region."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from montui.feeds.metric_data import MetricData
from montui.model.alarm import MetricQuery
from montui.model.metrics import MetricSeries, TimeWindow


class FakeMetricData:
    """`series[query id]` gives a value per period start (None: no point); `fail[region]`
    is raised while set; `calls` records every (region, queries, window) asked."""

    def __init__(self) -> None:
        self.series: dict[str, Callable[[datetime], float | None]] = {}
        self.fail: dict[str, Exception] = {}
        self.calls: list[tuple[str, tuple[MetricQuery, ...], TimeWindow]] = []

    async def metric_data(
        self, region: str, queries: tuple[MetricQuery, ...], window: TimeWindow
    ) -> tuple[MetricSeries, ...]:
        self.calls.append((region, queries, window))
        if region in self.fail:
            raise self.fail[region]
        result = []
        for query in queries:
            value_at = self.series.get(query.id)
            if value_at is None:
                continue
            period = timedelta(seconds=query.period or 60)
            moment = first_period(window, period)
            times: list[datetime] = []
            values: list[float] = []
            while moment < window.end:
                value = value_at(moment)
                if value is not None and moment >= window.start:
                    times.append(moment)
                    values.append(value)
                moment += period
            result.append(
                MetricSeries(query.id, query.label or query.id, tuple(times), tuple(values))
            )
        return tuple(result)


_check: MetricData = FakeMetricData()


def first_period(window: TimeWindow, period: timedelta) -> datetime:
    """Where GetMetricData's periods start, as AWS documents it: StartTime rounded down to the
    whole minute for data within 15 days (5 minutes within 63 days, else the hour; a 5, 10, 20
    or 30-second period to its own multiple), then every `period` from there: a 5-minute period
    asked from 03:07 starts at 03:07, not at 03:05. (The end of the window stands for now.)"""
    seconds = period.total_seconds()
    if seconds < 60:
        step = seconds if seconds in (5, 10, 20, 30) else 1
    else:
        age = (window.end - window.start).total_seconds()
        step = 60 if age < 15 * 86400 else 300 if age < 63 * 86400 else 3600
    start = window.start.replace(microsecond=0)
    return start - timedelta(seconds=start.timestamp() % step)
