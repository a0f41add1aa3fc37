"""Alarm state bookkeeping moto 5.2.5 lacks, applied to moto's own `Alarm` objects.

- A new alarm starts in INSUFFICIENT_DATA ("Unchecked: Initial alarm creation"), as
  PutMetricAlarm and PutCompositeAlarm document; moto starts it in OK.
- Updating an existing alarm leaves its state unchanged (moto resets it).
- `state_transitioned_timestamp` moves only when the state value changes;
  `state_updated_timestamp` moves on every state update (AWS's StateTransitionedTimestamp and
  StateUpdatedTimestamp).
- Every state transition, creation and update lands in the alarm history (`history`), with
  the actions the new state executes.
- Composite alarms (moto `Alarm`s whose `rule` is set) follow their children: whenever an
  alarm's state changes, every composite that references it is re-evaluated, and so on up
  through composites of composites (a cycle stops the walk, as AWS stops evaluating). The
  rule grammar and its evaluation are `montui.model.composite_rule`'s.

Everything here runs under the caller's lock; moto's objects are plain mutable Python.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from montui.model.alarm import AlarmState
from montui.model.composite_rule import blamed_children, children, composite_state
from montui_world.ext import history
from montui_world.ext.alarm_store import references, rule_of, transitioned_at
from montui_world.wording import json_time, long_time

INITIAL_REASON = "Unchecked: Initial alarm creation"
_STATE_VALUES = frozenset(s.value for s in AlarmState)
_STATE_FIELDS = (
    "state_value",
    "state_reason",
    "state_reason_data",
    "state_updated_timestamp",
    "state_transitioned_timestamp",
    "history",
)


def start_state(alarm: Any, previous: Any | None, at: datetime) -> None:
    """Give a freshly stored alarm its state: the previous version's when this was an
    update, INSUFFICIENT_DATA when it is new. Either way the history records it."""
    history.record_configuration(alarm, "Create" if previous is None else "Update", at=at)
    if previous is not None:
        for name in _STATE_FIELDS:
            if hasattr(previous, name):
                setattr(alarm, name, getattr(previous, name))
        if getattr(alarm, "state_transitioned_timestamp", None) is None:
            alarm.state_transitioned_timestamp = alarm.state_updated_timestamp
        return
    alarm.state_value = AlarmState.INSUFFICIENT_DATA.value
    alarm.state_reason = INITIAL_REASON
    alarm.state_reason_data = None
    alarm.state_updated_timestamp = at
    alarm.state_transitioned_timestamp = at


def set_state(alarm: Any, value: str, reason: str, reason_data: str | None, at: datetime) -> bool:
    """Record a state update (moto's `history` list, and a StateUpdate with the actions in
    the alarm history when the value changes); True when the value changed."""
    old = history.StateRecord.of(alarm)
    alarm.history.append(
        (
            "StateUpdate",
            alarm.state_reason,
            alarm.state_reason_data,
            alarm.state_value,
            alarm.state_updated_timestamp,
        )
    )
    changed = bool(alarm.state_value != value)
    alarm.state_value = value
    alarm.state_reason = reason
    alarm.state_reason_data = reason_data
    alarm.state_updated_timestamp = at
    if changed or getattr(alarm, "state_transitioned_timestamp", None) is None:
        alarm.state_transitioned_timestamp = at
    if changed:
        new = history.StateRecord(value, reason, reason_data)
        history.record_state_change(alarm, old, new, at=at)
    return changed


def parents_of(alarms: Mapping[str, Any], name: str) -> list[Any]:
    """The composite alarms whose rule references `name`, in name order."""
    return [a for _, a in sorted(alarms.items()) if name in references(a)]


def refresh_parents(alarms: Mapping[str, Any], name: str, at: datetime) -> None:
    """Re-evaluate every composite above `name` whose inputs changed, breadth first."""
    queue = [name]
    seen: set[str] = set()
    while queue:
        child_name = queue.pop(0)
        cause = alarms.get(child_name)
        for parent in parents_of(alarms, child_name):
            if parent.name in seen:
                continue
            seen.add(parent.name)
            if evaluate_composite(alarms, parent, at, cause):
                queue.append(parent.name)


def evaluate_composite(alarms: Mapping[str, Any], alarm: Any, at: datetime, cause: Any) -> bool:
    """Set a composite's state from its rule; True when the state value changed.

    `cause` is the child whose change triggered the evaluation (None on creation or a
    configuration update). Reason and reason data take AWS's shape:
    `arn:…:alarm:child transitioned to ALARM at Sunday 30 October, 2022 20:47:35 UTC` and
    `{"triggeringAlarms":[{"arn":…,"state":{"value":…,"timestamp":…}}]}`.
    """
    rule = rule_of(alarm.rule)
    states = {
        n: AlarmState(a.state_value) for n, a in alarms.items() if a.state_value in _STATE_VALUES
    }
    new_state = composite_state(rule, states)
    if new_state.value == alarm.state_value:
        return False
    if new_state is AlarmState.ALARM:
        names = list(blamed_children(rule, states))
    else:
        names = [n for n in children(rule) if n in alarms]
    triggering = [alarms[n] for n in names if n in alarms]
    if cause is not None and cause.name in names:
        triggering.sort(key=lambda a: a is not cause)
    else:
        triggering.sort(key=transitioned_at, reverse=True)
    reason = _composite_reason(triggering, new_state)
    data = {
        "triggeringAlarms": [
            {
                "arn": child.alarm_arn,
                "state": {
                    "value": child.state_value,
                    "timestamp": json_time(transitioned_at(child)),
                },
            }
            for child in triggering
        ]
    }
    return set_state(alarm, new_state.value, reason, json.dumps(data, separators=(",", ":")), at)


def _composite_reason(triggering: list[Any], state: AlarmState) -> str:
    if not triggering:
        return f"Alarm rule evaluated to {'TRUE' if state is AlarmState.ALARM else 'FALSE'}"
    lead = triggering[0]
    when = long_time(transitioned_at(lead))
    return f"{lead.alarm_arn} transitioned to {lead.state_value} at {when}"
