"""The facts a drill-down plan needs, fetched from AWS, then the plan (`model.drilldown`).

`gather_plan` asks only what `plan_drilldown` will look at, in the alarm's region:

0. for a composite and a given episode, DescribeAlarmHistory of each alarm under it from the
   episode's start to now (`sources.history`): the children in ALARM at some moment of the
   episode are the ones followed (`model.history.children_in_alarm`), not those in ALARM now;
1. DescribeMetricFilters for each custom metric of the alarm (and of the children of a
   composite that are followed), concurrently. `AWS/*` namespaces are skipped: a metric
   filter cannot publish into them;
2. GetRestApis, only when an `AWS/ApiGateway` metric names its API by `ApiName` without
   `ApiId` (REST APIs: the execution log group is named by id); DescribeDBInstances, only
   for `AWS/RDS` metrics by `DBInstanceIdentifier` (an Aurora instance logs under its
   cluster: `sources.rds`);
3. DescribeLogGroups for each lookup `log_group_lookups` names (prefixes, substrings),
   concurrently, at most `LOOKUP_CONCURRENCY` at a time and `LOOKUP_LIMIT` names each.

Steps 0 to 2 are optional: without the permission the plan is still made (step 0 falls back
to the children in ALARM now), and its `reasons` say what was not checked. An error in
step 3 is raised: without the log groups there is no plan to show.

`linked=True`: `clients` are a CloudWatch cross-account observability monitoring account's,
and the alarm's account a source account linked to it (its own session cannot read logs).
Steps 0 to 2 need the alarm's own account and are skipped (the reasons say so); step 3 lists
that account's groups from the monitoring account (`includeLinkedAccounts`,
`accountIdentifiers`), and the plan names them by ARN, as StartQuery needs them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Collection, Iterable, Mapping, Sequence
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
from montui.model.history import HistoryKind, children_in_alarm
from montui.model.observability import group_name, log_group_arn
from montui.model.place import Place
from montui.model.records import replace
from montui.sources.apigateway import rest_api_ids
from montui.sources.errors import AccessDenied
from montui.sources.history import alarm_history
from montui.sources.logs import log_groups, metric_filters
from montui.sources.rds import instance_clusters
from montui.sources.session import AwsClients

LOOKUP_CONCURRENCY = 4
"""DescribeLogGroups / DescribeMetricFilters calls in flight at once (both are throttled
at a few requests a second per account)."""
LOOKUP_LIMIT = 1000
"""Log group names read per lookup: a prefix or substring matching more is not a plan."""

NO_METRIC_FILTERS = "no logs:DescribeMetricFilters permission: metric filters not checked"
NO_REST_APIS = "no apigateway:GET permission: REST API ids not looked up (no execution logs)"
NO_RDS = "no rds:DescribeDBInstances permission: RDS instances not resolved to their clusters"
NO_HISTORY = (
    "no cloudwatch:DescribeAlarmHistory permission: the children in ALARM now are followed, "
    "not those of the episode"
)

__all__ = [
    "LOOKUP_CONCURRENCY",
    "LOOKUP_LIMIT",
    "NO_HISTORY",
    "NO_METRIC_FILTERS",
    "NO_RDS",
    "NO_REST_APIS",
    "gather_plan",
    "linked_note",
    "metric_refs",
]

_T = TypeVar("_T")


async def gather_plan(
    clients: AwsClients,
    alarm: Alarm,
    *,
    children: Mapping[str, Alarm],
    episode: Episode | None,
    rules: Sequence[DrilldownRule],
    now: datetime,
    linked: bool = False,
) -> DrilldownPlan:
    """The drill-down plan for `alarm` (see the module); `children` are the alarms a
    composite's rule names, by name. Raises a `SourceError` when log groups cannot be listed
    (or a lookup other than a denied optional one fails)."""
    if linked:
        return await _linked_plan(
            clients, alarm, children=children, episode=episode, rules=rules, now=now
        )
    place = alarm.place
    gate = asyncio.Semaphore(LOOKUP_CONCURRENCY)
    notes: list[str] = []
    firing = None
    if episode is not None and alarm.kind is AlarmKind.COMPOSITE:
        firing = await _firing(clients, children, episode, now, gate, notes)
    refs = metric_refs(alarm, children, firing)
    filters = await _metric_filters(clients, place, refs, gate, notes)
    api_ids: dict[str, str] = {}
    if _needs_rest_apis(refs):
        try:
            api_ids = await rest_api_ids(clients, place)
        except AccessDenied:
            notes.append(NO_REST_APIS)
    clusters: dict[str, str] = {}
    if instances := _rds_instances(refs):
        try:
            clusters = await instance_clusters(clients, place, instances)
        except AccessDenied:
            notes.append(NO_RDS)
    lookups = log_group_lookups(
        alarm,
        rules=rules,
        metric_filters=filters,
        children=children,
        api_ids=api_ids,
        firing=firing,
        rds_clusters=clusters,
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
        firing=firing,
        rds_clusters=clusters,
    )
    reasons = (*plan.reasons, *notes)
    return replace(plan, reasons=reasons, account=place.account, region=place.region)


async def _linked_plan(
    clients: AwsClients,
    alarm: Alarm,
    *,
    children: Mapping[str, Alarm],
    episode: Episode | None,
    rules: Sequence[DrilldownRule],
    now: datetime,
) -> DrilldownPlan:
    """The plan of a linked account's alarm, its log groups read through OAM from the
    monitoring account whose `clients` these are (see the module)."""
    base, account = Place(clients.account, alarm.region), alarm.place.account
    gate = asyncio.Semaphore(LOOKUP_CONCURRENCY)
    lookups = log_group_lookups(alarm, rules=rules, metric_filters=(), children=children)
    found = await _all(
        _bounded(gate, _lookup(clients, base, lookup, account=account)) for lookup in lookups
    )
    arns = {group_name(g): g for names in found for g in names}
    plan = plan_drilldown(
        alarm,
        now=now,
        episode=episode,
        rules=rules,
        metric_filters=(),
        existing_groups=dict.fromkeys(arns),
        children=children,
    )
    groups = tuple(arns.get(g) or log_group_arn(alarm.region, account, g) for g in plan.log_groups)
    reasons = (*plan.reasons, linked_note(account))
    return replace(plan, log_groups=groups, reasons=reasons, account=account, region=alarm.region)


def linked_note(account: str) -> str:
    """The reason a linked account's plan gives for what it could not check."""
    return (
        f"account {account} read through CloudWatch cross-account observability: its log "
        "groups only (metric filters, REST APIs, RDS clusters and alarm history not checked)"
    )


def metric_refs(
    alarm: Alarm, children: Mapping[str, Alarm], firing: Collection[str] | None = None
) -> tuple[MetricRef, ...]:
    """The metrics of `alarm` (each MetricStat of metric math too) or, for a composite, of
    its children in ALARM (now, or those named in `firing`), nested composites followed;
    each metric once."""
    refs: dict[MetricRef, None] = {}
    fired = None if firing is None else frozenset(firing)
    _collect(alarm, children, refs, seen=set(), fired=fired)
    return tuple(refs)


def _collect(
    alarm: Alarm,
    kids: Mapping[str, Alarm],
    refs: dict[MetricRef, None],
    seen: set[str],
    fired: frozenset[str] | None,
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
            if child is None:
                continue
            if (child.state is AlarmState.ALARM) if fired is None else (name in fired):
                _collect(child, kids, refs, seen, fired)
        return
    if alarm.metric is not None:
        refs.setdefault(alarm.metric, None)
    for query in alarm.metrics:
        if query.metric is not None:
            refs.setdefault(query.metric, None)


async def _firing(
    clients: AwsClients,
    children: Mapping[str, Alarm],
    episode: Episode,
    now: datetime,
    gate: asyncio.Semaphore,
    notes: list[str],
) -> frozenset[str] | None:
    """The alarms under a composite that were in ALARM at some moment of `episode`, from
    each one's state history since the episode's start; None (with a note) when the history
    is denied."""
    names = list(children)
    calls = (
        _bounded(
            gate,
            alarm_history(
                clients,
                children[name].place,
                name,
                composite=children[name].kind is AlarmKind.COMPOSITE,
                start=episode.start,
                end=now,
                kinds=(HistoryKind.STATE,),
            ),
        )
        for name in names
    )
    try:
        found = await _all(calls)
    except AccessDenied:
        notes.append(NO_HISTORY)
        return None
    current = {name: child.state for name, child in children.items()}
    return children_in_alarm(
        dict(zip(names, found, strict=True)), episode, current=current, now=now
    )


def _rds_instances(refs: Iterable[MetricRef]) -> tuple[str, ...]:
    """The RDS instance ids the metrics name (to resolve to their clusters)."""
    ids = (dict(r.dimensions).get("DBInstanceIdentifier") for r in refs if r.namespace == "AWS/RDS")
    return tuple(dict.fromkeys(i for i in ids if i))


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


async def _lookup(
    clients: AwsClients, place: Place, lookup: LogGroupLookup, *, account: str = ""
) -> tuple[str, ...]:
    """The groups a lookup finds at `place`; `account`: that linked account's (by ARN)."""
    accounts = (account,) if account else ()
    if lookup.pattern is not None:
        return await log_groups(
            clients, place, pattern=lookup.pattern, limit=LOOKUP_LIMIT, accounts=accounts
        )
    return await log_groups(
        clients, place, lookup.prefix or "", limit=LOOKUP_LIMIT, accounts=accounts
    )


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
