"""montui is read-only, enforced: an AWS operation not granted by the IAM policy montui ships
is refused by `AwsClients`' clients before anything is sent, with a typed error the UI shows."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import boto3
import pytest

from montui.model.place import Place
from montui.sources.error_mapping import map_error, source_errors
from montui.sources.errors import NotAllowed, SourceError
from montui.sources.readonly import Allowlist, allowlist
from montui.sources.session import AwsClients
from montui.sources.target import AwsTarget
from montui_world.world import World

REGION = "ap-northeast-1"
PLACE = Place("", REGION)


@pytest.fixture
async def clients(world: World) -> AsyncIterator[AwsClients]:
    async with AwsClients(AwsTarget(None, (REGION,), world.endpoint)) as aws:
        yield aws


def boto(service: str, world: World) -> Any:
    return boto3.client(service, region_name=REGION, endpoint_url=world.endpoint)


def seed(world: World) -> None:
    """One alarm and one saved query, made by the test (not through montui)."""
    boto("cloudwatch", world).put_metric_alarm(
        AlarmName="kept",
        Namespace="Test/App",
        MetricName="Errors",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1.0,
        ComparisonOperator="GreaterThanThreshold",
    )
    boto("logs", world).put_query_definition(name="saved", queryString="fields @message")


def snapshot(world: World) -> tuple[Any, ...]:
    """What the world holds that the mutating calls below would change."""
    alarms = boto("cloudwatch", world).describe_alarms()["MetricAlarms"]
    definitions = boto("logs", world).describe_query_definitions()["queryDefinitions"]
    return (
        sorted((a["AlarmName"], a["Threshold"], a["StateValue"]) for a in alarms),
        sorted((d["name"], d["queryString"]) for d in definitions),
    )


Mutation = Callable[[Any], Awaitable[Any]]

MUTATIONS: dict[str, tuple[str, Mutation]] = {
    "cloudwatch:PutMetricAlarm": (
        "cloudwatch",
        lambda cw: cw.put_metric_alarm(
            AlarmName="kept",
            Namespace="Test/App",
            MetricName="Errors",
            Statistic="Sum",
            Period=60,
            EvaluationPeriods=1,
            Threshold=99.0,
            ComparisonOperator="GreaterThanThreshold",
        ),
    ),
    "cloudwatch:DeleteAlarms": ("cloudwatch", lambda cw: cw.delete_alarms(AlarmNames=["kept"])),
    "cloudwatch:SetAlarmState": (
        "cloudwatch",
        lambda cw: cw.set_alarm_state(AlarmName="kept", StateValue="ALARM", StateReason="x"),
    ),
    "logs:PutQueryDefinition": (
        "logs",
        lambda logs: logs.put_query_definition(name="new", queryString="fields @timestamp"),
    ),
    "logs:CreateLogGroup": ("logs", lambda logs: logs.create_log_group(logGroupName="/new")),
}


@pytest.mark.parametrize("action", sorted(MUTATIONS))
async def test_mutating_call_is_refused_and_never_reaches_the_world(
    world: World, clients: AwsClients, action: str
) -> None:
    seed(world)
    before = snapshot(world)
    service, call = MUTATIONS[action]
    client = await clients.client(service, PLACE)
    with pytest.raises(NotAllowed) as refused:
        await call(client)
    assert refused.value.action == action
    assert refused.value.message == f"montui is read-only: {action} is not on its allowlist"
    assert refused.value.hint and not refused.value.retryable and not refused.value.fatal
    assert (refused.value.service, refused.value.region) == (service, REGION)
    assert snapshot(world) == before


async def test_refusal_goes_through_the_error_mapping_unchanged(
    world: World, clients: AwsClients
) -> None:
    """Inside a source's `source_errors` the refusal stays the typed error the UI shows."""
    cw = await clients.client("cloudwatch", PLACE)
    with (
        pytest.raises(NotAllowed) as refused,
        source_errors(service="cloudwatch", region=REGION, profile=None),
    ):
        await cw.delete_alarms(AlarmNames=["kept"])
    assert isinstance(refused.value, SourceError)
    assert str(refused.value).startswith("cloudwatch ap-northeast-1: montui is read-only")
    assert map_error(refused.value, service="x", region=None, profile=None) is refused.value


async def test_reads_in_the_policy_and_caller_identity_pass(
    world: World, clients: AwsClients
) -> None:
    seed(world)
    cw = await clients.client("cloudwatch", PLACE)
    assert [a["AlarmName"] for a in (await cw.describe_alarms())["MetricAlarms"]] == ["kept"]
    sts = await clients.client("sts", PLACE)
    assert (await sts.get_caller_identity())["Account"]


def test_allowlist_reads_actions_and_api_gateway_paths() -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["cloudwatch:DescribeAlarms"], "Resource": "*"},
            {"Effect": "Allow", "Action": "logs:Describe*", "Resource": "*"},
            {
                "Effect": "Allow",
                "Action": "apigateway:GET",
                "Resource": "arn:aws:apigateway:*::/restapis",
            },
        ],
    }
    allowed = Allowlist.from_policy(policy)
    assert allowed.permits("cloudwatch", "DescribeAlarms", "POST", "/")
    assert not allowed.permits("cloudwatch", "DescribeAlarmHistory", "POST", "/")
    assert allowed.permits("logs", "DescribeLogGroups", "POST", "/")
    assert not allowed.permits("logs", "PutQueryDefinition", "POST", "/")
    assert allowed.permits("apigateway", "GetRestApis", "GET", "/restapis")
    assert not allowed.permits("apigateway", "GetRestApi", "GET", "/restapis/{restapi_id}")
    assert not allowed.permits("apigateway", "CreateRestApi", "POST", "/restapis")
    assert allowed.permits("sts", "GetCallerIdentity", "POST", "/")  # needs no policy
    assert not allowed.permits("sts", "AssumeRole", "POST", "/")


@pytest.mark.parametrize(
    "statement",
    [
        {"Effect": "Deny", "Action": "logs:StartQuery", "Resource": "*"},
        {"Effect": "Allow", "NotAction": "logs:StartQuery", "Resource": "*"},
        {"Effect": "Allow", "Action": "logs:StartQuery", "Resource": "*", "Condition": {}},
    ],
)
def test_allowlist_refuses_a_policy_it_cannot_read_exactly(statement: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Allowlist.from_policy({"Version": "2012-10-17", "Statement": [statement]})


def test_packaged_policy_loads() -> None:
    assert allowlist().permits("logs", "StartQuery", "POST", "/")


def test_ses_v2_operations_are_ses_actions_in_iam() -> None:
    """botocore's `sesv2` is IAM's `ses:` (the Service Authorization Reference has no
    `sesv2:` prefix): GetAccount is granted by `ses:GetAccount`, and refused without it."""
    from montui.sources.readonly import Allowlist, iam_action

    assert iam_action("sesv2", "GetAccount", "GET") == "ses:GetAccount"
    policy = {"Statement": [{"Effect": "Allow", "Action": "ses:GetAccount", "Resource": "*"}]}
    rules = Allowlist.from_policy(policy)
    assert rules.permits("sesv2", "GetAccount", "GET", "/v2/email/account")
    assert not rules.permits("sesv2", "PutAccountDetails", "POST", "/v2/email/account/details")
    assert not rules.permits("ses", "GetSendStatistics", "POST", "/")
