"""What the board reads, and hands on to the screens it opens: one protocol per need.

Built by the app (`ui/app.py`, the composition root) from an `AwsSession`, or from fakes in
tests. A new source shown from the board adds a field here; no feed is a facade over another.
"""

from __future__ import annotations

from collections.abc import Sequence

from msgspec import Struct

from montui.feeds.alarm_tags import AlarmTags
from montui.feeds.alarms import Alarms
from montui.feeds.dbload import DbLoadFeed
from montui.feeds.findings import Findings
from montui.feeds.history import AlarmHistory
from montui.feeds.identity import CallerIdentity
from montui.feeds.insights import LogsInsights
from montui.feeds.metric_data import MetricData
from montui.feeds.reputation import SendingReputation
from montui.feeds.review import StateHistory
from montui.feeds.session import Session


class BoardFeeds(Struct, frozen=True):
    """The session (connect, close) and the feeds of the board and what it opens."""

    session: Session
    alarms: Alarms
    identity: CallerIdentity
    metrics: MetricData
    """The sparklines, the detail's chart, the tune screen's back-test."""
    history: AlarmHistory
    """The detail's timeline; the workbench's last episode."""
    insights: LogsInsights
    """The drill-down and the workbench."""
    reputation: SendingReputation
    """The SES reputation pane (`e`)."""
    dbload: DbLoadFeed
    """The database load pane (RDS and Performance Insights) and its SQL."""
    review: StateHistory
    """The alarm review (`v`): every alarm's state history, one stream per region."""
    findings: Findings | None = None
    """GuardDuty: the findings pane and the live notice (None: not watched)."""
    alarm_tags: AlarmTags | None = None
    """Alarm tags for triage's response patterns (read only when `[triage] alarm_tag` is set)."""


class AccountFeeds(Struct, frozen=True):
    """One watched account: its alias (`[[account]]`; "" without any) and its feeds, over a
    session of its own (its profile, or its role's credentials)."""

    alias: str
    feeds: BoardFeeds
    account: str = ""
    """Its account id when known before any call (a role's, from its ARN); else learned."""


class Accounts:
    """Every watched account's feeds, in config order, and the account ids learned as the
    polls answer: a pane opened from an object finds its account's feeds (`feeds_of`), the
    account column its alias (`alias_of`).

    Without `[[account]]` there is one entry with alias "": `multi` is False and nothing on
    screen changes. The first entry is the primary one (`App.feeds`: the workbench, the
    panes not opened from an account's object)."""

    def __init__(self, entries: Sequence[AccountFeeds]) -> None:
        if not entries:
            raise ValueError("at least one account")
        self.entries: tuple[AccountFeeds, ...] = tuple(entries)
        self._ids: dict[str, str] = {e.alias: e.account for e in entries if e.account}
        """alias → account id, as known."""

    @classmethod
    def single(cls, feeds: BoardFeeds) -> Accounts:
        """The base credentials' own account, alone (no `[[account]]`)."""
        return cls([AccountFeeds("", feeds)])

    @property
    def multi(self) -> bool:
        """More than one account: the account column and the header's count are shown."""
        return len(self.entries) > 1

    @property
    def primary(self) -> BoardFeeds:
        return self.entries[0].feeds

    @property
    def aliases(self) -> tuple[str, ...]:
        return tuple(e.alias for e in self.entries)

    def learn(self, alias: str, account: str) -> None:
        """`alias`'s account id is `account` (from an answer's ARN or GetCallerIdentity)."""
        if account and alias not in self._ids:
            self._ids[alias] = account

    def id_of(self, alias: str) -> str:
        """The account id of `alias`, "" while unknown."""
        return self._ids.get(alias, "")

    def alias_of(self, account: str) -> str:
        """The alias of an account id ("" when not watched or not known yet)."""
        return next((a for a, i in self._ids.items() if i == account), "")

    def entry_of(self, account: str) -> AccountFeeds:
        """The entry of an account id; the primary one when it is not known (one account,
        or an object made by hand with no account)."""
        alias = self.alias_of(account) if account else ""
        return next((e for e in self.entries if e.alias == alias and alias), self.entries[0])

    def feeds_of(self, account: str) -> BoardFeeds:
        """The feeds of the account `account` (an id, as `Alarm.account` / `Place.account`)."""
        return self.entry_of(account).feeds

    def by_alias(self, alias: str) -> AccountFeeds | None:
        return next((e for e in self.entries if e.alias == alias), None)

    async def close(self) -> None:
        """Close every session, the primary last (it may run the demo world the others use)."""
        for entry in reversed(self.entries):
            await entry.feeds.session.close()
