"""The one place the UI meets the AWS source layer.

The board talks to an `AlarmFeed`. The real one (`AwsFeed`) imports aiobotocore and resolves
profile/regions in a thread, after the first frame is painted, and owns the long-lived
clients. Tests can hand the board any object with the same methods.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import AsyncGenerator, Mapping, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from montui.launch import AwsRequest, DemoWorld, WorldEndpoint, resolve
from montui.model.account import Identity
from montui.model.alarm import Alarm, AlarmKind, MetricQuery
from montui.model.drilldown import DrilldownPlan, DrilldownRule
from montui.model.evaluation import Episode
from montui.model.history import HistoryItem
from montui.model.logs import QueryDefinition, QueryResult, QueryRun
from montui.model.metrics import MetricSeries, TimeWindow

log = logging.getLogger(__name__)

CHART_MAX_DATAPOINTS = 100_800
"""GetMetricData's cap on datapoints per call: two weeks of one-minute points for 10 series."""


@dataclass(frozen=True, slots=True)
class Connection:
    """What the feed connected to: shown in the board's header."""

    profile: str | None
    regions: tuple[str, ...]
    endpoint: str | None
    demo: bool = False


class AlarmFeed(Protocol):
    """Where the board's alarms come from."""

    async def connect(self) -> Connection: ...
    async def alarms(self, region: str) -> tuple[Alarm, ...]: ...
    async def identity(self) -> Identity: ...
    async def metric_data(
        self, region: str, queries: tuple[MetricQuery, ...], window: TimeWindow
    ) -> tuple[MetricSeries, ...]: ...
    async def history(
        self, alarm: Alarm, start: datetime, end: datetime
    ) -> tuple[HistoryItem, ...]: ...
    async def close(self) -> None: ...

    # Logs Insights (the drill-down and the workbench)
    async def drilldown_plan(
        self,
        alarm: Alarm,
        *,
        children: Mapping[str, Alarm],
        episode: Episode | None,
        rules: Sequence[DrilldownRule],
        now: datetime,
    ) -> DrilldownPlan:
        """The plan for `alarm` (sources.drilldown.gather_plan): the facts it needs are
        fetched here (metric filters, REST API ids, log groups by prefix)."""
        ...

    async def log_groups(
        self, region: str, prefix: str = "", *, limit: int = 1000
    ) -> tuple[str, ...]:
        """Log group names starting with `prefix`, at most `limit`."""
        ...

    def run_query(self, region: str, run: QueryRun) -> AsyncGenerator[QueryResult, None]:
        """sources.logs.run_query, with every query id remembered until it has finished,
        so that `stop_queries` and `close` can stop the ones still running."""
        ...

    async def stop_queries(self) -> int:
        """StopQuery for every query this feed started that is still running; how many."""
        ...

    async def query_definitions(self, region: str) -> tuple[QueryDefinition, ...]:
        """The account's saved queries (DescribeQueryDefinitions), read-only."""
        ...


def _load_sources() -> None:
    """Import the AWS stack (about 0.3 s of module loading) off the event loop."""
    for name in (
        "aiobotocore.session",
        "montui.sources.session",
        "montui.sources.cloudwatch",
        "montui.sources.identity",
    ):
        importlib.import_module(name)


class AwsFeed:
    """Alarms from AWS (or from the local AWS world with `demo=True`)."""

    def __init__(self, request: AwsRequest, *, world: WorldEndpoint | None = None) -> None:
        """`world`: an already running local AWS world to use instead of starting one."""
        self.request = request
        self._shared_world = world
        self._world: DemoWorld | None = None
        self._clients: Any = None
        self._target: Any = None
        self._running: dict[str, str] = {}
        """Logs Insights queries started by `run_query` and not finished: id → region."""

    async def connect(self) -> Connection:
        world_info = self._shared_world
        if self.request.demo and world_info is None:
            self._world = DemoWorld()
            world_info = await self._world.start()
        await asyncio.to_thread(_load_sources)
        self._target = await asyncio.to_thread(resolve, self.request, world_info)
        from montui.sources.session import AwsClients

        self._clients = AwsClients(self._target)
        return Connection(
            profile=self._target.profile,
            regions=tuple(self._target.regions),
            endpoint=self._target.endpoint_url,
            demo=self.request.demo or world_info is not None,
        )

    async def alarms(self, region: str) -> tuple[Alarm, ...]:
        from montui.sources.cloudwatch import describe_alarms

        result: tuple[Alarm, ...] = await describe_alarms(self._clients, region)
        return result

    async def identity(self) -> Identity:
        from montui.sources.identity import caller_identity

        region = self._target.regions[0]
        result: Identity = await caller_identity(self._clients, region)
        return result

    async def metric_data(
        self, region: str, queries: tuple[MetricQuery, ...], window: TimeWindow
    ) -> tuple[MetricSeries, ...]:
        """GetMetricData for a chart or a back-test (sources.metrics)."""
        from montui.sources.metrics import get_metric_data

        result: tuple[MetricSeries, ...] = await get_metric_data(
            self._clients, region, queries, window, max_datapoints=CHART_MAX_DATAPOINTS
        )
        return result

    async def history(
        self, alarm: Alarm, start: datetime, end: datetime
    ) -> tuple[HistoryItem, ...]:
        """DescribeAlarmHistory for one alarm (sources.history)."""
        from montui.sources.history import alarm_history

        result: tuple[HistoryItem, ...] = await alarm_history(
            self._clients,
            alarm.region,
            alarm.name,
            composite=alarm.kind is AlarmKind.COMPOSITE,
            start=start,
            end=end,
        )
        return result

    async def drilldown_plan(
        self,
        alarm: Alarm,
        *,
        children: Mapping[str, Alarm],
        episode: Episode | None,
        rules: Sequence[DrilldownRule],
        now: datetime,
    ) -> DrilldownPlan:
        """sources.drilldown.gather_plan, in the alarm's region."""
        from montui.sources.drilldown import gather_plan

        plan: DrilldownPlan = await gather_plan(
            self._clients, alarm, children=children, episode=episode, rules=rules, now=now
        )
        return plan

    async def log_groups(
        self, region: str, prefix: str = "", *, limit: int = 1000
    ) -> tuple[str, ...]:
        """Log group names starting with `prefix`, at most `limit` (sources.logs)."""
        from montui.sources.logs import log_groups

        names: tuple[str, ...] = await log_groups(self._clients, region, prefix, limit=limit)
        return names

    async def run_query(self, region: str, run: QueryRun) -> AsyncGenerator[QueryResult, None]:
        """sources.logs.run_query; the query id is in `_running` from StartQuery until the
        generator ends (finished, closed, failed or cancelled)."""
        from montui.sources.logs import run_query

        started: list[str] = []

        def remember(query_id: str) -> None:
            started.append(query_id)
            self._running[query_id] = region

        results = run_query(
            self._clients,
            region,
            run.query,
            run.groups,
            run.start,
            run.end,
            limit=run.limit,
            on_start=remember,
        )
        try:
            async with aclosing(results):
                async for snapshot in results:
                    yield snapshot
        finally:
            for query_id in started:
                self._running.pop(query_id, None)

    async def stop_queries(self) -> int:
        """StopQuery for every query `run_query` started that has not finished,
        concurrently; failures are logged. Returns how many were stopped."""
        if not self._running or self._clients is None:
            return 0
        from montui.sources.logs import stop_query

        running, self._running = self._running, {}
        outcomes = await asyncio.gather(
            *(stop_query(self._clients, region, qid) for qid, region in running.items()),
            return_exceptions=True,
        )
        stopped = 0
        for query_id, outcome in zip(running, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                log.warning("could not stop query %s: %s", query_id, outcome)
            elif outcome:
                stopped += 1
        return stopped

    async def query_definitions(self, region: str) -> tuple[QueryDefinition, ...]:
        """DescribeQueryDefinitions (sources.logs), read-only."""
        from montui.sources.logs import query_definitions

        found: tuple[QueryDefinition, ...] = await query_definitions(self._clients, region)
        return found

    async def close(self) -> None:
        """Stop the queries still running, then close the clients and the world."""
        await self.stop_queries()
        if self._clients is not None:
            await self._clients.close()
            self._clients = None
        if self._world is not None:
            await self._world.stop()
            self._world = None
