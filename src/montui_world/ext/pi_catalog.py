"""Performance Insights' descriptive operations: GetDimensionKeyDetails (a statement's full
text), ListAvailableResourceMetrics, ListAvailableResourceDimensions and GetResourceMetadata,
in the model's shapes (`pi/2018-02-27`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from montui_world.ext.pi_engine import GROUPS
from montui_world.ext.pi_request import METRICS, Target, invalid, paged

__all__ = ["available_dimensions", "available_metrics", "key_details", "metadata"]

_METRIC_TYPES = {"os": "os.", "db": "db."}
_DETAIL_GROUPS = ("db.execution_plan", "db.lock_snapshot", "db.query", "db.sql")


def key_details(target: Target, request: Mapping[str, Any]) -> dict[str, Any]:
    """GetDimensionKeyDetails for the `db.sql` group: `db.sql.statement` in full."""
    group = str(request.get("Group") or "")
    if group not in _DETAIL_GROUPS:
        raise invalid(f"The group {group} is not valid. Valid groups: {', '.join(_DETAIL_GROUPS)}")
    if group != "db.sql":
        raise invalid(f"The group {group} is not available for this Aurora PostgreSQL instance")
    wanted = list(request.get("RequestedDimensions") or ["db.sql.statement"])
    for name in wanted:
        if name != "db.sql.statement":
            raise invalid(f"The dimension {name} has no details; request db.sql.statement")
    identifier = str(request.get("GroupIdentifier") or "")
    text = target.engine.statement(identifier)
    if text is None:
        raise invalid(f"No statement with db.sql.id {identifier} on {target.identifier}")
    return {"Dimensions": [{"Value": text, "Dimension": "db.sql.statement", "Status": "AVAILABLE"}]}


def available_metrics(target: Target, request: Mapping[str, Any]) -> dict[str, Any]:
    """ListAvailableResourceMetrics for MetricTypes `os` and `db` (`db.sql.stats` has none)."""
    types = list(request.get("MetricTypes") or [])
    if not types:
        raise invalid("MetricTypes must name at least one type: os, db, db.sql.stats")
    items = []
    for kind in types:
        if kind == "db.sql.stats":
            continue
        prefix = _METRIC_TYPES.get(kind)
        if prefix is None:
            raise invalid(f"The metric type {kind} is not valid. Valid types: os, db, db.sql.stats")
        for name, (description, unit) in METRICS.items():
            if name.startswith(prefix):
                items.append({"Metric": f"{name}.avg", "Description": description, "Unit": unit})
    page, token = paged(items, request)
    answer: dict[str, Any] = {"Metrics": page}
    if token:
        answer["NextToken"] = token
    return answer


def available_dimensions(target: Target, request: Mapping[str, Any]) -> dict[str, Any]:
    """ListAvailableResourceDimensions for `db.load`."""
    metrics = list(request.get("Metrics") or [])
    if not 1 <= len(metrics) <= 5:
        raise invalid("Metrics must name 1 to 5 metrics")
    items = []
    for metric in metrics:
        if metric != "db.load":
            raise invalid(f"The metric {metric} has no dimensions; use db.load")
        groups = [
            {"Group": group, "Dimensions": [{"Identifier": d} for d in dims]}
            for group, dims in GROUPS.items()
        ]
        items.append({"Metric": metric, "Groups": groups})
    page, token = paged(items, request)
    answer: dict[str, Any] = {"MetricDimensions": page}
    if token:
        answer["NextToken"] = token
    return answer


def metadata(target: Target) -> dict[str, Any]:
    """GetResourceMetadata: the features of this world's Performance Insights."""
    return {
        "Identifier": target.identifier,
        "Features": {
            "SQL_STATS": {"Status": "ENABLED"},
            "ADVANCED_MONITORING": {"Status": "DISABLED"},
        },
    }
