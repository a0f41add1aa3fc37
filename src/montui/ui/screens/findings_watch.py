"""The GuardDuty watch: one poll loop per (account, region) on the board's cadence, whether the
findings pane is open or not, and the live notice of new High/Critical findings.

Several accounts (`[[account]]`): each (account alias, region) is polled through that
account's own `Findings` feed (`places`); statuses are keyed by `(alias, region)` (alias ""
without `[[account]]`), a failing account keeps its last findings and says why in place
while the others keep updating; `alias_of(finding)` names the account a finding came from.

Owned by the board (it starts the loops once connected). A loop awaits its poll before it
waits for the next, so polls of a region never overlap; a failing region keeps its last
findings, says why, and is polled again at the refresh interval (throttling backs off, as
on the board). After each good poll the findings are compared with the previous poll's
(`model.finding_notice.new_findings`): what is new at or above `[notify] min_band` raises
one notification and, unless `bell = false`, the terminal bell.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from msgspec import Struct

from montui.feeds.findings import Findings, FindingsQuery
from montui.model.finding_notice import (
    DEFAULT_NOTICE,
    NoticeRule,
    new_findings,
    notice_text,
    seen_counts,
)
from montui.model.findings import Finding, RegionFindings
from montui.model.records import replace
from montui.sources.errors import SourceError
from montui.ui.screens.board_poll import Pause, retry_delay, wait_or_wake


class _App(Protocol):
    def notify(self, message: str, *, title: str, severity: Any, timeout: float) -> None: ...
    def bell(self) -> None: ...


def tell(app: _App, news: list[Finding], bell: bool) -> None:
    """New findings: one notification (`model.finding_notice.notice_text`), the bell once."""
    title = "GuardDuty: new finding" if len(news) == 1 else f"GuardDuty: {len(news)} new findings"
    app.notify(notice_text(news), title=title, severity="error", timeout=30)
    if bell:
        app.bell()


def tell_accounts(
    app: _App, news: list[Finding], bell: bool, alias_of: Callable[[Finding], str]
) -> None:
    """New findings of several accounts: one notification per account, its alias in the title."""
    by_alias: dict[str, list[Finding]] = {}
    for finding in news:
        by_alias.setdefault(alias_of(finding), []).append(finding)
    for alias, found in by_alias.items():
        what = "new finding" if len(found) == 1 else f"{len(found)} new findings"
        where = f" in {alias} ({found[0].account})" if alias else ""
        app.notify(notice_text(found), title=f"GuardDuty: {what}{where}", severity="error",
                   timeout=30)  # fmt: skip
    if bell and news:
        app.bell()


PlaceKey = tuple[str, str]
"""(account alias, region); the alias is "" without `[[account]]`."""


class RegionWatch(Struct, frozen=True):
    """An (account, region)'s GuardDuty as last polled: its findings (kept through
    failures), when they came, and the current error and its hint, if any. `account` is the
    alias ("" without `[[account]]`)."""

    region: str
    found: RegionFindings | None = None
    fetched_at: datetime | None = None
    error: str = ""
    hint: str = ""
    failures: int = 0
    account: str = ""

    @property
    def where(self) -> str:
        """`prod/us-east-1` (just the region without an account alias)."""
        return f"{self.account}/{self.region}" if self.account else self.region


class FindingsWatch:
    """Every (account, region)'s findings, kept fresh by one loop each (see the module)."""

    def __init__(
        self,
        feed: Findings,
        *,
        refresh_every: float,
        clock: Callable[[], datetime],
        rule: NoticeRule = DEFAULT_NOTICE,
        notice: Callable[[list[Finding]], None] = lambda _: None,
        pause: Pause = wait_or_wake,
    ) -> None:
        self.feed = feed
        self.refresh_every = refresh_every
        self.clock = clock
        self.rule = rule
        self.pause = pause
        self._notice = notice
        self.query = FindingsQuery()
        self.statuses: dict[PlaceKey, RegionWatch] = {}
        self._feeds: dict[str, Findings] = {"": feed}
        self._aliases: dict[str, str] = {}
        self._seen: dict[PlaceKey, dict[tuple[str, str], int]] = {}
        self._wake: dict[PlaceKey, asyncio.Event] = {}
        self._listeners: list[Callable[[], None]] = []

    def regions(self, regions: tuple[str, ...]) -> None:
        """The regions to watch with the one account's feed (before their loops start)."""
        self.places([("", region, self.feed) for region in regions])

    def places(self, places: list[tuple[str, str, Findings]]) -> None:
        """The (account alias, region)s to watch, each with its account's feed."""
        for alias, region, feed in places:
            self._feeds[alias] = feed
            self.statuses.setdefault((alias, region), RegionWatch(region, account=alias))
            self._wake.setdefault((alias, region), asyncio.Event())

    def unreachable(self, alias: str, region: str, error: str, hint: str = "") -> None:
        """An account that could not connect: shown failing in place, never polled."""
        self.statuses[alias, region] = RegionWatch(
            region, error=error or "could not connect", hint=hint, failures=1, account=alias
        )

    def alias_of(self, finding: Finding) -> str:
        """The alias of the account `finding` was polled from ("" without `[[account]]`)."""
        return self._aliases.get(finding.account, "")

    @property
    def multi(self) -> bool:
        """Whether more than one account is watched (the pane shows the Acct column)."""
        return len({alias for alias, _ in self.statuses}) > 1

    def tell_with(self, notice: Callable[[list[Finding]], None]) -> None:
        """Who tells the news from now on (the triage screen, so montui has one notice)."""
        self._notice = notice

    def subscribe(self, listener: Callable[[], None]) -> None:
        """Call `listener` after every poll (the pane re-renders)."""
        self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[], None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def show_archived(self, archived: bool) -> None:
        """Poll archived findings too (or not) from now on, starting at once."""
        if archived != self.query.archived:
            self.query = replace(self.query, archived=archived)
            self.wake_all()

    def wake_all(self) -> None:
        """Poll every region now (one already polling is not asked twice)."""
        for event in self._wake.values():
            event.set()

    async def poll_region(self, region: str, alias: str = "") -> None:
        """Fetch, compare, tell, wait, repeat (`alias`: the account, through its own feed)."""
        key = (alias, region)
        wake = self._wake[key]
        while True:
            delay = self.refresh_every
            try:
                found = await self._feeds.get(alias, self.feed).findings(region, self.query)
            except Exception as exc:  # a SourceError, or never into Textual's crash screen
                error = exc if isinstance(exc, SourceError) else SourceError(f"{exc!r}")
                status = self.statuses[key]
                failures = status.failures + 1
                self.statuses[key] = replace(
                    status, error=error.message, hint=error.hint, failures=failures
                )
                delay = retry_delay(self.refresh_every, error, failures)
            else:
                self.statuses[key] = RegionWatch(region, found, self.clock(), account=alias)
                for finding in found.findings:
                    self._aliases[finding.account] = alias
                self._compare(key, found)
            for listener in list(self._listeners):
                listener()
            wake.clear()
            await self.pause(wake, delay)

    def _compare(self, key: PlaceKey, found: RegionFindings) -> None:
        previous = self._seen.get(key)
        news = new_findings(previous, found.findings, self.rule.min_band)
        seen = dict(previous or {})
        seen.update(seen_counts(found.findings))
        self._seen[key] = seen
        if news:
            self._notice(news)

    def all_findings(self) -> list[Finding]:
        """Every (account, region)'s findings, as last polled."""
        return [f for s in self.statuses.values() if s.found is not None for f in s.found.findings]

    @property
    def polled(self) -> bool:
        """Whether every (account, region) has answered once (with findings or an error)."""
        return all(s.fetched_at is not None or s.error for s in self.statuses.values())
