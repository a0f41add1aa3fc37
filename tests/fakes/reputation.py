"""A scripted `SendingReputation`: a `Reputation` per region, failures by region."""

from __future__ import annotations

from datetime import datetime, timedelta

from montui.feeds.reputation import SendingReputation
from montui.model.reputation import BOUNCE, COMPLAINT, RateHistory
from montui.model.ses_account import Reputation, SendPoint, SendQuota, SesAccount
from tests.fakes.data import NOW


class FakeReputation:
    """`data[region]` is answered (a region without one: an unused sandbox account);
    `fail[region]` is raised while set; `calls` records every (region, now) asked."""

    def __init__(self, data: dict[str, Reputation] | None = None) -> None:
        self.data: dict[str, Reputation] = dict(data or {})
        self.fail: dict[str, Exception] = {}
        self.calls: list[tuple[str, datetime]] = []

    async def reputation(self, region: str, now: datetime) -> Reputation:
        self.calls.append((region, now))
        if region in self.fail:
            raise self.fail[region]
        return self.data.get(region) or unused(region)


def ses_account(region: str = "ap-northeast-1", **changes: object) -> SesAccount:
    """A healthy production account sending 3,120 of 50,000 a day."""
    values: dict[str, object] = {
        "account": "123456789012",
        "region": region,
        "enforcement": "HEALTHY",
        "sending_enabled": True,
        "production": True,
        "quota": SendQuota(50_000, 14, 3_120),
    }
    values.update(changes)
    return SesAccount(**values)  # type: ignore[arg-type]


def unused(region: str) -> Reputation:
    """A sandbox account that never sent: no rates, no statistics."""
    account = ses_account(region, production=False, quota=SendQuota(200, 1, 0))
    return Reputation(account, RateHistory(BOUNCE), RateHistory(COMPLAINT))


def creeping(
    region: str = "ap-northeast-1",
    *,
    start: float = 0.01,
    end: float = 0.032,
    complaint: float | None = 0.0004,
    account: SesAccount | None = None,
    now: datetime = NOW,
) -> Reputation:
    """A bounce rate that creeps from `start` to `end` over 14 days (hourly points), a flat
    complaint rate (None: never published), 130 messages every 15 minutes."""
    hours = 14 * 24
    stamps = tuple(now - timedelta(hours=hours - i) for i in range(hours + 1))
    bounce = tuple(start + (end - start) * i / hours for i in range(hours + 1))
    complaints = RateHistory(COMPLAINT)
    if complaint is not None:
        complaints = RateHistory(COMPLAINT, stamps, tuple(complaint for _ in stamps), 3600)
    sends = tuple(
        SendPoint(now - timedelta(minutes=15 * i), 130, round(130 * end), 0, 0)
        for i in range(4 * 24 * 14, 0, -1)
    )
    return Reputation(
        account or ses_account(region),
        RateHistory(BOUNCE, stamps, bounce, 3600),
        complaints,
        sends,
    )


_check: SendingReputation = FakeReputation()
