"""`montui ses` against the local AWS world: table and json per region, exit codes, and what a
person changes with the AWS CLI's calls shown exactly as `sesv2 get-account` and `cloudwatch
get-metric-data` report it."""

from __future__ import annotations

import json
import urllib.request
from datetime import timedelta
from typing import Any

import boto3
import pytest

from montui.cli import main
from montui_world.clock import WORLD_CLOCK
from montui_world.ext.ses_api import HOOK_PATH
from montui_world.world import World

REGIONS = ("ap-northeast-1", "us-east-1")
TOKYO = "ap-northeast-1"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def base(world: World, *extra: str) -> list[str]:
    return ["ses", "--endpoint-url", world.endpoint, "--region", ",".join(REGIONS), *extra]


def put_rate(world: World, metric: str, value: float, minutes_ago: int = 5) -> None:
    cw = boto3.client("cloudwatch", region_name=TOKYO, endpoint_url=world.endpoint)
    stamp = WORLD_CLOCK.now().replace(second=0, microsecond=0) - timedelta(minutes=minutes_ago)
    cw.put_metric_data(
        Namespace="AWS/SES", MetricData=[{"MetricName": metric, "Timestamp": stamp, "Value": value}]
    )


def hook(world: World, **document: Any) -> None:
    body = json.dumps(document).encode()
    request = urllib.request.Request(f"{world.endpoint}{HOOK_PATH}", data=body, method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass


def test_table_one_line_per_region(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    hook(world, Region=TOKYO, ProductionAccessEnabled=True,
         SendQuota={"Max24HourSend": 50000, "MaxSendRate": 14})  # fmt: skip
    put_rate(world, "Reputation.BounceRate", 0.032)
    code, out, err = run(base(world), capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == [
        "REGION", "STATUS", "ACCESS", "BOUNCE", "TO", "REVIEW/PAUSE", "COMPLAINT", "TO",
        "REVIEW/PAUSE", "QUOTA",
    ]  # fmt: skip
    tokyo = next(line for line in lines if line.startswith(TOKYO))
    assert "✔ Healthy" in tokyo and "production" in tokyo
    assert "▲ 3.2 %" in tokyo and "+1.8 / +6.8 pts" in tokyo
    assert "no data" in tokyo  # the complaint rate was never published: not 0
    assert "0 of 50,000 in 24 h · max 14/s" in tokyo
    virginia = next(line for line in lines if line.startswith("us-east-1"))
    assert "sandbox" in virginia and "0 of 200 in 24 h · max 1/s" in virginia


def test_fail_on_review_exits_3_over_the_threshold_or_under_review(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    put_rate(world, "Reputation.BounceRate", 0.049, minutes_ago=40)
    assert run(base(world, "--fail-on-review"), capsys)[0] == 0
    put_rate(world, "Reputation.BounceRate", 0.05, minutes_ago=1)
    code, out, _ = run(base(world, "--fail-on-review", "--output", "json"), capsys)
    assert code == 3
    tokyo = next(r for r in json.loads(out) if r["region"] == TOKYO)
    assert tokyo["bounce_band"] == "over review" and tokyo["needs_review"] is True
    world.reset()
    hook(world, Region="us-east-1", EnforcementStatus="PROBATION")
    assert run(base(world, "--fail-on-review"), capsys)[0] == 3
    assert run(base(world), capsys)[0] == 0  # without the flag: 0


def test_what_the_cli_changes_shows_exactly_as_aws_reports_it(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    """put-metric-data on AWS/SES and put-account-sending-attributes, by a person; montui's
    json equals `aws sesv2 get-account` and `aws cloudwatch get-metric-data`."""
    v2 = boto3.client("sesv2", region_name=TOKYO, endpoint_url=world.endpoint)
    cw = boto3.client("cloudwatch", region_name=TOKYO, endpoint_url=world.endpoint)
    put_rate(world, "Reputation.BounceRate", 0.0123, minutes_ago=40)
    put_rate(world, "Reputation.ComplaintRate", 0.0007, minutes_ago=40)
    v2.put_account_sending_attributes(SendingEnabled=False)
    code, out, err = run(base(world, "--output", "json"), capsys)
    assert code == 0, err
    tokyo = next(r for r in json.loads(out) if r["region"] == TOKYO)

    account = v2.get_account()
    assert tokyo["enforcement_status"] == account["EnforcementStatus"]
    assert tokyo["sending_enabled"] is account["SendingEnabled"] is False
    assert tokyo["status"] == "Sending paused"
    assert tokyo["production_access"] is account["ProductionAccessEnabled"]
    assert tokyo["quota"] == {
        "max_24_hour_send": account["SendQuota"]["Max24HourSend"],
        "max_send_rate": account["SendQuota"]["MaxSendRate"],
        "sent_last_24_hours": account["SendQuota"]["SentLast24Hours"],
    }
    end = WORLD_CLOCK.now().replace(second=0, microsecond=0) + timedelta(minutes=1)
    answer = cw.get_metric_data(
        MetricDataQueries=[
            {
                "Id": name,
                "MetricStat": {
                    "Metric": {"Namespace": "AWS/SES", "MetricName": metric},
                    "Period": 900,
                    "Stat": "Average",
                },
            }
            for name, metric in (
                ("bounce", "Reputation.BounceRate"),
                ("complaint", "Reputation.ComplaintRate"),
            )
        ],
        StartTime=end - timedelta(days=14),
        EndTime=end,
        ScanBy="TimestampDescending",
    )
    latest = {r["Id"]: r["Values"][0] for r in answer["MetricDataResults"]}
    assert tokyo["bounce_rate"] == latest["bounce"] == 0.0123
    assert tokyo["complaint_rate"] == latest["complaint"] == 0.0007
    v2.put_account_sending_attributes(SendingEnabled=True)
    code, out, _ = run(base(world, "--output", "json"), capsys)
    assert next(r for r in json.loads(out) if r["region"] == TOKYO)["status"] == "Healthy"


def test_a_failing_region_exits_1_and_the_others_print(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    from montui_world.faults.plan import Fault, FaultPlan, Rule
    from montui_world.faults.proxy import FaultProxy

    plan = FaultPlan(seed=1)
    plan.set_rules([Rule(1.0, (Fault.DENIED,), service="sesv2", region="us-east-1")])
    with FaultProxy(world.endpoint, plan) as proxy:
        argv = ["ses", "--endpoint-url", proxy.endpoint, "--region", ",".join(REGIONS)]
        code, out, err = run(argv, capsys)
    assert code == 1
    assert out.count("\n") == 2 and TOKYO in out
    assert "us-east-1: not authorized to call ses:GetAccount" in err
    assert "grant ses:GetAccount" in err


def test_bad_arguments_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["ses", "--output", "csv"])
    assert exit_info.value.code == 2
    assert "usage: montui ses" in capsys.readouterr().err
