"""RDS's read APIs in the world (`ext.rds_api`), through boto3: shapes, filters, errors, paging,
reset; and moto's RDS is never loaded."""

from __future__ import annotations

import re
import subprocess
import sys
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from montui_world.ext.rds_store import STORE, DbCluster, DbInstance
from montui_world.identity import DEMO_ACCOUNT
from montui_world.world import World

REGION = "ap-northeast-1"


def _rds(world: World, region: str = REGION) -> Any:
    return boto3.client("rds", region_name=region, endpoint_url=world.endpoint)


def _instance(name: str, cluster: str = "", writer: bool = False) -> DbInstance:
    return DbInstance(
        identifier=name,
        instance_class="db.r6g.large",
        engine="aurora-mysql",
        engine_version="8.0.mysql_aurora.3.05.2",
        availability_zone=f"{REGION}a",
        cluster=cluster,
        writer=writer,
    )


@pytest.fixture
def aurora(world: World) -> World:
    STORE.put_cluster(
        DEMO_ACCOUNT,
        REGION,
        DbCluster(
            identifier="orders",
            engine="aurora-mysql",
            engine_version="8.0.mysql_aurora.3.05.2",
            log_exports=("error", "slowquery"),
        ),
    )
    STORE.put_instance(DEMO_ACCOUNT, REGION, _instance("orders-writer", "orders", True))
    STORE.put_instance(DEMO_ACCOUNT, REGION, _instance("orders-reader", "orders"))
    STORE.put_instance(DEMO_ACCOUNT, REGION, _instance("lonely"))
    return world


def test_describe_db_instances_in_aws_shapes(aurora: World) -> None:
    rds = _rds(aurora)
    found = rds.describe_db_instances()["DBInstances"]
    assert [i["DBInstanceIdentifier"] for i in found] == [
        "lonely",
        "orders-reader",
        "orders-writer",
    ]
    writer = found[2]
    assert writer["DBClusterIdentifier"] == "orders"
    assert writer["DBInstanceClass"] == "db.r6g.large"
    assert writer["Engine"] == "aurora-mysql"
    assert writer["EngineVersion"] == "8.0.mysql_aurora.3.05.2"
    assert writer["DBInstanceStatus"] == "available"
    assert writer["AvailabilityZone"] == f"{REGION}a"
    assert writer["PerformanceInsightsEnabled"] is False
    assert writer["DBInstanceArn"] == f"arn:aws:rds:{REGION}:{DEMO_ACCOUNT}:db:orders-writer"
    assert re.fullmatch(r"db-[A-Z0-9]{26}", writer["DbiResourceId"])
    again = rds.describe_db_instances(DBInstanceIdentifier="orders-writer")
    assert again["DBInstances"][0]["DbiResourceId"] == writer["DbiResourceId"]
    assert "DBClusterIdentifier" not in found[0]
    # Another region of the same account has none.
    assert _rds(aurora, "us-east-1").describe_db_instances()["DBInstances"] == []


def test_describe_db_clusters_in_aws_shapes(aurora: World) -> None:
    rds = _rds(aurora)
    (cluster,) = rds.describe_db_clusters()["DBClusters"]
    assert cluster["DBClusterIdentifier"] == "orders"
    assert cluster["Engine"] == "aurora-mysql"
    assert cluster["EngineVersion"] == "8.0.mysql_aurora.3.05.2"
    assert cluster["Status"] == "available"
    assert cluster["EnabledCloudwatchLogsExports"] == ["error", "slowquery"]
    assert cluster["DBClusterArn"] == f"arn:aws:rds:{REGION}:{DEMO_ACCOUNT}:cluster:orders"
    assert re.fullmatch(r"cluster-[A-Z0-9]{26}", cluster["DbClusterResourceId"])
    members = {m["DBInstanceIdentifier"]: m["IsClusterWriter"] for m in cluster["DBClusterMembers"]}
    assert members == {"orders-writer": True, "orders-reader": False}


def test_filters(aurora: World) -> None:
    rds = _rds(aurora)
    by_id = rds.describe_db_instances(
        Filters=[{"Name": "db-instance-id", "Values": ["orders-reader", "lonely", "absent"]}]
    )["DBInstances"]
    assert [i["DBInstanceIdentifier"] for i in by_id] == ["lonely", "orders-reader"]
    by_cluster = rds.describe_db_instances(
        Filters=[{"Name": "db-cluster-id", "Values": ["orders"]}]
    )["DBInstances"]
    assert [i["DBInstanceIdentifier"] for i in by_cluster] == ["orders-reader", "orders-writer"]
    clusters = rds.describe_db_clusters(Filters=[{"Name": "db-cluster-id", "Values": ["other"]}])[
        "DBClusters"
    ]
    assert clusters == []
    with pytest.raises(ClientError) as caught:
        rds.describe_db_instances(Filters=[{"Name": "colour", "Values": ["x"]}])
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_not_found_errors_from_the_model(aurora: World) -> None:
    rds = _rds(aurora)
    with pytest.raises(rds.exceptions.DBInstanceNotFoundFault) as instance:
        rds.describe_db_instances(DBInstanceIdentifier="nope")
    assert instance.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(rds.exceptions.DBClusterNotFoundFault) as cluster:
        rds.describe_db_clusters(DBClusterIdentifier="nope")
    assert cluster.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_other_actions_are_invalid(aurora: World) -> None:
    rds = _rds(aurora)
    with pytest.raises(ClientError) as caught:
        rds.delete_db_instance(DBInstanceIdentifier="lonely", SkipFinalSnapshot=True)
    assert caught.value.response["Error"]["Code"] == "InvalidAction"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_paging_with_max_records_and_marker(world: World) -> None:
    names = [f"db-{n:03d}" for n in range(45)]
    for name in names:
        STORE.put_instance(DEMO_ACCOUNT, REGION, _instance(name))
    rds = _rds(world)
    first = rds.describe_db_instances(MaxRecords=20)
    assert len(first["DBInstances"]) == 20
    second = rds.describe_db_instances(MaxRecords=20, Marker=first["Marker"])
    assert second["DBInstances"][0]["DBInstanceIdentifier"] == "db-020"
    pages = rds.get_paginator("describe_db_instances").paginate(PaginationConfig={"PageSize": 20})
    seen = [i["DBInstanceIdentifier"] for page in pages for i in page["DBInstances"]]
    assert seen == names
    assert "Marker" not in rds.describe_db_instances()
    for bad in (19, 101):
        with pytest.raises(ClientError) as caught:
            rds.describe_db_instances(MaxRecords=bad)
        assert caught.value.response["Error"]["Code"] == "InvalidParameterValue"
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_reset_clears_the_store(aurora: World) -> None:
    aurora.reset()
    rds = _rds(aurora)
    assert rds.describe_db_instances()["DBInstances"] == []
    assert rds.describe_db_clusters()["DBClusters"] == []


def test_a_seeded_world_never_loads_motos_rds() -> None:
    """In a fresh interpreter: build the scenario, ask RDS, and look at `sys.modules`."""
    script = """
import sys
from typing import Any
from datetime import UTC, datetime
import boto3
from montui_world.live import Scenario
from montui_world.world import World
world = World().start()
Scenario(seed=7, now=datetime(2026, 11, 21, 3, 30, tzinfo=UTC)).build(world.endpoint)
rds = boto3.client("rds", region_name="ap-northeast-1", endpoint_url=world.endpoint,
                   aws_access_key_id="AKIAMONTUIDEMO000000", aws_secret_access_key="x")
print(len(rds.describe_db_instances()["DBInstances"]))
print(sorted(m for m in sys.modules if m == "moto.rds" or m.startswith("moto.rds.")))
world.stop()
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.split("\n")[:2] == ["2", "[]"]
