"""Which instances have Performance Insights data: a `Workload` per (account, region, DB
instance), and the lookup from a request's `Identifier` (the instance's DbiResourceId) to the
instance, its vCPUs and retention.

The seeding registers the scenario's workloads (`seed._create_databases`); an instance with
Performance Insights on and no workload registered is idle (no sessions). Like AWS, an
Identifier that names no instance, or one with Performance Insights off, is
NotAuthorizedException. `clear()` runs on moto's reset (`rds_api`).
"""

from __future__ import annotations

import threading

from montui_world.clock import WORLD_CLOCK
from montui_world.ext.pi_engine import LoadEngine
from montui_world.ext.pi_request import PiError, Target
from montui_world.ext.pi_workload import Workload
from montui_world.ext.rds_store import STORE as RDS_STORE
from montui_world.ext.rds_store import DbInstance, resource_id, vcpus

__all__ = ["PI_STORE", "PiStore"]


class PiStore:
    """Workloads per (account, region, instance identifier), and their engines (built once)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._workloads: dict[tuple[str, str, str], Workload] = {}
        self._engines: dict[tuple[str, str, str], LoadEngine] = {}

    def put(self, account: str, region: str, identifier: str, workload: Workload) -> None:
        """What `identifier`'s sessions do from now on."""
        key = (account, region, identifier.lower())
        with self._lock:
            self._workloads[key] = workload
            self._engines.pop(key, None)

    def clear(self) -> None:
        """Forget every workload (moto's reset)."""
        with self._lock:
            self._workloads.clear()
            self._engines.clear()

    def target(self, account: str, region: str, service: object, identifier: object) -> Target:
        """The instance a request names, or NotAuthorizedException as AWS answers."""
        if service not in ("RDS", "DOCDB"):
            raise PiError(
                "InvalidArgumentException", f"ServiceType must be RDS or DOCDB, not {service}"
            )
        name = str(identifier or "")
        found = _instance(account, region, name) if service == "RDS" else None
        if found is None:
            raise PiError(
                "NotAuthorizedException",
                f"The resource {name} does not exist in {region}, "
                "or you are not authorized to access it.",
            )
        if not found.performance_insights:
            raise PiError(
                "NotAuthorizedException",
                f"Performance Insights is not enabled for {name} ({found.identifier}).",
            )
        return Target(
            identifier=name,
            engine=self._engine(account, region, found.identifier),
            vcpus=vcpus(found.instance_class),
            retention_days=found.performance_insights_retention,
            now=WORLD_CLOCK.now(),
        )

    def _engine(self, account: str, region: str, identifier: str) -> LoadEngine:
        key = (account, region, identifier)
        with self._lock:
            engine = self._engines.get(key)
            if engine is None:
                workload = self._workloads.get(key) or Workload(digests=(), vcpus=0)
                engine = self._engines[key] = LoadEngine(workload)
            return engine


def _instance(account: str, region: str, identifier: str) -> DbInstance | None:
    for instance in RDS_STORE.instances(account, region):
        if resource_id("db-", account, region, instance.identifier) == identifier:
            return instance
    return None


PI_STORE = PiStore()
"""The world's one Performance Insights store."""
