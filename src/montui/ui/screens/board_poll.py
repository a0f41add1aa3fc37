"""The board's polling: one `RegionStatus` per configured region, kept by one poll loop each.

`BoardPoll` resolves the connection (profile and regions), then the board runs `poll_region`
for every region in a worker. Each poll asks for the alarms in ALARM first and shows them at
once, then pages in the full listing behind them when it is due (`refresh_region`;
`model.alarm_first` says when and why not always). A loop awaits its fetches before it
sleeps, so polls of a region never overlap, and a failing region retries without touching
the others: at the refresh interval, so it is live again within one refresh of the fault
clearing; only throttling backs off, up to 2 minutes (`model.poll_schedule`). `wake_all`
(`r`) cuts every wait short (and asks for the full listing too). The loops write `statuses`
and `hints` and say so through callbacks: `changed` (render again), `polled` (a region's
good poll and its alarms) and `fatal` (montui cannot start: the message to exit with).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from datetime import datetime

from montui.feeds.session import Connection
from montui.launch import DemoWorldError
from montui.model.account import Identity
from montui.model.alarm import Alarm
from montui.model.alarm_first import left_alarm, listing_due
from montui.model.board import RegionStatus
from montui.model.poll_schedule import PollOutcome, next_poll_delay
from montui.model.recovery import AlarmKey, recently_recovered
from montui.sources.errors import SourceError, Throttled
from montui.ui.screens.board_feeds import BoardFeeds

Pause = Callable[[asyncio.Event, float], Awaitable[None]]
"""Wait `seconds`, or less when the event is set: how a poll loop waits for its next poll."""


async def wait_or_wake(wake: asyncio.Event, seconds: float) -> None:
    """The real `Pause`: the event loop's clock (tests pass one they move by hand)."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(wake.wait(), seconds)


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
        pause: Pause = wait_or_wake,
    ) -> None:
        self.feeds = feeds
        self.pause = pause
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
        self._delay: dict[str, float] = {}
        self._first_poll_done = asyncio.Event()
        self._connected = asyncio.Event()

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
        self._connected.set()
        return connection.regions

    async def wait_connected(self) -> tuple[str, ...]:
        """The regions, once another caller's `connect` has succeeded (the triage screen
        connects; the board opened on top of it waits instead of connecting twice)."""
        await self._connected.wait()
        assert self.connection is not None
        return self.connection.regions

    async def poll_region(self, region: str) -> None:
        """Fetch, record, sleep, repeat: the next poll starts only after this one ended."""
        wake = self._wake[region]
        woken = False
        while True:
            await self.refresh_region(region, woken=woken)
            self._changed()
            self._first_poll_done.set()
            wake.clear()
            await self.pause(wake, self._delay.get(region, self.refresh_every))
            woken = wake.is_set()

    async def refresh_region(self, region: str, *, woken: bool = False) -> None:
        """One poll of `region`, ALARM rows first (`model.alarm_first`): the alarms in ALARM,
        merged over the rows shown and shown at once (`changed`), then, when due, the full
        listing behind them. A failed phase marks the region (its rows kept, stale) and sets
        its retry; the listing is not asked after a failed ALARM phase."""
        firing = await self._fetch(region, self.feeds.alarms.alarms_in_alarm)
        if firing is None:
            return
        before = self.statuses[region]
        now = self.clock()
        self.statuses[region] = status = before.firing(firing, now)
        self._delay[region] = self.refresh_every
        due = listing_due(
            before.listed_at,
            now,
            refresh=self.refresh_every,
            count=len(before.alarms),
            failing=before.error is not None,
            woken=woken,
            left=left_alarm(before.alarms, firing),
        )
        if due:
            self._changed()  # the ALARM rows now; the listing pages in behind them
            listed = await self._fetch(region, self.feeds.alarms.alarms)
            if listed is not None:
                self.statuses[region] = status = self.statuses[region].succeeded(
                    listed, self.clock()
                )
                self.hints.pop(region, None)
        self._polled(region, status.alarms)

    async def _fetch(
        self, region: str, fetch: Callable[[str], Awaitable[tuple[Alarm, ...]]]
    ) -> tuple[Alarm, ...] | None:
        """`fetch(region)`, or None after recording its failure (never raised into Textual)."""
        try:
            return await fetch(region)
        except SourceError as exc:
            self._region_failed(region, exc)
        except Exception as exc:  # never into Textual's crash screen
            self._region_failed(region, SourceError(f"{type(exc).__name__}: {exc}"))
        return None

    def _region_failed(self, region: str, exc: SourceError) -> None:
        status = self.statuses[region]
        never_worked = all(s.fetched_at is None for s in self.statuses.values())
        if exc.fatal and never_worked:
            self._fatal(fatal_message(exc))
            return
        self.statuses[region] = failed = status.failed(exc.message)
        self.hints[region] = exc.hint
        self._delay[region] = retry_delay(self.refresh_every, exc, failed.failures)

    async def load_identity(self) -> None:
        """The account for the header; retried quietly on the polls' schedule until it comes
        (so it too is back within a refresh of an outage ending), never fatal on its own.
        Asked after the first poll, so the alarms are not kept waiting by a second client's
        set-up."""
        await self._first_poll_done.wait()
        wake = asyncio.Event()  # never set: nothing asks for the account sooner
        failures = 0
        while True:
            try:
                self.identity = await self.feeds.identity.identity()
            except Exception as exc:
                failures += 1
                await self.pause(wake, retry_delay(self.refresh_every, exc, failures))
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


def retry_delay(refresh: float, exc: Exception, failures: int) -> float:
    """Seconds before polling again after `exc`, the `failures`-th failure in a row: the
    refresh interval, or a throttled backoff (`model.poll_schedule.next_poll_delay`)."""
    if isinstance(exc, Throttled):
        return next_poll_delay(refresh, PollOutcome.THROTTLED, failures, exc.retry_after)
    return next_poll_delay(refresh, PollOutcome.FAILED, failures)


def fatal_message(exc: Exception) -> str:
    """What `montui` prints when it cannot start: what happened, then what to do."""
    if isinstance(exc, SourceError):
        lines = [f"montui: {exc.message}"]
        if exc.hint:
            lines.append(f"  {exc.hint}")
        return "\n".join(lines)
    return f"montui: {exc}"
