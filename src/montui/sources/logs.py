"""CloudWatch Logs Insights: start, poll, stop queries; list log groups (by prefix or
substring), the metric filters that publish a metric, and the account's saved queries.

`run_query` is the engine both the workbench and `montui query` use: it starts a query,
yields a `QueryResult` snapshot per GetQueryResults call (partial rows while Running), and
stops the query on AWS (StopQuery) when its consumer leaves early, fails or is cancelled.
Consumers that may leave early should close it deterministically:
`async with contextlib.aclosing(run_query(...)) as results: async for snapshot in results: …`

Polling backs off from 0.2 s to 2 s per query, and every query of the event loop shares one
pacer of 8 calls a second, so any number of open queries stays under GetQueryResults' quota
of 10 requests per second. A failed poll does not end a healthy query: a retryable error is
polled through with backoff within a budget (`model.query_retry`), the last snapshot yielded
again meanwhile with `retrying` saying why; only a fatal error or the spent budget ends the
run (and stops the query).

StartQuery is not idempotent, so it is sent without botocore's automatic retry (the
single-attempt client of `AwsClients`): an answer refusing it (throttled, 5xx) is retried
here a bounded number of times; an answer lost (a read timeout, a reset connection) has the
query it may have started looked for (DescribeQueries) and stopped before the error is raised.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from montui.model.drilldown import MetricFilterInfo
from montui.model.logs import QueryDefinition, QueryResult, QueryStatistics, QueryStatus
from montui.model.observability import listed_group, query_groups
from montui.model.place import Place
from montui.model.query_retry import POLL_RETRY, PollRetryBudget, poll_retry_wait, start_retry_wait
from montui.model.records import replace
from montui.sources.errors import BadRequest, SourceError, Throttled
from montui.sources.logs_errors import LogGroupNotFound as LogGroupNotFound
from montui.sources.logs_errors import QueryLimitExceeded as QueryLimitExceeded
from montui.sources.logs_errors import logs_errors as _logs_errors
from montui.sources.logs_errors import passing, unsent
from montui.sources.logs_running import stop_lost_start
from montui.sources.paging import client_pages
from montui.sources.session import AwsClients

log = logging.getLogger(__name__)

FIRST_POLL = 0.2
MAX_POLL = 2.0
POLL_GROWTH = 1.5
MAX_GROUPS = 50
"""StartQuery's limit on log groups per query."""


MAX_POLLS_PER_SECOND = 8.0
"""Every query of the process together: under GetQueryResults' quota of 10 per second."""


class PollPacer:
    """Spaces calls at least 1/`rate` seconds apart, across every task that shares it."""

    def __init__(self, rate: float = MAX_POLLS_PER_SECOND) -> None:
        self.interval = 1.0 / rate
        self._next = 0.0

    async def wait(self) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        at = max(now, self._next)
        self._next = at + self.interval
        if at > now:
            await asyncio.sleep(at - now)


_PACERS: dict[int, PollPacer] = {}


def _pacer() -> PollPacer:
    """The event loop's shared pacer (one per loop: `montui query` and tests run several)."""
    loop = asyncio.get_running_loop()
    pacer = _PACERS.get(id(loop))
    if pacer is None:
        _PACERS.clear()  # an earlier loop has ended
        pacer = _PACERS[id(loop)] = PollPacer()
    return pacer


async def start_query(
    clients: AwsClients,
    place: Place,
    query: str,
    groups: Sequence[str],
    start: datetime,
    end: datetime,
    *,
    limit: int | None = None,
) -> str:
    """Start `query` over `groups` between `start` and `end` (both included, to the
    second); returns the query id.

    Each StartQuery is sent once (the single-attempt client): an answer refusing it for a
    passing reason (throttled, 5xx), or a connection never made, started nothing and is
    retried, up to `model.query_retry.START_ATTEMPTS` sends in all; when the answer is lost
    (a read timeout, a reset connection) the query it may have started is looked for and
    stopped (`logs_running.stop_lost_start`), and the error is raised with a hint saying so."""
    if not groups:
        raise BadRequest("no log group to query", "name at least one log group")
    if len(groups) > MAX_GROUPS:
        raise BadRequest(f"at most {MAX_GROUPS} log groups per query ({len(groups)} given)")
    # A linked account's group (its ARN) makes every group go by ARN (model.observability).
    member, named = query_groups(groups, Place(place.account or clients.account, place.region))
    request: dict[str, Any] = {
        member: named,
        "startTime": int(start.timestamp()),
        "endTime": int(end.timestamp()),
        "queryString": query,
    }
    if limit is not None:
        request["limit"] = limit
    attempts = 0
    while True:
        attempts += 1
        sent = datetime.now(UTC)
        try:
            with _logs_errors(clients, place.region, "logs:StartQuery", groups):
                logs = await clients.client("logs", place, once=True)
                answer = await logs.start_query(**request)
            return str(answer["queryId"])
        except SourceError as exc:
            if not passing(exc):
                raise
            if not exc.answered and not unsent(exc):
                await stop_lost_start(clients, place, query, groups, sent, exc, stop=_stop_quietly)
                raise
            retry_after = exc.retry_after if isinstance(exc, Throttled) else None
            wait = start_retry_wait(attempts, jitter=random.random(), retry_after=retry_after)
            if wait is None:
                raise
            log.info("StartQuery refused or unsent (%s); again in %.1fs", exc, wait)
        await asyncio.sleep(wait)


async def query_results(clients: AwsClients, place: Place, query_id: str) -> QueryResult:
    """One GetQueryResults snapshot of the query."""
    with _logs_errors(clients, place.region, "logs:GetQueryResults"):
        logs = await clients.client("logs", place)
        answer = await logs.get_query_results(queryId=query_id)
    result = result_from_answer(query_id, answer)
    return replace(result, account=place.account, region=place.region)


def result_from_answer(query_id: str, answer: Mapping[str, Any]) -> QueryResult:
    """A GetQueryResults response as a `QueryResult`."""
    rows = tuple(
        {str(cell.get("field", "")): str(cell.get("value", "")) for cell in row}
        for row in answer.get("results", [])
    )
    stats: Mapping[str, Any] = answer.get("statistics") or {}
    return QueryResult(
        query_id=query_id,
        status=QueryStatus.parse(str(answer.get("status", "Unknown"))),
        rows=rows,
        statistics=QueryStatistics(
            records_matched=float(stats.get("recordsMatched", 0.0)),
            records_scanned=float(stats.get("recordsScanned", 0.0)),
            bytes_scanned=float(stats.get("bytesScanned", 0.0)),
        ),
    )


async def stop_query(clients: AwsClients, place: Place, query_id: str) -> bool:
    """Stop a query; True if it was stopped, False if it was no longer running (or AWS does
    not know it: a query of a world or account that is gone)."""
    with _logs_errors(clients, place.region, "logs:StopQuery"):
        logs = await clients.client("logs", place)
        try:
            answer = await logs.stop_query(queryId=query_id)
        except Exception as exc:
            response: Mapping[str, Any] = getattr(exc, "response", None) or {}
            code = response.get("Error", {}).get("Code")
            if code in ("InvalidParameterException", "ResourceNotFoundException"):
                return False  # "the specified query is not running", or unknown here
            raise
    return bool(answer.get("success", False))


async def run_query(
    clients: AwsClients,
    place: Place,
    query: str,
    groups: Sequence[str],
    start: datetime,
    end: datetime,
    *,
    limit: int | None = None,
    first_poll: float = FIRST_POLL,
    max_poll: float = MAX_POLL,
    on_start: Callable[[str], None] | None = None,
    retry: PollRetryBudget | None = None,
    on_end: Callable[[str], None] | None = None,
) -> AsyncGenerator[QueryResult, None]:
    """Start the query and yield a snapshot per poll until it has finished (the last one
    yielded is final). A query still running when the iteration ends early, raises or is
    cancelled is stopped on AWS, also when cancelled while StartQuery is on its way.
    `on_start` is called with the query id right after StartQuery (before the first poll),
    `on_end` once the query runs no more on AWS (finished, or stopped); not when StopQuery
    failed: the query still runs, and the caller still owns it. A poll that fails for a
    passing reason is polled again within `retry`'s budget (None: `POLL_RETRY`), the last
    snapshot yielded again meanwhile with `retrying` set; a fatal error or the spent budget
    ends the run (and stops the query)."""
    starting = asyncio.ensure_future(
        start_query(clients, place, query, groups, start, end, limit=limit)
    )
    try:
        query_id = await asyncio.shield(starting)
    except asyncio.CancelledError:
        await _stop_once_started(clients, place, starting, on_start, on_end)
        raise
    finished = False
    delay = first_poll
    last: QueryResult | None = None
    failures, failing_since = 0, 0.0
    try:
        if on_start is not None:
            on_start(query_id)
        while True:
            await _pacer().wait()
            failure: SourceError | None = None
            try:
                result = await query_results(clients, place, query_id)
            except SourceError as exc:
                failure = exc
            if failure is not None:
                now = asyncio.get_running_loop().time()
                failing_since = now if failures == 0 else failing_since
                failures += 1
                wait = poll_retry_wait(
                    failures,
                    now - failing_since,
                    retryable=passing(failure),
                    jitter=random.random(),
                    retry_after=failure.retry_after if isinstance(failure, Throttled) else None,
                    budget=retry or POLL_RETRY,
                )
                if wait is None:
                    raise failure
                log.info("query %s: poll failed (%s), again in %.1fs", query_id, failure, wait)
                yield _retrying(last, query_id, place, failure)
                await asyncio.sleep(wait)
                continue
            failures = 0
            last = result
            finished = result.status.finished
            yield result
            if finished:
                return
            await asyncio.sleep(delay)
            delay = min(max_poll, delay * POLL_GROWTH)
    finally:
        if (finished or await _stop_quietly(clients, place, query_id)) and on_end is not None:
            on_end(query_id)


def _retrying(
    last: QueryResult | None, query_id: str, place: Place, error: SourceError
) -> QueryResult:
    """The last snapshot (rows kept), or an empty Scheduled one, saying the poll is retried."""
    base = last or QueryResult(
        query_id, QueryStatus.SCHEDULED, account=place.account, region=place.region
    )
    return replace(base, retrying=error.message)


async def _stop_once_started(
    clients: AwsClients,
    place: Place,
    starting: asyncio.Future[str],
    on_start: Callable[[str], None] | None,
    on_end: Callable[[str], None] | None,
) -> None:
    """Cancelled while StartQuery was on its way: AWS may run the query already, and only
    its answer tells the id. Wait for it (one short call) and stop the query."""
    try:
        query_id = await starting
    except SourceError:
        return  # it did not start
    if on_start is not None:
        on_start(query_id)
    if await _stop_quietly(clients, place, query_id) and on_end is not None:
        on_end(query_id)


async def _stop_quietly(clients: AwsClients, place: Place, query_id: str) -> bool:
    """StopQuery; True when the query runs no more (stopped, or had ended already)."""
    try:
        await asyncio.shield(stop_query(clients, place, query_id))
    except SourceError as exc:
        log.warning("could not stop query %s: %s", query_id, exc)
        return False
    return True


async def log_groups(
    clients: AwsClients,
    place: Place,
    prefix: str = "",
    *,
    pattern: str | None = None,
    limit: int | None = None,
    include_linked: bool = False,
    accounts: Sequence[str] = (),
) -> tuple[str, ...]:
    """Names of the log groups starting with `prefix`, or (`pattern`) containing that
    substring (logGroupNamePattern: botocore's model documents the match as case-sensitive);
    in AWS's order, every page or the first `limit` names.
    AWS takes a prefix or a pattern, not both: both given is a `BadRequest`.

    `include_linked`: a CloudWatch cross-account observability monitoring account's linked
    accounts' groups too (`includeLinkedAccounts`); those are given by ARN
    (`model.observability`), the caller's own by name. `accounts`: only these accounts'
    groups (`accountIdentifiers`, implies `include_linked`)."""
    if prefix and pattern:
        raise BadRequest(
            "a log group prefix or a pattern, not both", service="logs", region=place.region
        )
    if limit is not None and limit <= 0:
        return ()
    names: list[str] = []
    request: dict[str, Any] = {}
    if prefix:
        request["logGroupNamePrefix"] = prefix
    elif pattern:
        request["logGroupNamePattern"] = pattern
    if limit is not None:
        request["limit"] = min(limit, DESCRIBE_LOG_GROUPS_PAGE)
    if include_linked or accounts:
        request["includeLinkedAccounts"] = True
    if accounts:
        request["accountIdentifiers"] = list(accounts)
    own = place.account or clients.account
    with _logs_errors(clients, place.region, "logs:DescribeLogGroups"):
        pages = _pages(clients, place, "DescribeLogGroups", request)
        async for answer in pages:
            names.extend(
                listed_group(str(g["logGroupName"]), str(g.get("logGroupArn") or ""), own)
                for g in answer.get("logGroups", [])
            )
            if limit is not None and len(names) >= limit:
                return tuple(names[:limit])
    return tuple(names)


DESCRIBE_LOG_GROUPS_PAGE = 50
"""DescribeLogGroups' largest page."""


async def metric_filters(
    clients: AwsClients, place: Place, *, namespace: str, metric_name: str
) -> tuple[MetricFilterInfo, ...]:
    """The metric filters (every page) with a transformation publishing `namespace` /
    `metric_name`, one `MetricFilterInfo` per such transformation."""
    request = {"metricNamespace": namespace, "metricName": metric_name}
    found: list[MetricFilterInfo] = []
    with _logs_errors(clients, place.region, "logs:DescribeMetricFilters"):
        pages = _pages(clients, place, "DescribeMetricFilters", request)
        async for answer in pages:
            for item in answer.get("metricFilters", []):
                found.extend(_filter_infos(item, namespace, metric_name))
    return tuple(found)


def _pages(
    clients: AwsClients, place: Place, operation: str, request: Mapping[str, Any]
) -> AsyncIterator[Mapping[str, Any]]:
    """Every page of a Logs listing (Logs spells its token `nextToken`)."""
    return client_pages(clients, place, "logs", operation, request, token_key="nextToken")


def _filter_infos(
    item: Mapping[str, Any], namespace: str, metric_name: str
) -> list[MetricFilterInfo]:
    """The transformations of one DescribeMetricFilters item that publish exactly the metric
    (the API matches name and namespace on any transformation, not on the same one)."""
    return [
        MetricFilterInfo(
            log_group=str(item.get("logGroupName", "")),
            filter_name=str(item.get("filterName", "")),
            filter_pattern=str(item.get("filterPattern", "")),
            metric_namespace=namespace,
            metric_name=metric_name,
        )
        for t in item.get("metricTransformations", [])
        if t.get("metricNamespace") == namespace and t.get("metricName") == metric_name
    ]


async def query_definitions(clients: AwsClients, place: Place) -> tuple[QueryDefinition, ...]:
    """The account's saved Logs Insights queries in `region` (every page), in AWS's order."""
    found: list[QueryDefinition] = []
    with _logs_errors(clients, place.region, "logs:DescribeQueryDefinitions"):
        pages = _pages(clients, place, "DescribeQueryDefinitions", {"maxResults": 1000})
        async for answer in pages:
            found.extend(
                QueryDefinition(
                    name=str(item.get("name", "")),
                    query=str(item.get("queryString", "")),
                    groups=tuple(str(g) for g in item.get("logGroupNames", []) or []),
                    definition_id=str(item.get("queryDefinitionId", "")),
                    account=place.account,
                    region=place.region,
                )
                for item in answer.get("queryDefinitions", [])
            )
    return tuple(found)
