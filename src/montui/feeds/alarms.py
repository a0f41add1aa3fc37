"""The alarms of a region (CloudWatch DescribeAlarms): what the board polls."""

from __future__ import annotations

from typing import Protocol

from montui.feeds.session import AwsSession
from montui.model.alarm import Alarm


class Alarms(Protocol):
    """Every metric and composite alarm of a region."""

    async def alarms(self, region: str) -> tuple[Alarm, ...]: ...


class AwsAlarms:
    """DescribeAlarms (sources.cloudwatch) through the session's clients.

    Not kept waiting for GetCallerIdentity: the account is read from the alarms' ARNs and
    told to the session."""

    def __init__(self, session: AwsSession) -> None:
        self.session = session

    async def alarms(self, region: str) -> tuple[Alarm, ...]:
        from montui.sources.cloudwatch import describe_alarms

        found = await describe_alarms(self.session.clients, self.session.place_now(region))
        for alarm in found[:1]:
            if alarm.account:
                self.session.learn_account(alarm.account)
        return found
