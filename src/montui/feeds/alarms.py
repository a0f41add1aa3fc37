"""The alarms of a region (CloudWatch DescribeAlarms): what the board polls."""

from __future__ import annotations

from typing import Protocol

from montui.feeds.session import AwsSession
from montui.model.alarm import Alarm


class Alarms(Protocol):
    """Every metric and composite alarm of a region."""

    async def alarms(self, region: str) -> tuple[Alarm, ...]: ...

    async def alarms_in_alarm(self, region: str) -> tuple[Alarm, ...]:
        """Only the alarms in ALARM (DescribeAlarms `StateValue=ALARM`, both alarm types): a
        page or two however many alarms the region has, shown before the full listing."""
        ...


class AwsAlarms:
    """DescribeAlarms (sources.cloudwatch) through the session's clients.

    Not kept waiting for GetCallerIdentity: the account is read from the alarms' ARNs and
    told to the session."""

    def __init__(self, session: AwsSession) -> None:
        self.session = session

    async def alarms(self, region: str) -> tuple[Alarm, ...]:
        from montui.sources.cloudwatch import describe_alarms

        found = await describe_alarms(self.session.clients, self.session.place_now(region))
        self._learn(found)
        return found

    async def alarms_in_alarm(self, region: str) -> tuple[Alarm, ...]:
        from montui.model.alarm import AlarmState
        from montui.sources.cloudwatch import describe_alarms

        place = self.session.place_now(region)
        found = await describe_alarms(self.session.clients, place, state=AlarmState.ALARM)
        self._learn(found)
        return found

    def _learn(self, found: tuple[Alarm, ...]) -> None:
        for alarm in found[:1]:
            if alarm.account:
                self.session.learn_account(alarm.account)
