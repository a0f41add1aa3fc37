"""RDS: which cluster an instance belongs to (DescribeDBInstances, every page).

CloudWatch's `AWS/RDS` metrics name an Aurora instance by `DBInstanceIdentifier`, while
Aurora publishes its logs per cluster (`/aws/rds/cluster/<cluster>/error`, `/slowquery`,
`/postgresql`): the drill-down resolves the instance to its cluster here, and so will any
other view that needs the cluster of an instance (one implementation).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from montui.model.place import Place
from montui.sources.error_mapping import source_errors
from montui.sources.paging import every_page
from montui.sources.session import AwsClients

ACTION = "rds:DescribeDBInstances"
PAGE_SIZE = 100
"""DescribeDBInstances' largest page (MaxRecords 20..100)."""
IDS_PER_CALL = 100
"""Instance ids per `db-instance-id` filter."""

__all__ = ["ACTION", "instance_clusters"]


async def instance_clusters(
    clients: AwsClients, place: Place, instance_ids: Iterable[str]
) -> dict[str, str]:
    """Instance id → the id of the cluster it is a member of, for each of `instance_ids`
    that exists and belongs to a cluster (Aurora, Multi-AZ DB clusters); the others are left
    out, so an unknown id is not an error. Raises only `SourceError` subclasses
    (`AccessDenied` without `rds:DescribeDBInstances`)."""
    wanted = list(dict.fromkeys(i for i in instance_ids if i))
    found: dict[str, str] = {}
    with source_errors(
        service="rds", region=place.region, profile=clients.target.profile, action=ACTION
    ):
        if not wanted:
            return found
        rds = await clients.client("rds", place)
        for first in range(0, len(wanted), IDS_PER_CALL):
            ids = wanted[first : first + IDS_PER_CALL]
            request: dict[str, Any] = {
                "Filters": [{"Name": "db-instance-id", "Values": ids}],
                "MaxRecords": PAGE_SIZE,
            }
            pages = every_page(
                rds.describe_db_instances,
                request,
                action="DescribeDBInstances",
                service="rds",
                region=place.region,
                token_key="Marker",
            )
            async for page in pages:
                for instance in page.get("DBInstances") or ():
                    name = str(instance.get("DBInstanceIdentifier") or "")
                    cluster = str(instance.get("DBClusterIdentifier") or "")
                    if name and cluster:
                        found[name] = cluster
    return found
