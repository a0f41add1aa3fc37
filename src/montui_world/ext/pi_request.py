"""What a Performance Insights request asks, checked as AWS checks it (`pi/2018-02-27`):
the error type, the instance a request names (`Target`), its window aligned to the period,
metric names, dimension groups, filters and pages.

InvalidArgumentException for an unknown metric or aggregate, a GroupBy Limit outside 1..25,
a period not in 1, 60, 300, 3600, 86400, a window that would give more than `MAX_POINTS`
data points per series, one-second data older than a day, a StartTime before the retention
period, an unknown dimension group or dimension, a MaxResults above 25 or a NextToken this
world did not give. Without PeriodInSeconds the period giving closest to 150 points is used
(AWS: "roughly 100-200").
"""

from __future__ import annotations

import base64
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from montui_world.ext.pi_engine import GROUPS, LoadEngine, facet_of

__all__ = [
    "AGGREGATES",
    "MAX_POINTS",
    "METRICS",
    "PERIODS",
    "SQL_STATS",
    "PiError",
    "Target",
    "Window",
    "check_filter",
    "choose_period",
    "group_dimensions",
    "invalid",
    "paged",
    "split_metric",
    "window",
]

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
    if (end - start) // period > MAX_POINTS:
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
