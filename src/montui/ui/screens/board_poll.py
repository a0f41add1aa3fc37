"""The board's polling: one `RegionStatus` per configured region, kept by one poll loop each.

`BoardPoll` resolves the connection (profile and regions), then the board runs `poll_region`
for every region in a worker. A loop awaits its fetch before it sleeps, so polls of a region
never overlap, and a failing region backs off and retries without touching the others. The
loops write `statuses` and `hints` and say so through callbacks: `changed` (render again),
`polled` (a region's good poll and its alarms) and `fatal` (montui cannot start: the message
to exit with).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import datetime

from montui.feeds.session import Connection
from montui.launch import DemoWorldError
from montui.model.account import Identity
from montui.model.alarm import Alarm
from montui.model.board import RegionStatus, retry_delay
from montui.model.recovery import AlarmKey, recently_recovered
from montui.sources.errors import SourceError
from montui.ui.screens.board_feeds import BoardFeeds


class BoardPoll:
    """The connection, the account and every region's status, and the loops that keep them."""

    def __init__(
        self,
        feeds: BoardFeeds,
        *,
        refresh_every: float,
        clock: Callable[[], datetime],
        changed: Callable[[], None],
        polled: Callable[[str, tuple[Alarm, ...]], None],
        fatal: Callable[[str], None],
    ) -> None:
        self.feeds = feeds
        self.refresh_every = refresh_every
        self.clock = clock
        self._changed = changed
        self._polled = polled
        self._fatal = fatal
        self.connection: Connection | None = None
        self.identity: Identity | None = None
        self.statuses: dict[str, RegionStatus] = {}
        self.hints: dict[str, str] = {}
        self._wake: dict[str, asyncio.Event] = {}
        self._first_poll_done = asyncio.Event()

    async def connect(self) -> tuple[str, ...] | None:
        """Resolve profile and regions: the regions to poll, or None when montui cannot start
        (after `fatal`)."""
        try:
            connection = await self.feeds.session.connect()
        except (SourceError, DemoWorldError) as exc:
            self._fatal(fatal_message(exc))
            return None
        self.connection = connection
        for region in connection.regions:
            self.statuses[region] = RegionStatus(region)
            self._wake[region] = asyncio.Event()
        return connection.regions

    async def poll_region(self, region: str) -> None:
        """Fetch, record, sleep, repeat: the next poll starts only after this one ended."""
        wake = self._wake[region]
        while True:
            try:
                alarms = await self.feeds.alarms.alarms(region)
            except SourceError as exc:
                self._region_failed(region, exc)
            except Exception as exc:  # never into Textual's crash screen
                self._region_failed(region, SourceError(f"{type(exc).__name__}: {exc}"))
            else:
                self.statuses[region] = self.statuses[region].succeeded(alarms, self.clock())
                self.hints.pop(region, None)
                self._polled(region, alarms)
            self._changed()
            self._first_poll_done.set()
            wake.clear()
            delay = retry_delay(self.refresh_every, self.statuses[region].failures)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), delay)

    def _region_failed(self, region: str, exc: SourceError) -> None:
        status = self.statuses[region]
        never_worked = all(s.fetched_at is None for s in self.statuses.values())
        if exc.fatal and never_worked:
            self._fatal(fatal_message(exc))
            return
        self.statuses[region] = status.failed(exc.message)
        self.hints[region] = exc.hint

    async def load_identity(self) -> None:
        """The account for the header; retried quietly, never fatal on its own. Asked after
        the first poll, so the alarms are not kept waiting by a second client's set-up."""
        await self._first_poll_done.wait()
        for attempt in range(6):
            try:
                self.identity = await self.feeds.identity.identity()
            except Exception:
                await asyncio.sleep(retry_delay(self.refresh_every, attempt + 1))
            else:
                self._changed()
                return

    def wake_all(self) -> None:
        """Poll every region now (a region already polling is not asked twice)."""
        for event in self._wake.values():
            event.set()

    def all_alarms(self) -> list[Alarm]:
        """Every alarm of every region, as last polled."""
        return [a for s in self.statuses.values() for a in s.alarms]

    def recovered(self) -> frozenset[AlarmKey]:
        """The alarms that went ALARM → OK lately, as far as the polls saw."""
        now = self.clock()
        return frozenset().union(
            *(recently_recovered(s.recovered, now) for s in self.statuses.values())
        )

    def find_alarm(self, region: str, name: str) -> Alarm | None:
        """The board's current alarm by (region, name): the detail's composite children."""
        status = self.statuses.get(region)
        return next((a for a in status.alarms if a.name == name), None) if status else None


def fatal_message(exc: Exception) -> str:
    """What `montui` prints when it cannot start: what happened, then what to do."""
    if isinstance(exc, SourceError):
        lines = [f"montui: {exc.message}"]
        if exc.hint:
            lines.append(f"  {exc.hint}")
        return "\n".join(lines)
    return f"montui: {exc}"
