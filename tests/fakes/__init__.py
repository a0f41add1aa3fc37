"""Fakes of the feeds, one per protocol (each checked against it by mypy), the shared test
data, and `FakeFeed`: a scripted AWS for UI tests that wires one of each into `BoardFeeds`
(`fake_feeds` wires them without the old script names)."""

from __future__ import annotations

from typing import Any

from msgspec.structs import fields

from montui.model.alarm import Alarm
from montui.ui.screens.board_feeds import AccountFeeds, Accounts, BoardFeeds
from tests.fakes.alarms import FakeAlarms
from tests.fakes.data import NOW, frozen_clock, make_alarm, region_error, state_change
from tests.fakes.dbload import FakeDbLoad
from tests.fakes.findings import FakeFindings, make_finding
from tests.fakes.history import FakeHistory
from tests.fakes.identity import FakeIdentity
from tests.fakes.insights import FakeInsights
from tests.fakes.metric_data import FakeMetricData
from tests.fakes.pause import HandClock
from tests.fakes.reputation import FakeReputation
from tests.fakes.review import FakeStateHistory
from tests.fakes.session import FakeSession

__all__ = [
    "NOW",
    "FakeAlarms",
    "FakeDbLoad",
    "FakeFeed",
    "FakeFindings",
    "FakeHistory",
    "FakeIdentity",
    "FakeInsights",
    "FakeMetricData",
    "FakeReputation",
    "FakeSession",
    "FakeStateHistory",
    "HandClock",
    "fake_accounts",
    "fake_feeds",
    "frozen_clock",
    "make_alarm",
    "make_finding",
    "region_error",
    "state_change",
]

# Script names tests use → (part, attribute of that part).
_ROUTES: dict[str, tuple[str, str]] = {
    **{a: ("alarms", a) for a in ("data", "fail", "polls", "in_flight", "max_in_flight")},
    **{a: ("alarms", a) for a in ("on_poll", "delay")},
    **{a: ("alarms", a) for a in ("alarm_polls", "fail_listing", "hold_listing")},
    "series": ("metrics", "series"),
    "metric_calls": ("metrics", "calls"),
    "metric_fail": ("metrics", "fail"),
    "history_items": ("history", "items"),
    **{a: ("insights", a) for a in ("plans", "plan_calls", "groups", "query_script")},
    **{a: ("insights", a) for a in ("query_delay", "started", "stopped", "running", "runs")},
    "definitions": ("insights", "definitions"),
    **{a: ("session", a) for a in ("closed", "profile", "connect_error")},
}


def fake_feeds(
    alarms: FakeAlarms,
    *,
    session: FakeSession | None = None,
    metrics: FakeMetricData | None = None,
    history: FakeHistory | None = None,
    insights: FakeInsights | None = None,
    reputation: FakeReputation | None = None,
    findings: FakeFindings | None = None,
    dbload: FakeDbLoad | None = None,
    review: FakeStateHistory | None = None,
    account: str = "123456789012",
) -> BoardFeeds:
    """`BoardFeeds` of the given fakes, a default one of each other part; the session
    connects to `alarms`' regions and, on close, stops the insights' queries (as the app's
    does). New tests may build their app from this and script the fakes directly.
    `account`: the id its identity answers (one `fake_feeds()` per account: `fake_accounts`).
    `findings`: GuardDuty's fake; without it the board watches no findings (so the poll
    loops and waits of tests written before GuardDuty stay as they were)."""
    session = session or FakeSession(tuple(alarms.data))
    insights = insights or FakeInsights()
    session.hooks.append(insights.stop_queries)
    return BoardFeeds(
        session=session,
        alarms=alarms,
        identity=FakeIdentity(account),
        metrics=metrics or FakeMetricData(),
        history=history or FakeHistory(),
        insights=insights,
        reputation=reputation or FakeReputation(),
        findings=findings,
        dbload=dbload or FakeDbLoad(),
        review=review or FakeStateHistory(),
    )


class FakeFeed:
    """One fake per protocol over the same regions; `feeds` is what the app is given.
    The fakes' script attributes are reachable here by their old names (`feed.data`,
    `feed.series`, `feed.plans`, …) so that a test reads as one scripted AWS."""

    feeds: BoardFeeds
    # The parts, read through __getattr__ (declared for mypy).
    session: FakeSession
    alarms: FakeAlarms
    identity: FakeIdentity
    metrics: FakeMetricData
    history: FakeHistory
    insights: FakeInsights
    reputation: FakeReputation
    dbload: FakeDbLoad
    review: FakeStateHistory

    def __init__(
        self,
        alarms: dict[str, list[Alarm]],
        *,
        profile: str | None = "prod",
        connect_error: Exception | None = None,
        delay: float = 0.0,
    ) -> None:
        session = FakeSession(tuple(alarms), profile=profile, connect_error=connect_error)
        feeds = fake_feeds(FakeAlarms(alarms, delay=delay), session=session)
        object.__setattr__(self, "feeds", feeds)
        object.__setattr__(self, "_parts", {f.name: getattr(feeds, f.name) for f in fields(feeds)})

    def __getattr__(self, name: str) -> Any:
        parts = object.__getattribute__(self, "_parts")
        if name in parts:
            return parts[name]
        part, attribute = _ROUTES[name]
        return getattr(parts[part], attribute)

    def __setattr__(self, name: str, value: Any) -> None:
        part, attribute = _ROUTES[name]
        setattr(self._parts[part], attribute, value)


def fake_accounts(*entries: tuple[str, str, FakeAlarms]) -> tuple[Accounts, list[BoardFeeds]]:
    """Several accounts, one `fake_feeds()` each: (alias, account id, its alarms) in config
    order. The `Accounts` for `MontuiApp(…, accounts=…)`, and each account's feeds."""
    feeds = [fake_feeds(alarms, account=account) for _, account, alarms in entries]
    return Accounts(
        [AccountFeeds(alias, f) for (alias, _, _), f in zip(entries, feeds, strict=True)]
    ), feeds
