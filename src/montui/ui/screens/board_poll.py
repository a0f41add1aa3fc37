"""The board's polling: one `RegionStatus` per watched (account, region), kept by one poll
loop each.

`BoardPoll` resolves every account's connection (profile or role, and regions) at once, then
the board runs `poll_region` for every (account alias, region) in a worker: `statuses` and
`hints` are keyed by `PlaceKey` (alias, region); the alias is "" without `[[account]]`.
Each poll asks for the alarms in ALARM first and shows them at once, then pages in the full
listing behind them when it is due (`refresh_region`; `model.alarm_first` says when and why
not always). A loop awaits its fetches before it sleeps, so polls of a place never
overlap, and a failing place retries without touching the others: at the refresh interval,
so it is live again within one refresh of the fault clearing; only throttling backs
off, up to 2 minutes (`model.poll_schedule`). `wake_all` (`r`) cuts every wait short. The
loops write `statuses` and `hints` and say so through callbacks: `changed` (render again),
`polled` (a region's good poll and its alarms) and `fatal` (montui cannot start: the message
to exit with).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from datetime import datetime

from montui.feeds.prefetched_alarms import PrefetchedAlarms
from montui.feeds.session import AwsSession, Connection
from montui.launch import DemoWorldError
from montui.model.account import Identity
from montui.model.alarm import Alarm
from montui.model.alarm_first import left_alarm, listing_due
from montui.model.board import RegionStatus
from montui.model.poll_schedule import PollOutcome, next_poll_delay
from montui.model.records import replace
from montui.model.recovery import AlarmKey, recently_recovered
from montui.sources.errors import SourceError, Throttled
from montui.ui.screens.board_feeds import Accounts, BoardFeeds

PlaceKey = tuple[str, str]
"""(account alias, region): what a poll loop, its status and its hint are keyed by."""

Pause = Callable[[asyncio.Event, float], Awaitable[None]]
"""Wait `seconds`, or less when the event is set: how a poll loop waits for its next poll."""


async def wait_or_wake(wake: asyncio.Event, seconds: float) -> None:
    """The real `Pause`: the event loop's clock (tests pass one they move by hand)."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(wake.wait(), seconds)


class BoardPoll:
    """The connections, the accounts and every (account, region)'s status, and the loops that
    keep them."""

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
        accounts: Accounts | None = None,
    ) -> None:
        """`accounts`: every watched account's feeds (None: `feeds`' account alone)."""
        self.feeds = feeds
        self.accounts = accounts or Accounts.single(feeds)
        self.pause = pause
        self.refresh_every = refresh_every
        self.clock = clock
        self._changed = changed
        self._rows_shown: set[str] = set()
        """The accounts whose first ALARM rows have been shown (`Session.rows_shown`)."""
        self._polled = polled
        self._fatal = fatal
        self.connection: Connection | None = None
        """The first account's connection, its regions every account's (in order)."""
        self.connections: dict[str, Connection] = {}
        """Each account's connection, by alias (an account that could not connect: none)."""
        self.identity: Identity | None = None
        self.statuses: dict[PlaceKey, RegionStatus] = {}
        self.hints: dict[PlaceKey, str] = {}
        self._wake: dict[PlaceKey, asyncio.Event] = {}
        self._delay: dict[PlaceKey, float] = {}
        self._first_poll_done = asyncio.Event()
        self._connected = asyncio.Event()

    async def connect(self) -> tuple[str, ...] | None:
        """Resolve every account's profile (or role) and regions, at once: the regions to
        poll (every account's), or None when montui cannot start (after `fatal`). With
        several accounts, one that cannot connect (an unknown profile) is shown failing in
        place of its regions; montui stops only when none can."""
        if self._connected.is_set() and self.connection is not None:  # `connect_now`
            return self.connection.regions
        entries = self.accounts.entries
        results = await asyncio.gather(
            *(e.feeds.session.connect() for e in entries), return_exceptions=True
        )
        failed: dict[str, SourceError | DemoWorldError] = {}
        for entry, result in zip(entries, results, strict=True):
            if isinstance(result, SourceError | DemoWorldError):
                failed[entry.alias] = result
            elif isinstance(result, BaseException):
                raise result
            else:
                self.connections[entry.alias] = result
        if not self.connections:
            self._fatal(fatal_message(next(iter(failed.values()))))
            return None
        every = tuple(dict.fromkeys(r for c in self.connections.values() for r in c.regions))
        first = next(iter(self.connections.values()))
        self.connection = replace(first, regions=every)
        for entry in entries:
            connection = self.connections.get(entry.alias)
            for region in connection.regions if connection else every:
                key = (entry.alias, region)
                self.statuses[key] = RegionStatus(region, account=entry.alias)
                self._wake[key] = asyncio.Event()
                if entry.alias in failed:
                    self._place_failed(key, _as_source_error(failed[entry.alias]))
        self._connected.set()
        return every

    def connect_now(self) -> tuple[str, ...] | None:
        """At mount, when the start-up prefetch child has answered already: connect and take
        its ALARM rows at once, so that the first frame shows them (the first poll then
        hands the same answer over, asking AWS nothing). The regions; None, and nothing
        done, otherwise (one account, with a prefetch: `connect` does it as usual)."""
        session, alarms = self.feeds.session, self.feeds.alarms
        if self.accounts.multi or self._connected.is_set():
            return None
        if not isinstance(session, AwsSession) or not isinstance(alarms, PrefetchedAlarms):
            return None
        connection = session.connect_now()
        if connection is None:
            return None
        alias = self.accounts.entries[0].alias
        self.connections[alias] = self.connection = connection
        now = self.clock()
        for region in connection.regions:
            key = (alias, region)
            status = RegionStatus(region, account=alias)
            firing = alarms.prefetched(region)
            if firing is not None:
                status = status.firing(firing, now)
                self._learn(alias, firing)
            self.statuses[key] = status
            self._wake[key] = asyncio.Event()
        self._connected.set()
        return connection.regions

    @property
    def places(self) -> tuple[PlaceKey, ...]:
        """Every (account alias, region) polled, in config order: what `poll_region` runs
        for (an account that could not connect is listed, shown failing, and not polled)."""
        return tuple(k for k in self.statuses if k[0] in self.connections)

    def feeds_for(self, alias: str) -> BoardFeeds:
        """The feeds of the account `alias`."""
        entry = self.accounts.by_alias(alias)
        return entry.feeds if entry is not None else self.feeds

    async def wait_connected(self) -> tuple[str, ...]:
        """The regions, once another caller's `connect` has succeeded (the triage screen
        connects; the board opened on top of it waits instead of connecting twice)."""
        await self._connected.wait()
        assert self.connection is not None
        return self.connection.regions

    async def poll_region(self, region: str, alias: str = "") -> None:
        """Fetch, record, sleep, repeat: the next poll starts only after this one ended.
        `alias`: the account's (`[[account]]`; "" without any)."""
        key = (alias, region)
        wake = self._wake[key]
        woken = False
        while True:
            await self.refresh_region(region, alias, woken=woken)
            self._changed()
            self._first_poll_done.set()
            wake.clear()
            await self.pause(wake, self._delay.get(key, self.refresh_every))
            woken = wake.is_set()

    async def refresh_region(self, region: str, alias: str = "", *, woken: bool = False) -> None:
        """One poll of (`alias`, `region`), ALARM rows first (`model.alarm_first`): the alarms
        in ALARM, merged over the rows shown and shown at once (`changed`), then, when due,
        the full listing behind them. A failed phase marks the place (its rows kept, stale)
        and sets its retry; the listing is not asked after a failed ALARM phase."""
        key = (alias, region)
        feeds = self.feeds_for(alias)
        firing = await self._fetch(key, feeds.alarms.alarms_in_alarm)
        if firing is None:
            return
        before = self.statuses[key]
        now = self.clock()
        self.statuses[key] = status = before.firing(firing, now)
        self._delay[key] = self.refresh_every
        self._learn(alias, firing)
        due = listing_due(
            before.listed_at,
            now,
            refresh=self.refresh_every,
            count=len(before.alarms),
            failing=before.error is not None,
            woken=woken,
            left=left_alarm(before.alarms, firing),
        )
        first_rows = alias not in self._rows_shown
        if due or first_rows:
            self._changed()  # the ALARM rows now; the listing pages in behind them
        if first_rows:  # on screen before the session loads anything heavier (the AWS stack)
            self._rows_shown.add(alias)
            feeds.session.rows_shown()
        if due:
            listed = await self._fetch(key, feeds.alarms.alarms)
            if listed is not None:
                self.statuses[key] = status = self.statuses[key].succeeded(listed, self.clock())
                self.hints.pop(key, None)
                self._learn(alias, listed)
        self._polled(region, status.alarms)

    def _learn(self, alias: str, alarms: tuple[Alarm, ...]) -> None:
        if alarms:
            self.accounts.learn(alias, alarms[0].place.account)

    async def _fetch(
        self, key: PlaceKey, fetch: Callable[[str], Awaitable[tuple[Alarm, ...]]]
    ) -> tuple[Alarm, ...] | None:
        """`fetch(region)`, or None after recording its failure (never raised into Textual)."""
        try:
            return await fetch(key[1])
        except SourceError as exc:
            self._region_failed(key, exc)
        except Exception as exc:  # never into Textual's crash screen
            self._region_failed(key, SourceError(f"{type(exc).__name__}: {exc}"))
        return None

    def _region_failed(self, key: PlaceKey, exc: SourceError) -> None:
        never_worked = all(s.fetched_at is None for s in self.statuses.values())
        if exc.fatal and never_worked and not self.accounts.multi:
            self._fatal(fatal_message(exc))
            return
        self._place_failed(key, exc)

    def _place_failed(self, key: PlaceKey, exc: SourceError) -> None:
        """`key`'s status failed with `exc` (its rows kept, shown stale), retried later."""
        self.statuses[key] = failed = self.statuses[key].failed(exc.message)
        self.hints[key] = exc.hint
        self._delay[key] = retry_delay(self.refresh_every, exc, failed.failures)

    async def load_identity(self) -> None:
        """The account for the header (and every account's id, to find an object's account
        by the id it carries); retried quietly on the polls' schedule until it comes (so it
        too is back within a refresh of an outage ending), never fatal on its own. Asked
        after the first poll, so the alarms are not kept waiting by a second client's
        set-up."""
        await self._first_poll_done.wait()
        await asyncio.gather(
            *(self._identity_of(e.alias, e.feeds, i == 0)
              for i, e in enumerate(self.accounts.entries) if e.alias in self.connections)
        )  # fmt: skip

    async def _identity_of(self, alias: str, feeds: BoardFeeds, header: bool) -> None:
        wake = asyncio.Event()  # never set: nothing asks for the account sooner
        failures = 0
        while True:
            try:
                identity = await feeds.identity.identity()
            except Exception as exc:
                failures += 1
                await self.pause(wake, retry_delay(self.refresh_every, exc, failures))
            else:
                self.accounts.learn(alias, identity.account)
                if header:
                    self.identity = identity
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

    def find_alarm(self, region: str, name: str, account: str = "") -> Alarm | None:
        """The board's current alarm by (region, name) in `account` (an id; "": any): the
        detail's composite children, in their composite's account."""
        return next(
            (a for (_, r), s in self.statuses.items() if r == region for a in s.alarms
             if a.name == name and account in ("", a.place.account)),
            None,
        )  # fmt: skip

    def alias_of(self, alarm: Alarm) -> str:
        """The alias of the account `alarm` is in ("" without `[[account]]`)."""
        return self.accounts.alias_of(alarm.place.account)


def retry_delay(refresh: float, exc: Exception, failures: int) -> float:
    """Seconds before polling again after `exc`, the `failures`-th failure in a row: the
    refresh interval, or a throttled backoff (`model.poll_schedule.next_poll_delay`)."""
    if isinstance(exc, Throttled):
        return next_poll_delay(refresh, PollOutcome.THROTTLED, failures, exc.retry_after)
    return next_poll_delay(refresh, PollOutcome.FAILED, failures)


def _as_source_error(exc: Exception) -> SourceError:
    """A connect failure as the error its account's rows show."""
    if isinstance(exc, SourceError):
        return exc
    return SourceError(str(exc), fatal=True)


def fatal_message(exc: Exception) -> str:
    """What `montui` prints when it cannot start: what happened, then what to do."""
    if isinstance(exc, SourceError):
        lines = [f"montui: {exc.message}"]
        if exc.hint:
            lines.append(f"  {exc.hint}")
        return "\n".join(lines)
    return f"montui: {exc}"
