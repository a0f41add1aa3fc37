"""A scripted AlarmFeed for UI tests: alarms per region, failures on demand, no I/O."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from montui.model.account import Identity
from montui.model.alarm import Alarm, AlarmKind, AlarmState, MetricRef
from montui.sources.errors import SourceError
from montui.ui.feed import Connection

NOW = datetime(2026, 11, 21, 3, 30, tzinfo=UTC)


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
) -> Alarm:
    composite = rule is not None
    return Alarm(
        name=name,
        region=region,
        kind=AlarmKind.COMPOSITE if composite else AlarmKind.METRIC,
        state=state,
        state_updated=NOW - timedelta(minutes=minutes_ago),
        state_reason=reason,
        arn=f"arn:aws:cloudwatch:{region}:123456789012:alarm:{name}",
        metric=None if composite else MetricRef(namespace, metric, dims),
        statistic=None if composite else "Sum",
        period=None if composite else 60,
        evaluation_periods=None if composite else 5,
        datapoints_to_alarm=None if composite else 3,
        threshold=None if composite else 10.0,
        comparison=None if composite else "GreaterThanThreshold",
        alarm_rule=rule,
    )


class FakeFeed:
    """`alarms[region]` is returned by each poll; `fail[region]` (an exception) is raised
    instead while set. `polls` counts calls per region; `in_flight` tracks overlap."""

    def __init__(
        self,
        alarms: dict[str, list[Alarm]],
        *,
        profile: str | None = "prod",
        connect_error: Exception | None = None,
        delay: float = 0.0,
    ) -> None:
        self.data = alarms
        self.fail: dict[str, Exception] = {}
        self.polls: dict[str, int] = dict.fromkeys(alarms, 0)
        self.in_flight: dict[str, int] = dict.fromkeys(alarms, 0)
        self.max_in_flight = 0
        self.profile = profile
        self.connect_error = connect_error
        self.delay = delay
        self.closed = False
        self.on_poll: Callable[[str], None] | None = None

    async def connect(self) -> Connection:
        if self.connect_error:
            raise self.connect_error
        return Connection(profile=self.profile, regions=tuple(self.data), endpoint=None)

    async def alarms(self, region: str) -> tuple[Alarm, ...]:
        self.polls[region] += 1
        self.in_flight[region] += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight[region])
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            if self.on_poll:
                self.on_poll(region)
            if region in self.fail:
                raise self.fail[region]
            return tuple(self.data[region])
        finally:
            self.in_flight[region] -= 1

    async def identity(self) -> Identity:
        return Identity("123456789012", "arn:aws:sts::123456789012:assumed-role/OnCall/me", "X")

    async def close(self) -> None:
        self.closed = True


def region_error(message: str = "cannot reach monitoring.us-east-1.amazonaws.com") -> SourceError:
    return SourceError(message, "check the network or VPN; montui retries by itself")
