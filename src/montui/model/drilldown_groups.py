"""Which log groups explain an alarm, derived from its metrics and the facts the caller fetched
(DescribeMetricFilters, existing log groups, API ids, RDS clusters, a composite's children).
Pure; `model.drilldown` assembles the plan (rules, existence, query, window) from what this finds.

First match wins per metric (each MetricStat of metric math):

- a metric produced by a log metric filter (namespace and name equal a `MetricFilterInfo`'s):
  the filter's log group, and its filter pattern becomes the query's filter
  (`filter_pattern_to_insights` documents the forms translated);
- `AWS/Lambda` with `FunctionName` → `/aws/lambda/<name>` (a `Resource` of `name:alias` keeps
  the function name);
- `AWS/ApiGateway` with `ApiId` (HTTP/WebSocket APIs) or `ApiName` (REST APIs, the id looked up
  in `api_ids`, which the caller fills from GetRestApis) → the execution log group
  `API-Gateway-Execution-Logs_<apiId>/<stage>` (every stage's when there is no `Stage`), and as
  access log groups every existing group whose name contains the API's name or id
  (case-insensitive) and is not an execution log group. Access log group names are free-form;
  containing the name or id is a heuristic, and each such group is listed in `reasons`;
- `AWS/RDS` with `DBInstanceIdentifier` → existing groups under `/aws/rds/instance/<id>/`,
  or, for an instance of a cluster (Aurora; `rds_clusters`, which the caller fills from
  DescribeDBInstances), under `/aws/rds/cluster/<cluster>/`, where the cluster's instances
  publish; `DBClusterIdentifier` → `/aws/rds/cluster/<id>/`;
- composite alarms → the union of the plans of the children in ALARM: those in ALARM now,
  or, for a past episode, those `firing` names (in ALARM at some moment of the episode, from
  their history: `model.history.children_in_alarm`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from msgspec import Struct

from montui.model.alarm import Alarm, AlarmKind, AlarmState, MetricRef
from montui.model.composite_rule import RuleSyntaxError, children, parse_rule
from montui.model.filter_pattern import filter_pattern_to_insights

_EXECUTION_PREFIX = "API-Gateway-Execution-Logs_"


class MetricFilterInfo(Struct, frozen=True):
    """One metric transformation of a log metric filter, as DescribeMetricFilters returns it."""

    log_group: str
    filter_name: str
    filter_pattern: str
    metric_namespace: str
    metric_name: str


class GroupFacts(Struct, frozen=True):
    """What the caller fetched, as `derive_groups` reads it."""

    filters: Sequence[MetricFilterInfo]
    existing: set[str]
    kids: Mapping[str, Alarm]
    api_ids: Mapping[str, str]
    firing: frozenset[str] | None
    """The children in ALARM during the episode (None: those in ALARM now)."""
    clusters: Mapping[str, str]
    """RDS instance id → the id of the cluster it belongs to."""

    def fired(self, child: Alarm) -> bool:
        """Whether `child` counts as in ALARM for the plan."""
        if self.firing is None:
            return child.state is AlarmState.ALARM
        return child.name in self.firing


@dataclass
class FoundGroups:
    """Log groups for one alarm before rules and existence checks."""

    kind: str = "default"
    wanted: list[tuple[str, str]] | None = None  # (group or prefix*, reason)
    filter: str | None = None
    unmatched: list[str] | None = None  # metrics with no known log group
    notes: list[str] | None = None
    patterns: list[str] | None = None  # substrings to search group names for (access logs)

    def add(self, group: str, why: str) -> None:
        self.wanted = [*(self.wanted or []), (group, why)]

    def note(self, text: str) -> None:
        self.notes = [*(self.notes or []), text]


def gather_facts(
    filters: Sequence[MetricFilterInfo],
    existing: set[str],
    kids: Mapping[str, Alarm] | None,
    api_ids: Mapping[str, str] | None,
    firing: Collection[str] | None,
    clusters: Mapping[str, str] | None,
) -> GroupFacts:
    """The facts as `derive_groups` reads them (None: none fetched)."""
    return GroupFacts(
        filters=filters,
        existing=existing,
        kids=kids or {},
        api_ids=api_ids or {},
        firing=None if firing is None else frozenset(firing),
        clusters=clusters or {},
    )


def derive_groups(alarm: Alarm, facts: GroupFacts, seen: tuple[str, ...]) -> FoundGroups:
    """The log groups (names or `prefix*`) for `alarm`'s metrics, or its firing children's
    (`seen`: the composites already on the way down, so a cycle stops)."""
    if alarm.kind is AlarmKind.COMPOSITE:
        return _composite(alarm, facts, seen)
    found = FoundGroups(wanted=[], unmatched=[])
    kinds: list[str] = []
    for ref in metric_refs(alarm):
        kind = _from_metric(ref, facts, found)
        if kind is None:
            found.unmatched = [*(found.unmatched or []), ref.describe()]
        else:
            kinds.append(kind)
    found.kind = kinds[0] if kinds and len(set(kinds)) == 1 else "default"
    return found


def _from_metric(ref: MetricRef, facts: GroupFacts, found: FoundGroups) -> str | None:
    dims = dict(ref.dimensions)
    by_filter = [
        f for f in facts.filters if (f.metric_namespace, f.metric_name) == (ref.namespace, ref.name)
    ]
    if by_filter:
        for f in by_filter:
            found.add(f.log_group, f"its metric filter {f.filter_name!r} makes {ref.name}")
            translated = filter_pattern_to_insights(f.filter_pattern)
            if translated is None:
                found.note(f"filter pattern {f.filter_pattern!r} not translated: default query")
            elif translated and found.filter is None:
                found.filter = translated
        return "metric-filter"
    if ref.namespace == "AWS/Lambda" and (fn := dims.get("FunctionName")):
        group = f"/aws/lambda/{fn}"
        found.add(group, f"Lambda function {fn}")
        return "lambda"
    if ref.namespace == "AWS/ApiGateway":
        return _apigateway(dims, facts, found)
    if ref.namespace == "AWS/RDS":
        return _rds(dims, facts.clusters, found)
    return None


def _rds(dims: Mapping[str, str], clusters: Mapping[str, str], found: FoundGroups) -> str | None:
    instance = dims.get("DBInstanceIdentifier")
    if instance is not None and (cluster := clusters.get(instance)):
        found.add(f"/aws/rds/cluster/{cluster}/*", f"RDS instance {instance} of cluster {cluster}")
        return "rds"
    if instance:
        found.add(f"/aws/rds/instance/{instance}/*", f"RDS instance {instance}")
        return "rds"
    if cluster := dims.get("DBClusterIdentifier"):
        found.add(f"/aws/rds/cluster/{cluster}/*", f"RDS cluster {cluster}")
        return "rds"
    return None


def _apigateway(dims: Mapping[str, str], facts: GroupFacts, found: FoundGroups) -> str | None:
    name = dims.get("ApiName")
    api_id = dims.get("ApiId") or (facts.api_ids.get(name) if name else None)
    if name is None and api_id is None:
        return None
    stage = dims.get("Stage")
    if api_id is not None:
        execution = f"{_EXECUTION_PREFIX}{api_id}/{stage or '*'}"
        found.add(execution, f"API Gateway execution logs of {api_id}")
    else:
        found.note(f"no id known for API {name}: execution logs not looked for")
    # DescribeLogGroups' logGroupNamePattern is a case-sensitive substring: look up the name
    # and id as written; matching the groups found is then case-insensitive.
    found.patterns = [*(found.patterns or []), *(n for n in (name, api_id) if n)]
    needles = [n.lower() for n in (name, api_id) if n]
    for group in sorted(facts.existing):
        lowered = group.lower()
        if not group.startswith(_EXECUTION_PREFIX) and any(n in lowered for n in needles):
            found.add(group, f"access logs? (the name contains {' or '.join(needles)})")
    return "apigateway"


def _composite(alarm: Alarm, facts: GroupFacts, seen: tuple[str, ...]) -> FoundGroups:
    found = FoundGroups(kind="composite", wanted=[], unmatched=[])
    try:
        names = children(parse_rule(alarm.alarm_rule or ""))
    except RuleSyntaxError:
        found.unmatched = [f"composite {alarm.name} (its rule does not parse)"]
        return found
    kids = facts.kids
    firing = [kids[n] for n in names if n in kids and facts.fired(kids[n])]
    when = "" if facts.firing is None else " during the episode"
    for child in firing:
        if child.name in seen:
            continue
        sub = derive_groups(child, facts, (*seen, alarm.name))
        for group, reason in sub.wanted or []:
            found.add(group, f"{reason} (child {child.name} in ALARM{when})")
        found.unmatched = [*(found.unmatched or []), *(sub.unmatched or [])]
        for text in sub.notes or []:
            found.note(text)
        found.patterns = [*(found.patterns or []), *(sub.patterns or [])]
        if sub.filter and found.filter is None:
            found.filter = sub.filter
    if not firing:
        found.unmatched = [f"composite {alarm.name}: no child in ALARM{when}"]
    return found


def metric_refs(alarm: Alarm) -> list[MetricRef]:
    """The alarm's metric, or each MetricStat of its metric math."""
    refs = [alarm.metric] if alarm.metric is not None else []
    refs.extend(q.metric for q in alarm.metrics if q.metric is not None)
    return refs
