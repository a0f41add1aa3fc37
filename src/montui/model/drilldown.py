"""The drill-down plan: from an alarm to the log groups, the window and the Logs Insights query
that should explain it. Pure: the UI / CLI fetch the facts (existing log groups,
DescribeMetricFilters, the children of a composite) and pass them in.

Where the log groups come from, first match wins per metric (each MetricStat of metric math):

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

Then `[[drilldown]]` rules (config, file order): every rule that matches the alarm adds its log
groups; a rule with `replace = true` drops the derived groups first; the first matching rule
with a `query` sets the query. Only groups in `existing_groups` are kept (a rule's `prefix*`
expands over them); the missing ones are named in `reasons`. No group left → `problem` is set
and the UI opens the log-group picker: never a silent guess.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fnmatch import fnmatchcase

from montui.model.alarm import Alarm, AlarmKind, AlarmState, MetricRef
from montui.model.composite_rule import RuleSyntaxError, children, parse_rule
from montui.model.drilldown_templates import APIGATEWAY_5XX as APIGATEWAY_5XX
from montui.model.drilldown_templates import DEFAULT_QUERY as DEFAULT_QUERY
from montui.model.drilldown_templates import LAMBDA_ERRORS as LAMBDA_ERRORS
from montui.model.drilldown_templates import LAMBDA_REPORT as LAMBDA_REPORT
from montui.model.drilldown_templates import RDS_EVENTS as RDS_EVENTS
from montui.model.drilldown_templates import RDS_SLOWEST as RDS_SLOWEST
from montui.model.drilldown_templates import TAIL as _TAIL
from montui.model.drilldown_templates import TEMPLATES as TEMPLATES
from montui.model.evaluation import Episode
from montui.model.filter_pattern import filter_pattern_to_insights
from montui.model.metrics import TimeWindow

MAX_LOG_GROUPS = 50
"""StartQuery takes at most 50 log groups."""

_EXECUTION_PREFIX = "API-Gateway-Execution-Logs_"


@dataclass(frozen=True, slots=True)
class DrilldownRule:
    """A `[[drilldown]]` table: which alarms (every matcher given must match) get which log
    groups (names, or prefixes ending with `*`) and, optionally, which query."""

    log_groups: tuple[str, ...] = ()
    match: str | None = None
    """A glob over the alarm name (case-sensitive)."""
    namespace: str | None = None
    """A glob over the namespace of any of the alarm's metrics."""
    dimension: tuple[str, str] | None = None
    """(name, value glob): any of the alarm's metrics has this dimension with a matching value."""
    query: str | None = None
    replace: bool = False
    """True: the rule's groups replace the derived ones instead of adding to them."""

    def applies_to(self, alarm: Alarm) -> bool:
        """Whether every matcher the rule has matches `alarm` (a rule without any never does)."""
        if self.match is None and self.namespace is None and self.dimension is None:
            return False
        refs = _metric_refs(alarm)
        if self.match is not None and not fnmatchcase(alarm.name, self.match):
            return False
        if self.namespace is not None:
            ns = self.namespace
            if not any(fnmatchcase(r.namespace, ns) for r in refs):
                return False
        if self.dimension is not None:
            name, glob = self.dimension
            if not any(k == name and fnmatchcase(v, glob) for r in refs for k, v in r.dimensions):
                return False
        return True


@dataclass(frozen=True, slots=True)
class MetricFilterInfo:
    """One metric transformation of a log metric filter, as DescribeMetricFilters returns it."""

    log_group: str
    filter_name: str
    filter_pattern: str
    metric_namespace: str
    metric_name: str


@dataclass(frozen=True, slots=True)
class DrilldownPlan:
    """What `l` would run: shown to the engineer, editable, before it runs."""

    log_groups: tuple[str, ...]
    window: TimeWindow
    query: str
    kind: str
    """lambda | apigateway | rds | metric-filter | config-rule | composite | default"""
    reasons: tuple[str, ...] = ()
    """Why each group was chosen, and which were looked for but do not exist."""
    problem: str | None = None
    """Set when no log group was found: the UI opens the log-group picker."""
    alternatives: tuple[str, ...] = ()
    """Other templates for this kind (Lambda: the REPORT statistics)."""
    account: str = ""
    """The account it came from ("" in hand-made data)."""
    region: str = ""
    """The region it came from ("" in hand-made data)."""


@dataclass(frozen=True, slots=True)
class _Facts:
    """What the caller fetched, as `_derive` reads it."""

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
class _Found:
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


def plan_drilldown(
    alarm: Alarm,
    *,
    now: datetime,
    episode: Episode | None,
    rules: Sequence[DrilldownRule],
    metric_filters: Sequence[MetricFilterInfo],
    existing_groups: Collection[str],
    children: Mapping[str, Alarm] | None = None,
    api_ids: Mapping[str, str] | None = None,
    firing: Collection[str] | None = None,
    rds_clusters: Mapping[str, str] | None = None,
    lookback: timedelta = timedelta(minutes=15),
    margin: timedelta = timedelta(minutes=5),
) -> DrilldownPlan:
    """The plan for `alarm`'s `episode` (None: the current state's). See the module.

    `firing`: the names of the children of a composite in ALARM during `episode` (None: the
    children in ALARM now); `rds_clusters`: RDS instance id → its cluster's id."""
    existing = set(existing_groups)
    facts = _facts(metric_filters, existing, children, api_ids, firing, rds_clusters)
    found = _derive(alarm, facts, ())
    matched = [r for r in rules if r.applies_to(alarm)]
    kind = found.kind
    wanted = list(found.wanted or [])
    if matched:
        kind = "config-rule"
        if any(r.replace for r in matched):
            wanted = []
        for rule in matched:
            label = _rule_label(rule)
            wanted += [(g, f"the [[drilldown]] rule {label}") for g in rule.log_groups]
    groups, reasons = _existing(wanted, existing)
    reasons += found.notes or []
    rule_query = next((r.query for r in matched if r.query), None)
    templates = TEMPLATES.get(found.kind, TEMPLATES["default"])
    if rule_query is not None:
        query, alternatives = rule_query, templates
    elif found.filter is not None:
        query, alternatives = f"fields @timestamp, @message | {found.filter} {_TAIL}", ()
    else:
        query, alternatives = templates[0], templates[1:]
    problem = None
    if not groups:
        what = "; ".join(found.unmatched or []) or alarm.watches()
        problem = f"no log group found for {what} — pick log groups"
    if len(groups) > MAX_LOG_GROUPS:
        reasons.append(f"{len(groups)} groups found, the first {MAX_LOG_GROUPS} kept")
        groups = groups[:MAX_LOG_GROUPS]
    return DrilldownPlan(
        log_groups=tuple(groups),
        window=drilldown_window(alarm, now=now, episode=episode, lookback=lookback, margin=margin),
        query=query,
        kind=kind,
        reasons=tuple(reasons),
        problem=problem,
        alternatives=alternatives,
    )


@dataclass(frozen=True, slots=True)
class LogGroupLookup:
    """One DescribeLogGroups call the plan needs: by `prefix` (logGroupNamePrefix) or by
    `pattern` (logGroupNamePattern, a case-sensitive substring); AWS takes one or the other."""

    prefix: str | None = None
    pattern: str | None = None


def log_group_lookups(
    alarm: Alarm,
    *,
    rules: Sequence[DrilldownRule],
    metric_filters: Sequence[MetricFilterInfo],
    children: Mapping[str, Alarm] | None = None,
    api_ids: Mapping[str, str] | None = None,
    firing: Collection[str] | None = None,
    rds_clusters: Mapping[str, str] | None = None,
) -> tuple[LogGroupLookup, ...]:
    """The DescribeLogGroups calls whose results, as `existing_groups`, are all that
    `plan_drilldown` needs for `alarm`: the candidate names and prefixes, and the substring
    searches for API Gateway access logs. Saves listing every group of the account."""
    facts = _facts(metric_filters, set(), children, api_ids, firing, rds_clusters)
    found = _derive(alarm, facts, ())
    wanted = [group for group, _ in found.wanted or []]
    for rule in rules:
        if rule.applies_to(alarm):
            wanted += rule.log_groups
    prefixes = [LogGroupLookup(prefix=g.removesuffix("*")) for g in wanted]
    patterns = [LogGroupLookup(pattern=n) for n in found.patterns or []]
    return tuple(dict.fromkeys([*prefixes, *patterns]))


def drilldown_window(
    alarm: Alarm,
    *,
    now: datetime,
    episode: Episode | None,
    lookback: timedelta = timedelta(minutes=15),
    margin: timedelta = timedelta(minutes=5),
) -> TimeWindow:
    """From the first breaching datapoint minus `lookback` to now, or for an ended episode to
    its end plus `margin` (never past now).

    The episode's start (or, without one, the alarm's StateTransitionedTimestamp) is when the
    alarm went into ALARM; its first breaching datapoint is at most EvaluationPeriods × Period
    earlier, so the window starts that much earlier again. An alarm not in ALARM without an
    episode gets the last `lookback`.
    """
    if episode is not None:
        start, end = episode.start, episode.end
    elif alarm.state is AlarmState.ALARM:
        start, end = alarm.in_state_since, None
    else:
        return TimeWindow(now - lookback, now)
    period = alarm.period_seconds or 0
    evaluation = timedelta(seconds=period * (alarm.evaluation_periods or 1))
    start = start - evaluation - lookback
    stop = now if end is None else min(end + margin, now)
    return TimeWindow(min(start, stop), stop)


def _facts(
    filters: Sequence[MetricFilterInfo],
    existing: set[str],
    kids: Mapping[str, Alarm] | None,
    api_ids: Mapping[str, str] | None,
    firing: Collection[str] | None,
    clusters: Mapping[str, str] | None,
) -> _Facts:
    return _Facts(
        filters=filters,
        existing=existing,
        kids=kids or {},
        api_ids=api_ids or {},
        firing=None if firing is None else frozenset(firing),
        clusters=clusters or {},
    )


def _derive(alarm: Alarm, facts: _Facts, seen: tuple[str, ...]) -> _Found:
    if alarm.kind is AlarmKind.COMPOSITE:
        return _composite(alarm, facts, seen)
    found = _Found(wanted=[], unmatched=[])
    kinds: list[str] = []
    for ref in _metric_refs(alarm):
        kind = _from_metric(ref, facts, found)
        if kind is None:
            found.unmatched = [*(found.unmatched or []), ref.describe()]
        else:
            kinds.append(kind)
    found.kind = kinds[0] if kinds and len(set(kinds)) == 1 else "default"
    return found


def _from_metric(ref: MetricRef, facts: _Facts, found: _Found) -> str | None:
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


def _rds(dims: Mapping[str, str], clusters: Mapping[str, str], found: _Found) -> str | None:
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


def _apigateway(dims: Mapping[str, str], facts: _Facts, found: _Found) -> str | None:
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


def _composite(alarm: Alarm, facts: _Facts, seen: tuple[str, ...]) -> _Found:
    found = _Found(kind="composite", wanted=[], unmatched=[])
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
        sub = _derive(child, facts, (*seen, alarm.name))
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


def _existing(wanted: Sequence[tuple[str, str]], existing: set[str]) -> tuple[list[str], list[str]]:
    """Expand `prefix*`, keep groups that exist, name the missing ones."""
    groups: dict[str, None] = {}
    reasons: list[str] = []
    for group, why in wanted:
        if group.endswith("*"):
            hits = sorted(g for g in existing if g.startswith(group[:-1]))
            if not hits:
                reasons.append(f"{group}: {why}, but no log group starts with {group[:-1]}")
        else:
            hits = [group] if group in existing else []
            if not hits:
                reasons.append(f"{group}: {why}, but it does not exist")
        for hit in hits:
            if hit not in groups:
                groups[hit] = None
                reasons.append(f"{hit}: {why}")
    return list(groups), reasons


def _rule_label(rule: DrilldownRule) -> str:
    parts = []
    if rule.match is not None:
        parts.append(f"match={rule.match!r}")
    if rule.namespace is not None:
        parts.append(f"namespace={rule.namespace!r}")
    if rule.dimension is not None:
        parts.append(f"dimension='{rule.dimension[0]}={rule.dimension[1]}'")
    return " ".join(parts)


def _metric_refs(alarm: Alarm) -> list[MetricRef]:
    refs = [alarm.metric] if alarm.metric is not None else []
    refs.extend(q.metric for q in alarm.metrics if q.metric is not None)
    return refs
