"""Metric datapoints (CloudWatch GetMetricData): charts, the back-test, the sparklines."""

from __future__ import annotations

from typing import Protocol

from montui.feeds.session import AwsSession
from montui.model.alarm import MetricQuery
from montui.model.metrics import MetricSeries, TimeWindow

CHART_MAX_DATAPOINTS = 100_800
"""GetMetricData's cap on datapoints per call: two weeks of one-minute points for 10 series."""


class MetricData(Protocol):
    """Series for metric queries over a time window, in one region."""

    async def metric_data(
        self, region: str, queries: tuple[MetricQuery, ...], window: TimeWindow
    ) -> tuple[MetricSeries, ...]: ...


class AwsMetricData:
    """GetMetricData (sources.metrics) through the session's clients."""

    def __init__(self, session: AwsSession) -> None:
        self.session = session

    async def metric_data(
        self, region: str, queries: tuple[MetricQuery, ...], window: TimeWindow
    ) -> tuple[MetricSeries, ...]:
        from montui.sources.metrics import get_metric_data

        place = await self.session.place(region)
        return await get_metric_data(
            self.session.clients, place, queries, window, max_datapoints=CHART_MAX_DATAPOINTS
        )
