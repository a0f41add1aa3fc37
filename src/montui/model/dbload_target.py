"""From an alarm to the database whose load explains it: an alarm on an `AWS/RDS` metric names
a DB instance (`DBInstanceIdentifier`) or a DB cluster (`DBClusterIdentifier`); the load pane
opens on that instance, or for a cluster on its writer (or the members, to pick from).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from msgspec import Struct

from montui.model.alarm import Alarm, MetricRef
from montui.model.dbload import DbInstance

RDS_NAMESPACE = "AWS/RDS"


class DbTarget(Struct, frozen=True):
    """The database an RDS alarm watches: an instance or a cluster, by identifier."""

    identifier: str
    cluster: bool = False


def _metrics(alarm: Alarm) -> Iterable[MetricRef]:
    if alarm.metric is not None:
        yield alarm.metric
    for query in alarm.metrics:
        if query.metric is not None:
            yield query.metric


def alarm_db_target(alarm: Alarm) -> DbTarget | None:
    """The instance (preferred) or cluster an alarm's `AWS/RDS` metric names; None for an
    alarm on anything else (a composite, another namespace, RDS metrics without either)."""
    clusters: list[str] = []
    for metric in _metrics(alarm):
        if metric.namespace != RDS_NAMESPACE:
            continue
        dims = dict(metric.dimensions)
        if dims.get("DBInstanceIdentifier"):
            return DbTarget(dims["DBInstanceIdentifier"].lower())
        if dims.get("DBClusterIdentifier"):
            clusters.append(dims["DBClusterIdentifier"].lower())
    return DbTarget(clusters[0], cluster=True) if clusters else None


def resolve_target(
    target: DbTarget, instances: Sequence[DbInstance]
) -> tuple[DbInstance | None, tuple[DbInstance, ...]]:
    """(the instance to open, the candidates to pick among when there is no single one).

    An instance target: that instance (none when unknown). A cluster target: its writer when
    it has one with Performance Insights on; else its members to pick from."""
    if not target.cluster:
        found = next((i for i in instances if i.identifier == target.identifier), None)
        return found, ()
    members = tuple(i for i in instances if i.cluster == target.identifier)
    writer = next((i for i in members if i.writer and i.pi_enabled), None)
    if writer is not None:
        return writer, ()
    if len(members) == 1:
        return members[0], ()
    return None, members
