"""A small Performance Insights world for the dbload tests: a cluster whose writer runs a
cart read and a report batch, an idle reader, and an instance with PI off."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from montui.model.metrics import TimeWindow
from montui_world.clock import WORLD_CLOCK
from montui_world.ext.pi_store import PI_STORE
from montui_world.ext.pi_workload import Burst, Digest, Workload
from montui_world.ext.rds_store import STORE, DbCluster
from montui_world.ext.rds_store import DbInstance as WorldInstance
from montui_world.identity import DEMO_ACCOUNT
from montui_world.world import World

REGION = "ap-northeast-1"
NOW = datetime(2026, 11, 21, 3, 30, tzinfo=UTC)
WINDOW = TimeWindow.ending(NOW, timedelta(hours=1))
FULL_REPORT = (
    "SELECT o.region, date_trunc('day', o.created_at), sum(l.amount) FROM orders o "
    "JOIN order_lines l ON l.order_id = o.id WHERE o.created_at >= '2026-11-20' GROUP BY 1, 2"
)
CARTS = Digest(
    statement="SELECT * FROM carts WHERE customer_id = $1",
    examples=("SELECT * FROM carts WHERE customer_id = 101",),
    calls_per_sec=400.0, seconds_per_call=0.004,
    waits=(("CPU", 0.7), ("IO:DataFileRead", 0.2), ("Client:ClientRead", 0.1)),
    user="shop_app", hosts=("10.0.1.15", "10.0.2.31"),
)  # fmt: skip
REPORT = Digest(
    statement="SELECT o.region, date_trunc($1, o.created_at), sum(l.amount) FROM orders o …",
    examples=(FULL_REPORT,), calls_per_sec=0.0, seconds_per_call=40.0,
    waits=(("IO:DataFileRead", 1.0),), user="shop_report", hosts=("10.0.3.4",),
    bursts=(Burst(9.0, (("IO:DataFileRead", 0.8), ("CPU", 0.2)), lambda m: 1.0),),
    diurnal=False,
)  # fmt: skip


def _put(name: str, *, insights: bool = True, cluster: str = "", writer: bool = False) -> None:
    STORE.put_instance(
        DEMO_ACCOUNT, REGION,
        WorldInstance(
            identifier=name, instance_class="db.r6g.2xlarge", engine="aurora-postgresql",
            engine_version="15.4", availability_zone=f"{REGION}a", cluster=cluster,
            writer=writer, performance_insights=insights,
        ),
    )  # fmt: skip


@pytest.fixture
def shop(world: World) -> Iterator[World]:
    """A cluster (writer with PI and a workload, reader idle) and a lone instance with PI off."""
    WORLD_CLOCK.follow(lambda: NOW)
    STORE.put_cluster(DEMO_ACCOUNT, REGION, DbCluster("orders", "aurora-postgresql", "15.4"))
    _put("orders-writer", cluster="orders", writer=True)
    _put("orders-reader", cluster="orders")
    _put("legacy-db", insights=False)
    since = int((NOW - timedelta(days=14)).timestamp())
    workload = Workload((CARTS, REPORT), 8, seed=3, since=since)
    PI_STORE.put(DEMO_ACCOUNT, REGION, "orders-writer", workload)
    yield world
    WORLD_CLOCK.reset()
