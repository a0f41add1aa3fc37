"""An alarm's history (CloudWatch DescribeAlarmHistory): the detail's timeline, episodes."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from montui.feeds.session import AwsSession
from montui.model.alarm import Alarm, AlarmKind
from montui.model.history import HistoryItem


class AlarmHistory(Protocol):
    """The history items of one alarm between two moments."""

    async def history(
        self, alarm: Alarm, start: datetime, end: datetime
    ) -> tuple[HistoryItem, ...]: ...


class AwsAlarmHistory:
    """DescribeAlarmHistory (sources.history) through the session's clients."""

    def __init__(self, session: AwsSession) -> None:
        self.session = session

    async def history(
        self, alarm: Alarm, start: datetime, end: datetime
    ) -> tuple[HistoryItem, ...]:
        from montui.sources.history import alarm_history

        return await alarm_history(
            self.session.clients,
            alarm.place,
            alarm.name,
            composite=alarm.kind is AlarmKind.COMPOSITE,
            start=start,
            end=end,
        )
