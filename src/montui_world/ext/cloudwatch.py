"""CloudWatch alarms as AWS serves them, patched into moto 5.2.5's CloudWatch in-process.

`install()` replaces four handlers on moto's `CloudWatchResponse` (so the server, and
`mock_aws` in-process, both get them) and adds one:

- `PutCompositeAlarm` (moto answers HTTP 500): validates the rule (syntax, and that every
  referenced alarm exists, as AWS refuses "Could not save the composite alarm as alarms [...]
  in the alarm rule do not exist"), stores the composite as a moto `Alarm` with `rule` set,
  keeps its suppressor settings, and evaluates it at once.
- `PutMetricAlarm`: a new alarm starts in INSUFFICIENT_DATA, an update keeps the state;
  composites that reference the alarm are re-evaluated.
- `SetAlarmState`: records StateTransitionedTimestamp (only when the value changes) and
  re-evaluates the composites above the alarm.
- `DescribeAlarms`: see `alarm_listing` (AlarmTypes, combined filters, paging, record shape).

The demo clock. A request may carry `X-Montui-Demo-Clock: <ISO 8601 time>`; these handlers
then date what they record (state and configuration timestamps) at that time instead of
now. It exists so the seeded scenario can hold alarms that went into ALARM 14 minutes ago and
OK nine days ago. AWS ignores the header, so a seed run against AWS would still be valid.

Handlers run under `alarm_store.LOCK`: moto's server is threaded and its objects are not.
"""

from __future__ import annotations

import json
from typing import Any

from moto.cloudwatch.exceptions import InvalidFormat, ResourceNotFound, ValidationError
from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.responses import ActionResult, EmptyResult

from montui.model.composite_rule import RuleSyntaxError, children, parse_rule
from montui_world.ext import alarm_state
from montui_world.ext.alarm_listing import STATE_VALUES, describe_alarms
from montui_world.ext.alarm_store import LOCK, request_time
from montui_world.ext.patching import installed, patch

_MARK = "_montui_cloudwatch_ext"
_original: dict[str, Any] = {}


def install() -> None:
    """Patch moto's CloudWatch responses; calling it again changes nothing."""
    with LOCK:
        if installed(CloudWatchResponse, _MARK):
            return
        _original["put_metric_alarm"] = CloudWatchResponse.put_metric_alarm
        handlers = {
            "put_metric_alarm": _put_metric_alarm,
            "put_composite_alarm": _put_composite_alarm,
            "set_alarm_state": _set_alarm_state,
            "describe_alarms": _describe_alarms,
        }
        patch(CloudWatchResponse, _MARK, handlers)


def _put_metric_alarm(self: Any) -> ActionResult:
    with LOCK:
        backend = self.cloudwatch_backend
        name = self._get_param("AlarmName")
        previous = backend.alarms.get(name)
        result: ActionResult = _original["put_metric_alarm"](self)
        at = request_time(self)
        alarm = backend.alarms[name]
        alarm.configuration_updated_timestamp = at
        alarm_state.start_state(alarm, previous, at)
        alarm_state.refresh_parents(backend.alarms, name, at)
        return result


def _put_composite_alarm(self: Any) -> ActionResult:
    with LOCK:
        backend = self.cloudwatch_backend
        name = self._get_param("AlarmName")
        rule = self._get_param("AlarmRule")
        _validate_rule(backend.alarms, rule)
        previous = backend.alarms.get(name)
        enabled = self._get_param("ActionsEnabled")
        alarm = backend.put_metric_alarm(
            name=name,
            namespace=None,
            metric_name=None,
            comparison_operator=None,
            evaluation_periods=None,
            period=None,
            threshold=None,
            statistic=None,
            description=self._get_param("AlarmDescription"),
            dimensions=[],
            alarm_actions=self._get_param("AlarmActions", []),
            ok_actions=self._get_param("OKActions", []),
            insufficient_data_actions=self._get_param("InsufficientDataActions", []),
            actions_enabled=True if enabled is None else bool(enabled),
            rule=rule,
            tags=None if previous is not None else self._get_param("Tags", []),
        )
        alarm.actions_suppressor = self._get_param("ActionsSuppressor")
        alarm.actions_suppressor_wait_period = self._get_param("ActionsSuppressorWaitPeriod")
        alarm.actions_suppressor_extension_period = self._get_param(
            "ActionsSuppressorExtensionPeriod"
        )
        at = request_time(self)
        alarm.configuration_updated_timestamp = at
        alarm_state.start_state(alarm, previous, at)
        if alarm_state.evaluate_composite(backend.alarms, alarm, at, None):
            alarm_state.refresh_parents(backend.alarms, name, at)
        return EmptyResult()


def _validate_rule(alarms: Any, rule: Any) -> None:
    if not isinstance(rule, str) or not rule.strip():
        raise ValidationError("AlarmRule must not be empty.")
    try:
        parsed = parse_rule(rule)
    except RuleSyntaxError as error:
        raise ValidationError(f"Error in AlarmRule [{error}]") from error
    missing = [child for child in children(parsed) if child not in alarms]
    if missing:
        raise ValidationError(
            f"Could not save the composite alarm as alarms [{', '.join(missing)}] "
            "in the alarm rule do not exist"
        )


def _set_alarm_state(self: Any) -> ActionResult:
    with LOCK:
        backend = self.cloudwatch_backend
        name = self._get_param("AlarmName")
        value = self._get_param("StateValue")
        reason = self._get_param("StateReason")
        reason_data = self._get_param("StateReasonData")
        if reason_data is not None:
            try:
                json.loads(reason_data)
            except ValueError as error:
                raise InvalidFormat("StateReasonData is not valid JSON.") from error
        alarm = backend.alarms.get(name)
        if alarm is None:
            raise ResourceNotFound(f"Alarm {name} not found")
        if value not in STATE_VALUES:
            raise ValidationError(
                f"1 validation error detected: Value '{value}' at 'stateValue' failed to "
                "satisfy constraint: Member must satisfy enum value set: "
                f"[{', '.join(STATE_VALUES)}]"
            )
        at = request_time(self)
        if alarm_state.set_state(alarm, value, reason, reason_data, at):
            alarm_state.refresh_parents(backend.alarms, name, at)
        return EmptyResult()


def _describe_alarms(self: Any) -> ActionResult:
    with LOCK:
        params = {
            key: self._get_param(key)
            for key in (
                "AlarmNames",
                "AlarmNamePrefix",
                "AlarmTypes",
                "ChildrenOfAlarmName",
                "ParentsOfAlarmName",
                "StateValue",
                "ActionPrefix",
                "MaxRecords",
                "NextToken",
            )
        }
        return ActionResult(describe_alarms(backend_alarms(self), params))


def backend_alarms(response: Any) -> Any:
    """The alarms dict of the region and account the request is for."""
    return response.cloudwatch_backend.alarms
