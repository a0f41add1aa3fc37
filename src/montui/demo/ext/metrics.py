"""CloudWatch metrics as AWS serves them, on montui's own store, patched into moto 5.2.5.

moto keeps datapoints in one list and scans it per period: percentiles fail the whole call,
metric math returns a bare id, namespace is ignored when dimensions are given, dimensions must
come in the stored order, MaxDatapoints is ignored, and three hours cost ~95 ms a query.
`install()` moves PutMetricData, GetMetricData, GetMetricStatistics and ListMetrics onto
`STORE` (`montui.demo.metricstore`): sorted array columns per (namespace, name, dimension set),
range queries by bisect, periods aggregated on the fly. `metric_math` evaluates expressions.

- Writes: moto's `CloudWatchBackend.put_metric_data` (so other moto services that publish
  metrics land here too) and the bulk `STORE.put_series` for backfills.
- Reset: moto's reset of every backend (`/moto-api/reset`, the end of `mock_aws`) empties
  the store.
- `datapoints(...)`: the Python query the alarm evaluation uses (epoch-aligned periods).

GetMetricData's periods start at StartTime rounded down as AWS documents (whole minute within
15 days, 5 minutes within 63 days, else the hour; 5/10/20/30-second periods to their own
multiple). The datapoint limit spans the whole response: the result where it runs out is
`PartialData` with what fits, the ones after it `PartialData` and empty, and `NextToken` resumes
where it stopped (results finished on an earlier page are not repeated). As AWS documents, a
request with a math expression gets no `NextToken`.
"""

from __future__ import annotations

import base64
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from moto.cloudwatch.exceptions import (
    InvalidParameterCombination,
    InvalidParameterValue,
    ValidationError,
)
from moto.cloudwatch.models import CloudWatchBackend
from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.base_backend import BackendDict
from moto.core.responses import ActionResult

from montui.demo.ext import metric_math as mm
from montui.demo.metricstore import (
    BASIC_STATS,
    NO_UNIT,
    MetricStore,
    Series,
    SeriesKey,
    epoch_seconds,
    is_statistic,
    percentile_of,
)

STORE = MetricStore()
_MARK = "_montui_metrics_ext"
_LIST_PAGE = 500
_STATS_LIMIT = 1440
_original: dict[str, Any] = {}


def install() -> None:
    """Route moto's CloudWatch metric calls to `STORE`; calling it again changes nothing."""
    if getattr(CloudWatchResponse, _MARK, False):
        return
    _original["reset"] = BackendDict.reset
    BackendDict.reset = classmethod(_reset_all)  # type: ignore[method-assign,assignment]
    CloudWatchBackend.put_metric_data = _backend_put_metric_data  # type: ignore[method-assign]
    handlers = {
        "get_metric_data": _get_metric_data,
        "get_metric_statistics": _get_metric_statistics,
        "list_metrics": _list_metrics,
    }
    for name, handler in handlers.items():
        setattr(CloudWatchResponse, name, handler)
    setattr(CloudWatchResponse, _MARK, True)


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
) -> dict[datetime, float]:
    """`stat` (SampleCount, Sum, Average, Minimum, Maximum or `pNN`) of each period of
    `period` seconds, periods counted from the epoch, over datapoints in [start, end); keyed
    by period start (aware UTC if `start` is aware, else naive UTC). Periods with no data (or
    no percentile, see `metricstore`) are absent."""
    aware = start.tzinfo is not None
    found: dict[datetime, float] = {}
    with STORE.lock:
        series = STORE.series(region, namespace, metric, dimensions)
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
    _original["reset"]()


# ---------------------------------------------------------------- PutMetricData


def _backend_put_metric_data(
    self: CloudWatchBackend, namespace: str, metric_data: list[dict[str, Any]]
) -> None:
    for number, item in enumerate(metric_data, start=1):
        self._validate_parameters_put_metric_data(item, number)
    now = datetime.now(UTC)
    with STORE.lock:
        for item in metric_data:
            _put_item(self, namespace, item, now)


def _put_item(
    backend: CloudWatchBackend, namespace: str, item: dict[str, Any], now: datetime
) -> None:
    name = item["MetricName"]
    dimensions = {d["Name"]: d["Value"] for d in item.get("Dimensions") or ()}
    stamp = item.get("Timestamp")
    time = _epoch(stamp) if stamp is not None else epoch_seconds(now)
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


def _epoch(value: Any) -> int:
    if isinstance(value, datetime):
        return epoch_seconds(value)
    if isinstance(value, int | float):
        return math.floor(value)
    return epoch_seconds(datetime.fromisoformat(str(value).replace("Z", "+00:00")))


def round_start(start: int, period: int, now: int) -> int:
    """StartTime rounded down as GetMetricData/GetMetricStatistics document it."""
    if period < 60:
        step = period if period in (5, 10, 20, 30) else 1
    else:
        age = now - start
        step = 60 if age < 15 * 86400 else 300 if age < 63 * 86400 else 3600
    return start - start % step


# ---------------------------------------------------------------- GetMetricData

_ID = re.compile(r"^[a-z][A-Za-z0-9_]*$")
_PROP = re.compile(r"\$\{PROP\('([^']*)'\)\}")
_SHORT_PERIODS = (1, 5, 10, 20, 30)


@dataclass(slots=True)
class _Result:
    """One MetricDataResult before paging."""

    id: str
    label: str
    points: list[tuple[int, float]]
    messages: list[dict[str, str]] = field(default_factory=list)


def _get_metric_data(self: Any) -> ActionResult:
    params = self._get_params()
    start, end = _epoch(params["StartTime"]), _epoch(params["EndTime"])
    if start > end:
        raise ValidationError("The parameter EndTime must be greater than StartTime.")
    if start == end:
        raise ValidationError("The parameter StartTime must not equal parameter EndTime.")
    queries: list[dict[str, Any]] = params.get("MetricDataQueries") or []
    backend = self.cloudwatch_backend
    with STORE.lock:
        region = STORE.region(backend.region_name, backend.account_id)
        request = _Request(region, queries, start, end)
        results = request.results()
    descending = (params.get("ScanBy") or "TimestampDescending") != "TimestampAscending"
    limit = int(params.get("MaxDatapoints") or 100_800)
    body = _page(results, descending, limit, _read_token(params.get("NextToken")))
    if request.parsed:  # AWS: "NextToken is not returned if you are performing a math expression"
        body.pop("NextToken", None)
    return _MetricData(body)


class _Request:
    """The queries of one GetMetricData call, validated, evaluated on demand (ids in order)."""

    def __init__(
        self, region: dict[SeriesKey, Series], queries: list[dict[str, Any]], start: int, end: int
    ) -> None:
        self.region, self.start, self.end = region, start, end
        self.now = epoch_seconds(datetime.now(UTC))
        self.queries: dict[str, dict[str, Any]] = {}
        self.parsed: dict[str, mm.Node] = {}
        for number, query in enumerate(queries, start=1):
            self._check(number, query)
        for query_id, node in self.parsed.items():
            unknown = sorted(mm.references(node) - set(self.queries))
            if unknown:
                raise ValidationError(
                    f"Error in expression {query_id}: Unrecognized identifier {unknown[0]}"
                )
        self.values: dict[str, mm.Value] = {}
        self.busy: set[str] = set()
        self.dropped: set[str] = set()

    def _check(self, number: int, query: dict[str, Any]) -> None:
        where = f"MetricDataQueries.member.{number}"
        query_id = str(query.get("Id") or "")
        if not _ID.match(query_id):
            raise ValidationError(
                f"The value {query_id!r} for parameter {where}.Id is invalid: it must start with "
                "a lowercase letter and hold only letters, numbers and underscores."
            )
        if query_id in self.queries:
            raise ValidationError(f"The value {query_id} for parameter {where}.Id is duplicated.")
        stat, expression = query.get("MetricStat"), query.get("Expression")
        if (stat is None) == (expression is None):
            raise ValidationError(
                f"Exactly one of the parameters {where}.MetricStat and {where}.Expression "
                "must be specified."
            )
        if stat is not None:
            if not is_statistic(str(stat.get("Stat"))):
                raise ValidationError(
                    f"The value {stat.get('Stat')} for parameter {where}.MetricStat.Stat "
                    "is not a valid statistic."
                )
            period = int(stat.get("Period") or 0)
            if period <= 0 or (period not in _SHORT_PERIODS and period % 60):
                raise ValidationError(
                    f"The parameter {where}.MetricStat.Period must be 1, 5, 10, 20, 30 or a "
                    "multiple of 60."
                )
        else:
            try:
                self.parsed[query_id] = mm.parse(str(expression))
            except mm.MathError as error:
                raise ValidationError(f"Error in expression {query_id}: {error}") from error
        self.queries[query_id] = query

    def results(self) -> list[_Result]:
        """The results of every query with ReturnData (default true), in request order."""
        found: list[_Result] = []
        for query_id, query in self.queries.items():
            if query.get("ReturnData") is False:
                continue
            value = self.value(query_id)
            label = self._expand(query.get("Label"), query_id)
            messages = (
                [{"Code": "ArithmeticError", "Value": _DROPPED}] if query_id in self.dropped else []
            )
            if isinstance(value, list):
                for member in value:
                    name = f"{label} {member.label}" if label else member.label
                    found.append(_Result(query_id, name, _sorted(member), list(messages)))
                continue
            if isinstance(value, float):
                value = self._constant(query, value)
            found.append(
                _Result(query_id, label or self._default_label(query_id), _sorted(value), messages)
            )
        return found

    def _expand(self, label: str | None, query_id: str) -> str | None:
        """A label with its dynamic parts filled in: ${LABEL}, ${PROP('MetricName')},
        ${PROP('Namespace')}, ${PROP('Period')}, ${PROP('Stat')}, ${PROP('Dim.<name>')}."""
        if not label or "${" not in label:
            return label
        stat = self.queries[query_id].get("MetricStat") or {}
        metric = stat.get("Metric") or {}
        dims = {f"Dim.{d['Name']}": d["Value"] for d in metric.get("Dimensions") or ()}
        props = {
            **dims,
            "MetricName": metric.get("MetricName"),
            "Namespace": metric.get("Namespace"),
        }
        props.update(Period=stat.get("Period"), Stat=stat.get("Stat"))
        label = _PROP.sub(lambda m: str(props.get(m.group(1)) or ""), label)
        return label.replace("${LABEL}", self._default_label(query_id))

    def _default_label(self, query_id: str) -> str:
        stat = self.queries[query_id].get("MetricStat")
        return str(stat["Metric"]["MetricName"]) if stat else query_id

    def _constant(self, query: dict[str, Any], number: float) -> mm.TimeSeries:
        periods = [
            int(q["MetricStat"]["Period"]) for q in self.queries.values() if "MetricStat" in q
        ]
        period = int(query.get("Period") or min(periods, default=60))
        points = {t: number for t in self.grid(period)} if math.isfinite(number) else {}
        return mm.TimeSeries("", period, points)

    def grid(self, period: int) -> range:
        """Every period start of the requested range."""
        return range(round_start(self.start, period, self.now), self.end, period)

    def value(self, query_id: str) -> mm.Value:
        """A query's value, computed once."""
        if query_id in self.values:
            return self.values[query_id]
        if query_id in self.busy:
            raise ValidationError(f"Error in expression {query_id}: Circular dependency")
        self.busy.add(query_id)
        query = self.queries[query_id]
        value: mm.Value
        if query_id in self.parsed:
            ctx = mm.Context(self.value, self.metrics, self.grid)
            try:
                value = mm.evaluate(self.parsed[query_id], ctx)
            except mm.MathError as error:
                raise ValidationError(f"Error in expression {query_id}: {error}") from error
            if ctx.dropped:
                self.dropped.add(query_id)
        else:
            value = self._metric(query)
        self.busy.discard(query_id)
        self.values[query_id] = value
        return value

    def metrics(self, text: str | None) -> list[mm.TimeSeries]:
        """METRICS(): the request's metric queries, those whose label holds `text` if given."""
        found = []
        for query_id, query in self.queries.items():
            if "MetricStat" not in query:
                continue
            series = self.value(query_id)
            assert isinstance(series, mm.TimeSeries)
            if text is None or text in series.label:
                found.append(series)
        return found

    def _metric(self, query: dict[str, Any]) -> mm.TimeSeries:
        stat = query["MetricStat"]
        metric = stat["Metric"]
        period = int(stat["Period"])
        label = self._expand(query.get("Label"), str(query["Id"])) or str(metric["MetricName"])
        dims = frozenset((d["Name"], d["Value"]) for d in metric.get("Dimensions") or ())
        series = self.region.get((metric.get("Namespace"), metric["MetricName"], dims))
        found = mm.TimeSeries(label, period)
        if series is None:
            return found
        origin = round_start(self.start, period, self.now)
        found.points.update(
            series.per_period(origin, period, origin, self.end, str(stat["Stat"]), stat.get("Unit"))
        )
        return found


_DROPPED = (
    "One or more data points have been dropped due to non-numeric values "
    "(NaN, -Infinite, +Infinite)"
)


def _sorted(series: mm.TimeSeries) -> list[tuple[int, float]]:
    return sorted(series.points.items())


def _page(
    results: list[_Result], descending: bool, limit: int, resume: tuple[int, int] | None
) -> dict[str, Any]:
    """One page of results within `limit` datapoints, from `resume` (result, offset).
    Timestamps stay epoch seconds here; `_MetricData` writes them out."""
    first, offset = resume or (0, 0)
    budget = limit
    records: list[dict[str, Any]] = []
    next_position: tuple[int, int] | None = None
    for index in range(first, len(results)):
        result = results[index]
        points = result.points[::-1] if descending else result.points
        points = points[offset if index == first else 0 :]
        taken, points = points[:budget], points[budget:]
        budget -= len(taken)
        if points and next_position is None:
            next_position = (index, len(result.points) - len(points))
        record: dict[str, Any] = {
            "Id": result.id,
            "Label": result.label,
            "Timestamps": [t for t, _ in taken],
            "Values": [v for _, v in taken],
            "StatusCode": "PartialData" if points else "Complete",
        }
        if result.messages:
            record["Messages"] = result.messages
        records.append(record)
    body: dict[str, Any] = {"MetricDataResults": records, "Messages": []}
    if next_position is not None:
        body["NextToken"] = _write_token(next_position)
    return body


class _MetricData(ActionResult):
    """A GetMetricData answer. moto's generic serializer spends ~15 µs a datapoint; for the
    JSON protocol (what boto3 speaks to CloudWatch) the body is written here with `json`,
    under the headers moto's serializer gives an empty answer. Other protocols take moto's
    path, timestamps turned into datetimes first."""

    def execute_result(self, context: Any) -> Any:
        body = self.result
        assert isinstance(body, dict)
        if context.response.determine_response_protocol(context.service_model) == "json":
            empty = ActionResult({"MetricDataResults": [], "Messages": []})
            status, headers, _ = empty.execute_result(context)
            return status, headers, json.dumps(body, separators=(",", ":"))
        for record in body["MetricDataResults"]:
            record["Timestamps"] = [_moment(t) for t in record["Timestamps"]]
        return super().execute_result(context)


def _moment(seconds: int) -> datetime:
    return datetime(1970, 1, 1) + timedelta(seconds=seconds)


def _write_token(position: tuple[int, int]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(position)).encode()).decode()


def _read_token(token: Any) -> tuple[int, int] | None:
    if not token:
        return None
    try:
        first, second = json.loads(base64.urlsafe_b64decode(str(token).encode()))
        return int(first), int(second)
    except (ValueError, TypeError) as error:
        raise InvalidParameterValue("The NextToken is invalid.") from error


# ---------------------------------------------------------------- GetMetricStatistics


def _get_metric_statistics(self: Any) -> ActionResult:
    namespace = self._get_param("Namespace")
    name = self._get_param("MetricName")
    start, end = _epoch(self._get_param("StartTime")), _epoch(self._get_param("EndTime"))
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
            origin = round_start(start, period, epoch_seconds(datetime.now(UTC)))
            for begin, lo, hi in series.buckets(origin, period, origin, end):
                found = series.aggregate(lo, hi, unit, percentiles=bool(extended))
                if found is None:
                    continue
                point: dict[str, Any] = {"Timestamp": _moment(begin), "Unit": found.unit}
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
    offset = _read_token(self._get_param("NextToken"))
    backend = self.cloudwatch_backend
    since = epoch_seconds(datetime.now(UTC)) - 3 * 3600 if recent == "PT3H" else None
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
        body["NextToken"] = _write_token((first + _LIST_PAGE, 0))
    return ActionResult(body)
