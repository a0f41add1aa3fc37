"""CloudWatch Logs Insights: the drill-down plan, log groups, queries, saved queries.

`AwsLogsInsights` remembers every query id it started until the query has finished, so that
`stop_queries` (and the session's close) leave no query running on AWS, even one whose
results generator was abandoned. While a query runs it is also kept on disk
(`montui.running_queries`), so that the next montui stops what a SIGKILL left running
(`stop_leftovers`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, Mapping, Sequence
from contextlib import aclosing
from datetime import datetime
from typing import Protocol

from montui.feeds.leftover_queries import LeftoverSweep, stop_leftover_queries
from montui.feeds.observability import AwsObservability, CrossAccount
from montui.feeds.session import AwsSession
from montui.model.alarm import Alarm
from montui.model.drilldown import DrilldownPlan, DrilldownRule
from montui.model.evaluation import Episode
from montui.model.logs import QueryDefinition, QueryResult, QueryRun
from montui.model.observability import Observability, label_rows, spans_accounts, with_log_field
from montui.model.place import Place
from montui.model.records import replace
from montui.running_queries import RunningQueries

log = logging.getLogger(__name__)


class LogsInsights(Protocol):
    """What the drill-down and the query workbench read from CloudWatch Logs."""

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
        so that `stop_queries` can stop the ones still running."""
        ...

    async def stop_queries(self) -> int:
        """StopQuery for every query started here that is still running; how many."""
        ...

    async def query_definitions(self, region: str) -> tuple[QueryDefinition, ...]:
        """The account's saved queries (DescribeQueryDefinitions), read-only."""
        ...

    async def stop_leftovers(self) -> LeftoverSweep:
        """Once connected: StopQuery for the queries an earlier, killed montui left running."""
        ...

    async def observability(self, region: str) -> Observability:
        """The base account's CloudWatch cross-account observability state in `region`: the
        linked accounts whose log groups `log_groups` lists (by ARN), and why none."""
        ...


class AwsLogsInsights:
    """Logs Insights (sources.logs, sources.drilldown) through the session's clients; its
    running queries are stopped when the session closes."""

    def __init__(
        self,
        session: AwsSession,
        ledger: RunningQueries | None = None,
        *,
        oam: CrossAccount | None = None,
        aliases: Mapping[str, str] | None = None,
    ) -> None:
        """`ledger`: where running queries are kept on disk (None: nowhere); `oam`: the
        cross-account state (None: the session's own); `aliases`: account id → alias from
        montui's config, preferred to OAM's link labels when rows are labelled."""
        self.session = session
        self.ledger = ledger
        self.oam: CrossAccount = oam or AwsObservability(session)
        self.aliases: Mapping[str, str] = aliases or {}
        self._running: dict[str, Place] = {}
        """Queries started by `run_query` and not finished: id → where."""
        session.on_close(self.stop_queries)

    def _keep(self, query_id: str, place: Place) -> None:
        self._running[query_id] = place
        if self.ledger is not None:
            target = self.session.target
            try:
                self.ledger.add(
                    query_id, place.region, place.account, target.endpoint_url, target.profile
                )
            except OSError as exc:
                log.warning("could not record running query %s: %s", query_id, exc)

    def _forget(self, query_id: str) -> None:
        self._running.pop(query_id, None)
        if self.ledger is not None:
            with contextlib.suppress(OSError):
                self.ledger.remove(query_id)

    async def drilldown_plan(
        self,
        alarm: Alarm,
        *,
        children: Mapping[str, Alarm],
        episode: Episode | None,
        rules: Sequence[DrilldownRule],
        now: datetime,
    ) -> DrilldownPlan:
        """sources.drilldown.gather_plan, where the alarm lives."""
        from montui.sources.drilldown import gather_plan

        return await gather_plan(
            self.session.clients, alarm, children=children, episode=episode, rules=rules, now=now
        )

    async def log_groups(
        self, region: str, prefix: str = "", *, limit: int = 1000
    ) -> tuple[str, ...]:
        """Log group names starting with `prefix`, at most `limit` (sources.logs); in a
        monitoring account whose linked accounts share log groups, theirs too (by ARN)."""
        from montui.sources.logs import log_groups

        place = await self.session.place(region)
        linked = bool((await self.oam.observability(region)).log_accounts())
        return await log_groups(
            self.session.clients, place, prefix, limit=limit, include_linked=linked
        )

    async def observability(self, region: str) -> Observability:
        """The cross-account state (`feeds.observability`), each linked account labelled
        with its alias when montui's config names it (else its link label)."""
        state = await self.oam.observability(region)
        if not self.aliases:
            return state
        linked = tuple(replace(a, label=self.aliases.get(a.account, a.label)) for a in state.linked)
        return replace(state, linked=linked)

    async def run_query(self, region: str, run: QueryRun) -> AsyncGenerator[QueryResult, None]:
        """sources.logs.run_query; the query id is in `_running` (and the ledger) from
        StartQuery until it runs no more on AWS: finished, or stopped when the generator was
        closed, failed or cancelled. One whose StopQuery failed stays, for `stop_queries`
        (the session's close) or the next start to stop."""
        from montui.sources.logs import run_query

        place = await self.session.place(region)
        query, labels = run.query, None
        if spans_accounts(run.groups, place.account):
            # Several accounts: each row says its account (`@log`, labelled), and the groups
            # go by ARN (sources.logs).
            query = with_log_field(run.query)
            labels = {**(await self.observability(region)).log_accounts(), **self.aliases}
        results = run_query(
            self.session.clients,
            place,
            query,
            run.groups,
            run.start,
            run.end,
            limit=run.limit,
            on_start=lambda query_id: self._keep(query_id, place),
            on_end=self._forget,
        )
        async with aclosing(results):
            async for snapshot in results:
                if labels is not None:
                    rows = label_rows(snapshot.rows, place.account, labels)
                    snapshot = replace(snapshot, rows=rows)
                yield snapshot

    async def stop_queries(self) -> int:
        """StopQuery for every query `run_query` started that has not finished,
        concurrently; failures are logged. Returns how many were stopped."""
        if not self._running:
            return 0
        from montui.sources.logs import stop_query

        clients = self.session.clients
        running, self._running = self._running, {}
        outcomes = await asyncio.gather(
            *(stop_query(clients, place, qid) for qid, place in running.items()),
            return_exceptions=True,
        )
        stopped = 0
        for query_id, outcome in zip(running, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                log.warning("could not stop query %s: %s", query_id, outcome)
                continue  # stays on disk: the next montui tries again
            self._forget(query_id)
            if outcome:
                stopped += 1
        return stopped

    async def stop_leftovers(self) -> LeftoverSweep:
        """Once the session is connected: the queries killed montuis left running, stopped
        (feeds.leftover_queries)."""
        if self.ledger is None:
            return LeftoverSweep()
        await self.session.wait_connected()
        account = (await self.session.identity()).account
        return await stop_leftover_queries(self.ledger, self.session.clients, account=account)

    async def query_definitions(self, region: str) -> tuple[QueryDefinition, ...]:
        """DescribeQueryDefinitions (sources.logs), read-only."""
        from montui.sources.logs import query_definitions

        place = await self.session.place(region)
        return await query_definitions(self.session.clients, place)
