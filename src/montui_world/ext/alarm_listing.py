"""DescribeAlarms as AWS answers it, over moto's alarm objects.

What moto 5.2.5 does differently, and this module does as the CloudWatch API reference says:

- `AlarmTypes` absent means metric alarms only; `CompositeAlarm` must be asked for.
- Every filter applies together (moto honours only the first of ActionPrefix,
  AlarmNamePrefix, AlarmNames, StateValue). `ActionPrefix` matches any of the alarm's
  AlarmActions, OKActions or InsufficientDataActions.
- `ChildrenOfAlarmName` / `ParentsOfAlarmName` walk composite rules and return the short
  records AWS documents (children: name, ARN, state, state time; parents: name and ARN); they
  combine only with `AlarmTypes`, `MaxRecords` and `NextToken`.
- `MaxRecords` (1..100, default 50) and `NextToken` page through alarms in name order (metric
  and composite alarms share one sequence). The token is an opaque cursor after the last name
  returned, so alarms added or removed between pages never cause duplicates.
- Records carry `StateTransitionedTimestamp`, and only the keys AWS sends for their kind
  (no empty `Metrics` on a single-metric alarm).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Mapping
from typing import Any

from moto.cloudwatch.exceptions import (
    CloudWatchException,
    InvalidParameterCombination,
    ValidationError,
)

from montui_world.ext.alarm_state import is_composite, references, transitioned_at

ALARM_TYPES = ("CompositeAlarm", "MetricAlarm", "LogAlarm")
STATE_VALUES = ("OK", "ALARM", "INSUFFICIENT_DATA")
DEFAULT_MAX_RECORDS = 50
MAX_RECORDS = 100


class InvalidNextToken(CloudWatchException):
    """DescribeAlarms was given a NextToken it never issued."""

    code = "InvalidNextToken"


def describe_alarms(alarms: Mapping[str, Any], params: Mapping[str, Any]) -> dict[str, Any]:
    """The DescribeAlarms output for `params` (the request, as botocore's model names it)."""
    max_records = _max_records(params.get("MaxRecords"))
    types = _alarm_types(params.get("AlarmTypes"))
    children_of = params.get("ChildrenOfAlarmName")
    parents_of = params.get("ParentsOfAlarmName")
    if children_of or parents_of:
        _only_paging_with(params, "ChildrenOfAlarmName" if children_of else "ParentsOfAlarmName")
        kinds = set(types or ("MetricAlarm", "CompositeAlarm"))
        if children_of:
            selected = _children(alarms, children_of)
        else:
            selected = [a for _, a in sorted(alarms.items()) if parents_of in references(a)]
        selected = [a for a in selected if _kind(a) in kinds]
        render = _child_record if children_of else _parent_record
    else:
        kinds = set(types or ("MetricAlarm",))
        selected = [a for _, a in sorted(alarms.items()) if _kind(a) in kinds]
        selected = list(_filtered(selected, params))
        render = _full_record
    page, next_token = _page(selected, params.get("NextToken"), max_records)
    result: dict[str, Any] = {
        "MetricAlarms": [render(a) for a in page if not is_composite(a)],
        "CompositeAlarms": [render(a) for a in page if is_composite(a)],
    }
    if "LogAlarm" in kinds and types is not None:
        result["LogAlarms"] = []
    if next_token is not None:
        result["NextToken"] = next_token
    return result


def _kind(alarm: Any) -> str:
    return "CompositeAlarm" if is_composite(alarm) else "MetricAlarm"


def _max_records(value: Any) -> int:
    if value is None:
        return DEFAULT_MAX_RECORDS
    number = int(value)
    if number < 1:
        raise ValidationError(
            f"1 validation error detected: Value '{number}' at 'maxRecords' failed to satisfy "
            "constraint: Member must have value greater than or equal to 1"
        )
    if number > MAX_RECORDS:
        raise ValidationError(
            f"1 validation error detected: Value '{number}' at 'maxRecords' failed to satisfy "
            f"constraint: Member must have value less than or equal to {MAX_RECORDS}"
        )
    return number


def _alarm_types(value: Any) -> list[str] | None:
    if not value:
        return None
    types = [str(v) for v in value]
    for kind in types:
        if kind not in ALARM_TYPES:
            raise ValidationError(
                f"1 validation error detected: Value '[{', '.join(types)}]' at 'alarmTypes' "
                "failed to satisfy constraint: Member must satisfy constraint: "
                f"[Member must satisfy enum value set: [{', '.join(ALARM_TYPES)}]]"
            )
    return types


def _only_paging_with(params: Mapping[str, Any], which: str) -> None:
    allowed = {which, "AlarmTypes", "MaxRecords", "NextToken"}
    extra = sorted(k for k, v in params.items() if v not in (None, [], "") and k not in allowed)
    if extra:
        raise ValidationError(
            f"{which} cannot be combined with other parameters than MaxRecords and "
            f"NextToken (got {', '.join(extra)})"
        )


def _children(alarms: Mapping[str, Any], name: str) -> list[Any]:
    parent = alarms.get(name)
    if parent is None or not is_composite(parent):
        return []
    return sorted((alarms[n] for n in references(parent) if n in alarms), key=lambda a: a.name)


def _filtered(alarms: Iterable[Any], params: Mapping[str, Any]) -> Iterable[Any]:
    names = params.get("AlarmNames") or []
    prefix = params.get("AlarmNamePrefix")
    state = params.get("StateValue")
    action_prefix = params.get("ActionPrefix")
    if names and prefix:
        raise InvalidParameterCombination(
            "AlarmNamePrefix and AlarmNames cannot be specified together."
        )
    if state is not None and state not in STATE_VALUES:
        raise ValidationError(
            f"1 validation error detected: Value '{state}' at 'stateValue' failed to satisfy "
            f"constraint: Member must satisfy enum value set: [{', '.join(STATE_VALUES)}]"
        )
    wanted = set(names)
    for alarm in alarms:
        if wanted and alarm.name not in wanted:
            continue
        if prefix and not alarm.name.startswith(prefix):
            continue
        if state and alarm.state_value != state:
            continue
        if action_prefix and not any(a.startswith(action_prefix) for a in _actions(alarm)):
            continue
        yield alarm


def _actions(alarm: Any) -> list[str]:
    return [
        *(alarm.alarm_actions or []),
        *(alarm.ok_actions or []),
        *(alarm.insufficient_data_actions or []),
    ]


def _page(alarms: list[Any], token: Any, max_records: int) -> tuple[list[Any], str | None]:
    if token:
        after = _decode_token(str(token))
        alarms = [a for a in alarms if a.name > after]
    page = alarms[:max_records]
    if len(alarms) > max_records:
        return page, _encode_token(page[-1].name)
    return page, None


def _encode_token(after: str) -> str:
    raw = json.dumps({"v": 1, "after": after}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _decode_token(token: str) -> str:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(token.encode()))
        after = decoded["after"]
    except (binascii.Error, ValueError, KeyError, TypeError) as error:
        raise InvalidNextToken("The service returned an invalid next token.") from error
    if not isinstance(after, str):
        raise InvalidNextToken("The service returned an invalid next token.")
    return after


def _parent_record(alarm: Any) -> dict[str, Any]:
    return {"AlarmName": alarm.name, "AlarmArn": alarm.alarm_arn}


def _child_record(alarm: Any) -> dict[str, Any]:
    return {
        "AlarmName": alarm.name,
        "AlarmArn": alarm.alarm_arn,
        "StateValue": alarm.state_value,
        "StateUpdatedTimestamp": alarm.state_updated_timestamp,
    }


def _full_record(alarm: Any) -> dict[str, Any]:
    return _composite_record(alarm) if is_composite(alarm) else _metric_record(alarm)


def _common(alarm: Any) -> dict[str, Any]:
    return {
        "AlarmName": alarm.name,
        "AlarmArn": alarm.alarm_arn,
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
