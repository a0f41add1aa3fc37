"""A scripted `StateHistory`: every alarm's state updates by region."""

from __future__ import annotations

from datetime import datetime

from montui.feeds.review import StateHistory
from montui.model.history import HistoryItem


class FakeStateHistory:
    """`items[region]`, filtered to the asked window; `fail[region]` is raised while set;
    `calls` records each (region, start, end) asked."""

    def __init__(self) -> None:
        self.items: dict[str, list[HistoryItem]] = {}
        self.fail: dict[str, Exception] = {}
        self.calls: list[tuple[str, datetime, datetime]] = []

    async def state_history(
        self, region: str, start: datetime, end: datetime
    ) -> tuple[HistoryItem, ...]:
        self.calls.append((region, start, end))
        if region in self.fail:
            raise self.fail[region]
        found = [i for i in self.items.get(region, []) if start <= i.timestamp <= end]
        return tuple(sorted(found, key=lambda i: i.timestamp))


_check: StateHistory = FakeStateHistory()
