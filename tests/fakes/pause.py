"""A hand-moved clock for poll loops: `HandClock` is both the app's clock and its `Pause`."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from montui.ui.screens.board_poll import Pause
from tests.fakes.data import NOW


class HandClock:
    """Time moves only by `advance`. Each wait of a poll loop is recorded in `waits` (its
    seconds) and ends when `advance` passes its deadline or its event is set (`r`); `now` is
    what the app reads as its clock. Nothing here reads the wall clock or sleeps."""

    def __init__(self, start: datetime = NOW) -> None:
        self.now = start
        self.waits: list[float] = []
        self._sleepers: list[tuple[datetime, asyncio.Event]] = []

    def __call__(self) -> datetime:
        return self.now

    async def pause(self, wake: asyncio.Event, seconds: float) -> None:
        self.waits.append(seconds)
        due = asyncio.Event()
        self._sleepers.append((self.now + timedelta(seconds=seconds), due))
        waiting = [asyncio.ensure_future(wake.wait()), asyncio.ensure_future(due.wait())]
        try:
            await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in waiting:
                task.cancel()
            self._sleepers = [(at, event) for at, event in self._sleepers if event is not due]

    @property
    def sleeping(self) -> int:
        """How many loops are waiting now."""
        return len(self._sleepers)

    @property
    def due(self) -> int:
        """How many waits have come due (by `advance`) and not ended yet."""
        return sum(1 for at, _ in self._sleepers if at <= self.now)

    def advance(self, seconds: float) -> None:
        """Move the clock on; every wait due by then ends."""
        self.now += timedelta(seconds=seconds)
        for at, due in self._sleepers:
            if at <= self.now:
                due.set()


_check: Pause = HandClock().pause
