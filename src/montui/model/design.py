"""The monitoring design document (監視設計書, MONITORING.md "The design process") as values.

A `Design` is what the seeds' worked example writes down for one system: its purpose and SLO,
its flows (each connection between components), for each flow the events that can happen with
their response pattern, and for the monitored ones the CloudWatch alarm that watches them
(metric, statistic, interval, NG criterion, M/N, missing-data treatment, actions); the events
deliberately *not* monitored, each with its reason; and the system parameters tuned with the
thresholds. `montui.design_file` reads one from TOML; `design_check` compares it with what is
deployed, `design_markdown` renders it, `design_scaffold` writes one from deployed alarms.

Pure values: no I/O.
"""

from __future__ import annotations

from msgspec import Struct

Dims = tuple[tuple[str, str], ...]

COMPARISONS = {
    ">=": "GreaterThanOrEqualToThreshold",
    ">": "GreaterThanThreshold",
    "<": "LessThanThreshold",
    "<=": "LessThanOrEqualToThreshold",
}
"""The design's operators and the ComparisonOperator each means."""
SYMBOLS = {aws: symbol for symbol, aws in COMPARISONS.items()}

MISSING_DATA = ("missing", "notBreaching", "breaching", "ignore")
"""TreatMissingData's values (botocore's cloudwatch model)."""

RESPONSES = ("act now", "next business day", "know, no action", "record only")
"""MONITORING.md's response patterns, in the words the design file uses."""

STATISTICS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")
"""CloudWatch's Statistic values; anything else must be an extended statistic (p95, tm99…)."""


class MetricInput(Struct, frozen=True):
    """One metric a metric-math alarm reads (`Metrics[].MetricStat`), under its query id."""

    id: str
    namespace: str
    metric: str
    dimensions: Dims
    statistic: str
    period: int


class AlarmDesign(Struct, frozen=True):
    """The CloudWatch metric alarm an event maps to, as designed.

    Either a single metric (`namespace`, `metric`, `dimensions`, `statistic`) or metric math
    (`expression` over `inputs`). M/N is `datapoints_to_alarm` / `evaluation_periods`; the
    interval is `period`; the NG criterion is `comparison` (ComparisonOperator) `threshold`.
    Actions name SNS topics in the alarm's region by topic name, anything else by ARN."""

    name: str
    region: str
    period: int
    comparison: str
    threshold: float
    datapoints_to_alarm: int
    evaluation_periods: int
    namespace: str = ""
    metric: str = ""
    dimensions: Dims = ()
    statistic: str = ""
    expression: str = ""
    inputs: tuple[MetricInput, ...] = ()
    missing_data: str = "missing"
    actions_enabled: bool = True
    alarm_actions: tuple[str, ...] = ()
    ok_actions: tuple[str, ...] = ()
    insufficient_data_actions: tuple[str, ...] = ()
    line: int | None = None
    """Where the alarm is written in the design file (for messages)."""

    @property
    def key(self) -> tuple[str, str]:
        """(region, name): an alarm name is unique within a region."""
        return (self.region, self.name)

    @property
    def m_of_n(self) -> str:
        """`3/5`: DatapointsToAlarm of EvaluationPeriods, as the design writes NG count."""
        return f"{self.datapoints_to_alarm}/{self.evaluation_periods}"

    @property
    def operator(self) -> str:
        """`>=` for GreaterThanOrEqualToThreshold."""
        return SYMBOLS.get(self.comparison, self.comparison)


class CompositeDesign(Struct, frozen=True):
    """A composite alarm of the design: its rule over other alarms, and its actions."""

    name: str
    region: str
    rule: str
    response: str
    description: str = ""
    actions_enabled: bool = True
    alarm_actions: tuple[str, ...] = ()
    ok_actions: tuple[str, ...] = ()
    insufficient_data_actions: tuple[str, ...] = ()
    line: int | None = None

    @property
    def key(self) -> tuple[str, str]:
        """(region, name)."""
        return (self.region, self.name)


class Event(Struct, frozen=True):
    """One event of a flow that is monitored: what happens, what it does to the system, the
    response it gets, and the alarm that detects it. The words (`signal`, `method`,
    `criterion`) are the document's columns; the alarm is what CloudWatch is checked for."""

    flow: str
    event: str
    response: str
    alarm: AlarmDesign
    impact: str = ""
    handling: str = ""
    signal: str = ""
    method: str = ""
    criterion: str = ""


class NotMonitored(Struct, frozen=True):
    """An event deliberately left unmonitored, and why (the design keeps these too)."""

    flow: str
    event: str
    reason: str
    impact: str = ""


class Parameter(Struct, frozen=True):
    """A system parameter tuned together with the thresholds (timeouts, throttles, memory)."""

    flow: str
    name: str
    setting: str


class Flow(Struct, frozen=True):
    """A connection between components (`browser → API Gateway`), numbered as the design does."""

    id: str
    name: str


class Design(Struct, frozen=True):
    """A system's monitoring design document.

    `scope` is the alarm-name prefix of the system's alarms: deployed alarms outside it belong
    to other systems and are not "extra". `region` is the default region of its alarms."""

    system: str
    purpose: str
    region: str
    flows: tuple[Flow, ...]
    events: tuple[Event, ...]
    not_monitored: tuple[NotMonitored, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    composites: tuple[CompositeDesign, ...] = ()
    slo: str = ""
    scope: str = ""
    exclude: tuple[str, ...] = ()
    """Alarm names in scope that the design does not describe on purpose (an anomaly band
    the schema cannot write): neither compared nor "extra"."""
    notes: str = ""

    @property
    def alarms(self) -> tuple[AlarmDesign, ...]:
        """Every designed metric alarm, in the file's order."""
        return tuple(e.alarm for e in self.events)

    @property
    def regions(self) -> tuple[str, ...]:
        """The regions the design's alarms live in (the default region first)."""
        found = [self.region, *(a.region for a in self.alarms)]
        found += [c.region for c in self.composites]
        return tuple(dict.fromkeys(found))

    def in_scope(self, name: str) -> bool:
        """Whether an alarm of this name belongs to the system (its prefix; all without one)
        and is not excluded."""
        return name.startswith(self.scope) and name not in self.exclude


def topic_or_arn(action: str, region: str) -> str:
    """An action as the design writes it: an SNS topic of `region` by its name, else the ARN
    (`arn:aws:sns:ap-northeast-1:123456789012:hitori-infra-page` → `hitori-infra-page`)."""
    parts = action.split(":")
    if len(parts) == 6 and parts[0] == "arn" and parts[2] == "sns" and parts[3] == region:
        return parts[5]
    return action
