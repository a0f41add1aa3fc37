"""Alarm history as CloudWatch keeps it: DescribeAlarmHistory, which moto 5.2.5 lacks.

The world records an item whenever

- an alarm's state value changes (SetAlarmState, a composite following its children, live
  evaluation): a `StateUpdate`, "Alarm updated from OK to ALARM", whose HistoryData is
  `{"version":"1.0","oldState":{"stateValue","stateReason","stateReasonData"},"newState":…}`
  (stateReasonData parsed into the JSON, left out when the state had none);
- an alarm is created, updated or deleted: a `ConfigurationUpdate`, `Alarm "x" created` /
  `updated` / `deleted`, with `{"type":"Create","version":"1.0","createdAlarm":{…}}` (or
  `Update`/`updatedAlarm`, `Delete`/`deletedAlarm`), the alarm's settings in camelCase;
- an alarm with ActionsEnabled enters a state it has actions for: one `Action` item per
  action, "Successfully executed action arn:aws:sns:…", with `{"actionState":"Succeeded",
  "stateUpdateTimestamp":<epoch ms>,"notificationResource":arn,"publishedMessage":<the SNS
  alarm message as JSON text>}`. Nothing is published. A composite's actions are skipped
  while its ActionsSuppressor alarm is in ALARM (the wait and extension periods are not
  modelled).

Items live per region and account on moto's CloudWatch backend object, so moto's reset forgets
them and deleting an alarm does not ("CloudWatch retains the history of an alarm even if you
delete the alarm"). HistoryData is worded on first read: a 14-day backfill costs little.

`record_state_change` and `record_configuration` are the Python API the seed uses to backfill
with explicit times; `StateRecord.from_evaluation` turns a `montui.model.evaluation`
transition into a state without wording it yet. The wire protocol side (`install`) answers
DescribeAlarmHistory and records deletions; `history_page` holds its filters and paging.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import itertools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from montui.model.evaluation import Evaluation
from montui_world.wording import as_utc, json_time

STATE_UPDATE, CONFIGURATION_UPDATE, ACTION = "StateUpdate", "ConfigurationUpdate", "Action"
HISTORY_ITEM_TYPES = (CONFIGURATION_UPDATE, STATE_UPDATE, ACTION)
_STORE = "_montui_alarm_history"
_MARK = "_montui_history_ext"
_sequence = itertools.count()
_REGION_NAMES = {"ap-northeast-1": "Asia Pacific (Tokyo)", "us-east-1": "US East (N. Virginia)"}


@dataclass(frozen=True)
class StateRecord:
    """One side of a state change: value, reason and reason data (JSON text), or an
    `Evaluation` that words them when the history is read."""

    value: str
    reason: str | None = None
    reason_data: str | None = None
    evaluation: Evaluation | None = None

    @classmethod
    def of(cls, alarm: Any) -> StateRecord:
        """The state a moto alarm is in now."""
        return cls(alarm.state_value, alarm.state_reason, alarm.state_reason_data)

    @classmethod
    def from_evaluation(cls, evaluation: Evaluation) -> StateRecord:
        """The state an evaluation put the alarm in (worded lazily)."""
        return cls(evaluation.state.value, evaluation=evaluation)

    def reason_text(self) -> str | None:
        """StateReason."""
        return self.evaluation.reason if self.evaluation is not None else self.reason

    def as_history(self) -> dict[str, Any]:
        """`{"stateValue":…,"stateReason":…,"stateReasonData":{…}}` as HistoryData holds it."""
        record: dict[str, Any] = {"stateValue": self.value}
        reason = self.reason_text()
        if reason is not None:
            record["stateReason"] = reason
        if self.evaluation is not None:
            record["stateReasonData"] = self.evaluation.reason_data
        elif self.reason_data:
            try:
                data = json.loads(self.reason_data)
            except ValueError:
                data = None
            if data:
                record["stateReasonData"] = data
        return record


@dataclass(frozen=True)
class HistoryItem:
    """One AlarmHistoryItem; `data` (HistoryData) is rendered on first use."""

    alarm_name: str
    alarm_type: str
    timestamp: datetime
    """Naive UTC, as moto keeps times."""
    item_type: str
    summary: str
    render: Callable[[], dict[str, Any]] = field(repr=False, compare=False)
    sequence: int = field(default_factory=lambda: next(_sequence))

    @cached_property
    def data(self) -> str:
        """HistoryData: compact JSON text."""
        return json.dumps(self.render(), separators=(",", ":"))

    def record(self) -> dict[str, Any]:
        """The item as botocore's AlarmHistoryItem shape names it."""
        return {
            "AlarmName": self.alarm_name,
            "AlarmType": self.alarm_type,
            "Timestamp": self.timestamp,
            "HistoryItemType": self.item_type,
            "HistorySummary": self.summary,
            "HistoryData": self.data,
        }


def backend_of(alarm: Any) -> Any:
    """moto's CloudWatch backend holding `alarm` (region and account from its ARN)."""
    from moto.cloudwatch.models import cloudwatch_backends

    _, _, _, region, account = alarm.alarm_arn.split(":")[:5]
    return cloudwatch_backends[account][region]


def items_of(backend: Any) -> list[HistoryItem]:
    """The backend's history, oldest first (ties in recording order)."""
    store: list[HistoryItem] = backend.__dict__.setdefault(_STORE, [])
    return store


def _add(
    alarm: Any, at: datetime, kind: str, summary: str, render: Callable[[], dict[str, Any]]
) -> HistoryItem:
    item = HistoryItem(alarm.name, alarm_type(alarm), at, kind, summary, render)
    bisect.insort(items_of(backend_of(alarm)), item, key=_order)
    return item


def _order(item: HistoryItem) -> tuple[datetime, int]:
    return (item.timestamp, item.sequence)


def _naive(moment: datetime) -> datetime:
    return as_utc(moment).replace(tzinfo=None)


def alarm_type(alarm: Any) -> str:
    """`CompositeAlarm` or `MetricAlarm`."""
    return "CompositeAlarm" if getattr(alarm, "rule", None) is not None else "MetricAlarm"


def record_state_change(
    alarm: Any, old: StateRecord, new: StateRecord, *, at: datetime, actions: bool = True
) -> list[HistoryItem]:
    """Record a StateUpdate at `at`, then (with `actions`) the alarm's actions for the new
    state. Returns the items added. Nothing is recorded when the value did not change."""
    if old.value == new.value:
        return []
    moment = _naive(at)
    summary = f"Alarm updated from {old.value} to {new.value}"
    data = {"version": "1.0", "oldState": old, "newState": new}
    items = [_add(alarm, moment, STATE_UPDATE, summary, lambda: _states(data))]
    if actions:
        items.extend(_record_actions(alarm, old, new, moment))
    return items


def _states(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v.as_history() if isinstance(v, StateRecord) else v for k, v in data.items()}


def _actions_for(alarm: Any, state: str) -> list[str]:
    if not alarm.actions_enabled:
        return []
    suppressor = getattr(alarm, "actions_suppressor", None)
    if suppressor:
        held = backend_of(alarm).alarms.get(suppressor)
        if held is not None and held.state_value == "ALARM":
            return []
    lists = {
        "ALARM": alarm.alarm_actions,
        "OK": alarm.ok_actions,
        "INSUFFICIENT_DATA": alarm.insufficient_data_actions,
    }
    return list(lists.get(state) or [])


def _record_actions(
    alarm: Any, old: StateRecord, new: StateRecord, moment: datetime
) -> list[HistoryItem]:
    actions = _actions_for(alarm, new.value)
    if not actions:
        return []
    message = _message_renderer(alarm, old, new, moment)
    stamp = int(as_utc(moment).timestamp() * 1000)
    return [
        _add(
            alarm,
            moment,
            ACTION,
            f"Successfully executed action {arn}",
            _action_renderer(arn, stamp, message),
        )
        for arn in actions
    ]


def _action_renderer(
    arn: str, stamp: int, message: Callable[[], str]
) -> Callable[[], dict[str, Any]]:
    return lambda: {
        "actionState": "Succeeded",
        "stateUpdateTimestamp": stamp,
        "notificationResource": arn,
        "publishedMessage": message(),
    }


def _message_renderer(
    alarm: Any, old: StateRecord, new: StateRecord, moment: datetime
) -> Callable[[], str]:
    """The SNS alarm notification's JSON, built from the alarm as it is at recording time."""
    _, _, _, region, account = alarm.alarm_arn.split(":")[:5]
    message: dict[str, Any] = {
        "AlarmName": alarm.name,
        "AlarmDescription": alarm.description,
        "AWSAccountId": account,
        "AlarmConfigurationUpdatedTimestamp": json_time(alarm.configuration_updated_timestamp),
        "NewStateValue": new.value,
        "StateChangeTime": json_time(moment),
        "Region": _REGION_NAMES.get(region, region),
        "AlarmArn": alarm.alarm_arn,
        "OldStateValue": old.value,
        "OKActions": list(alarm.ok_actions or []),
        "AlarmActions": list(alarm.alarm_actions or []),
        "InsufficientDataActions": list(alarm.insufficient_data_actions or []),
    }
    if getattr(alarm, "rule", None) is not None:
        message["AlarmRule"] = alarm.rule
    else:
        message["Trigger"] = _trigger(alarm)
    cache: list[str] = []

    def render() -> str:
        if not cache:
            complete = dict(message)
            complete["NewStateReason"] = new.reason_text()
            cache.append(json.dumps(complete, separators=(",", ":")))
        return cache[0]

    return render


_NOT_TRIGGER = ("State", "Alarm", "Actions", "OKActions", "InsufficientData", "Threshold")


def _trigger(alarm: Any) -> dict[str, Any]:
    from montui_world.ext.alarm_listing import _full_record

    record = _full_record(alarm)
    trigger = {k: v for k, v in record.items() if not k.startswith(_NOT_TRIGGER)}
    return trigger | {"Threshold": record.get("Threshold")}


_CONFIG_WORDS = {"Create": ("created", "createdAlarm"), "Update": ("updated", "updatedAlarm")}
_CONFIG_WORDS["Delete"] = ("deleted", "deletedAlarm")


def record_configuration(alarm: Any, change: str, *, at: datetime) -> HistoryItem:
    """Record `Alarm "x" created` / `updated` / `deleted` (`change`: Create, Update, Delete)
    with the alarm's configuration as it is now."""
    verb, key = _CONFIG_WORDS[change]
    settings = alarm_configuration(alarm)
    moment = _naive(at)
    settings["timestamp"] = json_time(moment)
    data = {"type": change, "version": "1.0", key: settings}
    return _add(alarm, moment, CONFIGURATION_UPDATE, f'Alarm "{alarm.name}" {verb}', lambda: data)


def alarm_configuration(alarm: Any) -> dict[str, Any]:
    """The alarm's settings as ConfigurationUpdate HistoryData lists them: DescribeAlarms'
    record without the state, keys in camelCase."""
    from montui_world.ext.alarm_listing import _full_record

    record = _full_record(alarm)
    return {
        _camel(k): _camel_keys(v)
        for k, v in record.items()
        if not k.startswith(("State", "AlarmConfiguration"))
    }


def _camel(key: str) -> str:
    return "okActions" if key == "OKActions" else key[:1].lower() + key[1:]


def _camel_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {_camel(k): _camel_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel_keys(v) for v in value]
    return value


# --- the wire protocol --------------------------------------------------------------------


def install() -> None:
    """Answer DescribeAlarmHistory and record deletions in moto's CloudWatch; idempotent."""
    from moto.cloudwatch.responses import CloudWatchResponse

    if getattr(CloudWatchResponse, _MARK, False):
        return
    original_delete = CloudWatchResponse.delete_alarms

    def delete_alarms(self: Any) -> Any:
        from montui_world.ext.cloudwatch import _LOCK, clock

        with _LOCK:
            alarms = self.cloudwatch_backend.alarms
            at = clock(self)
            for name in self._get_param("AlarmNames", []) or []:
                if name in alarms:
                    record_configuration(alarms[name], "Delete", at=at)
            return original_delete(self)

    def describe_alarm_history(self: Any) -> Any:
        from moto.core.responses import ActionResult

        from montui_world.ext.cloudwatch import _LOCK

        params = {key: self._get_param(key) for key in _PARAMS}
        with _LOCK:
            items = list(items_of(self.cloudwatch_backend))
        return ActionResult(history_page(items, params))

    setattr(CloudWatchResponse, "delete_alarms", delete_alarms)  # noqa: B010 (mypy)
    setattr(CloudWatchResponse, "describe_alarm_history", describe_alarm_history)  # noqa: B010
    setattr(CloudWatchResponse, _MARK, True)


def history_page(items: list[HistoryItem], params: Mapping[str, Any]) -> dict[str, Any]:
    """The DescribeAlarmHistory output over `items` (oldest first) for `params`.

    Filters combine; `AlarmTypes` absent means metric alarms only, as the API reference says
    (even with an AlarmName: ask for CompositeAlarm to see a composite's history).
    MaxRecords 1..100, default 100; the NextToken is a cursor after the last item returned.
    """
    from moto.cloudwatch.exceptions import ValidationError

    from montui_world.ext.alarm_listing import InvalidNextToken

    limit = params.get("MaxRecords")
    limit = 100 if limit is None else int(limit)
    if not 1 <= limit <= 100:
        raise ValidationError(
            f"1 validation error detected: Value '{limit}' at 'maxRecords' failed to satisfy "
            "constraint: Member must have value between 1 and 100"
        )
    wanted = _enum(params.get("HistoryItemType"), HISTORY_ITEM_TYPES, "historyItemType")
    scan = _enum(params.get("ScanBy"), _SCANS, "scanBy") or "TimestampDescending"
    types = list(params.get("AlarmTypes") or []) or ["MetricAlarm"]
    for kind in types:
        _enum(kind, ("CompositeAlarm", "MetricAlarm"), "alarmTypes")
    name, start, end = params.get("AlarmName"), params.get("StartDate"), params.get("EndDate")
    start = _naive(start) if start is not None else None
    end = _naive(end) if end is not None else None
    selected = [
        item
        for item in items
        if (not name or item.alarm_name == name)
        and item.alarm_type in types
        and (wanted is None or item.item_type == wanted)
        and (start is None or item.timestamp >= start)
        and (end is None or item.timestamp <= end)
    ]
    descending = scan == "TimestampDescending"
    if descending:
        selected.reverse()
    token = params.get("NextToken")
    if token:
        cursor = _decode(str(token), InvalidNextToken)
        selected = [
            i for i in selected if _order(i) != cursor and (_order(i) < cursor) == descending
        ]
    page = selected[:limit]
    result: dict[str, Any] = {"AlarmHistoryItems": [item.record() for item in page]}
    if len(selected) > limit:
        result["NextToken"] = _encode(_order(page[-1]))
    return result


_SCANS = ("TimestampDescending", "TimestampAscending")
_FILTERS = ("AlarmName", "AlarmTypes", "HistoryItemType", "StartDate", "EndDate", "ScanBy")
_PARAMS = (*_FILTERS, "MaxRecords", "NextToken")


def _enum(value: Any, allowed: tuple[str, ...], field_name: str) -> str | None:
    from moto.cloudwatch.exceptions import ValidationError

    if value is None or value == "":
        return None
    if value not in allowed:
        raise ValidationError(
            f"1 validation error detected: Value '{value}' at '{field_name}' failed to "
            f"satisfy constraint: Member must satisfy enum value set: [{', '.join(allowed)}]"
        )
    return str(value)


def _encode(cursor: tuple[datetime, int]) -> str:
    raw = json.dumps({"v": 1, "t": cursor[0].isoformat(), "s": cursor[1]}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode(token: str, error: type[Exception]) -> tuple[datetime, int]:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(token.encode()))
        return datetime.fromisoformat(decoded["t"]), int(decoded["s"])
    except (binascii.Error, ValueError, KeyError, TypeError) as problem:
        raise error("The service returned an invalid next token.") from problem
