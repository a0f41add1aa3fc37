"""A scripted AlarmFeed for UI tests: alarms per region, failures on demand, no I/O."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta

from montui.model.account import Identity
from montui.model.alarm import Alarm, AlarmKind, AlarmState, MetricQuery, MetricRef
from montui.model.drilldown import DrilldownPlan, DrilldownRule
from montui.model.evaluation import Episode
from montui.model.history import HistoryItem, HistoryKind
from montui.model.logs import QueryDefinition, QueryResult, QueryRun
from montui.model.metrics import MetricSeries, TimeWindow
from montui.sources.errors import SourceError
from montui.ui.feed import Connection

NOW = datetime(2026, 11, 21, 3, 30, tzinfo=UTC)


def frozen_clock() -> datetime:
    return NOW


def make_alarm(
    name: str,
    state: AlarmState = AlarmState.OK,
    *,
    region: str = "ap-northeast-1",
    minutes_ago: float = 60,
    reason: str = "Threshold Crossed: no datapoints were breaching",
    namespace: str = "AWS/Lambda",
    metric: str = "Errors",
    dims: tuple[tuple[str, str], ...] = (("FunctionName", "contact-form"),),
    rule: str | None = None,
) -> Alarm:
    composite = rule is not None
    return Alarm(
        name=name,
        region=region,
        kind=AlarmKind.COMPOSITE if composite else AlarmKind.METRIC,
        state=state,
        state_updated=NOW - timedelta(minutes=minutes_ago),
        state_reason=reason,
        arn=f"arn:aws:cloudwatch:{region}:123456789012:alarm:{name}",
        metric=None if composite else MetricRef(namespace, metric, dims),
        statistic=None if composite else "Sum",
        period=None if composite else 60,
        evaluation_periods=None if composite else 5,
        datapoints_to_alarm=None if composite else 3,
        threshold=None if composite else 10.0,
        comparison=None if composite else "GreaterThanThreshold",
        alarm_rule=rule,
    )


class FakeFeed:
    """`alarms[region]` is returned by each poll; `fail[region]` (an exception) is raised
    instead while set. `polls` counts calls per region; `in_flight` tracks overlap."""

    def __init__(
        self,
        alarms: dict[str, list[Alarm]],
        *,
        profile: str | None = "prod",
        connect_error: Exception | None = None,
        delay: float = 0.0,
    ) -> None:
        self.data = alarms
        self.fail: dict[str, Exception] = {}
        self.polls: dict[str, int] = dict.fromkeys(alarms, 0)
        self.in_flight: dict[str, int] = dict.fromkeys(alarms, 0)
        self.max_in_flight = 0
        self.profile = profile
        self.connect_error = connect_error
        self.delay = delay
        self.closed = False
        self.on_poll: Callable[[str], None] | None = None
        # The detail screen: per-minute values by query id (a function of the minute's start),
        # history items by alarm name, and failures by region.
        self.series: dict[str, Callable[[datetime], float | None]] = {}
        self.history_items: dict[str, list[HistoryItem]] = {}
        self.metric_fail: dict[str, Exception] = {}
        self.metric_calls: list[tuple[str, tuple[MetricQuery, ...], TimeWindow]] = []
        # Logs Insights: a plan (or the error to raise) per alarm name; the log groups the
        # picker lists (filtered by prefix); what each run_query yields (`query_delay` apart)
        # or raises; the saved queries. `started`/`stopped` count queries, `running` holds
        # the runs not finished (emptied by stop_queries), `runs` every QueryRun asked for.
        self.plans: dict[str, DrilldownPlan | Exception] = {}
        self.plan_calls: list[tuple[str, tuple[str, ...]]] = []
        self.groups: list[str] = []
        self.query_script: list[QueryResult] | Exception = []
        self.query_delay = 0.01
        self.started = 0
        self.stopped = 0
        self.running: set[int] = set()
        self.runs: list[QueryRun] = []
        self.definitions: list[QueryDefinition] | Exception = []

    async def connect(self) -> Connection:
        if self.connect_error:
            raise self.connect_error
        return Connection(profile=self.profile, regions=tuple(self.data), endpoint=None)

    async def alarms(self, region: str) -> tuple[Alarm, ...]:
        self.polls[region] += 1
        self.in_flight[region] += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight[region])
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            if self.on_poll:
                self.on_poll(region)
            if region in self.fail:
                raise self.fail[region]
            return tuple(self.data[region])
        finally:
            self.in_flight[region] -= 1

    async def identity(self) -> Identity:
        return Identity("123456789012", "arn:aws:sts::123456789012:assumed-role/OnCall/me", "X")

    async def metric_data(
        self, region: str, queries: tuple[MetricQuery, ...], window: TimeWindow
    ) -> tuple[MetricSeries, ...]:
        self.metric_calls.append((region, queries, window))
        if region in self.metric_fail:
            raise self.metric_fail[region]
        result = []
        for query in queries:
            value_at = self.series.get(query.id)
            if value_at is None:
                continue
            period = timedelta(seconds=query.period or 60)
            moment = window.start - timedelta(seconds=window.start.timestamp() % period.seconds)
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

    async def history(
        self, alarm: Alarm, start: datetime, end: datetime
    ) -> tuple[HistoryItem, ...]:
        items = self.history_items.get(alarm.name, [])
        return tuple(i for i in items if start <= i.timestamp < end)

    async def drilldown_plan(
        self,
        alarm: Alarm,
        *,
        children: Mapping[str, Alarm],
        episode: Episode | None,
        rules: Sequence[DrilldownRule],
        now: datetime,
    ) -> DrilldownPlan:
        self.plan_calls.append((alarm.name, tuple(children)))
        plan = self.plans.get(alarm.name)
        if plan is None:
            raise KeyError(f"FakeFeed has no plan for {alarm.name}")
        if isinstance(plan, Exception):
            raise plan
        return plan

    async def log_groups(
        self, region: str, prefix: str = "", *, limit: int = 1000
    ) -> tuple[str, ...]:
        return tuple(g for g in self.groups if g.startswith(prefix))[:limit]

    async def run_query(self, region: str, run: QueryRun) -> AsyncGenerator[QueryResult, None]:
        self.runs.append(run)
        if isinstance(self.query_script, Exception):
            raise self.query_script
        number = self.started
        self.started += 1
        self.running.add(number)
        try:
            for snapshot in self.query_script:
                await asyncio.sleep(self.query_delay)
                if number not in self.running:  # stopped by stop_queries
                    return
                yield snapshot
        finally:
            self.running.discard(number)

    async def stop_queries(self) -> int:
        count = len(self.running)
        self.stopped += count
        self.running.clear()
        return count

    async def query_definitions(self, region: str) -> tuple[QueryDefinition, ...]:
        if isinstance(self.definitions, Exception):
            raise self.definitions
        return tuple(self.definitions)

    async def close(self) -> None:
        await self.stop_queries()
        self.closed = True


def state_change(
    alarm: str, minutes_ago: float, old: AlarmState, new: AlarmState, reason: str = ""
) -> HistoryItem:
    """A StateUpdate history item `minutes_ago` before NOW."""
    return HistoryItem(
        alarm=alarm,
        timestamp=NOW - timedelta(minutes=minutes_ago),
        kind=HistoryKind.STATE,
        summary=f"Alarm updated from {old.value} to {new.value}",
        old_state=old,
        new_state=new,
        reason=reason or f"Threshold Crossed: moved to {new.value}",
    )


def region_error(message: str = "cannot reach monitoring.us-east-1.amazonaws.com") -> SourceError:
    return SourceError(message, "check the network or VPN; montui retries by itself")
