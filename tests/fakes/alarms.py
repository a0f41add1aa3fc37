"""A scripted `Alarms`: alarms per region, failures on demand, polls counted."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from montui.feeds.alarms import Alarms
from montui.model.alarm import Alarm, AlarmState


class FakeAlarms:
    """`data[region]` is returned by each poll; `fail[region]` (an exception) is raised
    instead while set. `polls` counts calls per region; `in_flight` tracks overlap.
    `fail_listing[region]` fails only the full listing (not `alarms_in_alarm`), and while
    `hold_listing` is set to an event the full listing waits for it."""

    def __init__(self, data: dict[str, list[Alarm]], *, delay: float = 0.0) -> None:
        self.data = data
        self.fail: dict[str, Exception] = {}
        self.polls: dict[str, int] = dict.fromkeys(data, 0)
        self.alarm_polls: dict[str, int] = {}
        self.in_flight: dict[str, int] = dict.fromkeys(data, 0)
        self.max_in_flight = 0
        self.delay = delay
        self.on_poll: Callable[[str], None] | None = None
        self.fail_listing: dict[str, Exception] = {}
        self.hold_listing: asyncio.Event | None = None

    async def alarms(self, region: str) -> tuple[Alarm, ...]:
        self.polls[region] += 1
        self.in_flight[region] += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight[region])
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            if self.hold_listing is not None:
                await self.hold_listing.wait()
            if self.on_poll:
                self.on_poll(region)
            if region in self.fail:
                raise self.fail[region]
            if region in self.fail_listing:
                raise self.fail_listing[region]
            return tuple(self.data[region])
        finally:
            self.in_flight[region] -= 1

    async def alarms_in_alarm(self, region: str) -> tuple[Alarm, ...]:
        """The ALARM ones of `data[region]`, counted in `alarm_polls` (not in `polls`)."""
        self.alarm_polls[region] = self.alarm_polls.get(region, 0) + 1
        if region in self.fail:
            raise self.fail[region]
        return tuple(a for a in self.data[region] if a.state is AlarmState.ALARM)


_check: Alarms = FakeAlarms({})
