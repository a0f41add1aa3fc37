"""SES sending reputation of a region: what the reputation pane and `montui ses` read.

One refresh is three requests in a region, sent together: SES v2 GetAccount, one CloudWatch
GetMetricData for both rates over 14 days, SES v1 GetSendStatistics. Without the account
(GetAccount failing) there is nothing to show and the error is raised; a failing rates or
statistics request leaves that part empty and named in `Reputation.gaps`, the rest shown.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from montui.feeds.session import AwsSession
from montui.model.metrics import TimeWindow
from montui.model.reputation import BOUNCE, COMPLAINT, RateHistory
from montui.model.ses_account import Reputation, SendPoint

if TYPE_CHECKING:
    from montui.model.place import Place
    from montui.sources.errors import SourceError
    from montui.sources.session import AwsClients

HISTORY = timedelta(days=14)
"""How far back the rates are charted (GetSendStatistics' two weeks)."""


class SendingReputation(Protocol):
    """A region's SES account, both reputation rates over 14 days, and its send statistics."""

    async def reputation(self, region: str, now: datetime) -> Reputation: ...


def history_window(now: datetime) -> TimeWindow:
    """The 14 days before `now`, on whole minutes (as GetMetricData aligns them)."""
    end = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return TimeWindow(end - HISTORY, end)


class AwsSendingReputation:
    """GetAccount, GetMetricData and GetSendStatistics (sources.ses) through the session."""

    def __init__(self, session: AwsSession) -> None:
        self.session = session

    async def reputation(self, region: str, now: datetime) -> Reputation:
        place = await self.session.place(region)
        return await fetch_reputation(self.session.clients, place, now)


async def fetch_reputation(clients: AwsClients, place: Place, now: datetime) -> Reputation:
    """The three requests of one region, sent together (`montui ses` calls it directly)."""
    from montui.sources import ses
    from montui.sources.errors import SourceError

    found_account, rates, sends = await asyncio.gather(
        ses.account(clients, place),
        ses.rate_histories(clients, place, history_window(now)),
        ses.send_statistics(clients, place),
        return_exceptions=True,
    )
    if isinstance(found_account, BaseException):
        raise found_account
    gaps: list[str] = []
    bounce, complaint = RateHistory(BOUNCE), RateHistory(COMPLAINT)
    if isinstance(rates, SourceError):
        gaps.append(_gap("rates", rates))
    elif isinstance(rates, BaseException):
        raise rates
    else:
        bounce, complaint = rates
    points: tuple[SendPoint, ...] = ()
    if isinstance(sends, SourceError):
        gaps.append(_gap("volume", sends))
    elif isinstance(sends, BaseException):
        raise sends
    else:
        points = sends
    return Reputation(found_account, bounce, complaint, points, tuple(gaps))


def _gap(part: str, error: SourceError) -> str:
    """`rates: not authorized to call cloudwatch:GetMetricData (grant …)`."""
    hint = f" ({error.hint})" if error.hint else ""
    return f"{part}: {error.message}{hint}"
