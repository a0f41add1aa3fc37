"""A scripted `AlarmTags`: tags by alarm name; `asked` records each alarm asked."""

from __future__ import annotations

from montui.feeds.alarm_tags import AlarmTags
from montui.model.alarm import Alarm


class FakeAlarmTags:
    """`by_name[name]` is answered (no entry: no tags)."""

    def __init__(self, tags: dict[str, dict[str, str]] | None = None) -> None:
        self.by_name = tags or {}
        self.asked: list[str] = []

    async def tags(self, alarm: Alarm) -> dict[str, str]:
        self.asked.append(alarm.name)
        return self.by_name.get(alarm.name, {})


_check: AlarmTags = FakeAlarmTags()
