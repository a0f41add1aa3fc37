"""A scripted `LogsInsights`: plans, log groups, query snapshots, saved queries."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Mapping, Sequence
from datetime import datetime

from montui.feeds.insights import LogsInsights
from montui.feeds.leftover_queries import LeftoverSweep
from montui.model.alarm import Alarm
from montui.model.drilldown import DrilldownPlan, DrilldownRule
from montui.model.evaluation import Episode
from montui.model.logs import QueryDefinition, QueryResult, QueryRun
from montui.model.observability import Observability, not_monitoring
from montui.model.place import Place


class FakeInsights:
    """A plan (or the error to raise) per alarm name; the log groups the picker lists
    (filtered by prefix); what each run_query yields (`query_delay` apart) or raises; the
    saved queries; the OAM state (`oam`). `started`/`stopped` count queries, `running` holds
    the runs not finished (emptied by stop_queries), `runs` every QueryRun asked for."""

    def __init__(self) -> None:
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
        self.oam: Observability | None = None
        """The cross-account state (None: not a monitoring account)."""

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
            raise KeyError(f"FakeInsights has no plan for {alarm.name}")
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

    async def stop_leftovers(self) -> LeftoverSweep:
        return LeftoverSweep()

    async def observability(self, region: str) -> Observability:
        if self.oam is not None:
            return self.oam
        return not_monitoring(Place("", region), f"OAM: not a monitoring account in {region}")


_check: LogsInsights = FakeInsights()
