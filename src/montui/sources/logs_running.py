"""The account's Logs Insights queries still Scheduled or Running in a region
(DescribeQueries, read-only), and the ones a StartQuery whose answer was lost may have started,
stopped (`stop_lost_start`, which `sources.logs.start_query` calls).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from montui.model.place import Place
from montui.model.query_retry import QueryInfo, lost_starts
from montui.sources.error_mapping import source_errors
from montui.sources.errors import SourceError
from montui.sources.session import AwsClients

log = logging.getLogger(__name__)

RUNNING_STATUSES = ("Scheduled", "Running")
DESCRIBE_QUERIES_PAGE = 1000
"""DescribeQueries' largest page: listed newest first, so a query just started is on it."""


async def running_queries(clients: AwsClients, place: Place) -> tuple[QueryInfo, ...]:
    """The queries of the account in `place`'s region that are Scheduled or Running, newest
    first within each status (the first page of each: up to 1,000)."""
    found: list[QueryInfo] = []
    with source_errors(
        service="logs",
        region=place.region,
        profile=clients.target.profile,
        action="logs:DescribeQueries",
    ):
        logs = await clients.client("logs", place)
        for status in RUNNING_STATUSES:
            answer = await logs.describe_queries(status=status, maxResults=DESCRIBE_QUERIES_PAGE)
            found.extend(query_info(item) for item in answer.get("queries", []))
    return tuple(found)


def query_info(item: Mapping[str, Any]) -> QueryInfo:
    """One DescribeQueries item (`createTime` in epoch milliseconds)."""
    created = item.get("createTime")
    stamp = float(created) / 1000.0 if isinstance(created, int | float) else 0.0
    return QueryInfo(
        query_id=str(item.get("queryId", "")),
        query=str(item.get("queryString", "")),
        status=str(item.get("status", "")),
        created=datetime.fromtimestamp(stamp, UTC),
        group=str(item.get("logGroupName") or ""),
    )


StopQuery = Callable[[AwsClients, Place, str], Awaitable[object]]
"""How a query is stopped (sources.logs' StopQuery, which logs a failure)."""


async def stop_lost_start(
    clients: AwsClients,
    place: Place,
    query: str,
    groups: Sequence[str],
    sent: datetime,
    error: SourceError,
    *,
    stop: StopQuery,
) -> None:
    """StartQuery of `query` over `groups`, sent at `sent`, failed with `error` and no answer:
    AWS may run the query with no id known here. `stop` every Scheduled or Running query that
    request may have started (`model.query_retry.lost_starts`), and say so in `error`'s
    hints (what the user reads)."""
    try:
        found = lost_starts(await running_queries(clients, place), query, groups, sent)
    except SourceError as exc:
        log.warning("could not look for the query a lost StartQuery started: %s", exc)
        hint = (
            "StartQuery's answer was lost and montui could not check whether the query "
            "started: see `aws logs describe-queries --status Running`"
        )
    else:
        for info in found:
            await stop(clients, place, info.query_id)
        started = "the query it started was stopped" if found else "no query of it is running"
        hint = f"StartQuery's answer was lost ({started}): run the query again"
    error.hint = error.cli_hint = hint
