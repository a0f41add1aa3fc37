"""`montui_world.bulk`: thousands of per-resource alarms straight into the world's CloudWatch,
listed by DescribeAlarms over the wire as AWS lists them, and `serve --alarms-per-region`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest

from montui_world.bulk import add_bulk_alarms
from montui_world.ext.evaluation import evaluate_all
from montui_world.identity import DEMO_ACCOUNT, DEMO_REGIONS, FAKE_ACCESS_KEY, FAKE_SECRET_KEY
from montui_world.world import World

REGION = "us-east-1"


def _cw(endpoint: str, region: str = REGION) -> Any:
    return boto3.client("cloudwatch", region_name=region, endpoint_url=endpoint)


def _every(cw: Any, **params: Any) -> list[dict[str, Any]]:
    pages = cw.get_paginator("describe_alarms").paginate(
        AlarmTypes=["MetricAlarm", "CompositeAlarm"], PaginationConfig={"PageSize": 100}, **params
    )
    return [a for page in pages for a in page["MetricAlarms"] + page["CompositeAlarms"]]


def test_bulk_alarms_are_listed_in_name_order_with_paging(world: World) -> None:
    assert add_bulk_alarms(DEMO_ACCOUNT, REGION, 1234, alarm_every=100, seed=3) == 1234
    cw = _cw(world.endpoint)
    first = cw.describe_alarms(MaxRecords=100)
    assert len(first["MetricAlarms"]) == 100 and "NextToken" in first
    listed = _every(cw)
    names = [a["AlarmName"] for a in listed]
    assert len(names) == 1234 == len(set(names))
    assert names == sorted(names)
    states = Counter(a["StateValue"] for a in listed)
    assert states["ALARM"] in (12, 13)  # positions offset, offset + 100, ... below 1234
    assert states["INSUFFICIENT_DATA"] > 0 and states["OK"] > 1000
    in_alarm = _every(cw, StateValue="ALARM")
    assert [a["AlarmName"] for a in in_alarm] == sorted(
        a["AlarmName"] for a in listed if a["StateValue"] == "ALARM"
    )
    assert not _every(_cw(world.endpoint, "ap-northeast-1"))  # only the region asked for


def test_bulk_alarms_look_like_per_resource_alarms(world: World) -> None:
    add_bulk_alarms(DEMO_ACCOUNT, REGION, 300, alarm_every=10, seed=1)
    listed = _every(_cw(world.endpoint))
    for alarm in listed:
        (dimension,) = alarm["Dimensions"]
        service = alarm["AlarmName"].split("-", 1)[0]
        resource = dimension["Value"].split("/")[1] if service == "elb" else dimension["Value"]
        assert alarm["AlarmName"] == f"{service}-{resource}-{alarm['MetricName']}"
        assert alarm["Namespace"].startswith("AWS/")
        assert alarm["AlarmArn"] == (
            f"arn:aws:cloudwatch:{REGION}:{DEMO_ACCOUNT}:alarm:{alarm['AlarmName']}"
        )
        assert alarm["AlarmActions"] and alarm["AlarmActions"][0].startswith("arn:aws:sns:")
        assert alarm["StateTransitionedTimestamp"] <= datetime.now(UTC)
        data = json.loads(alarm["StateReasonData"])
        assert data["version"] == "1.0" and data["period"] == alarm["Period"]
    firing = [a for a in listed if a["StateValue"] == "ALARM"]
    assert len(firing) == 30
    for alarm in firing:
        assert alarm["StateReason"].startswith("Threshold Crossed: ")
        assert "for OK -> ALARM transition" in alarm["StateReason"]
        values = [p["value"] for p in json.loads(alarm["StateReasonData"])["evaluatedDatapoints"]]
        if alarm["ComparisonOperator"] == "LessThanThreshold":
            assert all(v < alarm["Threshold"] for v in values)
        else:
            assert all(v > alarm["Threshold"] for v in values)
    assert {a["StateReason"] for a in listed if a["StateValue"] == "INSUFFICIENT_DATA"} <= {
        f"Insufficient Data: {n} datapoint{'s' if n > 1 else ''} {'were' if n > 1 else 'was'}"
        " unknown."
        for n in (1, 3, 5)
    }


def test_same_seed_same_alarms_other_seed_others(world: World) -> None:
    cw = _cw(world.endpoint)

    def shape() -> list[tuple[str, str]]:
        return [(a["AlarmName"], a["StateValue"]) for a in _every(cw)]

    add_bulk_alarms(DEMO_ACCOUNT, REGION, 250, seed=5)
    once = shape()
    add_bulk_alarms(DEMO_ACCOUNT, REGION, 250, seed=5)  # replaces them, adds none
    assert shape() == once
    world.reset()
    add_bulk_alarms(DEMO_ACCOUNT, REGION, 250, seed=6)
    assert shape() != once


def test_the_live_evaluator_leaves_bulk_alarms_alone(world: World) -> None:
    add_bulk_alarms(DEMO_ACCOUNT, REGION, 200, alarm_every=4, seed=2)
    before = [(a["AlarmName"], a["StateValue"]) for a in _every(_cw(world.endpoint))]
    assert evaluate_all(datetime.now(UTC)) == []  # no data behind them: not "missing data"
    assert [(a["AlarmName"], a["StateValue"]) for a in _every(_cw(world.endpoint))] == before


def test_bad_arguments_are_refused(world: World) -> None:
    with pytest.raises(ValueError, match="alarm_every"):
        add_bulk_alarms(DEMO_ACCOUNT, REGION, 10, alarm_every=0)
    with pytest.raises(ValueError, match="count"):
        add_bulk_alarms(DEMO_ACCOUNT, REGION, -1)
    assert add_bulk_alarms(DEMO_ACCOUNT, REGION, 0) == 0


def test_serve_alarms_per_region_adds_them_to_every_region() -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).parents[2] / "src"), *sys.path])
    command = [sys.executable, "-m", "montui_world", "serve", "--port", "0", "--ready-json"]
    proc = subprocess.Popen(
        [*command, "--alarms-per-region", "700"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        ready = json.loads(proc.stdout.readline())
        for region in DEMO_REGIONS:
            cw = boto3.client(
                "cloudwatch",
                region_name=region,
                endpoint_url=ready["endpoint"],
                aws_access_key_id=FAKE_ACCESS_KEY,
                aws_secret_access_key=FAKE_SECRET_KEY,
            )
            listed = _every(cw)
            bulk = [a for a in listed if a.get("StateReasonData") and "Dimensions" in a]
            assert len(listed) >= 700
            names = {a["AlarmName"] for a in listed}
            assert sum(1 for n in names if n.split("-", 1)[0] in _SERVICES) >= 700
            assert bulk
            firing = _every(cw, StateValue="ALARM")
            assert sum(1 for a in firing if a["AlarmName"].split("-", 1)[0] in _SERVICES) == 7
    finally:
        proc.kill()
        proc.wait(10)


_SERVICES = {"ec2", "lambda", "rds", "sqs", "dynamodb", "elb"}


def test_bad_alarms_per_region_is_a_usage_error() -> None:
    from montui_world.serve import main

    with pytest.raises(SystemExit) as exited:
        main(["serve", "--alarms-per-region", "many"])
    assert exited.value.code == 2
