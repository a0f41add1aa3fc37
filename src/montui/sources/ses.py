"""SES sending reputation of a region: the account (SES v2 GetAccount), both reputation rates
over 14 days (one CloudWatch GetMetricData call) and the volume behind them (SES v1
GetSendStatistics).

IAM names both SES APIs `ses:` (botocore's `sesv2` service included; `readonly` maps it).
A region where SES was never used still answers GetAccount (sandbox, nothing sent): that is a
state of the `Reputation`, not an error. Raises only `SourceError` subclasses.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from montui.model.alarm import MetricQuery, MetricRef
from montui.model.metrics import MetricSeries, TimeWindow
from montui.model.place import Place
from montui.model.reputation import BOUNCE, COMPLAINT, NAMESPACE, RateHistory, RateKind
from montui.model.ses_account import SendPoint, SendQuota, SesAccount
from montui.sources.error_mapping import source_errors
from montui.sources.metrics import get_metric_data
from montui.sources.session import AwsClients
from montui.sources.timestamps import utc

ACCOUNT_ACTION = "ses:GetAccount"
STATISTICS_ACTION = "ses:GetSendStatistics"
RATE_PERIOD = 900
"""Seconds per point of the 14-day rate series (1,344 points each; GetSendStatistics' 15 min)."""
RATE_STAT = "Average"
"""The statistic the contact form's alarms use on both rates (scenario/hitori.py)."""

__all__ = [
    "ACCOUNT_ACTION",
    "RATE_PERIOD",
    "RATE_STAT",
    "STATISTICS_ACTION",
    "account",
    "account_from_response",
    "rate_histories",
    "rate_queries",
    "send_statistics",
]


async def account(clients: AwsClients, place: Place) -> SesAccount:
    """SES v2 GetAccount in `place`'s region."""
    with source_errors(
        service="sesv2", region=place.region, profile=clients.target.profile, action=ACCOUNT_ACTION
    ):
        client = await clients.client("sesv2", place)
        response = await client.get_account()
    return account_from_response(response, place)


def account_from_response(response: Mapping[str, Any], place: Place) -> SesAccount:
    """GetAccount's answer as a `SesAccount` (pure; absent fields read as AWS's defaults)."""
    quota: Mapping[str, Any] = response.get("SendQuota") or {}
    details: Mapping[str, Any] = response.get("Details") or {}
    review: Mapping[str, Any] = details.get("ReviewDetails") or {}
    return SesAccount(
        account=place.account,
        region=place.region,
        enforcement=str(response.get("EnforcementStatus") or ""),
        sending_enabled=bool(response.get("SendingEnabled", False)),
        production=bool(response.get("ProductionAccessEnabled", False)),
        quota=SendQuota(
            max_24h=float(quota.get("Max24HourSend") or 0),
            max_rate=float(quota.get("MaxSendRate") or 0),
            sent_24h=float(quota.get("SentLast24Hours") or 0),
        ),
        review_status=str(review["Status"]) if review.get("Status") else None,
        review_case=str(review["CaseId"]) if review.get("CaseId") else None,
    )


def rate_queries(period: int = RATE_PERIOD) -> tuple[MetricQuery, ...]:
    """The two GetMetricData queries: `bounce` and `complaint`, account-wide (no dimension)."""
    return tuple(
        MetricQuery(
            kind.name,
            metric=MetricRef(NAMESPACE, kind.metric),
            stat=RATE_STAT,
            period=period,
            label=kind.metric,
            return_data=True,
        )
        for kind in (BOUNCE, COMPLAINT)
    )


async def rate_histories(
    clients: AwsClients, place: Place, window: TimeWindow, *, period: int = RATE_PERIOD
) -> tuple[RateHistory, RateHistory]:
    """Both rates over `window` in one GetMetricData call; a rate AWS has not published is an
    empty history (no data), never zeros."""
    found = await get_metric_data(clients, place, rate_queries(period), window)
    by_id = {series.id: series for series in found}
    return (
        _history(BOUNCE, by_id.get(BOUNCE.name), period),
        _history(COMPLAINT, by_id.get(COMPLAINT.name), period),
    )


def _history(kind: RateKind, series: MetricSeries | None, period: int) -> RateHistory:
    if series is None:
        return RateHistory(kind, period=period)
    return RateHistory(kind, series.timestamps, series.values, period=period)


async def send_statistics(clients: AwsClients, place: Place) -> tuple[SendPoint, ...]:
    """SES v1 GetSendStatistics: the last two weeks in 15-minute points, oldest first."""
    with source_errors(
        service="ses", region=place.region, profile=clients.target.profile, action=STATISTICS_ACTION
    ):
        client = await clients.client("ses", place)
        response = await client.get_send_statistics()
    points = [_point(p) for p in response.get("SendDataPoints") or ()]
    return tuple(sorted(points, key=lambda p: p.timestamp))


def _point(raw: Mapping[str, Any]) -> SendPoint:
    return SendPoint(
        timestamp=utc(raw.get("Timestamp")),
        attempts=int(raw.get("DeliveryAttempts") or 0),
        bounces=int(raw.get("Bounces") or 0),
        complaints=int(raw.get("Complaints") or 0),
        rejects=int(raw.get("Rejects") or 0),
    )
