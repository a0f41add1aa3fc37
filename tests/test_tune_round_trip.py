"""Tune's printed `put-metric-alarm` command, executed against the local world, changes only
what was tuned: every other parameter of the alarm reads back from DescribeAlarms unchanged.

montui never calls PutMetricAlarm; this test does, with the printed command's own words
(`shlex.split`, the CLI's flags mapped to boto3's parameters; the AWS CLI is not installed).
"""

from __future__ import annotations

import json
import shlex
from collections.abc import AsyncIterator, Callable
from typing import Any

import boto3
import pytest

from montui.model.alarm import Alarm, AlarmKind
from montui.model.place import Place
from montui.model.tuning import TuneSettings, put_metric_alarm_command
from montui.sources.cloudwatch import alarm_from_api, describe_alarms
from montui.sources.session import AwsClients
from montui.sources.target import AwsTarget
from montui_world.world import World

REGION = "ap-northeast-1"
ACCOUNT = "123456789012"
DESCRIPTION = (
    'Aurora writer "write" IOPS (provisioned for 3000 sustained). [next business day]'
    " [bold]not markup[/bold] it's\n  second line\twith a tab; $HOME `echo no` \\ back\n"
    "Runbook: https://runbooks.example/shop?alarm=a&b=1"
)
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}"

# The AWS CLI's flags, as boto3 parameters: (name, kind).
FLAGS: dict[str, tuple[str, str]] = {
    "--alarm-name": ("AlarmName", "str"),
    "--alarm-description": ("AlarmDescription", "str"),
    "--ok-actions": ("OKActions", "list"),
    "--alarm-actions": ("AlarmActions", "list"),
    "--insufficient-data-actions": ("InsufficientDataActions", "list"),
    "--namespace": ("Namespace", "str"),
    "--metric-name": ("MetricName", "str"),
    "--dimensions": ("Dimensions", "json"),
    "--statistic": ("Statistic", "str"),
    "--extended-statistic": ("ExtendedStatistic", "str"),
    "--period": ("Period", "int"),
    "--unit": ("Unit", "str"),
    "--metrics": ("Metrics", "json"),
    "--evaluation-periods": ("EvaluationPeriods", "int"),
    "--datapoints-to-alarm": ("DatapointsToAlarm", "int"),
    "--threshold": ("Threshold", "float"),
    "--threshold-metric-id": ("ThresholdMetricId", "str"),
    "--comparison-operator": ("ComparisonOperator", "str"),
    "--treat-missing-data": ("TreatMissingData", "str"),
    "--evaluate-low-sample-count-percentile": ("EvaluateLowSampleCountPercentile", "str"),
}
# How each kind of flag value reads.
PARSERS: dict[str, Callable[[str], Any]] = {
    "str": str,
    "int": int,
    "float": float,
    "json": json.loads,
}
TUNED = {"Threshold", "EvaluationPeriods", "DatapointsToAlarm"}
STATE = {
    "StateValue",
    "StateReason",
    "StateReasonData",
    "StateUpdatedTimestamp",
    "StateTransitionedTimestamp",
    "AlarmConfigurationUpdatedTimestamp",
}


def boto3_kwargs(command: str) -> dict[str, Any]:
    """The printed command's words as `put_metric_alarm` keyword arguments."""
    words = shlex.split(command)
    assert words[:3] == ["aws", "cloudwatch", "put-metric-alarm"]
    kwargs: dict[str, Any] = {}
    groups: list[tuple[str, list[str]]] = []
    for word in words[3:]:
        if word.startswith("--"):
            flag, eq, value = word.partition("=")
            groups.append((flag, [value] if eq else []))
        else:
            groups[-1][1].append(word)
    for flag, values in groups:
        if flag == "--region":
            assert values == [REGION]
        elif flag in ("--actions-enabled", "--no-actions-enabled"):
            assert values == []
            kwargs["ActionsEnabled"] = flag == "--actions-enabled"
        else:
            name, kind = FLAGS[flag]
            if kind == "list":
                kwargs[name] = values
                continue
            (value,) = values
            kwargs[name] = PARSERS[kind](value)
    return kwargs


@pytest.fixture
async def clients(world: World) -> AsyncIterator[AwsClients]:
    async with AwsClients(AwsTarget(None, (REGION,), world.endpoint)) as aws:
        yield aws


def cloudwatch(world: World) -> Any:
    return boto3.client("cloudwatch", region_name=REGION, endpoint_url=world.endpoint)


def described(cw: Any, name: str) -> dict[str, Any]:
    (alarm,) = cw.describe_alarms(AlarmNames=[name])["MetricAlarms"]
    return {k: v for k, v in alarm.items() if k not in STATE}


SINGLE: dict[str, Any] = {
    "AlarmName": "shop-aurora-writer-write-iops",
    "AlarmDescription": DESCRIPTION,
    "ActionsEnabled": False,
    "OKActions": [f"{TOPIC}:ok", f"{TOPIC}:chat"],
    "AlarmActions": [f"{TOPIC}:ticket", f"{TOPIC}:chat", f"{TOPIC}:page"],
    "InsufficientDataActions": [f"{TOPIC}:nodata"],
    "Namespace": "AWS/RDS",
    "MetricName": "WriteIOPS",
    "Dimensions": [
        {"Name": "DBInstanceIdentifier", "Value": "shop-prod-aurora-writer"},
        {"Name": "Role", "Value": "writer's [primary]"},
    ],
    "ExtendedStatistic": "p99",
    "Period": 60,
    "Unit": "Count/Second",
    "EvaluationPeriods": 3,
    "DatapointsToAlarm": 2,
    "Threshold": 3000.125,
    "ComparisonOperator": "GreaterThanOrEqualToThreshold",
    "TreatMissingData": "notBreaching",
    "EvaluateLowSampleCountPercentile": "ignore",
}

ERRORS = {"Namespace": "AWS/Lambda", "MetricName": "Errors",
          "Dimensions": [{"Name": "FunctionName", "Value": "contact-form"}]}  # fmt: skip
INVOCATIONS = {**ERRORS, "MetricName": "Invocations"}
MATH: dict[str, Any] = {
    "AlarmName": "hitori math error-rate",
    "AlarmDescription": "-starts with a dash [act now]",
    "ActionsEnabled": True,
    "AlarmActions": [f"{TOPIC}:page", f"{TOPIC}:chat"],
    "Metrics": [
        {"Id": "errors", "ReturnData": False, "Label": "errors [count]",
         "MetricStat": {"Metric": ERRORS, "Period": 60, "Stat": "Sum", "Unit": "Count"}},
        {"Id": "invocations", "ReturnData": False,
         "MetricStat": {"Metric": INVOCATIONS, "Period": 60, "Stat": "Sum"}},
        {"Id": "pct", "ReturnData": True, "Label": "Error %",
         "Expression": "100*errors/invocations"},
    ],
    "EvaluationPeriods": 5,
    "Threshold": 0.1,
    "ComparisonOperator": "GreaterThanThreshold",
}  # fmt: skip


@pytest.mark.parametrize("definition", [SINGLE, MATH], ids=["single-metric", "metric-math"])
async def test_the_printed_command_changes_only_the_tuned_settings(
    world: World, clients: AwsClients, definition: dict[str, Any]
) -> None:
    cw = cloudwatch(world)
    cw.put_metric_alarm(**definition)
    cw.tag_resource(
        ResourceARN=f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{definition['AlarmName']}",
        Tags=[{"Key": "team", "Value": "shop"}],
    )
    before = described(cw, definition["AlarmName"])
    (alarm,) = await describe_alarms(clients, Place("", REGION))
    current = TuneSettings.from_alarm(alarm)
    assert current is not None
    proposed = TuneSettings(
        threshold=current.threshold * 2,
        comparison=current.comparison,
        period=current.period,
        evaluation_periods=current.evaluation_periods + 2,
        datapoints_to_alarm=current.datapoints_to_alarm + 1,
        treat_missing_data=current.treat_missing_data,
    )
    command = put_metric_alarm_command(alarm, proposed)

    cw.put_metric_alarm(**boto3_kwargs(command))

    after = described(cw, definition["AlarmName"])
    assert after["Threshold"] == current.threshold * 2
    assert after["EvaluationPeriods"] == current.evaluation_periods + 2
    assert after["DatapointsToAlarm"] == current.datapoints_to_alarm + 1
    kept = {k: v for k, v in after.items() if k not in TUNED}
    assert kept == {k: v for k, v in before.items() if k not in TUNED}
    assert after["AlarmDescription"] == definition["AlarmDescription"]
    arn = after["AlarmArn"]
    assert cw.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "team", "Value": "shop"}]


async def test_unchanged_settings_give_back_the_same_alarm(
    world: World, clients: AwsClients
) -> None:
    """The command for the current settings is a no-op, parameters left unset included."""
    cw = cloudwatch(world)
    minimal = {k: v for k, v in MATH.items() if k != "AlarmDescription"}
    cw.put_metric_alarm(**minimal)
    before = described(cw, MATH["AlarmName"])
    (alarm,) = await describe_alarms(clients, Place("", REGION))
    current = TuneSettings.from_alarm(alarm)
    assert current is not None
    cw.put_metric_alarm(**boto3_kwargs(put_metric_alarm_command(alarm, current)))
    assert described(cw, MATH["AlarmName"]) == before


def test_the_alarm_carries_every_put_metric_alarm_parameter() -> None:
    """Each parameter of the single-metric definition has a field in `Alarm`."""
    alarm: Alarm = alarm_from_api(SINGLE, REGION, AlarmKind.METRIC)
    assert alarm.description == DESCRIPTION
    assert alarm.evaluate_low_sample_count_percentile == "ignore"
    assert alarm.extended_statistic == "p99" and alarm.unit == "Count/Second"
    math = alarm_from_api(MATH, REGION, AlarmKind.METRIC)
    assert math.metrics[0].unit == "Count" and math.metrics[0].label == "errors [count]"
