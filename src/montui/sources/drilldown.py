"""The facts a drill-down plan needs, fetched from AWS, then the plan (`model.drilldown`).

`gather_plan` asks only what `plan_drilldown` will look at, in the alarm's region:

1. DescribeMetricFilters for each custom metric of the alarm (and of the children of a
   composite that are in ALARM), concurrently. `AWS/*` namespaces are skipped: a metric
   filter cannot publish into them;
2. GetRestApis, only when an `AWS/ApiGateway` metric names its API by `ApiName` without
   `ApiId` (REST APIs: the execution log group is named by id);
3. DescribeLogGroups for each lookup `log_group_lookups` names (prefixes, substrings),
   concurrently, at most `LOOKUP_CONCURRENCY` at a time and `LOOKUP_LIMIT` names each.

Steps 1 and 2 are optional: without the permission the plan is still made, and its
`reasons` say what was not checked. An error in step 3 is raised: without the log groups
there is no plan to show.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import TypeVar

from montui.model.alarm import Alarm, AlarmKind, AlarmState, MetricRef
from montui.model.composite_rule import RuleSyntaxError, parse_rule
from montui.model.composite_rule import children as rule_children
from montui.model.drilldown import (
    DrilldownPlan,
    DrilldownRule,
    LogGroupLookup,
    MetricFilterInfo,
    log_group_lookups,
    plan_drilldown,
)
from montui.model.evaluation import Episode
from montui.model.place import Place
from montui.sources.apigateway import rest_api_ids
from montui.sources.errors import AccessDenied
from montui.sources.logs import log_groups, metric_filters
from montui.sources.session import AwsClients

LOOKUP_CONCURRENCY = 4
"""DescribeLogGroups / DescribeMetricFilters calls in flight at once (both are throttled
at a few requests a second per account)."""
LOOKUP_LIMIT = 1000
"""Log group names read per lookup: a prefix or substring matching more is not a plan."""

NO_METRIC_FILTERS = "no logs:DescribeMetricFilters permission: metric filters not checked"
NO_REST_APIS = "no apigateway:GET permission: REST API ids not looked up (no execution logs)"

__all__ = ["LOOKUP_CONCURRENCY", "LOOKUP_LIMIT", "gather_plan", "metric_refs"]

_T = TypeVar("_T")


async def gather_plan(
    clients: AwsClients,
    alarm: Alarm,
    *,
    children: Mapping[str, Alarm],
    episode: Episode | None,
    rules: Sequence[DrilldownRule],
    now: datetime,
) -> DrilldownPlan:
    """The drill-down plan for `alarm` (see the module); `children` are the alarms a
    composite's rule names, by name. Raises a `SourceError` when log groups cannot be listed
    (or a lookup other than a denied optional one fails)."""
    place = alarm.place
    gate = asyncio.Semaphore(LOOKUP_CONCURRENCY)
    refs = metric_refs(alarm, children)
    notes: list[str] = []
    filters = await _metric_filters(clients, place, refs, gate, notes)
    api_ids: dict[str, str] = {}
    if _needs_rest_apis(refs):
        try:
            api_ids = await rest_api_ids(clients, place)
        except AccessDenied:
            notes.append(NO_REST_APIS)
    lookups = log_group_lookups(
        alarm, rules=rules, metric_filters=filters, children=children, api_ids=api_ids
    )
    found = await _all(_bounded(gate, _lookup(clients, place, lookup)) for lookup in lookups)
    existing = dict.fromkeys(name for names in found for name in names)
    plan = plan_drilldown(
        alarm,
        now=now,
        episode=episode,
        rules=rules,
        metric_filters=filters,
        existing_groups=existing,
        children=children,
        api_ids=api_ids,
    )
    reasons = (*plan.reasons, *notes)
    return dataclasses.replace(plan, reasons=reasons, account=place.account, region=place.region)


def metric_refs(alarm: Alarm, children: Mapping[str, Alarm]) -> tuple[MetricRef, ...]:
    """The metrics of `alarm` (each MetricStat of metric math too) or, for a composite, of
    its children in ALARM, nested composites followed; each metric once."""
    refs: dict[MetricRef, None] = {}
    _collect(alarm, children, refs, seen=set())
    return tuple(refs)


def _collect(
    alarm: Alarm, kids: Mapping[str, Alarm], refs: dict[MetricRef, None], seen: set[str]
) -> None:
    if alarm.name in seen:
        return
    seen.add(alarm.name)
    if alarm.kind is AlarmKind.COMPOSITE:
        try:
            names = rule_children(parse_rule(alarm.alarm_rule or ""))
        except RuleSyntaxError:
            return
        for name in names:
            child = kids.get(name)
            if child is not None and child.state is AlarmState.ALARM:
                _collect(child, kids, refs, seen)
        return
    if alarm.metric is not None:
        refs.setdefault(alarm.metric, None)
    for query in alarm.metrics:
        if query.metric is not None:
            refs.setdefault(query.metric, None)


def _needs_rest_apis(refs: Iterable[MetricRef]) -> bool:
    for ref in refs:
        dims = dict(ref.dimensions)
        if ref.namespace == "AWS/ApiGateway" and "ApiName" in dims and "ApiId" not in dims:
            return True
    return False


async def _metric_filters(
    clients: AwsClients,
    place: Place,
    refs: Iterable[MetricRef],
    gate: asyncio.Semaphore,
    notes: list[str],
) -> tuple[MetricFilterInfo, ...]:
    """The metric filters publishing any custom metric of `refs`; AccessDenied is a note."""
    wanted = dict.fromkeys(
        (r.namespace, r.name) for r in refs if not r.namespace.startswith("AWS/")
    )
    calls = (
        _bounded(gate, metric_filters(clients, place, namespace=ns, metric_name=name))
        for ns, name in wanted
    )
    try:
        found = await _all(calls)
    except AccessDenied:
        notes.append(NO_METRIC_FILTERS)
        return ()
    return tuple(info for infos in found for info in infos)


async def _lookup(clients: AwsClients, place: Place, lookup: LogGroupLookup) -> tuple[str, ...]:
    if lookup.pattern is not None:
        return await log_groups(clients, place, pattern=lookup.pattern, limit=LOOKUP_LIMIT)
    return await log_groups(clients, place, lookup.prefix or "", limit=LOOKUP_LIMIT)


async def _bounded(gate: asyncio.Semaphore, call: Awaitable[_T]) -> _T:
    async with gate:
        return await call


async def _all(calls: Iterable[Awaitable[_T]]) -> list[_T]:
    """Every call's result, run concurrently; the first failure (in call order) is raised
    once all have ended, so none is left running."""
    results = await asyncio.gather(*calls, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return [r for r in results if not isinstance(r, BaseException)]
