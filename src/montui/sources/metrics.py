"""CloudWatch metric data: GetMetricData, batched and paged, parsed into `MetricSeries`.

One call per 500 queries (the API's limit; GetMetricData is billed per metric requested, so
callers batch every visible alarm into one call per region rather than one per row). Each
call follows NextToken to its last page, oldest datapoint first, and pages are merged per id.

Batches are cut at query boundaries: an expression and the queries it references must fall
in the same 500, so a caller mixing metric math with more than 500 queries orders them so.
`series_from_results` and `query_to_api` (`model.alarm_queries.metric_data_query`, shared
with the tune command) are pure and unit-tested without a server.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from montui.model.alarm import MetricQuery
from montui.model.alarm_queries import metric_data_query as query_to_api
from montui.model.metrics import MetricSeries, TimeWindow
from montui.model.place import Place
from montui.model.records import replace
from montui.sources.error_mapping import source_errors
from montui.sources.paging import client_pages
from montui.sources.session import AwsClients
from montui.sources.timestamps import utc

ACTION = "cloudwatch:GetMetricData"
MAX_QUERIES = 500
"""GetMetricData's limit on MetricDataQueries per call."""
"""Bounds a server that keeps handing out fresh tokens."""

__all__ = [
    "ACTION",
    "MAX_QUERIES",
    "batches",
    "get_metric_data",
    "query_to_api",
    "series_from_results",
]


async def get_metric_data(
    clients: AwsClients,
    place: Place,
    queries: Sequence[MetricQuery],
    window: TimeWindow,
    *,
    max_datapoints: int = 100_800,
) -> tuple[MetricSeries, ...]:
    """Run `queries` over `window` in `region`: one MetricSeries per id AWS returned data for
    (queries with ReturnData false return none), in the order of `queries`, oldest point first.

    One GetMetricData call per `MAX_QUERIES` queries, every page followed; `max_datapoints`
    is passed as MaxDatapoints on each page. Raises only `SourceError` subclasses.
    """
    if not queries:
        return ()
    profile = clients.target.profile
    results: list[Mapping[str, Any]] = []
    with source_errors(service="cloudwatch", region=place.region, profile=profile, action=ACTION):
        for batch in batches(queries):
            request: dict[str, Any] = {
                "MetricDataQueries": [query_to_api(q) for q in batch],
                "StartTime": window.start,
                "EndTime": window.end,
                "ScanBy": "TimestampAscending",
                "MaxDatapoints": max_datapoints,
            }
            async for page in client_pages(clients, place, "cloudwatch", "GetMetricData", request):
                results.extend(page.get("MetricDataResults") or ())
    found = series_from_results(results, order=[q.id for q in queries])
    return tuple(replace(s, account=place.account, region=place.region) for s in found)


def batches(queries: Sequence[MetricQuery], size: int = MAX_QUERIES) -> list[list[MetricQuery]]:
    """`queries` cut into consecutive runs of at most `size`."""
    return [list(queries[i : i + size]) for i in range(0, len(queries), size)]


@dataclass(slots=True)
class _Merged:
    """One id's datapoints gathered across pages and batches."""

    label: str
    points: dict[datetime, float] = field(default_factory=dict)
    status: str = "Complete"
    messages: list[str] = field(default_factory=list)


def series_from_results(
    results: Iterable[Mapping[str, Any]], *, order: Sequence[str] = ()
) -> tuple[MetricSeries, ...]:
    """MetricDataResults (from any number of pages) merged per id into `MetricSeries`.

    Pure. Points are sorted oldest first (a repeated timestamp keeps the later page's value);
    the status is the last page's (a `PartialData` page followed by a `Complete` one is
    complete); messages are kept once each. Ids in `order` come first, in that order; any
    other id follows in the order AWS returned it.
    """
    merged: dict[str, _Merged] = {}
    for result in results:
        query_id = str(result.get("Id", ""))
        entry = merged.get(query_id)
        if entry is None:
            entry = merged[query_id] = _Merged(label=str(result.get("Label") or query_id))
        pairs = zip(result.get("Timestamps") or (), result.get("Values") or (), strict=False)
        for timestamp, value in pairs:
            entry.points[utc(timestamp)] = float(value)
        entry.status = str(result.get("StatusCode") or entry.status)
        for message in result.get("Messages") or ():
            text = _message(message)
            if text not in entry.messages:
                entry.messages.append(text)
    rank = {query_id: i for i, query_id in enumerate(order)}
    ids = sorted(merged, key=lambda i: rank.get(i, len(rank)))
    return tuple(_series(query_id, merged[query_id]) for query_id in ids)


def _series(query_id: str, entry: _Merged) -> MetricSeries:
    stamps = sorted(entry.points)
    return MetricSeries(
        id=query_id,
        label=entry.label,
        timestamps=tuple(stamps),
        values=tuple(entry.points[t] for t in stamps),
        status=entry.status,
        messages=tuple(entry.messages),
    )


def _message(message: Any) -> str:
    if isinstance(message, Mapping):
        code, value = message.get("Code"), message.get("Value")
        return ": ".join(str(part) for part in (code, value) if part)
    return str(message)
