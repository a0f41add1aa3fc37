"""The alarm review's history feed: every alarm's state updates of a region in ONE paged
DescribeAlarmHistory stream (not one call per alarm). The review gathered from it, for
`montui review` and the board's pane (`v`), is `feeds.review_run.gather_review`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from montui.feeds.session import AwsSession
from montui.model.history import HistoryItem


class StateHistory(Protocol):
    """Every alarm's state updates of a region between two moments, oldest first."""

    async def state_history(
        self, region: str, start: datetime, end: datetime
    ) -> tuple[HistoryItem, ...]: ...


class AwsStateHistory:
    """One paged DescribeAlarmHistory stream per region (sources.history)."""

    def __init__(self, session: AwsSession) -> None:
        self.session = session

    async def state_history(
        self, region: str, start: datetime, end: datetime
    ) -> tuple[HistoryItem, ...]:
        from montui.sources.history import region_state_history

        place = await self.session.place(region)
        return await region_state_history(self.session.clients, place, start=start, end=end)
