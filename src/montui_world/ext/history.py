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
They live in `history_api`.
"""

from __future__ import annotations

import bisect
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from montui.model.evaluation import Evaluation
from montui_world.ext.alarm_records import full_record
from montui_world.ext.alarm_store import alarm_type, backend_of
from montui_world.wording import as_utc, json_time, moto_time

STATE_UPDATE, CONFIGURATION_UPDATE, ACTION = "StateUpdate", "ConfigurationUpdate", "Action"
HISTORY_ITEM_TYPES = (CONFIGURATION_UPDATE, STATE_UPDATE, ACTION)
_STORE = "_montui_alarm_history"
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

    @property
    def position(self) -> tuple[datetime, int]:
        """Where the item sorts: time, then recording order (the listing's cursor too)."""
        return (self.timestamp, self.sequence)

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


def items_of(backend: Any) -> list[HistoryItem]:
    """The backend's history, oldest first (ties in recording order)."""
    store: list[HistoryItem] = backend.__dict__.setdefault(_STORE, [])
    return store


def _add(
    alarm: Any, at: datetime, kind: str, summary: str, render: Callable[[], dict[str, Any]]
) -> HistoryItem:
    item = HistoryItem(alarm.name, alarm_type(alarm), at, kind, summary, render)
    bisect.insort(items_of(backend_of(alarm)), item, key=lambda i: i.position)
    return item


def record_state_change(
    alarm: Any, old: StateRecord, new: StateRecord, *, at: datetime, actions: bool = True
) -> list[HistoryItem]:
    """Record a StateUpdate at `at`, then (with `actions`) the alarm's actions for the new
    state. Returns the items added. Nothing is recorded when the value did not change."""
    if old.value == new.value:
        return []
    moment = moto_time(at)
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
    record = full_record(alarm)
    trigger = {k: v for k, v in record.items() if not k.startswith(_NOT_TRIGGER)}
    return trigger | {"Threshold": record.get("Threshold")}


_CONFIG_WORDS = {"Create": ("created", "createdAlarm"), "Update": ("updated", "updatedAlarm")}
_CONFIG_WORDS["Delete"] = ("deleted", "deletedAlarm")


def record_configuration(alarm: Any, change: str, *, at: datetime) -> HistoryItem:
    """Record `Alarm "x" created` / `updated` / `deleted` (`change`: Create, Update, Delete)
    with the alarm's configuration as it is now."""
    verb, key = _CONFIG_WORDS[change]
    settings = alarm_configuration(alarm)
    moment = moto_time(at)
    settings["timestamp"] = json_time(moment)
    data = {"type": change, "version": "1.0", key: settings}
    return _add(alarm, moment, CONFIGURATION_UPDATE, f'Alarm "{alarm.name}" {verb}', lambda: data)


def alarm_configuration(alarm: Any) -> dict[str, Any]:
    """The alarm's settings as ConfigurationUpdate HistoryData lists them: DescribeAlarms'
    record without the state, keys in camelCase."""
    record = full_record(alarm)
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
