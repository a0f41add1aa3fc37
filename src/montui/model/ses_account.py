"""A region's SES account as the reputation pane and `montui ses` read it.

`SesAccount` is SES v2 GetAccount (enforcement status, sending enabled, production access,
send quota, the review of the latest production-access request); `SendPoint` one 15-minute
point of SES v1 GetSendStatistics; `Reputation` one region's whole answer, with the two rate
histories (`model.reputation`). Every object carries its account and region. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import Enum

from msgspec import Struct

from montui.model.reputation import BOUNCE, COMPLAINT, Band, RateHistory, RateKind, worst_band


class Status(Enum):
    """The account's status in the console's words, with a symbol for reading without colour."""

    HEALTHY = ("✔", "Healthy")
    UNDER_REVIEW = ("✖", "Under review")
    PAUSED = ("■", "Sending paused")
    UNKNOWN = ("?", "Unknown status")

    @property
    def symbol(self) -> str:
        return self.value[0]

    @property
    def words(self) -> str:
        return self.value[1]


ENFORCEMENT = {
    "HEALTHY": Status.HEALTHY,
    "PROBATION": Status.UNDER_REVIEW,
    "SHUTDOWN": Status.PAUSED,
}
"""GetAccount's EnforcementStatus → the console's words."""


class SendQuota(Struct, frozen=True):
    """SendQuota of GetAccount: messages per 24 h, per second, and sent in the last 24 h."""

    max_24h: float
    max_rate: float
    sent_24h: float

    def words(self) -> str:
        """`3,120 of 50,000 in 24 h · max 14/s` (an unlimited quota, -1, is `no limit`)."""
        limit = "no limit" if self.max_24h < 0 else f"{self.max_24h:,.0f}"
        return f"{self.sent_24h:,.0f} of {limit} in 24 h · max {_number(self.max_rate)}/s"

    @property
    def used(self) -> float | None:
        """Share of the 24-hour quota used (None for no limit)."""
        return self.sent_24h / self.max_24h if self.max_24h > 0 else None


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


class SesAccount(Struct, frozen=True):
    """GetAccount of one region."""

    account: str
    region: str
    enforcement: str
    """EnforcementStatus as AWS spelt it (HEALTHY, PROBATION, SHUTDOWN)."""
    sending_enabled: bool
    production: bool
    quota: SendQuota
    review_status: str | None = None
    """Details.ReviewDetails.Status (PENDING, FAILED, GRANTED, DENIED)."""
    review_case: str | None = None

    @property
    def status(self) -> Status:
        """Healthy / Under review / Sending paused: SHUTDOWN, or sending disabled, is paused
        (mail stops either way)."""
        found = ENFORCEMENT.get(self.enforcement.upper(), Status.UNKNOWN)
        if not self.sending_enabled and found is not Status.UNKNOWN:
            return Status.PAUSED
        return found

    def status_words(self) -> str:
        """`✖ Under review`, `■ Sending paused (sending disabled in the account)`."""
        status = self.status
        text = f"{status.symbol} {status.words}"
        if status is Status.UNKNOWN:
            text += f" ({self.enforcement or 'none given'})"
        elif status is Status.PAUSED and self.enforcement.upper() != "SHUTDOWN":
            text += " (sending disabled in the account)"
        elif status is Status.PAUSED:
            text += " (by AWS)"
        return text

    def access_words(self) -> str:
        """`production access` or `sandbox`, and a production-access review in progress."""
        text = "production access" if self.production else "sandbox"
        if self.review_status:
            case = f" (case {self.review_case})" if self.review_case else ""
            verb = (
                "in progress"
                if self.review_status.upper() == "PENDING"
                else self.review_status.lower()
            )
            text += f" · access review {verb}{case}"
        return text


class SendPoint(Struct, frozen=True):
    """One GetSendStatistics point: 15 minutes of sending."""

    timestamp: datetime
    attempts: int
    bounces: int
    complaints: int
    rejects: int


class Volume(Struct, frozen=True):
    """Sums of send points over a span: the volume behind a rate."""

    span: timedelta
    attempts: int = 0
    bounces: int = 0
    complaints: int = 0
    rejects: int = 0

    @classmethod
    def of(cls, points: Sequence[SendPoint], *, end: datetime, span: timedelta) -> Volume:
        """The points in (end - span, end]."""
        inside = [p for p in points if end - span < p.timestamp <= end]
        return cls(
            span,
            sum(p.attempts for p in inside),
            sum(p.bounces for p in inside),
            sum(p.complaints for p in inside),
            sum(p.rejects for p in inside),
        )

    def words(self) -> str:
        """`3,120 sent · 131 bounces · 2 complaints · 0 rejects`."""
        return (
            f"{self.attempts:,} sent · {self.bounces:,} {_plural('bounce', self.bounces)} · "
            f"{self.complaints:,} {_plural('complaint', self.complaints)} · "
            f"{self.rejects:,} {_plural('reject', self.rejects)}"
        )

    def weight_words(self, kind: RateKind) -> str:
        """`each bounce moves the rate 4.0 points` on few messages: a 4 % rate on 25 messages
        is one bounce; '' past 1,000 messages, or with none."""
        if not self.attempts or self.attempts >= 1000:
            return ""
        points = 100 / self.attempts
        return f"each {kind.name} moves the rate {points:.{kind.decimals}f} points"


def _plural(word: str, count: int) -> str:
    return word if count == 1 else word + "s"


class Reputation(Struct, frozen=True):
    """One region's SES reputation: the account, both rates over 14 days, the send points.

    `gaps` names the parts that could not be read (the rates, the statistics), with why:
    the rest is still shown."""

    account: SesAccount
    bounce: RateHistory
    complaint: RateHistory
    sends: tuple[SendPoint, ...] = ()
    gaps: tuple[str, ...] = ()

    @property
    def region(self) -> str:
        return self.account.region

    @property
    def rates(self) -> tuple[RateHistory, RateHistory]:
        return (self.bounce, self.complaint)

    def rate(self, kind: RateKind) -> RateHistory:
        return self.bounce if kind is BOUNCE else self.complaint

    @property
    def in_use(self) -> bool:
        """Whether the region sends mail: anything sent in 24 h or 14 days, or a rate."""
        return (
            self.account.quota.sent_24h > 0
            or any(p.attempts for p in self.sends)
            or any(r.has_data for r in self.rates)
        )

    @property
    def worst(self) -> Band | None:
        return worst_band(self.rates)

    @property
    def needs_review(self) -> bool:
        """Under review, paused by AWS, or a rate at or above its review threshold: what
        `montui ses --fail-on-review` exits 3 on."""
        if self.account.status is Status.UNDER_REVIEW:
            return True
        if self.account.enforcement.upper() == "SHUTDOWN":
            return True
        worst = self.worst
        return worst is not None and worst.rank >= Band.REVIEW.rank

    def volume(self, span: timedelta) -> Volume:
        """The send points of the last `span` before the newest one."""
        if not self.sends:
            return Volume(span)
        return Volume.of(self.sends, end=self.sends[-1].timestamp, span=span)

    def use_words(self) -> str:
        """'' for a region in use, else what its silence means."""
        if self.in_use:
            return ""
        where = "sandbox" if not self.account.production else "this region"
        return f"No mail sent in 14 days ({where}): nothing to rate."


__all__ = [
    "BOUNCE",
    "COMPLAINT",
    "ENFORCEMENT",
    "Reputation",
    "SendPoint",
    "SendQuota",
    "SesAccount",
    "Status",
    "Volume",
]
