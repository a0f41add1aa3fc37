"""CloudWatch alarms as montui sees them: frozen values, and the words an engineer reads them in.

Nothing here does I/O. `sources.cloudwatch` builds these from DescribeAlarms; the UI and
`montui alarms` render them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from msgspec import Struct

from montui.model.duration import format_period
from montui.model.place import Place, account_of_arn


class AlarmState(StrEnum):
    """The three states CloudWatch gives an alarm, in the board's order of urgency."""

    ALARM = "ALARM"
    INSUFFICIENT_DATA = "INSUFFICIENT_DATA"
    OK = "OK"

    @property
    def rank(self) -> int:
        """0 for ALARM, 1 for INSUFFICIENT_DATA, 2 for OK: the board sorts on this."""
        return _STATE_RANK[self]

    @property
    def symbol(self) -> str:
        """A glyph readable without colour (NO_COLOR, monochrome terminals)."""
        return _STATE_SYMBOL[self]

    @property
    def short(self) -> str:
        """A label that fits a narrow column."""
        return _STATE_SHORT[self]


_STATE_RANK = {AlarmState.ALARM: 0, AlarmState.INSUFFICIENT_DATA: 1, AlarmState.OK: 2}
_STATE_SYMBOL = {AlarmState.ALARM: "✖", AlarmState.INSUFFICIENT_DATA: "?", AlarmState.OK: "✔"}
_STATE_SHORT = {
    AlarmState.ALARM: "ALARM",
    AlarmState.INSUFFICIENT_DATA: "NODATA",
    AlarmState.OK: "OK",
}


class AlarmKind(StrEnum):
    """Metric alarms watch a metric; composite alarms combine other alarms' states."""

    METRIC = "MetricAlarm"
    COMPOSITE = "CompositeAlarm"


class MetricRef(Struct, frozen=True):
    """A CloudWatch metric: namespace, name and dimensions (in the order AWS returned them)."""

    namespace: str
    name: str
    dimensions: tuple[tuple[str, str], ...] = ()

    def describe(self) -> str:
        """`AWS/Lambda Errors FunctionName=contact-form`."""
        dims = " ".join(f"{k}={v}" for k, v in self.dimensions)
        return " ".join(part for part in (self.namespace, self.name, dims) if part)


class MetricQuery(Struct, frozen=True):
    """One entry of a metric-math alarm's `Metrics`: a metric stat or an expression."""

    id: str
    expression: str | None = None
    metric: MetricRef | None = None
    stat: str | None = None
    period: int | None = None
    label: str | None = None
    return_data: bool = False
    unit: str | None = None
    """A MetricStat's Unit (the alarm counts only datapoints published with it)."""
    account_id: str | None = None
    """The account a cross-account query reads (AccountId)."""


@dataclass(frozen=True, slots=True)
class Alarm:
    """A metric or composite alarm in one region, as DescribeAlarms reported it."""

    name: str
    region: str
    kind: AlarmKind
    state: AlarmState
    state_updated: datetime
    state_reason: str = ""
    state_reason_data: str = ""
    arn: str = ""
    description: str = ""
    actions_enabled: bool = True
    alarm_actions: tuple[str, ...] = ()
    ok_actions: tuple[str, ...] = ()
    insufficient_data_actions: tuple[str, ...] = ()
    configuration_updated: datetime | None = None
    # Metric alarms: either a single metric ...
    metric: MetricRef | None = None
    statistic: str | None = None
    extended_statistic: str | None = None
    unit: str | None = None
    # ... or metric math.
    metrics: tuple[MetricQuery, ...] = ()
    threshold_metric_id: str | None = None
    period: int | None = None
    evaluation_periods: int | None = None
    datapoints_to_alarm: int | None = None
    threshold: float | None = None
    comparison: str | None = None
    treat_missing_data: str | None = None
    evaluate_low_sample_count_percentile: str | None = None  # "evaluate" | "ignore"
    # Composite alarms.
    alarm_rule: str | None = None
    actions_suppressor: str | None = None
    actions_suppressed_by: str | None = None  # "WaitPeriod" | "ExtensionPeriod" | "Alarm"
    actions_suppressed_reason: str = ""
    state_transitioned: datetime | None = field(default=None, compare=False)
    account: str = ""
    """The account id (from the ARN); "" only in hand-made alarms."""
    _search: str | None = field(default=None, init=False, compare=False, repr=False)
    """`search_text()`, computed on first use (the board filters 10,000 alarms per key)."""

    @property
    def place(self) -> Place:
        """Where the alarm lives: its account and region."""
        return Place(self.account or account_of_arn(self.arn), self.region)

    @property
    def key(self) -> tuple[str, str, str]:
        """Identity across refreshes: (account, region, name); a name is unique within an
        account's region, and several accounts may each have one by that name."""
        return (self.account or account_of_arn(self.arn), self.region, self.name)

    @property
    def in_state_since(self) -> datetime:
        """When the alarm entered its current state (StateTransitionedTimestamp when AWS
        reports it; StateUpdatedTimestamp otherwise, which also moves on reason-only updates)."""
        return self.state_transitioned or self.state_updated

    @property
    def returned_query(self) -> MetricQuery | None:
        """For metric math: the query whose value the alarm compares (ReturnData=true)."""
        for q in self.metrics:
            if q.return_data and q.id != self.threshold_metric_id:
                return q
        return None

    @property
    def period_seconds(self) -> int | None:
        """The evaluation period: the alarm's Period, or the returned query's period."""
        if self.period:
            return self.period
        periods = [q.period for q in self.metrics if q.period]
        return periods[0] if periods else None

    def watches(self) -> str:
        """What the alarm watches, in one line."""
        if self.kind is AlarmKind.COMPOSITE:
            return f"composite: {' '.join((self.alarm_rule or '').split())}"
        if self.metric is not None:
            return self.metric.describe()
        returned = self.returned_query
        if returned is not None and returned.expression:
            return f"math: {returned.expression}"
        if returned is not None and returned.metric is not None:
            return returned.metric.describe()
        return "metric math"

    def search_text(self) -> str:
        """Everything the board's `/` filter matches against, lower-cased (computed once
        per alarm object: the value is frozen, so is its text)."""
        text = self._search
        if text is None:
            text = self._make_search_text()
            object.__setattr__(self, "_search", text)
        return text

    def _make_search_text(self) -> str:
        parts = [self.name, self.region, self.state.value, self.state_reason, self.watches()]
        for ref in self._metric_refs():
            parts.append(ref.namespace)
            parts.append(ref.name)
            parts.extend(v for _, v in ref.dimensions)
        return "\n".join(parts).lower()

    def _metric_refs(self) -> list[MetricRef]:
        refs = [self.metric] if self.metric is not None else []
        refs.extend(q.metric for q in self.metrics if q.metric is not None)
        return refs


_OPERATORS = {
    "GreaterThanOrEqualToThreshold": ">=",
    "GreaterThanThreshold": ">",
    "LessThanThreshold": "<",
    "LessThanOrEqualToThreshold": "<=",
    "LessThanLowerOrGreaterThanUpperThreshold": "outside band",
    "LessThanLowerThreshold": "< lower band",
    "GreaterThanUpperThreshold": "> upper band",
}


def operator_symbol(comparison: str | None) -> str:
    """`GreaterThanThreshold` → `>`; unknown operators are shown as AWS names them."""
    if comparison is None:
        return "?"
    return _OPERATORS.get(comparison, comparison)


def format_threshold(value: float | None) -> str:
    """10.0 → `10`, 0.05 → `0.05`, 1234567.0 → `1234567`."""
    if value is None:
        return "?"
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:g}"


_SHORT_STATISTIC = {
    "Average": "Avg",
    "Maximum": "Max",
    "Minimum": "Min",
    "Sum": "Sum",
    "SampleCount": "Count",
}


def condition_summary(alarm: Alarm) -> str:
    """The condition in the engineer's words, compact: `Sum > 10 · 3 of 5 × 1m`.

    M of N is DatapointsToAlarm of EvaluationPeriods (MONITORING.md's NG count); the interval
    is the Period. Composite alarms have no threshold: their rule is shown by `watches()`.
    """
    if alarm.kind is AlarmKind.COMPOSITE:
        return "rule"
    stat = alarm.extended_statistic
    if alarm.statistic:
        stat = _SHORT_STATISTIC.get(alarm.statistic, alarm.statistic)
    if stat is None:
        stat = "math" if alarm.metrics else "?"
    op = operator_symbol(alarm.comparison)
    if alarm.threshold_metric_id:
        head = f"{stat} {op} {alarm.threshold_metric_id}"
    else:
        head = f"{stat} {op} {format_threshold(alarm.threshold)}"
    n = alarm.evaluation_periods
    m = alarm.datapoints_to_alarm or n
    period = alarm.period_seconds
    window = f"{m or '?'} of {n or '?'}"
    if period:
        window += f" × {format_period(period)}"
    return f"{head} · {window}"
