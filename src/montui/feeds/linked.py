"""An account's logs and metrics read through the monitoring account when its own session is
refused them: CloudWatch cross-account observability (OAM) as a fallback.

The rule montui follows (one `AwsSession` per account):

1. An account's logs and metrics are read through **its own session** (the `[[account]]`
   as configured): its own permissions, its own quotas, no dependency on a sink.
2. Only when that session is **refused** (AccessDenied: a role that may read alarms but not
   logs or metrics) and the base account is a monitoring account to which the account is
   linked **sharing that resource type** (`AWS::Logs::LogGroup`, `AWS::CloudWatch::Metric`),
   montui reads them from the base account instead: log groups by ARN (DescribeLogGroups
   `includeLinkedAccounts` + `accountIdentifiers`, StartQuery `logGroupIdentifiers`),
   metric queries with `AccountId`. Otherwise the refusal is shown as it was.
3. Alarms are never read through OAM (AWS does not share them): each account's own.

`LinkedLogsInsights` and `LinkedMetricData` wrap an account's own feeds with the base
account's; the composition root builds them for every account that is not the base one.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping, Sequence
from datetime import datetime

from montui.feeds.insights import AwsLogsInsights
from montui.feeds.leftover_queries import LeftoverSweep
from montui.feeds.metric_data import CHART_MAX_DATAPOINTS, AwsMetricData
from montui.model.alarm import Alarm, MetricQuery
from montui.model.drilldown import DrilldownPlan, DrilldownRule
from montui.model.evaluation import Episode
from montui.model.logs import QueryDefinition, QueryResult, QueryRun
from montui.model.metrics import MetricSeries, TimeWindow
from montui.model.observability import Observability, split_log_group
from montui.model.records import replace
from montui.sources.errors import AccessDenied

__all__ = ["LinkedLogsInsights", "LinkedMetricData"]


class LinkedLogsInsights:
    """An account's Logs Insights (`own`), falling back to the monitoring account's (`base`)
    through OAM when refused (see the module). A `LogsInsights`."""

    def __init__(self, own: AwsLogsInsights, base: AwsLogsInsights) -> None:
        self.own = own
        self.base = base

    async def _account(self, region: str) -> str:
        return (await self.own.session.place(region)).account

    async def _linked(self, region: str) -> bool:
        """Whether this account shares its log groups with the base account in `region`."""
        account = await self._account(region)
        return account in (await self.base.observability(region)).log_accounts()

    async def drilldown_plan(
        self,
        alarm: Alarm,
        *,
        children: Mapping[str, Alarm],
        episode: Episode | None,
        rules: Sequence[DrilldownRule],
        now: datetime,
    ) -> DrilldownPlan:
        """The own account's plan; refused, the plan read through OAM (groups by ARN)."""
        try:
            return await self.own.drilldown_plan(
                alarm, children=children, episode=episode, rules=rules, now=now
            )
        except AccessDenied:
            if not await self._linked(alarm.region):
                raise
        from montui.sources.drilldown import gather_plan

        await self.base.session.place(alarm.region)  # the base account's id is known
        return await gather_plan(
            self.base.session.clients,
            alarm,
            children=children,
            episode=episode,
            rules=rules,
            now=now,
            linked=True,
        )

    async def log_groups(
        self, region: str, prefix: str = "", *, limit: int = 1000
    ) -> tuple[str, ...]:
        """The own account's groups; refused, this account's groups through OAM (ARNs)."""
        try:
            return await self.own.log_groups(region, prefix, limit=limit)
        except AccessDenied:
            if not await self._linked(region):
                raise
        from montui.sources.logs import log_groups

        account = await self._account(region)
        place = await self.base.session.place(region)
        clients = self.base.session.clients
        return await log_groups(clients, place, prefix, limit=limit, accounts=(account,))

    async def run_query(self, region: str, run: QueryRun) -> AsyncGenerator[QueryResult, None]:
        """A run over this account's groups named by ARN (a plan or a pick made through OAM)
        goes through the base account; any other through the own account."""
        account = await self._account(region)
        through = any((split := split_log_group(g)) and split[0] == account for g in run.groups)
        feed = self.base if through else self.own
        results = feed.run_query(region, run)
        try:
            async for snapshot in results:
                yield snapshot
        finally:
            await results.aclose()

    async def stop_queries(self) -> int:
        """Both accounts' running queries."""
        return await self.own.stop_queries() + await self.base.stop_queries()

    async def query_definitions(self, region: str) -> tuple[QueryDefinition, ...]:
        """The own account's saved queries."""
        return await self.own.query_definitions(region)

    async def stop_leftovers(self) -> LeftoverSweep:
        """The own account's leftovers (the base account's feed sweeps its own)."""
        return await self.own.stop_leftovers()

    async def observability(self, region: str) -> Observability:
        """The base account's OAM state (whom it reads)."""
        return await self.base.observability(region)


class LinkedMetricData:
    """An account's GetMetricData (`own`), falling back to the monitoring account's (`base`)
    with `AccountId` on every query when refused (see the module). A `MetricData`."""

    def __init__(self, own: AwsMetricData, base: AwsMetricData, oam: AwsLogsInsights) -> None:
        """`oam`: where the base account's OAM state is read (its Logs Insights feed)."""
        self.own = own
        self.base = base
        self.oam = oam

    async def metric_data(
        self, region: str, queries: tuple[MetricQuery, ...], window: TimeWindow
    ) -> tuple[MetricSeries, ...]:
        """The own account's series; refused and linked for metrics, the base account's read
        of them (each series still carries this account)."""
        try:
            return await self.own.metric_data(region, queries, window)
        except AccessDenied:
            account = (await self.own.session.place(region)).account
            state = await self.oam.observability(region)
            if account not in state.metric_accounts():
                raise
        from montui.sources.metrics import get_metric_data

        place = await self.base.session.place(region)
        foreign = tuple(
            q if q.expression is not None or q.account_id else replace(q, account_id=account)
            for q in queries
        )
        found = await get_metric_data(
            self.base.session.clients, place, foreign, window, max_datapoints=CHART_MAX_DATAPOINTS
        )
        return tuple(replace(s, account=account) for s in found)
