"""Thousands of per-resource metric alarms, put straight into the world's CloudWatch backend.

An organisation that alarms per resource has thousands of alarms per account and region:
`add_bulk_alarms` gives the world that shape without thousands of PutMetricAlarm requests
(no HTTP: moto's alarm objects are built and stored under the CloudWatch lock, well over
10,000 a second). `python -m montui_world serve --alarms-per-region N` calls it for the
base account in every world region after the scenario is seeded.

Each alarm watches one resource's metric and is named `<service>-<resource-id>-<metric>`
(`ec2-i-0c1f4e3a9b2d7f610-CPUUtilization`, `lambda-orders-api-7f3a21-Errors`), with the
namespace, dimension, statistic, period, threshold and comparison such an alarm has, and an
SNS action. One in `alarm_every` is in ALARM, with a StateReason and StateReasonData in
AWS's words; about one in twenty of the rest is INSUFFICIENT_DATA, the others OK. Everything
follows from `seed` (and the index): the same call builds the same alarms, so calling it
again replaces them rather than adding more.

These alarms are a fixture, not a simulation: no metric data stands behind them, so the
live evaluator leaves them in the state they were given (`alarm_store.is_fixture`), as if
their metrics kept saying the same thing. Their history is empty (aged out).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from moto.cloudwatch.models import Alarm, cloudwatch_backends

from montui.model import evaluation_reason as wording
from montui_world.clock import WORLD_CLOCK
from montui_world.ext.alarm_store import FIXTURE_MARK, LOCK

__all__ = ["add_bulk_alarms"]


@dataclass(frozen=True, slots=True)
class _MetricKind:
    """One alarmed metric of a resource kind."""

    metric: str
    statistic: str
    comparison: str
    threshold: float
    unit: str | None
    typical: float
    """A healthy value (the breaching ones lie beyond the threshold)."""


@dataclass(frozen=True, slots=True)
class _ResourceKind:
    """A kind of resource alarmed one alarm per metric."""

    service: str
    namespace: str
    dimension: str
    metrics: tuple[_MetricKind, ...]


_GT = "GreaterThanThreshold"
_GE = "GreaterThanOrEqualToThreshold"
_LT = "LessThanThreshold"

_KINDS = (
    _ResourceKind(
        "ec2",
        "AWS/EC2",
        "InstanceId",
        (
            _MetricKind("CPUUtilization", "Average", _GT, 90.0, "Percent", 35.0),
            _MetricKind("StatusCheckFailed", "Maximum", _GE, 1.0, "Count", 0.0),
        ),
    ),
    _ResourceKind(
        "lambda",
        "AWS/Lambda",
        "FunctionName",
        (
            _MetricKind("Errors", "Sum", _GT, 5.0, "Count", 0.0),
            _MetricKind("Throttles", "Sum", _GT, 0.0, "Count", 0.0),
            _MetricKind("Duration", "Average", _GT, 2500.0, "Milliseconds", 420.0),
        ),
    ),
    _ResourceKind(
        "rds",
        "AWS/RDS",
        "DBInstanceIdentifier",
        (
            _MetricKind("CPUUtilization", "Average", _GT, 85.0, "Percent", 30.0),
            _MetricKind("FreeStorageSpace", "Minimum", _LT, 5e9, "Bytes", 4.2e10),
            _MetricKind("DatabaseConnections", "Maximum", _GT, 400.0, "Count", 55.0),
        ),
    ),
    _ResourceKind(
        "sqs",
        "AWS/SQS",
        "QueueName",
        (_MetricKind("ApproximateAgeOfOldestMessage", "Maximum", _GT, 900.0, "Seconds", 12.0),),
    ),
    _ResourceKind(
        "dynamodb",
        "AWS/DynamoDB",
        "TableName",
        (_MetricKind("ThrottledRequests", "Sum", _GT, 10.0, "Count", 0.0),),
    ),
    _ResourceKind(
        "elb",
        "AWS/ApplicationELB",
        "LoadBalancer",
        (
            _MetricKind("HTTPCode_ELB_5XX_Count", "Sum", _GT, 50.0, "Count", 2.0),
            _MetricKind("TargetResponseTime", "Average", _GT, 1.5, "Seconds", 0.18),
        ),
    ),
)

_TEAMS = ("orders", "payments", "search", "catalog", "checkout", "billing", "auth", "media")
_ROLES = ("api", "worker", "ingest", "export", "sync", "events", "jobs", "reports")
_WORDS = {
    _GT: "greater than",
    _GE: "greater than or equal to",
    _LT: "less than",
}


def add_bulk_alarms(
    account: str, region: str, count: int, *, alarm_every: int = 100, seed: int = 0
) -> int:
    """Put `count` per-resource metric alarms into the world's CloudWatch backend of
    `account` and `region` (one in `alarm_every` in ALARM); returns how many were put."""
    if count < 0:
        raise ValueError("count must be at least 0")
    if alarm_every < 1:
        raise ValueError("alarm_every must be at least 1")
    now = WORLD_CLOCK.naive().replace(microsecond=0)
    rng = random.Random(f"{seed}:{account}:{region}")
    offset = rng.randrange(alarm_every)
    alarms: list[Alarm] = []
    index = 0
    while len(alarms) < count:
        kind = _KINDS[rng.randrange(len(_KINDS))]
        resource = _resource_id(kind, rng, index)
        for metric in kind.metrics:
            if len(alarms) == count:
                break
            state = _state(len(alarms), offset, alarm_every, rng)
            alarms.append(_alarm(account, region, kind, resource, metric, state, now, rng))
        index += 1
    backend = cloudwatch_backends[account][region]
    with LOCK:
        for alarm in alarms:
            backend.alarms[alarm.name] = alarm
    return len(alarms)


def _state(position: int, offset: int, every: int, rng: random.Random) -> str:
    if position % every == offset:
        return "ALARM"
    return "INSUFFICIENT_DATA" if rng.random() < 0.05 else "OK"


def _resource_id(kind: _ResourceKind, rng: random.Random, index: int) -> str:
    tag = f"{rng.getrandbits(24):06x}"
    team, role = _TEAMS[rng.randrange(len(_TEAMS))], _ROLES[rng.randrange(len(_ROLES))]
    if kind.service == "ec2":
        return f"i-0{rng.getrandbits(52):013x}{index % 16:x}"
    if kind.service == "rds":
        return f"{team}-db-{tag}{index:05d}"
    if kind.service == "elb":
        return f"app/{team}-{role}-{index:05d}/{rng.getrandbits(64):016x}"
    return f"{team}-{role}-{tag}{index:05d}"


def _alarm(
    account: str,
    region: str,
    kind: _ResourceKind,
    resource: str,
    metric: _MetricKind,
    state: str,
    now: datetime,
    rng: random.Random,
) -> Alarm:
    period = 60 if kind.service in ("lambda", "elb") else 300
    periods = rng.choice((1, 3, 5))
    label = resource.split("/")[1] if kind.service == "elb" else resource
    name = f"{kind.service}-{label}-{metric.metric}"
    topic = f"arn:aws:sns:{region}:{account}:{kind.service}-alerts"
    alarm = Alarm(
        account_id=account,
        region_name=region,
        name=name,
        namespace=kind.namespace,
        metric_name=metric.metric,
        metric_data_queries=None,
        comparison_operator=metric.comparison,
        evaluation_periods=periods,
        datapoints_to_alarm=periods,
        period=period,
        threshold=metric.threshold,
        statistic=metric.statistic,
        extended_statistic=None,
        description=f"{metric.metric} of {kind.dimension} {resource}",
        dimensions=[{"Name": kind.dimension, "Value": resource}],
        alarm_actions=[topic],
        ok_actions=[topic],
        insufficient_data_actions=None,
        unit=metric.unit,
        actions_enabled=True,
        treat_missing_data="missing",
        evaluate_low_sample_count_percentile=None,
        threshold_metric_id=None,
        rule=None,
    )
    since = now - timedelta(minutes=rng.randrange(5, 14 * 24 * 60))
    evaluated = now - timedelta(seconds=rng.randrange(period))
    alarm.configuration_updated_timestamp = since - timedelta(days=rng.randrange(1, 300))
    alarm.state_value = state
    alarm.state_transitioned_timestamp = since  # type: ignore[attr-defined]  # world-only
    alarm.state_updated_timestamp = since
    alarm.state_reason, alarm.state_reason_data = _reason(
        metric, state, periods, period, evaluated, rng
    )
    setattr(alarm, FIXTURE_MARK, True)
    return alarm


def _reason(
    metric: _MetricKind,
    state: str,
    periods: int,
    period: int,
    evaluated: datetime,
    rng: random.Random,
) -> tuple[str, str]:
    """StateReason and StateReasonData for the alarm's state, in AWS's shapes."""
    end = evaluated.replace(second=0) - timedelta(minutes=evaluated.minute % (period // 60))
    stamps = [end - timedelta(seconds=period * (i + 1)) for i in range(periods)]  # newest first
    data: dict[str, object] = {
        "version": "1.0",
        "queryDate": _data_date(evaluated),
        "startDate": _data_date(stamps[-1]),
        "statistic": metric.statistic,
        "period": period,
    }
    if state == "INSUFFICIENT_DATA":
        data.update(
            recentDatapoints=[],
            threshold=metric.threshold,
            evaluatedDatapoints=[{"timestamp": _data_date(t)} for t in stamps],
        )
        reason = f"Insufficient Data: {_count(periods, 'datapoint')} {_were(periods)} unknown."
        return reason, json.dumps(data, separators=(",", ":"))
    values = [_value(metric, state == "ALARM", rng) for _ in stamps]
    listed = ", ".join(
        f"{wording.java_double(v)} ({_reason_date(t)})" for v, t in zip(values, stamps, strict=True)
    )
    words = _WORDS[metric.comparison]
    if state == "ALARM":
        was = f"{_were(periods)} {words}"
        minimum = f"minimum {_count(periods, 'datapoint')} for OK -> ALARM transition"
    else:
        was = f"{_were(periods)} not {words}"
        minimum = "minimum 1 datapoint for ALARM -> OK transition"
    reason = (
        f"Threshold Crossed: {periods} out of the last {periods} datapoints "
        f"[{listed}] {was} the threshold ({wording.java_double(metric.threshold)}) ({minimum})."
    )
    data.update(
        recentDatapoints=list(reversed(values)),
        threshold=metric.threshold,
        evaluatedDatapoints=[
            {"timestamp": _data_date(t), "value": v} for v, t in zip(values, stamps, strict=True)
        ],
    )
    return reason, json.dumps(data, separators=(",", ":"))


_reason_date = lru_cache(maxsize=4096)(wording.reason_date)  # few distinct period boundaries
_data_date = lru_cache(maxsize=4096)(wording.reason_data_date)


def _value(metric: _MetricKind, breaching: bool, rng: random.Random) -> float:
    threshold = metric.threshold
    if not breaching:
        return round(metric.typical * rng.uniform(0.8, 1.2), 2)
    if metric.comparison == _LT:
        return round(threshold * rng.uniform(0.2, 0.9), 2)
    return round(max(threshold, 1.0) * rng.uniform(1.05, 3.0), 2)


def _count(number: int, word: str) -> str:
    return f"{number} {word}" if number == 1 else f"{number} {word}s"


def _were(number: int) -> str:
    return "was" if number == 1 else "were"
