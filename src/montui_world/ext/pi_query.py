"""Performance Insights' read operations over one instance's `LoadEngine`, in AWS's shapes.

Requests and answers are plain dicts with the model's member names (`pi/2018-02-27`) and
aware datetimes for timestamps; `pi_api` reads and writes them in the request's protocol.
Requests are checked by `pi_request` (AWS's InvalidArgumentException cases).
Data points are the periods that lie wholly inside the data (after the instance's `since` and
before the world's now), stamped at their end (PeriodAlignment END_TIME, the default) or start.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from montui_world.ext.pi_engine import weighted
from montui_world.ext.pi_request import (
    SQL_STATS,
    Target,
    Window,
    check_filter,
    group_dimensions,
    invalid,
    paged,
    split_metric,
    window,
)

__all__ = ["buckets", "dimension_keys", "resource_metrics"]


def buckets(target: Target, win: Window) -> list[tuple[int, int]]:
    """The periods with data: wholly after the data starts and before now."""
    since = target.engine.workload.since
    now = int(target.now.timestamp())
    return [
        (b, b + win.period)
        for b in range(win.start, win.end, win.period)
        if b >= since and b + win.period <= now
    ]


def _samples(target: Target, win: Window) -> tuple[list[list[float]], int]:
    """Every cell's samples over the window, zero outside the data (before the instance's
    data starts, from now on): ranking and grouping see only what the data points show."""
    samples, per = target.engine.cell_samples(win.start, max(win.end, win.start + 60), win.period)
    since = target.engine.workload.since
    now = int(target.now.timestamp())
    first = max(0, -(-(since - win.start) // per))
    last = max(first, (now - win.start) // per)
    for row in samples:
        row[:first] = [0.0] * min(first, len(row))
        if last < len(row):
            row[last:] = [0.0] * (len(row) - last)
    return samples, per


def aggregate(
    samples: Sequence[float], per: int, spans: list[tuple[int, int]], first: int, how: str
) -> list[float]:
    """One value per span from samples of `per` seconds starting at `first`."""
    if spans and spans[0][1] - spans[0][0] == per:  # one sample per span
        scale = per if how == "sum" else 1
        at = [(start - first) // per for start, _ in spans]
        return [samples[i] * scale if i < len(samples) else 0.0 for i in at]
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
    samples, per = _samples(target, win)
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
    """Every value of `group` with load in the window, its summed samples, largest first."""
    weights: dict[tuple[tuple[str, str], ...], list[float]] = {}
    cells = target.engine.cells
    for index, cell in enumerate(cells):
        for entry in cell.entries[group]:
            share = cell.share(group, entry, where)
            if share > 0.0:
                weights.setdefault(entry[0], [0.0] * len(cells))[index] += share
    ranked = [(key, weighted(samples, w)) for key, w in weights.items()]
    ranked = [(key, series) for key, series in ranked if any(v > 0.0 for v in series)]
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
    samples, per = _samples(target, win)

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
