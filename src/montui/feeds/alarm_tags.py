"""Alarm tags, read only when `[triage] alarm_tag` makes them a source of response patterns:
one ListTagsForResource per alarm, cached by the triage screen (`ui/screens/triage_tags.py`)."""

from __future__ import annotations

from typing import Protocol

from montui.feeds.session import AwsSession
from montui.model.alarm import Alarm


class AlarmTags(Protocol):
    """An alarm's tags."""

    async def tags(self, alarm: Alarm) -> dict[str, str]: ...


class AwsAlarmTags:
    """ListTagsForResource through the session's clients."""

    def __init__(self, session: AwsSession) -> None:
        self.session = session

    async def tags(self, alarm: Alarm) -> dict[str, str]:
        from montui.sources.cloudwatch import alarm_tags

        place = await self.session.place(alarm.region)
        return await alarm_tags(self.session.clients, place, alarm.arn)
