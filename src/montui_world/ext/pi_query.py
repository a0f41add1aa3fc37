"""Performance Insights' read operations over one instance's `LoadEngine`, in AWS's shapes.

Requests and answers are plain dicts with the model's member names (`pi/2018-02-27`) and
aware datetimes for timestamps; `pi_api` reads and writes them in the request's protocol.
Validation follows the model and its documentation: InvalidArgumentException for an unknown
metric or aggregate, more than 15 MetricQueries, a GroupBy Limit outside 1..25, a period not
in 1, 60, 300, 3600, 86400, a window that would give more than `MAX_POINTS` data points per
series, one-second data older than a day, a StartTime before the retention period, an unknown
dimension group or dimension, a MaxResults above 25 or a NextToken this world did not give.
Data points are the periods that lie wholly inside the data (after the instance's `since` and
before the world's now), stamped at their end (PeriodAlignment END_TIME, the default) or start.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from montui_world.ext.pi_engine import GROUPS, LoadEngine, facet_of, weighted

__all__ = ["MAX_POINTS", "PERIODS", "PiError", "Target", "dimension_keys", "resource_metrics"]

PERIODS = (1, 60, 300, 3600, 86400)
MAX_POINTS = 20160
"""Data points one series may hold (two weeks at one minute; 5.6 hours at one second)."""
SECOND_DATA = 86400
"""One-second data is kept for the last day."""
METRICS = {
    "db.load": ("Database load: average active sessions", "Sessions"),
    "db.sampledload": ("Database load, sampled: active sessions", "Sessions"),
    "os.general.numVCPUs": ("The number of virtual CPUs for the DB instance", "vCPUs"),
    "os.cpuUtilization.total": ("The total percentage of the CPU in use", "Percent"),
}
AGGREGATES = ("avg", "min", "max", "sum")
SQL_STATS = {
    "db.sql_tokenized.stats.calls_per_sec.avg": "calls",
    "db.sql_tokenized.stats.total_time_per_call.avg": "latency",
}


class PiError(Exception):
    """An error answer: `code` is the model's exception name (400, or 500 for a fault)."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def invalid(message: str) -> PiError:
    """AWS's InvalidArgumentException."""
    return PiError("InvalidArgumentException", message)


@dataclass(frozen=True, slots=True)
class Target:
    """The instance a request names: its engine, vCPUs, retention (days) and the present."""

    identifier: str
    engine: LoadEngine
    vcpus: int
    retention_days: int
    now: datetime


@dataclass(frozen=True, slots=True)
class Window:
    """An aligned request window: `start`/`end` epoch seconds on period boundaries."""

    start: int
    end: int
    period: int
    requested: tuple[int, int]


def timestamp(value: object, member: str) -> int:
    """Epoch seconds from a CBOR datetime, a JSON number or an ISO 8601 string."""
    if isinstance(value, datetime):
        return math.floor(value.timestamp())
    if isinstance(value, int | float) and not isinstance(value, bool):
        return math.floor(value)
    if isinstance(value, str):
        try:
            return math.floor(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())
        except ValueError:
            pass
    raise invalid(f"{member} must be a timestamp")


def window(target: Target, request: Mapping[str, Any]) -> Window:
    """The request's StartTime / EndTime / PeriodInSeconds, checked and aligned."""
    start = timestamp(request.get("StartTime"), "StartTime")
    end = timestamp(request.get("EndTime"), "EndTime")
    if start >= end:
        raise invalid("StartTime must be earlier than EndTime")
    now = int(target.now.timestamp())
    if start < now - target.retention_days * 86400:
        raise invalid(
            f"StartTime can't be earlier than {target.retention_days} days ago "
            "(the instance's Performance Insights retention period)"
        )
    raw = request.get("PeriodInSeconds")
    period = choose_period(end - start) if raw is None else raw
    if period not in PERIODS:
        raise invalid(f"PeriodInSeconds must be one of 1, 60, 300, 3600, 86400, not {raw}")
    aligned = (start // period * period, -(-end // period) * period)
    if (aligned[1] - aligned[0]) // period > MAX_POINTS:
        raise invalid(
            f"The time range is too long for PeriodInSeconds {period}: at most {MAX_POINTS} "
            "data points per series; use a longer period"
        )
    if period == 1 and start < now - SECOND_DATA:
        raise invalid("One-second data is kept for the last day: use PeriodInSeconds 60 or more")
    return Window(aligned[0], aligned[1], period, (start, end))


def choose_period(seconds: int) -> int:
    """The period that gives closest to 150 data points (AWS: "roughly 100-200")."""
    return min(PERIODS, key=lambda p: abs(math.log(max(seconds / p, 1e-9) / 150.0)))


def split_metric(name: object) -> tuple[str, str]:
    """`db.load.avg` → (`db.load`, `avg`); InvalidArgumentException for anything unknown."""
    text = str(name or "")
    base, _, aggregate = text.rpartition(".")
    if base not in METRICS or aggregate not in AGGREGATES:
        raise invalid(
            f"The metric {text} is not valid. Valid metrics: {', '.join(sorted(METRICS))}, "
            "each ending in .avg, .min, .max or .sum"
        )
    return base, aggregate


def group_dimensions(group_by: Mapping[str, Any] | None) -> tuple[str, tuple[str, ...], int]:
    """A GroupBy's group, the dimensions asked for and its Limit (default 10), checked."""
    if not isinstance(group_by, Mapping):
        raise invalid("GroupBy is required")
    group = str(group_by.get("Group") or "")
    if group not in GROUPS:
        raise invalid(
            f"The dimension group {group} is not valid. Valid groups: {', '.join(GROUPS)}"
        )
    dims = tuple(group_by.get("Dimensions") or GROUPS[group])
    unknown = [d for d in dims if d not in GROUPS[group]]
    if unknown:
        raise invalid(f"The dimension {unknown[0]} is not in the dimension group {group}")
    limit = group_by.get("Limit", 10)
    if not isinstance(limit, int) or not 1 <= limit <= 25:
        raise invalid(f"Limit must be between 1 and 25, not {limit}")
    return group, dims, limit


def check_filter(raw: object) -> dict[str, str]:
    """A Filter map: every key a known dimension."""
    where = dict(raw) if isinstance(raw, Mapping) else {}
    for key in where:
        if facet_of(str(key)) is None:
            raise invalid(f"The filter dimension {key} is not valid")
    return {str(k): str(v) for k, v in where.items()}


def buckets(target: Target, win: Window) -> list[tuple[int, int]]:
    """The periods with data: wholly after the data starts and before now."""
    since = target.engine.workload.since
    now = int(target.now.timestamp())
    return [
        (b, b + win.period)
        for b in range(win.start, win.end, win.period)
        if b >= since and b + win.period <= now
    ]


def aggregate(
    samples: Sequence[float], per: int, spans: list[tuple[int, int]], first: int, how: str
) -> list[float]:
    """One value per span from samples of `per` seconds starting at `first`."""
    out = []
    for start, end in spans:
        chunk = samples[(start - first) // per : (end - first) // per]
        if not chunk:
            out.append(0.0)
        elif how == "min":
            out.append(min(chunk))
        elif how == "max":
            out.append(max(chunk))
        elif how == "sum":
            out.append(sum(chunk) * per)
        else:
            out.append(sum(chunk) / len(chunk))
    return out


def resource_metrics(target: Target, request: Mapping[str, Any]) -> dict[str, Any]:
    """GetResourceMetrics: per query, the total (and with GroupBy its top keys, by load)."""
    queries = request.get("MetricQueries") or []
    if not 1 <= len(queries) <= 15:
        raise invalid(f"MetricQueries must hold 1 to 15 queries, not {len(queries)}")
    win = window(target, request)
    alignment = request.get("PeriodAlignment", "END_TIME")
    if alignment not in ("END_TIME", "START_TIME"):
        raise invalid(f"PeriodAlignment must be END_TIME or START_TIME, not {alignment}")
    spans = buckets(target, win)
    samples, per = target.engine.cell_samples(win.start, max(win.end, win.start + 60), win.period)
    stamps = [datetime.fromtimestamp(e if alignment == "END_TIME" else s, UTC) for s, e in spans]
    out: list[dict[str, Any]] = []
    for query in queries:
        base, how = split_metric(query.get("Metric"))
        where = check_filter(query.get("Filter"))
        group = query.get("GroupBy")
        if base.startswith("os."):
            if group is not None or where:
                raise invalid(f"GroupBy and Filter apply to db.load, not to {base}")
            values = _os_values(target, base, samples, per, spans, win.start)
            out.append(_series({"Metric": f"{base}.{how}"}, stamps, values))
            continue
        total = weighted(
            samples, [_cell_share(target, i, None, None, where) for i in range(len(samples))]
        )
        out.append(
            _series(
                {"Metric": f"{base}.{how}"},
                stamps,
                aggregate(total or [0.0], per, spans, win.start, how),
            )
        )
        if group is None:
            continue
        name, dims, limit = group_dimensions(group)
        for key, series in _ranked(target, samples, name, where)[:limit]:
            key_dims = {k: v for k, v in key if k in dims}
            values = aggregate(series, per, spans, win.start, how)
            out.append(_series({"Metric": f"{base}.{how}", "Dimensions": key_dims}, stamps, values))
    page, token = paged(out, request)
    answer: dict[str, Any] = {
        "AlignedStartTime": datetime.fromtimestamp(win.start, UTC),
        "AlignedEndTime": datetime.fromtimestamp(win.end, UTC),
        "Identifier": target.identifier,
        "MetricList": page,
    }
    if token:
        answer["NextToken"] = token
    return answer


def _series(key: dict[str, Any], stamps: list[datetime], values: list[float]) -> dict[str, Any]:
    points = [{"Timestamp": t, "Value": round(v, 6)} for t, v in zip(stamps, values, strict=True)]
    return {"Key": key, "DataPoints": points}


def _os_values(
    target: Target,
    base: str,
    samples: list[list[float]],
    per: int,
    spans: list[tuple[int, int]],
    first: int,
) -> list[float]:
    if base == "os.general.numVCPUs":
        return [float(target.vcpus)] * len(spans)
    cpu = [i for i, cell in enumerate(target.engine.cells) if cell.wait == "CPU"]
    busy = weighted(samples, [1.0 if i in cpu else 0.0 for i in range(len(samples))])
    load = aggregate(busy or [0.0], per, spans, first, "avg")
    return [min(100.0, 2.0 + 100.0 * v / target.vcpus) for v in load]


def _cell_share(
    target: Target, index: int, group: str | None, entry: Any, where: Mapping[str, str]
) -> float:
    cell = target.engine.cells[index]
    if group is None:
        name = next(iter(cell.entries))
        return sum(cell.share(name, e, where) for e in cell.entries[name])
    return cell.share(group, entry, where)


def _ranked(
    target: Target, samples: list[list[float]], group: str, where: Mapping[str, str]
) -> list[tuple[tuple[tuple[str, str], ...], list[float]]]:
    """Every value of `group` with its summed samples, the largest load first."""
    weights: dict[tuple[tuple[str, str], ...], list[float]] = {}
    cells = target.engine.cells
    for index, cell in enumerate(cells):
        for entry in cell.entries[group]:
            share = cell.share(group, entry, where)
            if share > 0.0:
                weights.setdefault(entry[0], [0.0] * len(cells))[index] += share
    ranked = [(key, weighted(samples, w)) for key, w in weights.items()]
    ranked.sort(key=lambda item: (-sum(item[1]), item[0]))
    return ranked


def dimension_keys(target: Target, request: Mapping[str, Any]) -> dict[str, Any]:
    """DescribeDimensionKeys: the group's keys by load over the window (Total: the mean),
    split over PartitionBy's keys, with per-SQL AdditionalMetrics for db.sql_tokenized."""
    split_metric(request.get("Metric"))
    win = window(target, request)
    group, dims, limit = group_dimensions(request.get("GroupBy"))
    where = check_filter(request.get("Filter"))
    extra = list(request.get("AdditionalMetrics") or [])
    for name in extra:
        if group != "db.sql_tokenized" or name not in SQL_STATS:
            raise invalid(f"The additional metric {name} is not valid for the group {group}")
    spans = buckets(target, win)
    samples, per = target.engine.cell_samples(win.start, max(win.end, win.start + 60), win.period)

    def mean(series: list[float]) -> float:
        values = aggregate(series or [0.0], per, spans, win.start, "avg")
        return sum(values) / len(values) if values else 0.0

    ranked = [(key, mean(series)) for key, series in _ranked(target, samples, group, where)]
    ranked.sort(key=lambda item: (-item[1], item[0]))
    ranked = ranked[:limit]
    partition = request.get("PartitionBy")
    keys: list[dict[str, Any]] = []
    partition_keys: list[dict[str, str]] = []
    if partition is not None:
        part_group, part_dims, _ = group_dimensions(partition)
        partition_keys = [
            {k: v for k, v in key if k in part_dims}
            for key, _ in _ranked(target, samples, part_group, where)
        ]
    for key, total in ranked:
        item: dict[str, Any] = {
            "Dimensions": {k: v for k, v in key if k in dims},
            "Total": round(total, 6),
        }
        if partition is not None:
            item["Partitions"] = [
                round(mean(_ranked_one(target, samples, group, key, part_group, part, where)), 6)
                for part in partition_keys
            ]
        if extra:
            item["AdditionalMetrics"] = _sql_stats(target, dict(key), extra, total)
        keys.append(item)
    page, token = paged(keys, request)
    answer: dict[str, Any] = {
        "AlignedStartTime": datetime.fromtimestamp(win.start, UTC),
        "AlignedEndTime": datetime.fromtimestamp(win.end, UTC),
        "Keys": page,
    }
    if partition is not None:
        answer["PartitionKeys"] = [{"Dimensions": p} for p in partition_keys]
    if token:
        answer["NextToken"] = token
    return answer


def _ranked_one(
    target: Target,
    samples: list[list[float]],
    group: str,
    key: Any,
    part_group: str,
    part: Mapping[str, str],
    where: Mapping[str, str],
) -> list[float]:
    """The samples of `key` (of `group`) that are also `part` (of `part_group`)."""
    narrowed = {**where, **part}
    weights = []
    for cell in target.engine.cells:
        share = sum(cell.share(group, e, narrowed) for e in cell.entries[group] if e[0] == key)
        weights.append(share)
    return weighted(samples, weights)


def _sql_stats(
    target: Target, key: Mapping[str, str], names: list[str], total: float
) -> dict[str, float]:
    digest = target.engine.tokenized(key.get("db.sql_tokenized.id", ""))
    out: dict[str, float] = {}
    for name in names:
        if digest is None or digest.seconds_per_call <= 0:
            out[name] = 0.0
        elif SQL_STATS[name] == "calls":
            out[name] = round(total / digest.seconds_per_call, 3)
        else:
            out[name] = round(digest.seconds_per_call * 1000.0, 3)
    return out


def paged(
    items: list[dict[str, Any]], request: Mapping[str, Any]
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of `items` from NextToken, MaxResults long (0..25; absent: all)."""
    size = request.get("MaxResults")
    if size is not None and (not isinstance(size, int) or not 0 <= size <= 25):
        raise invalid(f"MaxResults must be between 0 and 25, not {size}")
    start = 0
    token = request.get("NextToken")
    if token:
        try:
            start = int(
                base64.urlsafe_b64decode(str(token).encode()).decode().removeprefix("offset-")
            )
        except (ValueError, UnicodeDecodeError) as error:
            raise invalid("The NextToken is not valid") from error
    if not size:
        return items[start:], None
    end = start + size
    following = (
        base64.urlsafe_b64encode(f"offset-{end}".encode()).decode() if end < len(items) else None
    )
    return items[start:end], following
