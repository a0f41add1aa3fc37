"""A scripted `AlarmHistory`: items by alarm name."""

from __future__ import annotations

from datetime import datetime

from montui.feeds.history import AlarmHistory
from montui.model.alarm import Alarm
from montui.model.history import HistoryItem


class FakeHistory:
    """`items[alarm name]`, filtered to the asked window."""

    def __init__(self) -> None:
        self.items: dict[str, list[HistoryItem]] = {}

    async def history(
        self, alarm: Alarm, start: datetime, end: datetime
    ) -> tuple[HistoryItem, ...]:
        items = self.items.get(alarm.name, [])
        return tuple(i for i in items if start <= i.timestamp < end)


_check: AlarmHistory = FakeHistory()
