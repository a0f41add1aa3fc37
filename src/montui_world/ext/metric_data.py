"""GetMetricData as AWS serves it, over montui's metric store: the request engine.

Split from `metrics` (which patches moto and handles the other metric calls). Periods start at
StartTime rounded down as AWS documents (whole minute within 15 days, 5 minutes within 63 days,
else the hour; 5/10/20/30-second periods to their own multiple). The datapoint limit spans the
whole response: the result where it runs out is `PartialData` with what fits, the ones after it
`PartialData` and empty, and `NextToken` resumes where it stopped (results finished on an
earlier page are not repeated). As AWS documents, a request with a math expression gets no
`NextToken`.
"""

from __future__ import annotations

import base64
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from moto.cloudwatch.exceptions import InvalidParameterValue, ValidationError
from moto.core.responses import ActionResult

from montui_world.clock import WORLD_CLOCK
from montui_world.ext import metric_math as mm
from montui_world.ext.oam_store import METRIC, OAM_STORE
from montui_world.metricstore import STORE, Series, SeriesKey, epoch_seconds, is_statistic


def epoch(value: Any) -> int:
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


def get_metric_data(self: Any) -> ActionResult:
    params = self._get_params()
    start, end = epoch(params["StartTime"]), epoch(params["EndTime"])
    if start > end:
        raise ValidationError("The parameter EndTime must be greater than StartTime.")
    if start == end:
        raise ValidationError("The parameter StartTime must not equal parameter EndTime.")
    queries: list[dict[str, Any]] = params.get("MetricDataQueries") or []
    backend = self.cloudwatch_backend
    with STORE.lock:
        region = STORE.region(backend.region_name, backend.account_id)
        request = _Request(region, queries, start, end)
        request.other = _linked_metrics(backend.account_id, backend.region_name)
        results = request.results()
    descending = (params.get("ScanBy") or "TimestampDescending") != "TimestampAscending"
    limit = int(params.get("MaxDatapoints") or 100_800)
    body = _page(results, descending, limit, read_token(params.get("NextToken")))
    if request.parsed:  # AWS: "NextToken is not returned if you are performing a math expression"
        body.pop("NextToken", None)
    return _MetricData(body)


class _Request:
    """The queries of one GetMetricData call, validated, evaluated on demand (ids in order)."""

    def __init__(
        self, region: dict[SeriesKey, Series], queries: list[dict[str, Any]], start: int, end: int
    ) -> None:
        self.region, self.start, self.end = region, start, end
        self.now = WORLD_CLOCK.epoch()
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
        self.other: Callable[[str], dict[SeriesKey, Series] | None] = lambda account: None
        """Another account's series, when this one may read them (`AccountId`)."""
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
        source: dict[SeriesKey, Series] | None = self.region
        if query.get("AccountId"):
            source = self.other(str(query["AccountId"]))
        key = (metric.get("Namespace"), metric["MetricName"], dims)
        series = source.get(key) if source is not None else None
        found = mm.TimeSeries(label, period)
        if series is None:
            return found
        origin = round_start(self.start, period, self.now)
        found.points.update(
            series.per_period(origin, period, origin, self.end, str(stat["Stat"]), stat.get("Unit"))
        )
        return found


def _linked_metrics(
    account: str, region_name: str
) -> Callable[[str], dict[SeriesKey, Series] | None]:
    """`AccountId` on a MetricStat: the caller's own series, a linked source account's when
    the caller is its CloudWatch cross-account observability monitoring account sharing
    `AWS::CloudWatch::Metric` (`oam_store`), else none: the query finds no data, as for a
    metric that does not exist (AWS's exact answer for an account it may not read is not
    documented; no error is made up here). Called under `STORE.lock`."""

    def other(wanted: str) -> dict[SeriesKey, Series] | None:
        if OAM_STORE.can_read(account, wanted, region_name, METRIC):
            return STORE.region(region_name, wanted)
        return None

    return other


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
        body["NextToken"] = write_token(next_position)
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
            record["Timestamps"] = [moment(t) for t in record["Timestamps"]]
        return super().execute_result(context)


def moment(seconds: int) -> datetime:
    return datetime(1970, 1, 1) + timedelta(seconds=seconds)


def write_token(position: tuple[int, int]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(position)).encode()).decode()


def read_token(token: Any) -> tuple[int, int] | None:
    if not token:
        return None
    try:
        first, second = json.loads(base64.urlsafe_b64decode(str(token).encode()))
        return int(first), int(second)
    except (ValueError, TypeError) as error:
        raise InvalidParameterValue("The NextToken is invalid.") from error
