"""SES sending reputation of a region: what the reputation pane and `montui ses` read.

One refresh is three requests in a region, sent together: SES v2 GetAccount, one CloudWatch
GetMetricData for both rates over 14 days, SES v1 GetSendStatistics (the pane's feed reuses
the statistics for `STATISTICS_EVERY`: two requests on most refreshes). Without the account
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


STATISTICS_EVERY = timedelta(minutes=5)
"""How long a region's send statistics are reused. GetSendStatistics always answers two weeks
of 15-minute points (1,344), and botocore spends about 0.3 s parsing that XML on the event
loop: asked every refresh, it would stall the keys; its points move every 15 minutes."""


class AwsSendingReputation:
    """GetAccount, GetMetricData and GetSendStatistics (sources.ses) through the session;
    the statistics are asked again once `STATISTICS_EVERY` has passed (or after a failure)."""

    def __init__(self, session: AwsSession) -> None:
        self.session = session
        self._sends: dict[str, tuple[datetime, tuple[SendPoint, ...]]] = {}

    async def reputation(self, region: str, now: datetime) -> Reputation:
        place = await self.session.place(region)
        kept = self._sends.get(region)
        fresh = kept[1] if kept is not None and now - kept[0] < STATISTICS_EVERY else None
        found = await fetch_reputation(self.session.clients, place, now, sends=fresh)
        if fresh is None and not any(g.startswith("volume:") for g in found.gaps):
            self._sends[region] = (now, found.sends)
        return found


async def fetch_reputation(
    clients: AwsClients,
    place: Place,
    now: datetime,
    *,
    sends: tuple[SendPoint, ...] | None = None,
) -> Reputation:
    """The three requests of one region, sent together (`montui ses` calls it directly);
    with `sends` given (statistics still fresh), GetSendStatistics is not asked."""
    from montui.sources import ses
    from montui.sources.errors import SourceError

    async def statistics() -> tuple[SendPoint, ...]:
        return sends if sends is not None else await ses.send_statistics(clients, place)

    found_account, rates, points_or_error = await asyncio.gather(
        ses.account(clients, place),
        ses.rate_histories(clients, place, history_window(now)),
        statistics(),
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
    if isinstance(points_or_error, SourceError):
        gaps.append(_gap("volume", points_or_error))
    elif isinstance(points_or_error, BaseException):
        raise points_or_error
    else:
        points = points_or_error
    return Reputation(found_account, bounce, complaint, points, tuple(gaps))


def _gap(part: str, error: SourceError) -> str:
    """`rates: not authorized to call cloudwatch:GetMetricData (grant …)`."""
    hint = f" ({error.hint})" if error.hint else ""
    return f"{part}: {error.message}{hint}"
