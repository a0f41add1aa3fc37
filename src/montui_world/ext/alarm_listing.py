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

from collections.abc import Iterable, Mapping
from typing import Any

from moto.cloudwatch.exceptions import InvalidParameterCombination, ValidationError

from montui_world.ext.alarm_records import child_record, full_record, parent_record
from montui_world.ext.alarm_store import is_composite, references
from montui_world.ext.cursor import decode_cursor, encode_cursor

ALARM_TYPES = ("CompositeAlarm", "MetricAlarm", "LogAlarm")
STATE_VALUES = ("OK", "ALARM", "INSUFFICIENT_DATA")
DEFAULT_MAX_RECORDS = 50
MAX_RECORDS = 100


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
        render = child_record if children_of else parent_record
    else:
        kinds = set(types or ("MetricAlarm",))
        selected = [a for _, a in sorted(alarms.items()) if _kind(a) in kinds]
        selected = list(_filtered(selected, params))
        render = full_record
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
        after = decode_cursor(str(token), _after)
        alarms = [a for a in alarms if a.name > after]
    page = alarms[:max_records]
    if len(alarms) > max_records:
        return page, encode_cursor({"after": page[-1].name})
    return page, None


def _after(cursor: dict[str, Any]) -> str:
    after = cursor["after"]
    if not isinstance(after, str):
        raise TypeError("after")
    return after
