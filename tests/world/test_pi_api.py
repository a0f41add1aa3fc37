"""Performance Insights in the world (`ext.pi_api`), through boto3 in both of the model's
protocols (botocore 1.43 sends json; smithy-rpc-v2-cbor forced): shapes, grouped sums, top
keys, full statements, filters, periods and windows, and AWS's errors."""

from __future__ import annotations

import itertools
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

import boto3
import botocore.model
import cbor2
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from montui_world.clock import WORLD_CLOCK
from montui_world.ext.pi_store import PI_STORE
from montui_world.ext.pi_workload import Burst, Digest, Workload
from montui_world.ext.rds_store import STORE, DbInstance, resource_id
from montui_world.identity import DEMO_ACCOUNT
from montui_world.world import World

REGION = "ap-northeast-1"
NOW = datetime(2026, 11, 21, 3, 30, 0, tzinfo=UTC)
LONG_REPORT = (
    "INSERT INTO report_daily_sales (day, sku, units, revenue) "
    "SELECT date_trunc('day', o.created_at), "
    + ", ".join(f"i.col_{n}" for n in range(120))
    + " FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.created_at >= '2026-11-20'"
)
CARTS = Digest(
    statement="SELECT * FROM carts WHERE customer_id = $1",
    examples=(
        "SELECT * FROM carts WHERE customer_id = 101",
        "SELECT * FROM carts WHERE customer_id = 202",
    ),
    calls_per_sec=400.0,
    seconds_per_call=0.004,
    waits=(("CPU", 0.7), ("IO:DataFileRead", 0.2), ("Client:ClientRead", 0.1)),
    user="shop_app",
    hosts=("10.0.1.15", "10.0.2.31"),
)
REPORT = Digest(
    statement="INSERT INTO report_daily_sales (day, sku, units, revenue) SELECT … $1",
    examples=(LONG_REPORT,),
    calls_per_sec=0.0,
    seconds_per_call=40.0,
    waits=(("IO:DataFileRead", 1.0),),
    user="shop_report",
    hosts=("10.0.3.4",),
    bursts=(Burst(9.0, (("IO:DataFileRead", 0.8), ("CPU", 0.2)), lambda m: 1.0),),
    diurnal=False,
)
UPDATE = Digest(
    statement="UPDATE inventory SET reserved = reserved + $1 WHERE sku = $2",
    examples=("UPDATE inventory SET reserved = reserved + 1 WHERE sku = 'TEE-RED-M'",),
    calls_per_sec=60.0,
    seconds_per_call=0.01,
    waits=(("CPU", 0.6), ("Lock:transactionid", 0.3), ("IO:XactSync", 0.1)),
    user="shop_app",
    hosts=("10.0.1.15",),
)


def _put(name: str, *, insights: bool = True, retention: int = 731) -> str:
    STORE.put_instance(
        DEMO_ACCOUNT,
        REGION,
        DbInstance(
            identifier=name,
            instance_class="db.r6g.2xlarge",
            engine="aurora-postgresql",
            engine_version="15.4",
            availability_zone=f"{REGION}a",
            performance_insights=insights,
            performance_insights_retention=retention,
        ),
    )
    return resource_id("db-", DEMO_ACCOUNT, REGION, name)


@pytest.fixture
def db(world: World) -> Iterator[str]:
    """An instance with Performance Insights on and three digests; the world's now is NOW."""
    WORLD_CLOCK.follow(lambda: NOW)
    since = int((NOW - timedelta(days=14)).timestamp())
    identifier = _put("orders-db")
    PI_STORE.put(
        DEMO_ACCOUNT, REGION, "orders-db", Workload((CARTS, REPORT, UPDATE), 8, seed=3, since=since)
    )
    yield identifier
    WORLD_CLOCK.reset()


@pytest.fixture(params=["json", "smithy-rpc-v2-cbor"])
def pi(request: pytest.FixtureRequest, world: World) -> Any:
    """A `pi` client speaking one of the model's protocols."""
    order = (request.param, "json", "smithy-rpc-v2-cbor")
    with mock.patch.object(botocore.model, "PRIORITY_ORDERED_SUPPORTED_PROTOCOLS", order):
        client = boto3.Session().client("pi", region_name=REGION, endpoint_url=world.endpoint)
        assert client.meta.service_model.resolved_protocol == request.param
    return client


def _metrics(pi: Any, db: str, hours: float = 1, **extra: Any) -> dict[str, Any]:
    queries = extra.pop("MetricQueries", [{"Metric": "db.load.avg"}])
    return dict(
        pi.get_resource_metrics(
            ServiceType="RDS",
            Identifier=db,
            StartTime=NOW - timedelta(hours=hours),
            EndTime=NOW,
            MetricQueries=queries,
            **extra,
        )
    )


def _values(item: dict[str, Any]) -> list[float]:
    return [p["Value"] for p in item["DataPoints"]]


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


@pytest.mark.parametrize(
    "group", ["db.wait_event", "db.sql_tokenized", "db.sql", "db.user", "db.host", "db"]
)
def test_grouped_load_sums_to_the_total(pi: Any, db: str, group: str) -> None:
    query = {"Metric": "db.load.avg", "GroupBy": {"Group": group, "Limit": 25}}
    found = _metrics(pi, db, PeriodInSeconds=60, MetricQueries=[query])["MetricList"]
    total, parts = found[0], found[1:]
    assert total["Key"] == {"Metric": "db.load.avg"}
    assert parts and all(p["Key"]["Dimensions"] for p in parts)
    assert len(_values(total)) == 60
    for index, value in enumerate(_values(total)):
        assert sum(_values(p)[index] for p in parts) == pytest.approx(value, abs=1e-4)


def test_wait_events_are_ranked_and_limited(pi: Any, db: str) -> None:
    query = {"Metric": "db.load.avg", "GroupBy": {"Group": "db.wait_event", "Limit": 2}}
    found = _metrics(pi, db, MetricQueries=[query])["MetricList"]
    assert len(found) == 3
    assert found[1]["Key"]["Dimensions"] == {
        "db.wait_event.name": "IO:DataFileRead",
        "db.wait_event.type": "IO",
    }
    assert sum(_values(found[1])) >= sum(_values(found[2]))


def test_top_sql_with_partitions_by_wait_and_per_call_figures(pi: Any, db: str) -> None:
    answer = pi.describe_dimension_keys(
        ServiceType="RDS",
        Identifier=db,
        StartTime=NOW - timedelta(hours=1),
        EndTime=NOW,
        Metric="db.load.avg",
        GroupBy={"Group": "db.sql_tokenized", "Limit": 10},
        PartitionBy={"Group": "db.wait_event"},
        AdditionalMetrics=["db.sql_tokenized.stats.calls_per_sec.avg"],
    )
    keys = answer["Keys"]
    statements = [k["Dimensions"]["db.sql_tokenized.statement"] for k in keys]
    assert statements == [REPORT.statement, CARTS.statement, UPDATE.statement]
    assert keys[0]["Total"] == pytest.approx(9.0 * 1.0, rel=0.25)
    waits = [p["Dimensions"]["db.wait_event.name"] for p in answer["PartitionKeys"]]
    assert waits[0] == "IO:DataFileRead"
    for key in keys:
        assert sum(key["Partitions"]) == pytest.approx(key["Total"], abs=1e-4)
    carts = keys[1]
    calls = carts["AdditionalMetrics"]["db.sql_tokenized.stats.calls_per_sec.avg"]
    assert calls == pytest.approx(carts["Total"] / CARTS.seconds_per_call, rel=1e-3)


def test_full_statement_behind_a_cut_one(pi: Any, db: str) -> None:
    answer = pi.describe_dimension_keys(
        ServiceType="RDS",
        Identifier=db,
        StartTime=NOW - timedelta(hours=1),
        EndTime=NOW,
        Metric="db.load.avg",
        GroupBy={"Group": "db.sql"},
        Filter={"db.sql_tokenized.id": REPORT.tokenized_id},
    )
    (key,) = answer["Keys"]
    shown = key["Dimensions"]["db.sql.statement"]
    assert len(shown) == 500 and LONG_REPORT.startswith(shown)
    details = pi.get_dimension_key_details(
        ServiceType="RDS",
        Identifier=db,
        Group="db.sql",
        GroupIdentifier=key["Dimensions"]["db.sql.id"],
        RequestedDimensions=["db.sql.statement"],
    )
    assert details["Dimensions"] == [
        {"Value": LONG_REPORT, "Dimension": "db.sql.statement", "Status": "AVAILABLE"}
    ]


def test_a_statements_own_load_through_a_filter(pi: Any, db: str) -> None:
    grouped = {"Metric": "db.load.avg", "GroupBy": {"Group": "db.sql_tokenized"}}
    mine = {"Metric": "db.load.avg", "Filter": {"db.sql_tokenized.id": CARTS.tokenized_id}}
    found = _metrics(pi, db, MetricQueries=[grouped, mine])["MetricList"]
    carts = next(
        f
        for f in found
        if f["Key"].get("Dimensions", {}).get("db.sql_tokenized.id") == CARTS.tokenized_id
    )
    assert _values(found[-1]) == pytest.approx(_values(carts), abs=1e-5)
    assert found[-1]["Key"] == {"Metric": "db.load.avg"}


@pytest.mark.parametrize(
    ("hours", "period", "points"),
    [(1, 60, 60), (24, 300, 288), (24 * 7, 3600, 168), (1, 1, 3600), (24 * 14, 86400, 13)],
)
def test_periods_for_an_hour_a_day_and_a_week(
    pi: Any, db: str, hours: int, period: int, points: int
) -> None:
    answer = _metrics(pi, db, hours, PeriodInSeconds=period)
    stamps = [p["Timestamp"] for p in answer["MetricList"][0]["DataPoints"]]
    assert len(stamps) == points
    now = int(NOW.timestamp())
    aligned_end = -(-now // period) * period
    assert answer["AlignedEndTime"] == datetime.fromtimestamp(aligned_end, UTC)
    # END_TIME alignment: a period is stamped at its end; the period under way has no point
    assert stamps[-1] == datetime.fromtimestamp(now // period * period, UTC)
    assert all((b - a).total_seconds() == period for a, b in itertools.pairwise(stamps))


@pytest.mark.parametrize(("hours", "period"), [(1, 60), (24, 300), (24 * 7, 3600)])
def test_without_a_period_aws_picks_one_for_100_to_200_points(
    pi: Any, db: str, hours: int, period: int
) -> None:
    answer = _metrics(pi, db, hours)
    stamps = [p["Timestamp"] for p in answer["MetricList"][0]["DataPoints"]]
    assert (stamps[1] - stamps[0]).total_seconds() == period


def test_one_second_data_keeps_each_minutes_mean(pi: Any, db: str) -> None:
    seconds = _values(_metrics(pi, db, 0.25, PeriodInSeconds=1)["MetricList"][0])
    minutes = _values(_metrics(pi, db, 0.25, PeriodInSeconds=60)["MetricList"][0])
    assert len(seconds) == 900 and len(set(seconds[:60])) > 30
    for index, minute in enumerate(minutes):
        assert sum(seconds[index * 60 : index * 60 + 60]) / 60 == pytest.approx(minute, abs=1e-4)


def test_start_time_alignment_and_vcpus(pi: Any, db: str) -> None:
    answer = _metrics(
        pi,
        db,
        PeriodInSeconds=300,
        PeriodAlignment="START_TIME",
        MetricQueries=[{"Metric": "db.load.avg"}, {"Metric": "os.general.numVCPUs.avg"}],
    )
    assert answer["MetricList"][0]["DataPoints"][0]["Timestamp"] == NOW - timedelta(hours=1)
    assert set(_values(answer["MetricList"][1])) == {8.0}


def test_no_data_points_in_the_future_or_before_the_data(pi: Any, db: str) -> None:
    answer = pi.get_resource_metrics(
        ServiceType="RDS",
        Identifier=db,
        StartTime=NOW - timedelta(minutes=30),
        EndTime=NOW + timedelta(minutes=30),
        PeriodInSeconds=60,
        MetricQueries=[{"Metric": "db.load.avg"}],
    )
    assert len(answer["MetricList"][0]["DataPoints"]) == 30


def test_pages_of_dimension_keys(pi: Any, db: str) -> None:
    request: dict[str, Any] = {
        "ServiceType": "RDS",
        "Identifier": db,
        "StartTime": NOW - timedelta(hours=1),
        "EndTime": NOW,
        "Metric": "db.load.avg",
        "GroupBy": {"Group": "db.wait_event"},
        "MaxResults": 2,
    }
    pages = [pi.describe_dimension_keys(**request)]
    while "NextToken" in pages[-1]:
        pages.append(pi.describe_dimension_keys(**request, NextToken=pages[-1]["NextToken"]))
    assert [len(p["Keys"]) for p in pages] == [2, 2, 1]
    everything = pi.describe_dimension_keys(**{**request, "MaxResults": 25})["Keys"]
    assert [k for p in pages for k in p["Keys"]] == everything


def test_pi_off_and_unknown_instances_are_not_authorized(pi: Any, db: str) -> None:
    off = _put("legacy-db", insights=False)
    for identifier in (off, "db-NOSUCHINSTANCE0000000000", "shop-prod-aurora-writer"):
        with pytest.raises(ClientError) as error:
            _metrics(pi, identifier)
        assert _code(error) == "NotAuthorizedException"
        assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"MetricQueries": [{"Metric": "db.loadd.avg"}]}, "db.loadd.avg is not valid"),
        ({"MetricQueries": [{"Metric": "db.load.median"}]}, "db.load.median is not valid"),
        ({"MetricQueries": [{"Metric": "db.load.avg"}] * 16}, "1 to 15 queries"),
        (
            {
                "MetricQueries": [
                    {"Metric": "db.load.avg", "GroupBy": {"Group": "db.wait_event", "Limit": 26}}
                ]
            },
            "Limit must be between 1 and 25",
        ),
        (
            {"MetricQueries": [{"Metric": "db.load.avg", "GroupBy": {"Group": "db.table"}}]},
            "dimension group db.table is not valid",
        ),
        (
            {
                "MetricQueries": [
                    {
                        "Metric": "db.load.avg",
                        "GroupBy": {"Group": "db.sql", "Dimensions": ["db.user.name"]},
                    }
                ]
            },
            "db.user.name is not in the dimension group db.sql",
        ),
        (
            {"MetricQueries": [{"Metric": "db.load.avg", "Filter": {"db.colour": "red"}}]},
            "filter dimension db.colour",
        ),
        ({"PeriodInSeconds": 7}, "PeriodInSeconds must be one of"),
        (
            {"PeriodInSeconds": 1, "StartTime": NOW - timedelta(hours=6)},
            "too long for PeriodInSeconds 1",
        ),
        (
            {"PeriodInSeconds": 60, "StartTime": NOW - timedelta(days=15)},
            "too long for PeriodInSeconds 60",
        ),
        ({"StartTime": NOW, "EndTime": NOW - timedelta(hours=1)}, "earlier than EndTime"),
        ({"MaxResults": 26}, "MaxResults must be between 0 and 25"),
        ({"NextToken": "bm90LWEtdG9rZW4="}, "NextToken is not valid"),
        ({"ServiceType": "DOCDB"}, "not authorized"),
    ],
)
def test_invalid_requests_get_aws_errors(
    pi: Any, db: str, change: dict[str, Any], words: str
) -> None:
    request: dict[str, Any] = {
        "ServiceType": "RDS",
        "Identifier": db,
        "StartTime": NOW - timedelta(hours=1),
        "EndTime": NOW,
        "MetricQueries": [{"Metric": "db.load.avg"}],
        **change,
    }
    with pytest.raises(ClientError) as error:
        pi.get_resource_metrics(**request)
    expected = "NotAuthorizedException" if words == "not authorized" else "InvalidArgumentException"
    assert _code(error) == expected
    assert words in str(error.value.response["Error"]["Message"])


def test_retention_and_one_second_limits(pi: Any, db: str) -> None:
    short = _put("reader-db", retention=7)
    with pytest.raises(ClientError) as error:
        _metrics(pi, short, 24 * 8, PeriodInSeconds=3600)
    assert "7 days" in str(error.value)
    with pytest.raises(ClientError) as error:
        pi.get_resource_metrics(
            ServiceType="RDS",
            Identifier=db,
            StartTime=NOW - timedelta(days=2),
            EndTime=NOW - timedelta(days=2) + timedelta(minutes=5),
            PeriodInSeconds=1,
            MetricQueries=[{"Metric": "db.load.avg"}],
        )
    assert "last day" in str(error.value)


def test_unknown_statement_and_other_detail_groups(pi: Any, db: str) -> None:
    for group, identifier in (("db.sql", "0" * 40), ("db.query", "q-1"), ("db.plan", "x")):
        with pytest.raises(ClientError) as error:
            pi.get_dimension_key_details(
                ServiceType="RDS", Identifier=db, Group=group, GroupIdentifier=identifier
            )
        assert _code(error) == "InvalidArgumentException"


def test_catalogue_operations(pi: Any, db: str) -> None:
    metrics = pi.list_available_resource_metrics(
        ServiceType="RDS", Identifier=db, MetricTypes=["os", "db"]
    )["Metrics"]
    names = [m["Metric"] for m in metrics]
    assert "db.load.avg" in names and "os.general.numVCPUs.avg" in names
    dims = pi.list_available_resource_dimensions(
        ServiceType="RDS", Identifier=db, Metrics=["db.load"]
    )["MetricDimensions"][0]
    groups = {g["Group"]: [d["Identifier"] for d in g["Dimensions"]] for g in dims["Groups"]}
    assert groups["db.sql_tokenized"] == [
        "db.sql_tokenized.id",
        "db.sql_tokenized.db_id",
        "db.sql_tokenized.statement",
    ]
    meta = pi.get_resource_metadata(ServiceType="RDS", Identifier=db)
    assert meta["Identifier"] == db and meta["Features"]["SQL_STATS"]["Status"] == "ENABLED"


def test_rds_shows_each_instances_resource_id_and_insights_settings(world: World) -> None:
    on, off = _put("a-db"), _put("b-db", insights=False)
    rds = boto3.client("rds", region_name=REGION, endpoint_url=world.endpoint)
    found = {i["DBInstanceIdentifier"]: i for i in rds.describe_db_instances()["DBInstances"]}
    assert found["a-db"]["DbiResourceId"] == on != off == found["b-db"]["DbiResourceId"]
    assert found["a-db"]["PerformanceInsightsEnabled"] is True
    assert found["a-db"]["PerformanceInsightsRetentionPeriod"] == 731
    assert found["a-db"]["PerformanceInsightsKMSKeyId"].startswith(
        f"arn:aws:kms:{REGION}:{DEMO_ACCOUNT}:key/"
    )
    assert found["b-db"]["PerformanceInsightsEnabled"] is False
    assert "PerformanceInsightsRetentionPeriod" not in found["b-db"]


def test_reset_forgets_the_workloads(world: World, db: str) -> None:
    world.reset()
    WORLD_CLOCK.follow(lambda: NOW)
    _put("orders-db")
    pi = boto3.client("pi", region_name=REGION, endpoint_url=world.endpoint)
    answer = _metrics(pi, db, PeriodInSeconds=60)
    assert set(_values(answer["MetricList"][0])) == {0.0}


def _raw(world: World, headers: dict[str, str], path: str, body: bytes) -> tuple[int, Any, bytes]:
    """A request signed by hand for `pi` (what any SDK or CLI sends), and the answer."""
    request = AWSRequest(method="POST", url=world.endpoint + path, data=body, headers=headers)
    credentials = Credentials("AKIAMONTUIDEMO000000", "secret")
    SigV4Auth(credentials, "pi", REGION).add_auth(request)
    prepared = urllib.request.Request(
        request.url, data=body, headers=dict(request.headers.items()), method="POST"
    )
    try:
        with urllib.request.urlopen(prepared) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_raw_requests_in_each_protocol_get_answers_in_it(world: World, db: str) -> None:
    request = {
        "ServiceType": "RDS",
        "Identifier": db,
        "StartTime": (NOW - timedelta(minutes=5)).timestamp(),
        "EndTime": NOW.timestamp(),
        "PeriodInSeconds": 60,
        "MetricQueries": [{"Metric": "db.load.avg"}],
    }
    target = {
        "X-Amz-Target": "PerformanceInsightsv20180227.GetResourceMetrics",
        "Content-Type": "application/x-amz-json-1.1",
    }
    status, headers, body = _raw(world, target, "/", json.dumps(request).encode())
    assert (status, headers["Content-Type"]) == (200, "application/x-amz-json-1.1")
    points = json.loads(body)["MetricList"][0]["DataPoints"]
    assert [p["Timestamp"] for p in points][-1] == NOW.timestamp()
    wrong = json.dumps({**request, "PeriodInSeconds": 7}).encode()
    status, headers, body = _raw(world, target, "/", wrong)
    assert (status, headers["x-amzn-ErrorType"]) == (400, "InvalidArgumentException")
    assert json.loads(body)["__type"] == "InvalidArgumentException"
    cbor = {"smithy-protocol": "rpc-v2-cbor", "Content-Type": "application/cbor"}
    path = "/service/PerformanceInsightsv20180227/operation/GetResourceMetrics"
    timed = {**request, "StartTime": NOW - timedelta(minutes=5), "EndTime": NOW}
    status, headers, body = _raw(world, cbor, path, cbor2.dumps(timed, datetime_as_timestamp=True))
    assert (status, headers["Content-Type"], headers["smithy-protocol"]) == (
        200,
        "application/cbor",
        "rpc-v2-cbor",
    )
    assert cbor2.loads(body)["MetricList"][0]["DataPoints"][-1]["Timestamp"] == NOW
    status, headers, body = _raw(world, cbor, path, cbor2.dumps({**request, "Identifier": "db-X"}))
    assert status == 400 and cbor2.loads(body)["__type"] == "NotAuthorizedException"
