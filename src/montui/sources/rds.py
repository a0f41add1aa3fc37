"""RDS: which cluster an instance belongs to (DescribeDBInstances, every page).

CloudWatch's `AWS/RDS` metrics name an Aurora instance by `DBInstanceIdentifier`, while
Aurora publishes its logs per cluster (`/aws/rds/cluster/<cluster>/error`, `/slowquery`,
`/postgresql`): the drill-down resolves the instance to its cluster here, and so will any
other view that needs the cluster of an instance (one implementation). `db_instances` lists
a region's instances for the database load pane, with their Performance Insights state and,
from DescribeDBClusters, which member is a cluster's writer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from montui.model.dbload import DbInstance
from montui.model.place import Place
from montui.sources.error_mapping import source_errors
from montui.sources.paging import every_page
from montui.sources.session import AwsClients

ACTION = "rds:DescribeDBInstances"
CLUSTERS_ACTION = "rds:DescribeDBClusters"
PAGE_SIZE = 100
"""DescribeDBInstances' largest page (MaxRecords 20..100)."""
IDS_PER_CALL = 100
"""Instance ids per `db-instance-id` filter."""

__all__ = ["ACTION", "CLUSTERS_ACTION", "db_instances", "instance_clusters"]


async def instance_clusters(
    clients: AwsClients, place: Place, instance_ids: Iterable[str]
) -> dict[str, str]:
    """Instance id → the id of the cluster it is a member of, for each of `instance_ids`
    that exists and belongs to a cluster (Aurora, Multi-AZ DB clusters); the others are left
    out, so an unknown id is not an error. Raises only `SourceError` subclasses
    (`AccessDenied` without `rds:DescribeDBInstances`)."""
    wanted = list(dict.fromkeys(i for i in instance_ids if i))
    found: dict[str, str] = {}
    for first in range(0, len(wanted), IDS_PER_CALL):
        for instance in await _describe(clients, place, wanted[first : first + IDS_PER_CALL]):
            name = str(instance.get("DBInstanceIdentifier") or "")
            if name and _cluster(instance):
                found[name] = _cluster(instance)
    return found


async def db_instances(
    clients: AwsClients, place: Place, identifier: str | None = None
) -> list[DbInstance]:
    """Every DB instance of the region (or the one named `identifier`: [] when there is no
    such instance), with engine, class, `DbiResourceId`, whether Performance Insights is on,
    and for cluster members the cluster and whether it is the writer (DescribeDBClusters'
    `IsClusterWriter`; DescribeDBInstances does not say). Raises only `SourceError`s."""
    raw = await _describe(clients, place, [identifier] if identifier else None)
    writers = await _cluster_writers(clients, place) if any(_cluster(i) for i in raw) else set()
    return [_instance(place, item, writers) for item in raw if item.get("DBInstanceIdentifier")]


async def _describe(
    clients: AwsClients, place: Place, ids: list[str] | None
) -> list[dict[str, Any]]:
    """DescribeDBInstances, every page: the instances named by `ids` (at most
    `IDS_PER_CALL`), or all of the region's when None. The one reading of instances that
    `instance_clusters` and `db_instances` share."""
    request: dict[str, Any] = {"MaxRecords": PAGE_SIZE}
    if ids is not None:
        if not ids:
            return []
        request["Filters"] = [{"Name": "db-instance-id", "Values": ids}]
    raw: list[dict[str, Any]] = []
    with source_errors(
        service="rds", region=place.region, profile=clients.target.profile, action=ACTION
    ):
        rds = await clients.client("rds", place)
        pages = every_page(
            rds.describe_db_instances, request, action="DescribeDBInstances",
            service="rds", region=place.region, token_key="Marker",
        )  # fmt: skip
        async for page in pages:
            raw.extend(page.get("DBInstances") or ())
    return raw


def _cluster(item: dict[str, Any]) -> str:
    return str(item.get("DBClusterIdentifier") or "")


async def _cluster_writers(clients: AwsClients, place: Place) -> set[str]:
    """The identifiers of the writers of the region's DB clusters."""
    writers: set[str] = set()
    with source_errors(
        service="rds", region=place.region, profile=clients.target.profile,
        action=CLUSTERS_ACTION,
    ):  # fmt: skip
        rds = await clients.client("rds", place)
        pages = every_page(
            rds.describe_db_clusters, {"MaxRecords": PAGE_SIZE}, action="DescribeDBClusters",
            service="rds", region=place.region, token_key="Marker",
        )  # fmt: skip
        async for page in pages:
            for cluster in page.get("DBClusters") or ():
                for member in cluster.get("DBClusterMembers") or ():
                    if member.get("IsClusterWriter"):
                        writers.add(str(member.get("DBInstanceIdentifier") or ""))
    return writers


def _instance(place: Place, item: dict[str, Any], writers: set[str]) -> DbInstance:
    name = str(item["DBInstanceIdentifier"])
    return DbInstance(
        place=place,
        identifier=name,
        engine=str(item.get("Engine") or ""),
        instance_class=str(item.get("DBInstanceClass") or ""),
        resource_id=str(item.get("DbiResourceId") or ""),
        pi_enabled=bool(item.get("PerformanceInsightsEnabled")),
        cluster=_cluster(item),
        writer=name in writers,
    )
