"""The alarm tags cache of the triage screen, filled only when `[triage] alarm_tag` is set.

One loop on the slow cadence asks ListTagsForResource for each alarm in ALARM whose tags are
not cached (or were read more than `TAG_MAX_AGE` ago), one alarm at a time: an alarm that
stays in ALARM costs one call an hour, not one a refresh. A failure keeps what is cached,
says why (`error`) and is retried on the next round.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta

from montui.feeds.alarm_tags import AlarmTags
from montui.model.alarm import Alarm, AlarmState
from montui.sources.errors import SourceError
from montui.ui.screens.board_poll import Pause, wait_or_wake

TAG_MAX_AGE = timedelta(hours=1)


class TagCache:
    """(region, alarm name) → tags, with when they were read (see the module)."""

    def __init__(
        self,
        feed: AlarmTags,
        *,
        alarms: Callable[[], list[Alarm]],
        refresh_every: float,
        clock: Callable[[], datetime],
        changed: Callable[[], None],
        pause: Pause = wait_or_wake,
    ) -> None:
        self.feed = feed
        self.alarms = alarms
        self.refresh_every = refresh_every
        self.clock = clock
        self.changed = changed
        self.pause = pause
        self.tags: dict[tuple[str, str, str], dict[str, str]] = {}
        self.read_at: dict[tuple[str, str, str], datetime] = {}
        self.error = ""
        self.requests = 0
        self.wake = asyncio.Event()

    def due(self) -> list[Alarm]:
        """The alarms in ALARM (with an ARN) whose tags are missing or old."""
        now = self.clock()
        return [
            a for a in self.alarms()
            if a.state is AlarmState.ALARM and a.arn
            and (a.key not in self.read_at or now - self.read_at[a.key] > TAG_MAX_AGE)
        ]  # fmt: skip

    async def run(self) -> None:
        while True:
            await self.round()
            self.wake.clear()
            await self.pause(self.wake, self.refresh_every)

    async def round(self) -> None:
        """Read the tags of every alarm due; tell the screen when something changed."""
        due = self.due()
        for alarm in due:
            self.requests += 1
            try:
                self.tags[alarm.key] = await self.feed.tags(alarm)
            except Exception as exc:  # a SourceError, or never into Textual's crash screen
                error = exc if isinstance(exc, SourceError) else SourceError(f"{exc!r}")
                self.error = f"tags: {error.message}"
                break
            self.read_at[alarm.key] = self.clock()
            self.error = ""
        if due:
            self.changed()
