"""CloudWatch metrics as AWS serves them, on montui's own store, patched into moto 5.2.5.

moto keeps datapoints in one list and scans it per period: percentiles fail the whole call,
metric math returns a bare id, namespace is ignored when dimensions are given, dimensions must
come in the stored order, MaxDatapoints is ignored, and three hours cost ~95 ms a query.
`install()` moves PutMetricData, GetMetricData, GetMetricStatistics and ListMetrics onto
`STORE` (`montui_world.metricstore`): sorted array columns per (namespace, name, dimension set),
range queries by bisect, periods aggregated on the fly. `metric_math` evaluates expressions.

- Writes: moto's `CloudWatchBackend.put_metric_data` (so other moto services that publish
  metrics land here too) and the bulk `STORE.put_series` for backfills.
- Reset: moto's reset of every backend (`/moto-api/reset`, the end of `mock_aws`) empties
  the store.
- `datapoints(...)`: the Python query the alarm evaluation uses (epoch-aligned periods).

GetMetricData's request engine (periods, paging, math, labels) is `metric_data`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from moto.cloudwatch.exceptions import (
    InvalidParameterCombination,
    InvalidParameterValue,
)
from moto.cloudwatch.models import CloudWatchBackend
from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.base_backend import BackendDict
from moto.core.responses import ActionResult

from montui_world.clock import WORLD_CLOCK
from montui_world.ext.metric_data import (
    epoch,
    get_metric_data,
    moment,
    read_token,
    round_start,
    write_token,
)
from montui_world.ext.patching import installed, patch
from montui_world.metricstore import (
    BASIC_STATS,
    DEFAULT_ACCOUNT,
    NO_UNIT,
    STORE,
    epoch_seconds,
    percentile_of,
)

_MARK = "_montui_metrics_ext"
_LIST_PAGE = 500
_STATS_LIMIT = 1440
_original: dict[str, Any] = {}


def install() -> None:
    """Route moto's CloudWatch metric calls to `STORE`; calling it again changes nothing."""
    if installed(CloudWatchResponse, _MARK):
        return
    _original["reset"] = BackendDict.reset
    BackendDict.reset = classmethod(_reset_all)  # type: ignore[method-assign,assignment]
    CloudWatchBackend.put_metric_data = _backend_put_metric_data  # type: ignore[method-assign]
    handlers = {
        "get_metric_data": get_metric_data,
        "get_metric_statistics": _get_metric_statistics,
        "list_metrics": _list_metrics,
    }
    patch(CloudWatchResponse, _MARK, handlers)


def datapoints(
    region: str,
    namespace: str,
    metric: str,
    dimensions: Mapping[str, str],
    *,
    period: int,
    stat: str,
    start: datetime,
    end: datetime,
    account: str = DEFAULT_ACCOUNT,
) -> dict[datetime, float]:
    """`stat` (SampleCount, Sum, Average, Minimum, Maximum or `pNN`) of each period of
    `period` seconds, periods counted from the epoch, over datapoints in [start, end); keyed
    by period start (aware UTC if `start` is aware, else naive UTC). Periods with no data (or
    no percentile, see `metricstore`) are absent."""
    aware = start.tzinfo is not None
    found: dict[datetime, float] = {}
    with STORE.lock:
        series = STORE.series(region, namespace, metric, dimensions, account)
        if series is None:
            return found
        points = series.per_period(0, period, epoch_seconds(start), epoch_seconds(end), stat)
    for begin, value in points:
        moment = datetime.fromtimestamp(begin, UTC)
        found[moment if aware else moment.replace(tzinfo=None)] = value
    return found


def _reset_all(cls: type[BackendDict[Any]]) -> None:
    # moto's reset (/moto-api/reset, or the end of mock_aws) forgets every backend: so does
    # the store. Not per region backend: that runs under moto's lock, the store's would nest.
    STORE.clear()
    WORLD_CLOCK.reset()
    _original["reset"]()


# ---------------------------------------------------------------- PutMetricData


def _backend_put_metric_data(
    self: CloudWatchBackend, namespace: str, metric_data: list[dict[str, Any]]
) -> None:
    for number, item in enumerate(metric_data, start=1):
        self._validate_parameters_put_metric_data(item, number)
    now = WORLD_CLOCK.now()
    with STORE.lock:
        for item in metric_data:
            _put_item(self, namespace, item, now)


def _put_item(
    backend: CloudWatchBackend, namespace: str, item: dict[str, Any], now: datetime
) -> None:
    name = item["MetricName"]
    dimensions = {d["Name"]: d["Value"] for d in item.get("Dimensions") or ()}
    stamp = item.get("Timestamp")
    time = epoch(stamp) if stamp is not None else epoch_seconds(now)
    unit = item.get("Unit") or NO_UNIT

    def put(value: float, stats: tuple[float, float, float] | None = None) -> None:
        STORE.put(
            backend.region_name,
            namespace,
            name,
            dimensions,
            time,
            value,
            stats=stats,
            unit=unit,
            account=backend.account_id,
        )

    if item.get("Values"):
        counts = item.get("Counts") or [1.0] * len(item["Values"])
        for value, count in zip(item["Values"], counts, strict=True):
            value, count = float(value), float(count)
            put(value * count, (count, value, value))
    elif item.get("StatisticValues"):
        stats = item["StatisticValues"]
        put(
            float(stats["Sum"]),
            (float(stats["SampleCount"]), float(stats["Minimum"]), float(stats["Maximum"])),
        )
    else:
        put(float(item.get("Value", 0.0)))


# ---------------------------------------------------------------- GetMetricStatistics


def _get_metric_statistics(self: Any) -> ActionResult:
    namespace = self._get_param("Namespace")
    name = self._get_param("MetricName")
    start, end = epoch(self._get_param("StartTime")), epoch(self._get_param("EndTime"))
    period = int(self._get_param("Period"))
    statistics: list[str] = self._get_param("Statistics") or []
    extended: list[str] = self._get_param("ExtendedStatistics") or []
    unit = self._get_param("Unit")
    dimensions = {d["Name"]: d["Value"] for d in self._get_param("Dimensions") or ()}
    if not statistics and not extended:
        raise InvalidParameterCombination("Must specify either Statistics or ExtendedStatistics")
    if statistics and extended:
        raise InvalidParameterCombination(
            "Must specify either Statistics or ExtendedStatistics, but not both"
        )
    for stat in statistics:
        if stat not in BASIC_STATS:
            raise InvalidParameterValue(f"The statistic {stat} is not valid.")
    for stat in extended:
        if percentile_of(stat) is None:
            raise InvalidParameterValue(f"The extended statistic {stat} is not valid.")
    if start >= end:
        raise InvalidParameterValue(
            "The parameter StartTime must be less than the parameter EndTime."
        )
    requested = math.ceil((end - start) / period)
    if requested > _STATS_LIMIT:
        raise InvalidParameterCombination(
            f"You have requested up to {requested:,} datapoints, which exceeds the limit of "
            "1,440. You may reduce the datapoints requested by increasing Period, or "
            "decreasing the time range."
        )
    backend = self.cloudwatch_backend
    points: list[dict[str, Any]] = []
    with STORE.lock:
        series = STORE.series(backend.region_name, namespace, name, dimensions, backend.account_id)
        if series is not None:
            origin = round_start(start, period, WORLD_CLOCK.epoch())
            for begin, lo, hi in series.buckets(origin, period, origin, end):
                found = series.aggregate(lo, hi, unit, percentiles=bool(extended))
                if found is None:
                    continue
                point: dict[str, Any] = {"Timestamp": moment(begin), "Unit": found.unit}
                for stat in statistics:
                    point[stat] = found.value(stat)
                if extended:
                    point["ExtendedStatistics"] = {
                        stat: value for stat in extended if (value := found.value(stat)) is not None
                    }
                points.append(point)
    return ActionResult({"Label": name, "Datapoints": points})


# ---------------------------------------------------------------- ListMetrics


def _list_metrics(self: Any) -> ActionResult:
    namespace = self._get_param("Namespace")
    name = self._get_param("MetricName")
    filters = [(d["Name"], d.get("Value")) for d in self._get_param("Dimensions") or ()]
    recent = self._get_param("RecentlyActive")
    offset = read_token(self._get_param("NextToken"))
    backend = self.cloudwatch_backend
    since = WORLD_CLOCK.epoch() - 3 * 3600 if recent == "PT3H" else None
    region = STORE.region(backend.region_name, backend.account_id)
    matches = []
    with STORE.lock:
        for key in STORE.keys(backend.region_name, backend.account_id):
            space, metric, dims = key
            if (namespace and space != namespace) or (name and metric != name):
                continue
            held = dict(dims)
            if any(k not in held or (v is not None and held[k] != v) for k, v in filters):
                continue
            last = region[key].last_time
            if since is not None and (last is None or last < since):
                continue
            matches.append(
                {
                    "Namespace": space,
                    "MetricName": metric,
                    "Dimensions": [{"Name": k, "Value": v} for k, v in sorted(dims)],
                }
            )
    first = offset[0] if offset else 0
    body: dict[str, Any] = {"Metrics": matches[first : first + _LIST_PAGE]}
    if first + _LIST_PAGE < len(matches):
        body["NextToken"] = write_token((first + _LIST_PAGE, 0))
    return ActionResult(body)
