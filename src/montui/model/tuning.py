"""The threshold back-test ("tune"): replay an alarm's data with edited settings, and the
`aws cloudwatch put-metric-alarm` command that would apply them.

Pure. The replay is `model.evaluation.replay`, the evaluator the local AWS world moves its
alarms with: one implementation of CloudWatch's M-of-N semantics. montui changes nothing in
AWS; it prints the command for the engineer to copy.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from datetime import datetime, timedelta

from msgspec import Struct
from msgspec.structs import asdict

from montui.model.alarm import Alarm, AlarmKind, AlarmState, MetricQuery
from montui.model.alarm_queries import metric_data_query
from montui.model.evaluation import BAND_COMPARISONS, COMPARISONS, AlarmSettings, replay
from montui.model.records import replace

__all__ = [
    "BacktestResult",
    "TuneSettings",
    "backtest",
    "exact_number",
    "put_metric_alarm_args",
    "put_metric_alarm_command",
]


class TuneSettings(Struct, frozen=True):
    """The settings the engineer edits in the tune screen (what decides when the alarm fires)."""

    threshold: float
    comparison: str
    period: int
    evaluation_periods: int
    datapoints_to_alarm: int
    treat_missing_data: str = "missing"

    @classmethod
    def from_alarm(cls, alarm: Alarm) -> TuneSettings | None:
        """The alarm's current settings; None for composites, band alarms and alarms that
        lack a period, an evaluation count, a static threshold or a known operator."""
        if alarm.kind is AlarmKind.COMPOSITE or alarm.threshold is None:
            return None
        comparison = alarm.comparison
        if comparison not in COMPARISONS or comparison in BAND_COMPARISONS:
            return None
        period, n = alarm.period_seconds, alarm.evaluation_periods
        if not period or not n:
            return None
        return cls(
            threshold=alarm.threshold,
            comparison=comparison,
            period=period,
            evaluation_periods=n,
            datapoints_to_alarm=alarm.datapoints_to_alarm or n,
            treat_missing_data=alarm.treat_missing_data or "missing",
        )

    def evaluator_settings(self) -> AlarmSettings:
        """As `model.evaluation.AlarmSettings`, whose first fields these are (it validates:
        ValueError when M > N, a period ≤ 0 or an unknown operator or missing-data treatment)."""
        return AlarmSettings(**asdict(self))


class BacktestResult(Struct, frozen=True):
    """What the settings would have done over the span: how many ALARM episodes, how long in
    ALARM, when each episode started, and every state change as (time, new state)."""

    episodes: int
    time_in_alarm: timedelta
    starts: tuple[datetime, ...]
    transitions: tuple[tuple[datetime, AlarmState], ...]


def backtest(
    settings: TuneSettings | AlarmSettings,
    points: Mapping[datetime, float],
    start: datetime,
    end: datetime,
    *,
    initial: AlarmState = AlarmState.INSUFFICIENT_DATA,
) -> BacktestResult:
    """Replay `settings` over `points` from `start` to `end` (evaluating at each period
    boundary, as CloudWatch does), starting in `initial`.

    `points` are keyed by period start at the period the settings ask for (fetch them with
    GetMetricData at `settings.period`); a key off that grid raises ValueError. An episode
    still open at `end` counts up to `end`.
    """
    evaluator = settings.evaluator_settings() if isinstance(settings, TuneSettings) else settings
    result = replay(evaluator, points, start, end, initial)
    return BacktestResult(
        episodes=len(result.episodes),
        time_in_alarm=result.time_in_alarm,
        starts=tuple(e.start for e in result.episodes),
        transitions=tuple((at, state) for at, state, _ in result.transitions),
    )


def put_metric_alarm_command(alarm: Alarm, settings: TuneSettings | AlarmSettings) -> str:
    """A copyable `aws cloudwatch put-metric-alarm …` that recreates `alarm` with `settings`
    (threshold, operator, period, M of N, missing data), quoted with shlex.

    PutMetricAlarm replaces the whole alarm, so every other parameter the alarm has is
    repeated exactly as DescribeAlarms returned it: the description (verbatim: brackets,
    quotes, newlines), whether actions are enabled, the three action lists, the metric
    (namespace, name, dimensions, statistic or extended statistic, unit) or the metric-math
    `--metrics` JSON, a threshold metric id, and the low-sample-count percentile rule.
    Optional parameters the alarm leaves unset stay unset unless `settings` change them.
    Tags are not part of the command: on an existing alarm AWS ignores them and keeps its own.

    For metric math, a new period replaces the period of each MetricStat in `--metrics`.
    ValueError for a composite alarm (put-composite-alarm has no such settings).
    """
    return shlex.join(put_metric_alarm_args(alarm, settings))


def put_metric_alarm_args(alarm: Alarm, settings: TuneSettings | AlarmSettings) -> list[str]:
    """The words of `put_metric_alarm_command`, unquoted."""
    if alarm.kind is AlarmKind.COMPOSITE:
        raise ValueError("a composite alarm has no threshold to tune")
    args = ["aws", "cloudwatch", "put-metric-alarm", "--region", alarm.region]
    args += _option("--alarm-name", alarm.name)
    if alarm.description:
        args += _option("--alarm-description", alarm.description)
    args.append("--actions-enabled" if alarm.actions_enabled else "--no-actions-enabled")
    for flag, actions in (
        ("--ok-actions", alarm.ok_actions),
        ("--alarm-actions", alarm.alarm_actions),
        ("--insufficient-data-actions", alarm.insufficient_data_actions),
    ):
        if actions:
            args += [flag, *actions]
    args += _metric_args(alarm, settings.period)
    args += ["--evaluation-periods", str(settings.evaluation_periods)]
    m, n = settings.datapoints_to_alarm, settings.evaluation_periods
    if alarm.datapoints_to_alarm is not None or m != n:
        args += ["--datapoints-to-alarm", str(m)]
    if alarm.threshold_metric_id:
        args += ["--threshold-metric-id", alarm.threshold_metric_id]
    else:
        args += _option("--threshold", exact_number(settings.threshold))
    args += ["--comparison-operator", settings.comparison]
    if alarm.treat_missing_data is not None or settings.treat_missing_data != "missing":
        args += ["--treat-missing-data", settings.treat_missing_data]
    if alarm.evaluate_low_sample_count_percentile:
        args += [
            "--evaluate-low-sample-count-percentile",
            alarm.evaluate_low_sample_count_percentile,
        ]
    return args


def exact_number(value: float) -> str:
    """The shortest text that reads back as exactly `value`: 10.0 → `10`, 0.1 → `0.1`,
    1234.56789 → `1234.56789` (never rounded, unlike `format_threshold`'s `:g`)."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _option(flag: str, value: str) -> list[str]:
    """`[flag, value]`, or `[flag=value]` when the value starts with `-` (which the AWS CLI
    would otherwise take for an option)."""
    return [f"{flag}={value}"] if value.startswith("-") else [flag, value]


def _metric_args(alarm: Alarm, period: int) -> list[str]:
    """The flags naming what the alarm watches, at `period`."""
    if alarm.metric is None:
        queries = list(alarm.metrics)
        if period != alarm.period_seconds:
            queries = [_at_period(q, period) for q in queries]
        metrics = json.dumps([metric_data_query(q) for q in queries], separators=(",", ":"))
        return ["--metrics", metrics]
    ref = alarm.metric
    args = _option("--namespace", ref.namespace) + _option("--metric-name", ref.name)
    if ref.dimensions:
        dimensions = [{"Name": k, "Value": v} for k, v in ref.dimensions]
        args += ["--dimensions", json.dumps(dimensions, separators=(",", ":"))]
    if alarm.extended_statistic:
        args += ["--extended-statistic", alarm.extended_statistic]
    else:
        args += ["--statistic", alarm.statistic or "Average"]
    args += ["--period", str(period)]
    if alarm.unit:
        args += ["--unit", alarm.unit]
    return args


def _at_period(query: MetricQuery, period: int) -> MetricQuery:
    return query if query.metric is None else replace(query, period=period)
