"""Shared test data: a frozen NOW, alarms and history items made to order, an error."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from montui.model.alarm import Alarm, AlarmKind, AlarmState, MetricRef
from montui.model.history import HistoryItem, HistoryKind
from montui.sources.errors import SourceError

NOW = datetime(2026, 11, 21, 3, 30, tzinfo=UTC)
ACCOUNT = "123456789012"
"""The account of `make_alarm`'s alarms unless told otherwise."""


def frozen_clock() -> datetime:
    return NOW


def make_alarm(
    name: str,
    state: AlarmState = AlarmState.OK,
    *,
    region: str = "ap-northeast-1",
    minutes_ago: float = 60,
    reason: str = "Threshold Crossed: no datapoints were breaching",
    namespace: str = "AWS/Lambda",
    metric: str = "Errors",
    dims: tuple[tuple[str, str], ...] = (("FunctionName", "contact-form"),),
    rule: str | None = None,
    account: str = ACCOUNT,
) -> Alarm:
    composite = rule is not None
    return Alarm(
        name=name,
        region=region,
        kind=AlarmKind.COMPOSITE if composite else AlarmKind.METRIC,
        state=state,
        state_updated=NOW - timedelta(minutes=minutes_ago),
        state_reason=reason,
        arn=f"arn:aws:cloudwatch:{region}:{account}:alarm:{name}",
        account=account,
        metric=None if composite else MetricRef(namespace, metric, dims),
        statistic=None if composite else "Sum",
        period=None if composite else 60,
        evaluation_periods=None if composite else 5,
        datapoints_to_alarm=None if composite else 3,
        threshold=None if composite else 10.0,
        comparison=None if composite else "GreaterThanThreshold",
        alarm_rule=rule,
    )


def state_change(
    alarm: str, minutes_ago: float, old: AlarmState, new: AlarmState, reason: str = ""
) -> HistoryItem:
    """A StateUpdate history item `minutes_ago` before NOW."""
    return HistoryItem(
        alarm=alarm,
        timestamp=NOW - timedelta(minutes=minutes_ago),
        kind=HistoryKind.STATE,
        summary=f"Alarm updated from {old.value} to {new.value}",
        old_state=old,
        new_state=new,
        reason=reason or f"Threshold Crossed: moved to {new.value}",
    )


def region_error(message: str = "cannot reach monitoring.us-east-1.amazonaws.com") -> SourceError:
    return SourceError(message, "check the network or VPN; montui retries by itself")
