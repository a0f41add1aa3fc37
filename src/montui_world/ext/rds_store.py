"""The world's RDS: DB clusters and DB instances per (account, region), in memory.

What `rds_api` answers DescribeDBClusters and DescribeDBInstances from, and what the seeding
writes in process (`seed._create_databases`); moto's RDS backend is never loaded (it costs
the world ~0.7 s and ~100 MB to start). `STORE.clear()` runs on moto's reset (`rds_api`).
Identifiers are kept lower-case, as AWS stores them.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from dataclasses import dataclass, field, replace

__all__ = ["STORE", "DbCluster", "DbInstance", "RdsStore", "resource_id", "vcpus"]


@dataclass(frozen=True, slots=True)
class DbCluster:
    """An Aurora (or Multi-AZ) DB cluster: what DescribeDBClusters shows of it."""

    identifier: str
    engine: str
    engine_version: str
    status: str = "available"
    log_exports: tuple[str, ...] = ()
    database_name: str = ""
    availability_zones: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DbInstance:
    """A DB instance, in a cluster (`cluster`) or on its own: what DescribeDBInstances shows."""

    identifier: str
    instance_class: str
    engine: str
    engine_version: str
    availability_zone: str
    cluster: str = ""
    writer: bool = False
    status: str = "available"
    performance_insights: bool = False
    performance_insights_retention: int = 7
    """Days of Performance Insights data kept: 7 (the free tier), 31 × months, or 731."""


_VCPUS = {"micro": 2, "small": 2, "medium": 2, "large": 2, "xlarge": 4}


def vcpus(instance_class: str) -> int:
    """The vCPUs of a DB instance class (`db.r6g.2xlarge` → 8; burstable t classes: 2)."""
    size = instance_class.rsplit(".", 1)[-1]
    if size in _VCPUS:
        return _VCPUS[size]
    if size.endswith("xlarge") and size[:-6].isdigit():
        return 4 * int(size[:-6])
    return 2


def resource_id(prefix: str, account: str, region: str, identifier: str) -> str:
    """`db-` (or `cluster-`) + 26 upper-case characters, stable per resource, like AWS's
    DbiResourceId and DbClusterResourceId."""
    digest = hashlib.sha256(f"{prefix}|{account}|{region}|{identifier}".encode()).digest()
    return prefix + base64.b32encode(digest).decode()[:26]


@dataclass
class _Region:
    clusters: dict[str, DbCluster] = field(default_factory=dict)
    instances: dict[str, DbInstance] = field(default_factory=dict)


class RdsStore:
    """Clusters and instances per (account, region); thread-safe (the world's server threads
    read it while the seeding writes it)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._regions: dict[tuple[str, str], _Region] = {}

    def put_cluster(self, account: str, region: str, cluster: DbCluster) -> None:
        """Add `cluster`, or replace the one with its identifier."""
        cluster = replace(cluster, identifier=cluster.identifier.lower())
        with self.lock:
            self._region(account, region).clusters[cluster.identifier] = cluster

    def put_instance(self, account: str, region: str, instance: DbInstance) -> None:
        """Add `instance`, or replace the one with its identifier."""
        instance = replace(
            instance, identifier=instance.identifier.lower(), cluster=instance.cluster.lower()
        )
        with self.lock:
            self._region(account, region).instances[instance.identifier] = instance

    def clusters(self, account: str, region: str) -> list[DbCluster]:
        """The region's clusters, by identifier."""
        with self.lock:
            found = self._regions.get((account, region))
            return sorted(found.clusters.values(), key=_key) if found else []

    def instances(self, account: str, region: str) -> list[DbInstance]:
        """The region's instances, by identifier."""
        with self.lock:
            found = self._regions.get((account, region))
            return sorted(found.instances.values(), key=_key) if found else []

    def clear(self) -> None:
        """Forget everything (moto's reset)."""
        with self.lock:
            self._regions.clear()

    def _region(self, account: str, region: str) -> _Region:
        return self._regions.setdefault((account, region), _Region())


def _key(item: DbCluster | DbInstance) -> str:
    return item.identifier


STORE = RdsStore()
"""The world's one RDS store (the world serves every account and region from one process)."""
