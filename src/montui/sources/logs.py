"""CloudWatch Logs Insights: start, poll, stop queries; list log groups (by prefix or
substring), the metric filters that publish a metric, and the account's saved queries.

`run_query` is the engine both the workbench and `montui query` use: it starts a query,
yields a `QueryResult` snapshot per GetQueryResults call (partial rows while Running), and
stops the query on AWS (StopQuery) when its consumer leaves early, fails or is cancelled.
Consumers that may leave early should close it deterministically:
`async with contextlib.aclosing(run_query(...)) as results: async for snapshot in results: …`

Polling backs off from 0.2 s to 2 s per query, and every query of the event loop shares one
pacer of 8 calls a second, so any number of open queries stays under GetQueryResults' quota
of 10 requests per second.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import re
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from montui.model.drilldown import MetricFilterInfo
from montui.model.logs import QueryDefinition, QueryResult, QueryStatistics, QueryStatus
from montui.model.place import Place
from montui.sources.errors import BadRequest, MalformedQuery, SourceError, map_error
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


class QueryLimitExceeded(SourceError):
    """The account runs as many Logs Insights queries as its quota allows."""

    retryable = True


class LogGroupNotFound(BadRequest):
    """A log group named in the query does not exist (or is not visible to these credentials)."""


@contextlib.contextmanager
def _logs_errors(
    clients: AwsClients, region: str, action: str, groups: Sequence[str] = ()
) -> Iterator[None]:
    """Like `source_errors`, with Logs' own codes turned into words an engineer can act on."""
    where: dict[str, Any] = {"service": "logs", "region": region}
    try:
        yield
    except SourceError:
        raise
    except Exception as exc:
        response: Mapping[str, Any] = getattr(exc, "response", None) or {}
        error: Mapping[str, Any] = response.get("Error", {})
        code = str(error.get("Code", ""))
        aws_message = str(error.get("Message", "")) or str(exc)
        if code == "MalformedQueryException":
            compile_error: Mapping[str, Any] = response.get("queryCompileError") or {}
            location: Mapping[str, Any] = compile_error.get("location") or {}
            message = str(compile_error.get("message") or aws_message)
            raise MalformedQuery(
                message,
                start=_int_or_none(location.get("startCharOffset")),
                end=_int_or_none(location.get("endCharOffset")),
                detail=aws_message,
                **where,
            ) from exc
        if code == "LimitExceededException":
            raise QueryLimitExceeded(
                "the account's limit of concurrent Logs Insights queries is reached",
                "wait for running queries to finish, or stop some "
                "(aws logs describe-queries --status Running)",
                detail=aws_message,
                **where,
            ) from exc
        if code == "ResourceNotFoundException" and groups:
            named = re.findall(r"'([^']+)'", aws_message)
            missing = [g for g in named if g in groups] or list(groups)
            which = ", ".join(missing)
            noun = "log group" if len(missing) == 1 else "one of the log groups"
            raise LogGroupNotFound(
                f"{noun} {which} does not exist",
                "check the name and the region (montui lists groups by prefix)",
                detail=aws_message,
                **where,
            ) from exc
        raise map_error(
            exc, service="logs", region=region, profile=clients.target.profile, action=action
        ) from exc


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) else None


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
    second); returns the query id."""
    if not groups:
        raise BadRequest("no log group to query", "name at least one log group")
    if len(groups) > MAX_GROUPS:
        raise BadRequest(f"at most {MAX_GROUPS} log groups per query ({len(groups)} given)")
    request: dict[str, Any] = {
        "logGroupNames": list(groups),
        "startTime": int(start.timestamp()),
        "endTime": int(end.timestamp()),
        "queryString": query,
    }
    if limit is not None:
        request["limit"] = limit
    with _logs_errors(clients, place.region, "logs:StartQuery", groups):
        logs = await clients.client("logs", place)
        answer = await logs.start_query(**request)
    return str(answer["queryId"])


async def query_results(clients: AwsClients, place: Place, query_id: str) -> QueryResult:
    """One GetQueryResults snapshot of the query."""
    with _logs_errors(clients, place.region, "logs:GetQueryResults"):
        logs = await clients.client("logs", place)
        answer = await logs.get_query_results(queryId=query_id)
    result = result_from_answer(query_id, answer)
    return dataclasses.replace(result, account=place.account, region=place.region)


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
    on_end: Callable[[str], None] | None = None,
) -> AsyncGenerator[QueryResult, None]:
    """Start the query and yield a snapshot per poll until it has finished (the last one
    yielded is final). A query still running when the iteration ends early, raises or is
    cancelled is stopped on AWS, also when cancelled while StartQuery is on its way.
    `on_start` is called with the query id right after StartQuery (before the first poll),
    `on_end` once the query runs no more on AWS (finished, or stopped); not when StopQuery
    failed: the query still runs, and the caller still owns it."""
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
    try:
        if on_start is not None:
            on_start(query_id)
        while True:
            await _pacer().wait()
            result = await query_results(clients, place, query_id)
            finished = result.status.finished
            yield result
            if finished:
                return
            await asyncio.sleep(delay)
            delay = min(max_poll, delay * POLL_GROWTH)
    finally:
        if (finished or await _stop_quietly(clients, place, query_id)) and on_end is not None:
            on_end(query_id)


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
) -> tuple[str, ...]:
    """Names of the log groups starting with `prefix`, or (`pattern`) containing that
    substring (logGroupNamePattern: botocore's model documents the match as case-sensitive);
    in AWS's order, every page or the first `limit` names.
    AWS takes a prefix or a pattern, not both: both given is a `BadRequest`."""
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
    with _logs_errors(clients, place.region, "logs:DescribeLogGroups"):
        pages = _pages(clients, place, "DescribeLogGroups", request)
        async for answer in pages:
            names.extend(str(g["logGroupName"]) for g in answer.get("logGroups", []))
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
