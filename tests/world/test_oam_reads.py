"""Cross-account reads in the world: a CloudWatch cross-account observability monitoring
account lists, queries and charts its linked accounts' log groups and metrics (through boto3,
as a person would), and is refused them while they are not linked."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from montui_world.ext import logs as logs_ext
from montui_world.ext.logs_store import put_events
from montui_world.ext.oam_store import LOG_GROUP, link_accounts
from montui_world.metricstore import STORE
from montui_world.world import World
from tests.world.oam_accounts import OTHER, SOURCE, client

REGION = "us-east-1"
BASE = "123456789012"
GROUP = "/aws/lambda/contact-form"
T0 = int(datetime(2026, 3, 4, 5, 0, tzinfo=UTC).timestamp())


@pytest.fixture
def accounts(world: World) -> Iterator[None]:
    """The same group name in three accounts, one line each; queries complete at once."""
    previous = logs_ext.configure(pacing=logs_ext.INSTANT, max_concurrent_queries=30)
    for account in (BASE, SOURCE, OTHER):
        put_events(
            REGION, GROUP, "s", [(T0 * 1000 + 5_000, f"hello from {account}")], account_id=account
        )
        put_events(REGION, f"/only/{account}", "s", [(T0 * 1000, "x")], account_id=account)
    yield
    logs_ext.restore(previous)


def _query(logs: Any, **groups: Any) -> list[dict[str, str]]:
    query_id = logs.start_query(
        startTime=T0, endTime=T0 + 60, queryString="fields @log, @message | sort @log asc", **groups
    )["queryId"]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        answer = logs.get_query_results(queryId=query_id)
        if answer["status"] == "Complete":
            return [{c["field"]: c["value"] for c in row} for row in answer["results"]]
        time.sleep(0.02)
    raise AssertionError("the query did not complete")


def _arn(account: str, name: str = GROUP) -> str:
    return f"arn:aws:logs:{REGION}:{account}:log-group:{name}"


def test_linked_groups_are_listed_and_queried_by_arn(world: World, accounts: None) -> None:
    link_accounts(BASE, [SOURCE], REGION)
    logs = client(world, "logs", BASE, REGION)
    listed = logs.describe_log_groups(includeLinkedAccounts=True)["logGroups"]
    assert sorted((g["logGroupName"], g["logGroupArn"]) for g in listed) == sorted(
        [(GROUP, _arn(BASE)), (GROUP, _arn(SOURCE))]
        + [(f"/only/{a}", _arn(a, f"/only/{a}")) for a in (BASE, SOURCE)]
    )
    only = logs.describe_log_groups(includeLinkedAccounts=True, accountIdentifiers=[SOURCE])
    assert {g["logGroupArn"] for g in only["logGroups"]} == {
        _arn(SOURCE),
        _arn(SOURCE, f"/only/{SOURCE}"),
    }
    mine = logs.describe_log_groups()["logGroups"]
    assert {g["logGroupArn"] for g in mine} == {_arn(BASE), _arn(BASE, f"/only/{BASE}")}

    rows = _query(logs, logGroupIdentifiers=[_arn(BASE), _arn(SOURCE) + ":*"])
    assert [(r["@log"], r["@message"]) for r in rows] == [
        (f"{BASE}:{GROUP}", f"hello from {BASE}"),
        (f"{SOURCE}:{GROUP}", f"hello from {SOURCE}"),
    ]
    record = logs.get_log_record(logRecordPointer=rows[1]["@ptr"])["logRecord"]
    assert record["@log"] == f"{SOURCE}:{GROUP}" and record["@message"] == f"hello from {SOURCE}"


def test_unlinked_accounts_are_refused(world: World, accounts: None) -> None:
    link_accounts(BASE, [SOURCE], REGION, (LOG_GROUP,))
    logs = client(world, "logs", BASE, REGION)
    with pytest.raises(ClientError) as refused:
        _query(logs, logGroupIdentifiers=[_arn(BASE), _arn(OTHER)])
    assert refused.value.response["Error"]["Code"] == "ResourceNotFoundException"
    listed = logs.describe_log_groups(includeLinkedAccounts=True)["logGroups"]
    assert OTHER not in {g["logGroupArn"].split(":")[4] for g in listed}
    # the source account cannot read the monitoring account's groups either
    back = client(world, "logs", SOURCE, REGION)
    with pytest.raises(ClientError) as reverse:
        _query(back, logGroupIdentifiers=[_arn(BASE)])
    assert reverse.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert {
        g["logGroupArn"].split(":")[4]
        for g in back.describe_log_groups(includeLinkedAccounts=True)["logGroups"]
    } == {SOURCE}


def test_not_a_monitoring_account_queries_only_its_own(world: World, accounts: None) -> None:
    logs = client(world, "logs", BASE, REGION)
    with pytest.raises(ClientError) as refused:
        _query(logs, logGroupIdentifiers=[_arn(SOURCE)])
    assert refused.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert [r["@log"] for r in _query(logs, logGroupIdentifiers=[_arn(BASE)])] == [
        f"{BASE}:{GROUP}"
    ]


def _metric_query(account: str | None) -> dict[str, Any]:
    query: dict[str, Any] = {
        "Id": "m",
        "MetricStat": {
            "Metric": {
                "Namespace": "AWS/Lambda",
                "MetricName": "Errors",
                "Dimensions": [{"Name": "FunctionName", "Value": "contact-form"}],
            },
            "Period": 60,
            "Stat": "Sum",
        },
    }
    if account is not None:
        query["AccountId"] = account
    return query


def test_get_metric_data_reads_a_linked_account_by_account_id(world: World) -> None:
    for account, value in ((BASE, 1.0), (SOURCE, 2.0), (OTHER, 3.0)):
        STORE.put(
            REGION,
            "AWS/Lambda",
            "Errors",
            {"FunctionName": "contact-form"},
            T0,
            value,
            account=account,
        )
    cloudwatch = client(world, "cloudwatch", BASE, REGION)

    def values(account: str | None) -> list[float]:
        answer = cloudwatch.get_metric_data(
            MetricDataQueries=[_metric_query(account)],
            StartTime=datetime.fromtimestamp(T0 - 60, UTC),
            EndTime=datetime.fromtimestamp(T0 + 60, UTC),
        )
        return [float(v) for v in answer["MetricDataResults"][0]["Values"]]

    assert values(None) == [1.0] and values(BASE) == [1.0]
    assert values(SOURCE) == [], "not linked yet: no data"
    link_accounts(BASE, [SOURCE], REGION)
    assert values(SOURCE) == [2.0]
    assert values(OTHER) == [], "never linked"
