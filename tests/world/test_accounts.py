"""Several accounts in one world: AssumeRole as AWS decides it, and no data crossing accounts.

Set up with boto3 only (`tests.world.accounts`), as someone would with the AWS CLI."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from montui_world.ext import evaluation
from montui_world.ext.rds_store import STORE as RDS_STORE
from montui_world.ext.rds_store import DbInstance
from montui_world.identity import DEMO_ACCOUNT
from montui_world.world import World
from tests.world.accounts import READONLY_ROLE, WorldAccount, add_account, assume, base_session

B = "210987654321"
C = "309876543210"
REGION = "us-east-1"


@pytest.fixture
def base(world: World) -> boto3.Session:
    return base_session(world.endpoint)


@pytest.fixture
def other(add_world_account: Callable[..., WorldAccount]) -> WorldAccount:
    return add_world_account(B)  # the conftest fixture, for the product's tests


def _denied(error: ClientError) -> None:
    assert error.response["Error"]["Code"] == "AccessDenied"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert "is not authorized to perform: sts:AssumeRole on resource:" in str(error)


# --- STS and IAM ---------------------------------------------------------------------------


def test_assumed_credentials_act_in_the_role_account(
    base: boto3.Session, other: WorldAccount
) -> None:
    assert base.client("sts").get_caller_identity()["Account"] == DEMO_ACCOUNT
    me = other.readonly.client("sts").get_caller_identity()
    assert me["Account"] == B
    assert me["Arn"] == f"arn:aws:sts::{B}:assumed-role/{READONLY_ROLE}/montui"
    assert other.role_arn == f"arn:aws:iam::{B}:role/{READONLY_ROLE}"
    # the role lives in B's IAM, not in the base account's
    assert [r["RoleName"] for r in other.admin.client("iam").list_roles()["Roles"]] == [
        READONLY_ROLE
    ]
    assert READONLY_ROLE not in [r["RoleName"] for r in base.client("iam").list_roles()["Roles"]]


def test_a_role_that_does_not_exist_cannot_be_assumed(base: boto3.Session) -> None:
    with pytest.raises(ClientError) as raised:
        assume(base, f"arn:aws:iam::{B}:role/{READONLY_ROLE}")
    _denied(raised.value)


def test_a_role_trusting_another_account_refuses_the_base(base: boto3.Session) -> None:
    add_account(base, C, trusted=B)  # montui-readonly in C trusts B only
    with pytest.raises(ClientError) as raised:
        assume(base, f"arn:aws:iam::{C}:role/{READONLY_ROLE}")
    _denied(raised.value)
    assert f"User: arn:aws:sts::{DEMO_ACCOUNT}:" in str(raised.value)
    # B (through its own montui-readonly, trusted by C) gets in
    b = add_account(base, B)
    assert (
        assume(b.readonly, f"arn:aws:iam::{C}:role/{READONLY_ROLE}")
        .client("sts")
        .get_caller_identity()["Account"]
        == C
    )


def test_the_external_id_condition_is_enforced(base: boto3.Session) -> None:
    guarded = add_account(base, C, external_id="montui-7f3a")
    assert guarded.readonly.client("sts").get_caller_identity()["Account"] == C
    role = guarded.role_arn
    for wrong in (None, "montui-0000"):
        with pytest.raises(ClientError) as raised:
            assume(base, role, external_id=wrong)
        _denied(raised.value)


def test_the_organization_role_admits_only_the_base_account(
    base: boto3.Session, other: WorldAccount
) -> None:
    with pytest.raises(ClientError) as raised:
        assume(other.readonly, f"arn:aws:iam::{C}:role/OrganizationAccountAccessRole")
    _denied(raised.value)


def test_a_session_longer_than_the_role_allows_is_refused(
    base: boto3.Session, other: WorldAccount
) -> None:
    sts = base.client("sts")
    with pytest.raises(ClientError) as raised:
        sts.assume_role(RoleArn=other.role_arn, RoleSessionName="montui", DurationSeconds=7200)
    assert raised.value.response["Error"]["Code"] == "ValidationError"
    assert "MaxSessionDuration" in str(raised.value)
    assert sts.assume_role(RoleArn=other.role_arn, RoleSessionName="mm", DurationSeconds=3600)


# --- nothing crosses accounts --------------------------------------------------------------


def _alarm(session: boto3.Session, name: str) -> None:
    cw = session.client("cloudwatch")
    cw.put_metric_alarm(
        AlarmName=name,
        Namespace="AWS/Lambda",
        MetricName="Errors",
        Dimensions=[{"Name": "FunctionName", "Value": "api"}],
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1.0,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
    )
    cw.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="test")
    cw.put_composite_alarm(AlarmName=f"{name}-composite", AlarmRule=f"ALARM({name})")


def _alarm_names(session: boto3.Session) -> set[str]:
    found = session.client("cloudwatch").describe_alarms(
        AlarmTypes=["MetricAlarm", "CompositeAlarm"]
    )
    return {a["AlarmName"] for a in found["MetricAlarms"] + found["CompositeAlarms"]}


def _in_alarm(session: boto3.Session) -> set[str]:
    found = session.client("cloudwatch").describe_alarms(
        StateValue="ALARM", AlarmTypes=["MetricAlarm", "CompositeAlarm"]
    )
    return {a["AlarmName"] for a in found["MetricAlarms"] + found["CompositeAlarms"]}


def test_alarms_are_per_account(base: boto3.Session, other: WorldAccount) -> None:
    _alarm(other.readonly, "payments-errors")
    _alarm(base, "hitori-errors")
    assert _alarm_names(other.readonly) == {"payments-errors", "payments-errors-composite"}
    assert _alarm_names(base) == {"hitori-errors", "hitori-errors-composite"}
    assert _in_alarm(other.readonly) == {"payments-errors", "payments-errors-composite"}
    (arn,) = {
        a["AlarmArn"] for a in other.readonly.client("cloudwatch").describe_alarms()["MetricAlarms"]
    }
    assert arn == f"arn:aws:cloudwatch:{REGION}:{B}:alarm:payments-errors"
    history = other.readonly.client("cloudwatch").describe_alarm_history(
        AlarmName="payments-errors"
    )["AlarmHistoryItems"]
    assert history
    assert not base.client("cloudwatch").describe_alarm_history(AlarmName="payments-errors")[
        "AlarmHistoryItems"
    ]


def _metrics(session: boto3.Session, value: float | None) -> list[float]:
    cw = session.client("cloudwatch")
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    if value is not None:
        cw.put_metric_data(
            Namespace="Shop",
            MetricData=[{"MetricName": "Orders", "Value": value, "Timestamp": now}],
        )
    found = cw.get_metric_data(
        MetricDataQueries=[
            {
                "Id": "o",
                "MetricStat": {
                    "Metric": {"Namespace": "Shop", "MetricName": "Orders"},
                    "Period": 60,
                    "Stat": "Sum",
                },
            }
        ],
        StartTime=now - timedelta(minutes=5),
        EndTime=now + timedelta(minutes=5),
    )
    values: list[float] = found["MetricDataResults"][0]["Values"]
    return values


def test_metrics_are_per_account(base: boto3.Session, other: WorldAccount) -> None:
    assert _metrics(other.readonly, 7.0) == [7.0]
    assert _metrics(base, None) == []
    assert _metrics(base, 2.0) == [2.0]
    assert _metrics(other.readonly, None) == [7.0]
    assert other.readonly.client("cloudwatch").list_metrics(Namespace="Shop")["Metrics"]
    assert base.client("cloudwatch").list_metrics(Namespace="Shop")["Metrics"]


def test_the_live_evaluator_reads_each_alarm_s_own_account(
    base: boto3.Session, other: WorldAccount
) -> None:
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    for session in (base, other.readonly):
        session.client("cloudwatch").put_metric_alarm(
            AlarmName="orders-high",
            Namespace="Shop",
            MetricName="Orders",
            Statistic="Sum",
            Period=60,
            EvaluationPeriods=1,
            Threshold=5.0,
            ComparisonOperator="GreaterThanThreshold",
        )
    base.client("cloudwatch").put_metric_data(
        Namespace="Shop",
        MetricData=[
            {"MetricName": "Orders", "Value": 9.0, "Timestamp": now - timedelta(minutes=1)}
        ],
    )
    changes = evaluation.evaluate_all(now)
    states = {
        account: session.client("cloudwatch").describe_alarms()["MetricAlarms"][0]["StateValue"]
        for account, session in ((DEMO_ACCOUNT, base), (B, other.readonly))
    }
    assert states == {DEMO_ACCOUNT: "ALARM", B: "INSUFFICIENT_DATA"}
    assert [c.new for c in changes] == ["ALARM"]  # the base account's alarm only


def _log_groups(session: boto3.Session) -> set[str]:
    return {g["logGroupName"] for g in session.client("logs").describe_log_groups()["logGroups"]}


def test_logs_are_per_account(base: boto3.Session, other: WorldAccount) -> None:
    logs = other.readonly.client("logs")
    logs.create_log_group(logGroupName="/aws/lambda/payments-api")
    logs.put_metric_filter(
        logGroupName="/aws/lambda/payments-api",
        filterName="errors",
        filterPattern="ERROR",
        metricTransformations=[
            {"metricName": "ApiErrors", "metricNamespace": "Payments", "metricValue": "1"}
        ],
    )
    assert _log_groups(other.readonly) == {"/aws/lambda/payments-api"}
    assert _log_groups(base) == set()
    assert not base.client("logs").describe_metric_filters()["metricFilters"]
    with pytest.raises(ClientError) as raised:
        base.client("logs").start_query(
            logGroupName="/aws/lambda/payments-api",
            startTime=0,
            endTime=60,
            queryString="fields @message",
        )
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert DEMO_ACCOUNT in str(raised.value)


def test_topics_and_roles_are_per_account(base: boto3.Session, other: WorldAccount) -> None:
    other.admin.client("sns").create_topic(Name="payments-oncall")
    (topic,) = other.readonly.client("sns").list_topics()["Topics"]
    assert topic["TopicArn"] == f"arn:aws:sns:{REGION}:{B}:payments-oncall"
    assert base.client("sns").list_topics()["Topics"] == []


def test_guardduty_is_per_account(base: boto3.Session, other: WorldAccount) -> None:
    detector = other.admin.client("guardduty").create_detector(Enable=True)["DetectorId"]
    assert other.readonly.client("guardduty").list_detectors()["DetectorIds"] == [detector]
    assert base.client("guardduty").list_detectors()["DetectorIds"] == []
    with pytest.raises(ClientError) as raised:
        base.client("guardduty").list_findings(DetectorId=detector)
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_ses_accounts_are_per_account(base: boto3.Session, other: WorldAccount) -> None:
    other.admin.client("sesv2").put_account_sending_attributes(SendingEnabled=False)
    assert other.readonly.client("sesv2").get_account()["SendingEnabled"] is False
    assert base.client("sesv2").get_account()["SendingEnabled"] is True
    assert other.readonly.client("ses").get_account_sending_enabled()["Enabled"] is False
    assert base.client("ses").get_account_sending_enabled()["Enabled"] is True


def _instance(name: str) -> DbInstance:
    return DbInstance(
        identifier=name,
        instance_class="db.r6g.large",
        engine="aurora-mysql",
        engine_version="8.0.mysql_aurora.3.05.2",
        availability_zone=f"{REGION}a",
    )


def test_rds_and_performance_insights_are_per_account(
    base: boto3.Session, other: WorldAccount
) -> None:
    RDS_STORE.put_instance(B, REGION, _instance("payments-db"))
    RDS_STORE.put_instance(DEMO_ACCOUNT, REGION, _instance("shop-db"))

    def names(session: boto3.Session) -> list[str]:
        found = session.client("rds").describe_db_instances()["DBInstances"]
        return [i["DBInstanceIdentifier"] for i in found]

    assert names(other.readonly) == ["payments-db"]
    assert names(base) == ["shop-db"]
    (instance,) = other.readonly.client("rds").describe_db_instances()["DBInstances"]
    assert f":{B}:" in instance["DBInstanceArn"]
    pi_call: Callable[[boto3.Session], Any] = lambda s: s.client("pi").get_resource_metrics(  # noqa: E731
        ServiceType="RDS",
        Identifier=instance["DbiResourceId"],
        MetricQueries=[{"Metric": "db.load.avg"}],
        StartTime=datetime.now(UTC) - timedelta(hours=1),
        EndTime=datetime.now(UTC),
    )
    with pytest.raises(ClientError):
        pi_call(base)  # B's instance is nobody's in the base account


def test_the_world_counts_requests_per_account_region_and_operation(
    world: World, base: boto3.Session, other: WorldAccount
) -> None:
    import json
    import urllib.request

    def counted(method: str = "GET") -> dict[str, Any]:
        request = urllib.request.Request(f"{world.endpoint}/montui-world/requests", method=method)
        with urllib.request.urlopen(request, timeout=10) as answer:
            found: dict[str, Any] = json.loads(answer.read())
        return found

    _alarm(other.readonly, "payments-errors")
    counted("DELETE")
    other.readonly.client("cloudwatch").describe_alarms(StateValue="ALARM")
    other.readonly.client("cloudwatch").describe_alarms()
    base.client("cloudwatch", region_name="ap-northeast-1").describe_alarms()
    base.client("sts").get_caller_identity()
    base.client("logs").describe_log_groups()
    found = counted()
    requests = {
        (r["account"], r["region"], r["service"], r["operation"]): r["count"]
        for r in found["requests"]
    }
    assert requests == {
        (B, REGION, "monitoring", "DescribeAlarms"): 2,
        (DEMO_ACCOUNT, "ap-northeast-1", "monitoring", "DescribeAlarms"): 1,
        (DEMO_ACCOUNT, REGION, "sts", "GetCallerIdentity"): 1,
        (DEMO_ACCOUNT, REGION, "logs", "DescribeLogGroups"): 1,
    }
    assert {"account": B, "region": REGION, "metric": 1, "composite": 1} in found["alarms"]
