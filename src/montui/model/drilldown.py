"""The drill-down plan: from an alarm to the log groups, the window and the Logs Insights query
that should explain it. Pure: the UI / CLI fetch the facts (existing log groups,
DescribeMetricFilters, the children of a composite) and pass them in.

Where the log groups come from, per metric kind, is `model.drilldown_groups`.

Then `[[drilldown]]` rules (config, file order): every rule that matches the alarm adds its log
groups; a rule with `replace = true` drops the derived groups first; the first matching rule
with a `query` sets the query. Only groups in `existing_groups` are kept (a rule's `prefix*`
expands over them); the missing ones are named in `reasons`. No group left → `problem` is set
and the UI opens the log-group picker: never a silent guess.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta
from fnmatch import fnmatchcase

from msgspec import Struct

from montui.model.alarm import Alarm, AlarmState
from montui.model.drilldown_groups import MetricFilterInfo as MetricFilterInfo
from montui.model.drilldown_groups import derive_groups, gather_facts, metric_refs
from montui.model.drilldown_templates import APIGATEWAY_5XX as APIGATEWAY_5XX
from montui.model.drilldown_templates import DEFAULT_QUERY as DEFAULT_QUERY
from montui.model.drilldown_templates import LAMBDA_ERRORS as LAMBDA_ERRORS
from montui.model.drilldown_templates import LAMBDA_REPORT as LAMBDA_REPORT
from montui.model.drilldown_templates import RDS_EVENTS as RDS_EVENTS
from montui.model.drilldown_templates import RDS_SLOWEST as RDS_SLOWEST
from montui.model.drilldown_templates import TAIL as _TAIL
from montui.model.drilldown_templates import TEMPLATES as TEMPLATES
from montui.model.evaluation import Episode
from montui.model.metrics import TimeWindow

MAX_LOG_GROUPS = 50
"""StartQuery takes at most 50 log groups."""


class DrilldownRule(Struct, frozen=True):
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
        refs = metric_refs(alarm)
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


class DrilldownPlan(Struct, frozen=True):
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
    facts = gather_facts(metric_filters, existing, children, api_ids, firing, rds_clusters)
    found = derive_groups(alarm, facts, ())
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


class LogGroupLookup(Struct, frozen=True):
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
    facts = gather_facts(metric_filters, set(), children, api_ids, firing, rds_clusters)
    found = derive_groups(alarm, facts, ())
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
