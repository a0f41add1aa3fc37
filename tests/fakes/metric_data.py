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
            moment = window.start - timedelta(
                seconds=window.start.timestamp() % period.total_seconds()
            )
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
