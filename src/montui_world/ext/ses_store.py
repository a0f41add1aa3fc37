"""The world's SES accounts: one per (account, region), with its sending volume.

What `ses_api` answers SES v2 GetAccount and SES v1 GetSendStatistics / GetSendQuota from.
An account's settings (`SesAccount`) change through the API (PutAccountDetails,
PutAccountSendingAttributes, …) and through the world's test hook (`ses_api`'s
`/montui-world/ses/account`): enforcement status and review details are AWS's to set, not
the customer's. Its volume has two parts: the scenario's (`SendTraffic`, a pure function of
the quarter hour, registered by `montui_world.live`) and the mail a person sent through the
world's SES (moto's SendEmail), counted here as it succeeds. Nothing is stored per quarter
hour for the scenario: statistics are computed when asked.

A region nobody configured is a new account in the sandbox: 200 messages per 24 hours, one
per second, sending enabled, HEALTHY, no statistics. `STORE.clear()` runs on moto's reset.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from typing import Protocol

__all__ = [
    "DAY_QUARTERS",
    "QUARTER",
    "STORE",
    "AccountDetails",
    "SendPoint",
    "SendTraffic",
    "SesAccount",
    "SesStore",
]

QUARTER = 900
"""GetSendStatistics' resolution: one data point per 15 minutes."""
DAY_QUARTERS = 96
STATISTICS_DAYS = 14


@dataclass(frozen=True, slots=True)
class SendPoint:
    """One 15-minute data point of GetSendStatistics (`start`: epoch seconds)."""

    start: int
    attempts: int = 0
    bounces: int = 0
    complaints: int = 0
    rejects: int = 0

    def plus(self, other: SendPoint) -> SendPoint:
        """The two points' counts added (at this point's time)."""
        return SendPoint(
            self.start,
            self.attempts + other.attempts,
            self.bounces + other.bounces,
            self.complaints + other.complaints,
            self.rejects + other.rejects,
        )


class SendTraffic(Protocol):
    """A region's scenario mail: the counts of the quarter hour starting at `start`."""

    def quarter(self, start: int) -> SendPoint:
        """The counts of [start, start + 900) (epoch seconds, a multiple of 900)."""
        ...


@dataclass(frozen=True, slots=True)
class AccountDetails:
    """What PutAccountDetails stores (GetAccount's `Details`, less the review)."""

    mail_type: str
    website_url: str
    contact_language: str | None = None
    use_case: str | None = None
    contacts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SesAccount:
    """An SES account in one region, as GetAccount shows it (less SentLast24Hours)."""

    production: bool = False
    max_24_hour_send: float = 200.0
    max_send_rate: float = 1.0
    sending_enabled: bool = True
    enforcement: str = "HEALTHY"
    details: AccountDetails | None = None
    review_status: str | None = None
    case_id: str | None = None
    suppressed_reasons: tuple[str, ...] = ()
    auto_warmup: bool = True
    vdm_enabled: str = "DISABLED"


@dataclass
class _Region:
    account: SesAccount = field(default_factory=SesAccount)
    traffic: SendTraffic | None = None
    sent: list[int] = field(default_factory=list)  # epoch seconds of a person's messages


class SesStore:
    """Accounts, scenario traffic and a person's sends per (account, region); thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._regions: dict[tuple[str, str], _Region] = {}

    def _region(self, account: str, region: str) -> _Region:
        return self._regions.setdefault((account, region), _Region())

    def account(self, account: str, region: str) -> SesAccount:
        """The region's account settings (a new sandbox account if never configured)."""
        with self._lock:
            return self._region(account, region).account

    def put(self, account: str, region: str, settings: SesAccount) -> None:
        """Replace the region's account settings."""
        with self._lock:
            self._region(account, region).account = settings

    def change(self, account: str, region: str, **changes: object) -> SesAccount:
        """Change some of the region's settings (`dataclasses.replace`); returns the result."""
        with self._lock:
            place = self._region(account, region)
            place.account = replace(place.account, **changes)  # type: ignore[arg-type]
            return place.account

    def set_traffic(self, account: str, region: str, traffic: SendTraffic | None) -> None:
        """The scenario's mail in this region (None: none)."""
        with self._lock:
            self._region(account, region).traffic = traffic

    def record_sent(self, account: str, region: str, at: int, count: int = 1) -> None:
        """`count` messages a person sent at `at` (epoch seconds), accepted by SES."""
        with self._lock:
            self._region(account, region).sent.extend([at] * count)

    def points(self, account: str, region: str, now: int) -> list[SendPoint]:
        """GetSendStatistics as of `now`: the quarter hours of the last 14 days that saw any
        mail, oldest first. The scenario's quarter hour counts once it is over; a person's
        message at once."""
        with self._lock:
            place = self._region(account, region)
            traffic, sent = place.traffic, list(place.sent)
        current = now - now % QUARTER
        first = current - STATISTICS_DAYS * DAY_QUARTERS * QUARTER
        found: dict[int, SendPoint] = {}
        if traffic is not None:
            for start in range(first, current, QUARTER):
                found[start] = traffic.quarter(start)
        for moment in sent:
            if first <= moment <= now:
                start = moment - moment % QUARTER
                found[start] = found.get(start, SendPoint(start)).plus(SendPoint(start, 1))
        return [p for _, p in sorted(found.items()) if p.attempts or p.rejects]

    def sent_last_24_hours(self, account: str, region: str, now: int) -> int:
        """Delivery attempts in the 24 hours before `now`: the scenario's last 96 complete
        quarter hours (the window its reputation rates use) and a person's messages."""
        with self._lock:
            place = self._region(account, region)
            traffic, sent = place.traffic, list(place.sent)
        current = now - now % QUARTER
        total = sum(1 for moment in sent if now - 86400 < moment <= now)
        if traffic is not None:
            start = current - DAY_QUARTERS * QUARTER
            total += sum(traffic.quarter(s).attempts for s in range(start, current, QUARTER))
        return total

    def clear(self) -> None:
        """Forget every account (moto's reset)."""
        with self._lock:
            self._regions.clear()


STORE = SesStore()
