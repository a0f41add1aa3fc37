"""Performance Insights (`pi`): an instance's load by wait event, its top SQL, wait events,
users and hosts, and a statement's full text.

Addressed by the instance's `DbiResourceId` (from `sources.rds.db_instances`). The API's
limits are kept here: at most 15 metric queries per GetResourceMetrics (montui sends 2 or
3), a GroupBy or PartitionBy limit of 1..25, periods of 1, 60, 300, 3600 or 86400 s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from montui.model.dbload import (
    LoadSeries,
    SqlRow,
    TopKey,
    WaitLoad,
    load_series,
    wait_mix,
)
from montui.model.metrics import TimeWindow
from montui.model.place import Place
from montui.sources.error_mapping import source_errors
from montui.sources.errors import BadRequest
from montui.sources.paging import every_page
from montui.sources.session import AwsClients
from montui.sources.timestamps import utc

SERVICE_TYPE = "RDS"
LOAD = "db.load.avg"
VCPU_METRIC = "os.general.numVCPUs.avg"
"""The OS counter of the instance's vCPUs (needs Enhanced Monitoring's counters in PI)."""
MAX_QUERIES = 15
MAX_LIMIT = 25
WAIT = "db.wait_event"
SQL = "db.sql_tokenized"
GROUP_NAMES: dict[str, tuple[str, str]] = {
    WAIT: ("db.wait_event.name", "db.wait_event.type"),
    "db.user": ("db.user.name", ""),
    "db.host": ("db.host.name", ""),
}
"""The dimension naming each row of a top list, and the one giving its detail."""

__all__ = [
    "LOAD",
    "VCPU_METRIC",
    "get_load",
    "sql_statement",
    "top_keys",
    "top_sql",
]


def _limit(limit: int) -> int:
    return max(1, min(MAX_LIMIT, limit))


def _action(operation: str) -> str:
    return f"pi:{operation}"


async def get_load(
    clients: AwsClients,
    place: Place,
    resource_id: str,
    window: TimeWindow,
    period: int,
    *,
    top: int = 10,
    sql_id: str | None = None,
    with_vcpus: bool = True,
) -> tuple[LoadSeries, float | None]:
    """db.load.avg over `window` at `period`: the total and the `top` wait events
    (GetResourceMetrics, every page), and the mean of `os.general.numVCPUs.avg` when
    `with_vcpus` (None when PI has no points of it). `sql_id`: only that statement's load
    (`db.sql_tokenized.id`). An unknown metric raises `BadRequest` (InvalidArgumentException)."""
    load_filter = {"db.sql_tokenized.id": sql_id} if sql_id else None
    queries: list[dict[str, Any]] = [
        _query(LOAD, None, load_filter),
        _query(LOAD, {"Group": WAIT, "Limit": _limit(top)}, load_filter),
    ]
    if with_vcpus:
        queries.append(_query(VCPU_METRIC, None, None))
    assert len(queries) <= MAX_QUERIES
    request = {
        "ServiceType": SERVICE_TYPE,
        "Identifier": resource_id,
        "MetricQueries": queries,
        "StartTime": window.start,
        "EndTime": window.end,
        "PeriodInSeconds": period,
        "PeriodAlignment": "START_TIME",
    }
    metric_list: list[Mapping[str, Any]] = []
    operation = "GetResourceMetrics"
    with source_errors(
        service="pi", region=place.region, profile=clients.target.profile,
        action=_action(operation),
    ):  # fmt: skip
        client = await clients.client("pi", place)
        pages = every_page(
            client.get_resource_metrics, request, action=operation, service="pi",
            region=place.region,
        )  # fmt: skip
        async for page in pages:
            metric_list.extend(page.get("MetricList") or ())
    return _load(metric_list, period, top)


def _query(
    metric: str, group: dict[str, Any] | None, filt: dict[str, str] | None
) -> dict[str, Any]:
    query: dict[str, Any] = {"Metric": metric}
    if group:
        query["GroupBy"] = group
    if filt:
        query["Filter"] = filt
    return query


def _points(item: Mapping[str, Any]) -> dict[datetime, float]:
    points: dict[datetime, float] = {}
    for point in item.get("DataPoints") or ():
        value = point.get("Value")
        if value is not None:
            points[utc(point["Timestamp"])] = float(value)
    return points


def _load(
    metric_list: Sequence[Mapping[str, Any]], period: int, top: int
) -> tuple[LoadSeries, float | None]:
    total: dict[datetime, float] | None = None
    waits: list[tuple[str, str, dict[datetime, float]]] = []
    vcpus: list[float] = []
    for item in metric_list:
        key = item.get("Key") or {}
        metric = str(key.get("Metric") or "")
        dims: Mapping[str, str] = key.get("Dimensions") or {}
        if metric == LOAD and not dims:
            if total is None:  # the ungrouped query's, or the grouped one's aggregate
                total = _points(item)
        elif metric == LOAD:
            name = str(dims.get("db.wait_event.name") or "?")
            waits.append((name, str(dims.get("db.wait_event.type") or ""), _points(item)))
        elif metric == VCPU_METRIC:
            vcpus.extend(_points(item).values())
    moments = sorted(total or {})
    series = load_series(
        moments,
        [(total or {})[m] for m in moments],
        [WaitLoad(n, t, tuple(p.get(m, 0.0) for m in moments)) for n, t, p in waits],
        period,
        top=top,
    )
    return series, (sum(vcpus) / len(vcpus) if vcpus else None)


async def _dimension_keys(
    clients: AwsClients,
    place: Place,
    resource_id: str,
    window: TimeWindow,
    group: Mapping[str, Any],
    *,
    partition_by: Mapping[str, Any] | None = None,
    filt: Mapping[str, str] | None = None,
) -> Mapping[str, Any]:
    """One DescribeDimensionKeys answer (its first page: the top `Limit` keys)."""
    request: dict[str, Any] = {
        "ServiceType": SERVICE_TYPE,
        "Identifier": resource_id,
        "StartTime": window.start,
        "EndTime": window.end,
        "Metric": LOAD,
        "GroupBy": dict(group),
        "MaxResults": _limit(int(group.get("Limit", MAX_LIMIT))),
    }
    if partition_by:
        request["PartitionBy"] = dict(partition_by)
    if filt:
        request["Filter"] = dict(filt)
    operation = "DescribeDimensionKeys"
    with source_errors(
        service="pi", region=place.region, profile=clients.target.profile,
        action=_action(operation),
    ):  # fmt: skip
        client = await clients.client("pi", place)
        answer: Mapping[str, Any] = await client.describe_dimension_keys(**request)
        return answer


async def top_sql(
    clients: AwsClients,
    place: Place,
    resource_id: str,
    window: TimeWindow,
    *,
    top: int = 10,
) -> tuple[SqlRow, ...]:
    """The `top` tokenized statements by load over `window` (average active sessions),
    each with its load per wait event (DescribeDimensionKeys on db.sql_tokenized,
    partitioned by db.wait_event). Shares are 0 here (`model.dbload.with_shares`)."""
    answer = await _dimension_keys(
        clients, place, resource_id, window, {"Group": SQL, "Limit": _limit(top)},
        partition_by={"Group": WAIT, "Limit": MAX_LIMIT},
    )  # fmt: skip
    names = [
        str((p.get("Dimensions") or {}).get("db.wait_event.name") or "?")
        for p in answer.get("PartitionKeys") or ()
    ]
    rows: list[SqlRow] = []
    for key in answer.get("Keys") or ():
        dims: Mapping[str, str] = key.get("Dimensions") or {}
        aas = float(key.get("Total") or 0.0)
        values = [float(v or 0.0) for v in key.get("Partitions") or ()]
        rows.append(
            SqlRow(
                sql_id=str(dims.get("db.sql_tokenized.id") or ""),
                statement=str(dims.get("db.sql_tokenized.statement") or ""),
                aas=aas,
                share=0.0,
                waits=wait_mix(list(zip(names, values, strict=False))),
                db_id=str(dims.get("db.sql_tokenized.db_id") or ""),
            )
        )
    return tuple(sorted(rows, key=lambda r: -r.aas)[:top])


async def top_keys(
    clients: AwsClients,
    place: Place,
    resource_id: str,
    window: TimeWindow,
    group: str,
    *,
    top: int = 10,
) -> tuple[TopKey, ...]:
    """The `top` wait events (`db.wait_event`), users (`db.user`) or hosts (`db.host`) by
    load over `window` (shares 0 here, as for `top_sql`)."""
    if group not in GROUP_NAMES:
        raise BadRequest(f"montui does not list the {group} dimension group", service="pi")
    name_dim, detail_dim = GROUP_NAMES[group]
    answer = await _dimension_keys(
        clients, place, resource_id, window, {"Group": group, "Limit": _limit(top)}
    )
    rows: list[TopKey] = []
    for key in answer.get("Keys") or ():
        dims: Mapping[str, str] = key.get("Dimensions") or {}
        detail = str(dims.get(detail_dim) or "") if detail_dim else ""
        name = str(dims.get(name_dim) or "?")
        rows.append(TopKey(name, float(key.get("Total") or 0.0), 0.0, detail))
    return tuple(sorted(rows, key=lambda r: -r.aas)[:top])


async def sql_statement(
    clients: AwsClients, place: Place, resource_id: str, window: TimeWindow, sql_id: str
) -> tuple[str, str]:
    """(full text, status) of the statement behind the digest `sql_id` over `window`: the
    digest's top `db.sql` (DescribeDimensionKeys filtered on db.sql_tokenized.id), then its
    `db.sql.statement` (GetDimensionKeyDetails; status AVAILABLE, PROCESSING or UNAVAILABLE).
    ("", "UNAVAILABLE") when PI has no statement of that digest in the window."""
    answer = await _dimension_keys(
        clients, place, resource_id, window,
        {"Group": "db.sql", "Dimensions": ["db.sql.id", "db.sql.statement"], "Limit": 1},
        filt={"db.sql_tokenized.id": sql_id},
    )  # fmt: skip
    keys = answer.get("Keys") or ()
    if not keys:
        return "", "UNAVAILABLE"
    dims: Mapping[str, str] = keys[0].get("Dimensions") or {}
    full_id = str(dims.get("db.sql.id") or "")
    short = str(dims.get("db.sql.statement") or "")
    if not full_id:
        return short, "UNAVAILABLE" if not short else "AVAILABLE"
    operation = "GetDimensionKeyDetails"
    with source_errors(
        service="pi", region=place.region, profile=clients.target.profile,
        action=_action(operation),
    ):  # fmt: skip
        client = await clients.client("pi", place)
        details = await client.get_dimension_key_details(
            ServiceType=SERVICE_TYPE, Identifier=resource_id, Group="db.sql",
            GroupIdentifier=full_id, RequestedDimensions=["db.sql.statement"],
        )  # fmt: skip
    for item in details.get("Dimensions") or ():
        if item.get("Dimension") in ("db.sql.statement", "statement"):
            return str(item.get("Value") or short), str(item.get("Status") or "AVAILABLE")
    return short, "UNAVAILABLE"
