"""The alarm records DescribeAlarms returns, built from moto's alarm objects.

Only the keys AWS sends for each kind (no empty `Metrics` on a single-metric alarm), with
`StateTransitionedTimestamp`. `full_record` is also what the alarm history quotes
(ConfigurationUpdate settings, the SNS message's Trigger).
"""

from __future__ import annotations

from typing import Any

from montui_world.ext.alarm_store import is_composite, transitioned_at


def parent_record(alarm: Any) -> dict[str, Any]:
    """A ParentsOfAlarmName record: name and ARN (every record begins with them)."""
    return {"AlarmName": alarm.name, "AlarmArn": alarm.alarm_arn}


def child_record(alarm: Any) -> dict[str, Any]:
    """A ChildrenOfAlarmName record: name, ARN, state and its time."""
    return {
        **parent_record(alarm),
        "StateValue": alarm.state_value,
        "StateUpdatedTimestamp": alarm.state_updated_timestamp,
    }


def full_record(alarm: Any) -> dict[str, Any]:
    """The whole MetricAlarms or CompositeAlarms record."""
    return _composite_record(alarm) if is_composite(alarm) else _metric_record(alarm)


def _common(alarm: Any) -> dict[str, Any]:
    return {
        **parent_record(alarm),
        "AlarmDescription": alarm.description,
        "AlarmConfigurationUpdatedTimestamp": alarm.configuration_updated_timestamp,
        "ActionsEnabled": bool(alarm.actions_enabled),
        "OKActions": list(alarm.ok_actions or []),
        "AlarmActions": list(alarm.alarm_actions or []),
        "InsufficientDataActions": list(alarm.insufficient_data_actions or []),
        "StateValue": alarm.state_value,
        "StateReason": alarm.state_reason,
        "StateReasonData": alarm.state_reason_data,
        "StateUpdatedTimestamp": alarm.state_updated_timestamp,
    }


def _composite_record(alarm: Any) -> dict[str, Any]:
    record = _common(alarm)
    record["AlarmRule"] = alarm.rule
    record["StateTransitionedTimestamp"] = transitioned_at(alarm)
    suppressor = getattr(alarm, "actions_suppressor", None)
    if suppressor:
        record["ActionsSuppressor"] = suppressor
        record["ActionsSuppressorWaitPeriod"] = getattr(
            alarm, "actions_suppressor_wait_period", None
        )
        record["ActionsSuppressorExtensionPeriod"] = getattr(
            alarm, "actions_suppressor_extension_period", None
        )
    return _without_none(record)


def _metric_record(alarm: Any) -> dict[str, Any]:
    record = _common(alarm)
    record.update(
        {
            "MetricName": alarm.metric_name,
            "Namespace": alarm.namespace,
            "Statistic": alarm.statistic,
            "ExtendedStatistic": alarm.extended_statistic,
            "Dimensions": [{"Name": d.name, "Value": d.value} for d in alarm.dimensions],
            "Period": alarm.period,
            "Unit": alarm.unit,
            "EvaluationPeriods": alarm.evaluation_periods,
            "DatapointsToAlarm": alarm.datapoints_to_alarm,
            "Threshold": alarm.threshold,
            "ComparisonOperator": alarm.comparison_operator,
            "TreatMissingData": alarm.treat_missing_data,
            "EvaluateLowSampleCountPercentile": alarm.evaluate_low_sample_count_percentile,
            "Metrics": [_query_record(q) for q in alarm.metric_data_queries] or None,
            "ThresholdMetricId": alarm.threshold_metric_id,
            "StateTransitionedTimestamp": transitioned_at(alarm),
        }
    )
    return _without_none(record)


def _query_record(query: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "Id": query.id,
        "Expression": query.expression,
        "Label": query.label,
        "ReturnData": query.return_data,
        "Period": query.period,
    }
    stat = query.metric_stat
    if stat is not None:
        metric = stat.metric
        record["MetricStat"] = _without_none(
            {
                "Metric": {
                    "Namespace": metric.namespace,
                    "MetricName": metric.metric_name,
                    "Dimensions": [{"Name": d.name, "Value": d.value} for d in metric.dimensions],
                },
                "Period": stat.period,
                "Stat": stat.stat,
                "Unit": stat.unit,
            }
        )
    return _without_none(record)


def _without_none(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v is not None}
