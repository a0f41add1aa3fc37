"""The vocabulary the scenario is written in: alarms, the metric behind each, and its story.

A scenario module (`hitori`, `shop`) is a list of `AlarmSpec` and `CompositeSpec` values;
`montui_world.seed` turns them into PutMetricAlarm / PutCompositeAlarm calls, and
`scenario.series` into metric data. Nothing here does I/O.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from enum import StrEnum

from montui.model.duration import parse_duration

Dims = tuple[tuple[str, str], ...]

OK = "OK"
ALARM = "ALARM"
NO_DATA = "INSUFFICIENT_DATA"
DAY = 24 * 60.0

_COMPARE = {
    "GreaterThanThreshold": lambda v, t: v > t,
    "GreaterThanOrEqualToThreshold": lambda v, t: v >= t,
    "LessThanThreshold": lambda v, t: v < t,
    "LessThanOrEqualToThreshold": lambda v, t: v <= t,
}
_OPERATORS = {
    ">": "GreaterThanThreshold",
    ">=": "GreaterThanOrEqualToThreshold",
    "<": "LessThanThreshold",
    "<=": "LessThanOrEqualToThreshold",
}
_CONDITION = re.compile(r"^(\S+) (>=|>|<=|<) (\S+) (\d+)/(\d+) (\S+)$")
_WORDS = {
    "GreaterThanThreshold": "greater than",
    "GreaterThanOrEqualToThreshold": "greater than or equal to",
    "LessThanThreshold": "less than",
    "LessThanOrEqualToThreshold": "less than or equal to",
}


class Response(StrEnum):
    """MONITORING.md's response patterns, which decide an alarm's actions."""

    ACT_NOW = "act now"  # page: AlarmActions and OKActions on the paging topic
    NEXT_DAY = "next business day"  # ticket: AlarmActions on the ticket topic
    KNOW = "know, no action"  # visible on the board, notifies nobody


@dataclass(frozen=True, slots=True)
class MetricId:
    """A CloudWatch metric as PutMetricData and PutMetricAlarm name it."""

    namespace: str
    name: str
    dims: Dims = ()
    unit: str | None = None

    def dimensions(self) -> list[dict[str, str]]:
        """The `Dimensions` request list."""
        return [{"Name": k, "Value": v} for k, v in self.dims]


@dataclass(frozen=True, slots=True)
class Signal:
    """The values the alarm's statistic takes per period: `ok` while healthy, `breach` while
    the alarm condition holds (both inclusive ranges; `integer` for counts)."""

    ok: tuple[float, float]
    breach: tuple[float, float]
    integer: bool = False
    digits: int = 2


@dataclass(frozen=True, slots=True)
class Ratio:
    """A metric-math rate alarm: `100*(numerator/denominator)` over Sum statistics, e.g. a
    Lambda error rate. `traffic` is the denominator's per-period count; the alarm's own
    `signal` gives the percentage."""

    numerator: MetricId
    denominator: MetricId
    traffic: Signal
    label: str


@dataclass(frozen=True, slots=True)
class Step:
    """The alarm entered `state` about `minutes_ago` minutes before the scenario's now.

    `after` is the state it came from when that lies before the alarm's recorded history
    (the first step): it shapes the wording ("ALARM -> OK") and the datapoints before."""

    state: str
    minutes_ago: float
    after: str = NO_DATA


@dataclass(frozen=True, slots=True)
class AlarmSpec:
    """One metric alarm, its metric's behaviour and its story (empty: OK for a while)."""

    name: str
    region: str
    description: str
    metric: MetricId | Ratio
    stat: str  # Sum, Average, Maximum, Minimum, or a percentile such as p95
    period: int
    evaluation_periods: int
    datapoints_to_alarm: int
    threshold: float
    comparison: str
    signal: Signal
    response: Response
    topic_prefix: str
    story: tuple[Step, ...] = ()
    treat_missing_data: str = "missing"
    nightly: bool = False
    """A batch job pushes the metric over the threshold for a few minutes every night
    (about 02:00 JST): the demo's noisy alarm."""

    def breaches(self, value: float) -> bool:
        """Whether one datapoint is on the alarming side of the threshold."""
        return bool(_COMPARE[self.comparison](value, self.threshold))

    @property
    def comparison_words(self) -> str:
        """`greater than or equal to`, as "Threshold Crossed" reasons say it."""
        return _WORDS[self.comparison]

    def metrics(self) -> tuple[MetricId, ...]:
        """The metrics whose data this alarm reads."""
        if isinstance(self.metric, Ratio):
            return (self.metric.numerator, self.metric.denominator)
        return (self.metric,)


@dataclass(frozen=True, slots=True)
class CompositeSpec:
    """One composite alarm; its state follows its children (the world derives it)."""

    name: str
    region: str
    description: str
    rule: str
    response: Response
    topic_prefix: str
    suppressor: str | None = None


@dataclass(frozen=True, slots=True)
class LogMetricFilter:
    """A CloudWatch Logs metric filter that publishes a metric an alarm watches."""

    region: str
    log_group: str
    name: str
    pattern: str
    metric: MetricId


def lambda_error_rate(function: str, invocations: tuple[int, int], label: str) -> Ratio:
    """A Lambda function's error rate, `100*(Errors/Invocations)`, with `invocations` per
    period (the same range whether it fails or not)."""
    dims = (("FunctionName", function),)
    return Ratio(
        numerator=MetricId("AWS/Lambda", "Errors", dims, "Count"),
        denominator=MetricId("AWS/Lambda", "Invocations", dims, "Count"),
        traffic=Signal(ok=invocations, breach=invocations, integer=True),
        label=label,
    )


def minutes(days: float = 0, hours: float = 0, mins: float = 0) -> float:
    """A story offset in minutes: `minutes(days=9)`."""
    return days * DAY + hours * 60 + mins


@dataclass(frozen=True, slots=True)
class Condition:
    """An alarm condition in the design document's words: `Sum >= 10 3/5 1m` is "the Sum is
    10 or more in 3 of the last 5 one-minute periods" (M/N is DatapointsToAlarm of
    EvaluationPeriods)."""

    stat: str
    comparison: str
    threshold: float
    datapoints_to_alarm: int
    evaluation_periods: int
    period: int

    @classmethod
    def parse(cls, text: str) -> Condition:
        """`p99 >= 1.5 3/5 1m`; raises ValueError on anything else."""
        match = _CONDITION.match(text.strip())
        if match is None:
            raise ValueError(f"not a condition: {text!r} (e.g. 'Sum >= 10 3/5 1m')")
        stat, operator, threshold, m, n, period = match.groups()
        return cls(
            stat, _OPERATORS[operator], float(threshold), int(m), int(n), parse_duration(period)
        )


def alarm_spec(
    name: str,
    region: str,
    description: str,
    metric: MetricId | Ratio,
    condition: str,
    signal: Signal,
    *,
    topic_prefix: str,
    response: Response = Response.ACT_NOW,
    story: tuple[Step, ...] = (),
    missing: str = "missing",
    nightly: bool = False,
) -> AlarmSpec:
    """An alarm whose `condition` reads like a design table's row: `Sum >= 10 3/5 1m`
    (`Condition`); `missing` is its TreatMissingData."""
    return AlarmSpec(
        name=name,
        region=region,
        description=description,
        metric=metric,
        signal=signal,
        response=response,
        topic_prefix=topic_prefix,
        story=story,
        treat_missing_data=missing,
        nightly=nightly,
        **asdict(Condition.parse(condition)),
    )
