"""What the triage screen reads: the board's alarm poll and GuardDuty watch (shared, never a
second poll of the same API), and its own slower loops for SES reputation and database load.

`SlowSource` is one of those loops' state per region: its signals (kept through failures),
when they came, the error. SES is one `reputation` call per region; DB load lists the region's
instances, then one GetResourceMetrics per instance with Performance Insights on (the last
`db_lookback` minutes of db.load.avg and the vCPU counter in one request).

Several accounts: one loop per (account alias, region), each through that account's own feed
(`poll_region(region, alias, fetch)`); its signals carry the account's id and a key of its
own (`stamped`), its error is named `alias/region`, the others keep updating.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from msgspec import Struct

from montui.feeds.dbload import DbLoadFeed
from montui.feeds.reputation import SendingReputation
from montui.model.metrics import TimeWindow
from montui.model.records import replace
from montui.model.signals import Signal, Source, TriageRules, db_signal, ses_signal
from montui.sources.errors import SourceError
from montui.ui.screens.board_poll import Pause, retry_delay, wait_or_wake

SLOW_FACTOR = 2
"""SES and DB load are polled every `SLOW_FACTOR` refreshes (their data moves slowly)."""


class RegionSignals(Struct, frozen=True):
    """One (account,) region of one slow source as last polled (`account`: the alias, ""
    without `[[account]]`)."""

    region: str
    signals: tuple[Signal, ...] = ()
    fetched_at: datetime | None = None
    error: str = ""
    failures: int = 0
    account: str = ""

    @property
    def where(self) -> str:
        """`prod/us-east-1`, or the region alone."""
        return f"{self.account}/{self.region}" if self.account else self.region


@dataclass
class SlowSource:
    """A source polled per region on the slow cadence (see the module)."""

    source: Source
    fetch: Callable[[str], Awaitable[tuple[Signal, ...]]]
    refresh_every: float
    clock: Callable[[], datetime]
    changed: Callable[[], None]
    pause: Pause = wait_or_wake
    statuses: dict[str, RegionSignals] = field(default_factory=dict)
    requests: int = 0
    """Requests sent so far (the benchmark divides by refreshes)."""
    wakes: list[asyncio.Event] = field(default_factory=list)

    async def poll_region(
        self,
        region: str,
        alias: str = "",
        fetch: Callable[[str], Awaitable[tuple[Signal, ...]]] | None = None,
    ) -> None:
        """Poll `region` (of the account `alias`, through its own `fetch`) until cancelled."""
        key = f"{alias}/{region}" if alias else region
        fetch = fetch or self.fetch
        self.statuses.setdefault(key, RegionSignals(region, account=alias))
        wake = asyncio.Event()  # `r` on the triage screen sets it (`wake_all`)
        self.wakes.append(wake)
        while True:
            delay = self.refresh_every
            try:
                signals = await fetch(region)
            except Exception as exc:  # a SourceError, or never into Textual's crash screen
                error = exc if isinstance(exc, SourceError) else SourceError(f"{exc!r}")
                status = self.statuses[key]
                self.statuses[key] = replace(
                    status, error=error.message, failures=status.failures + 1
                )
                delay = retry_delay(self.refresh_every, error, status.failures + 1)
            else:
                self.statuses[key] = RegionSignals(region, signals, self.clock(), account=alias)
            self.changed()
            wake.clear()
            await self.pause(wake, delay)

    def wake_all(self) -> None:
        for event in self.wakes:
            event.set()

    def signals(self) -> list[Signal]:
        return [s for status in self.statuses.values() for s in status.signals]

    @property
    def answered(self) -> bool:
        """Every region has answered once (signals or an error)."""
        return bool(self.statuses) and all(
            s.fetched_at is not None or s.error for s in self.statuses.values()
        )

    def fetched_at(self) -> datetime | None:
        """The oldest region's last good poll (what the freshness shows)."""
        stamps = [s.fetched_at for s in self.statuses.values() if s.fetched_at is not None]
        return min(stamps) if stamps else None

    def errors(self) -> list[str]:
        return [f"{s.where}: {s.error}" for s in self.statuses.values() if s.error]


def stamped(
    fetch: Callable[[str], Awaitable[tuple[Signal, ...]]], alias: str, account: Callable[[], str]
) -> Callable[[str], Awaitable[tuple[Signal, ...]]]:
    """`fetch` of the account `alias` (several accounts): each signal carries the account's
    id (`account()`, once known) and a key of its own (`alias|key`: two accounts' SES in one
    region are two rows)."""

    async def fetch_stamped(region: str) -> tuple[Signal, ...]:
        found = await fetch(region)
        return tuple(
            replace(s, key=f"{alias}|{s.key}", account=account() or s.account) for s in found
        )

    return fetch_stamped


def ses_fetch(
    feed: SendingReputation, rules: TriageRules, clock: Callable[[], datetime], counter: SlowSource
) -> Callable[[str], Awaitable[tuple[Signal, ...]]]:
    """One region's SES signal (none when the reputation is fine or the region unused)."""

    async def fetch(region: str) -> tuple[Signal, ...]:
        counter.requests += 1
        reputation = await feed.reputation(region, clock())
        signal = ses_signal(reputation, rules)
        return (signal,) if signal is not None else ()

    return fetch


def db_fetch(
    feed: DbLoadFeed, rules: TriageRules, clock: Callable[[], datetime], counter: SlowSource
) -> Callable[[str], Awaitable[tuple[Signal, ...]]]:
    """One region's DB load signals: each PI-enabled instance against its vCPU line."""

    async def fetch(region: str) -> tuple[Signal, ...]:
        counter.requests += 1
        instances = [i for i in await feed.instances(region) if i.pi_enabled]
        window = TimeWindow.ending(clock(), timedelta(minutes=rules.db_lookback))
        counter.requests += len(instances)
        loads = await asyncio.gather(*(feed.recent(i, window) for i in instances))
        found = []
        for instance, (series, vcpus) in zip(instances, loads, strict=True):
            drill = TimeWindow(window.start - timedelta(minutes=15), window.end)
            signal = db_signal(instance, series, vcpus, drill, rules)
            if signal is not None:
                found.append(signal)
        return tuple(found)

    return fetch
