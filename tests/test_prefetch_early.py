"""The prefetch child forked first thing (`montui.early`): which arguments fork it, the request
handed over, and the child ended when montui does not run the app."""

from __future__ import annotations

import os

import boto3
import pytest

from montui.early import EarlyChild, fork_early, request_from_json, request_to_json, wants_app
from montui.feeds.prefetch import start_prefetch
from montui.launch import AwsRequest
from montui.sources.target import AwsTarget
from montui_world.world import World

REGION = "ap-northeast-1"


@pytest.mark.parametrize(
    ("argv", "app"),
    [
        ([], True),
        (["--region", "us-east-1,eu-west-1"], True),
        (["--profile=prod", "--endpoint-url", "http://127.0.0.1:1", "--refresh", "30s"], True),
        (["--config", "x.toml"], True),
        (["--region"], False),  # argparse's error, not the app
        (["alarms"], False),
        (["--region", "us-east-1", "query", "fields @message"], False),
        (["--demo"], False),  # the demo's child starts once its world is ready
        (["demo", "serve"], False),
        (["--help"], False),
        (["-h"], False),
        (["--version"], False),
        (["--reg", "us-east-1"], False),  # an abbreviation: parsed later, forked later
    ],
)
def test_only_the_app_forks_early(argv: list[str], app: bool) -> None:
    assert wants_app(argv) is app


def test_no_early_child_for_a_command() -> None:
    assert fork_early(["alarms", "--output", "json"]) is None


def test_the_request_survives_the_pipe() -> None:
    request = AwsRequest(
        profile="p", regions=("us-east-1", "eu-west-1"), endpoint_url="http://e",
        config_profile="c", config_regions=("ap-northeast-1",), config_endpoint_url=None,
    )  # fmt: skip
    assert request_from_json(request_to_json(request)) == request
    assert request_from_json(request_to_json(AwsRequest())) == AwsRequest()


def gone(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


async def test_the_early_child_answers_the_request_it_is_sent(world: World) -> None:
    cw = boto3.client("cloudwatch", region_name=REGION, endpoint_url=world.endpoint)
    cw.put_metric_alarm(
        AlarmName="firing", Namespace="AWS/Lambda", MetricName="Errors", Statistic="Sum",
        Period=60, EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold",
    )  # fmt: skip
    cw.set_alarm_state(AlarmName="firing", StateValue="ALARM", StateReason="test")
    early = fork_early(["--region", REGION])
    assert early is not None
    request = AwsRequest(regions=(REGION,), endpoint_url=world.endpoint)
    prefetch = start_prefetch(request, max_age=3600, early=early)
    assert prefetch is not None
    try:
        assert await prefetch.target() == AwsTarget(None, (REGION,), world.endpoint)
        got = await prefetch.take(REGION)
    finally:
        prefetch.close()
    assert got is not None
    assert [a["AlarmName"] for p in got.pages for a in p["MetricAlarms"]] == ["firing"]
    assert gone(early.pid)


def test_an_unused_early_child_is_ended() -> None:
    early = fork_early([])
    assert isinstance(early, EarlyChild)
    early.abandon()  # montui ran something else (a config with [[account]], a parse error)
    early.abandon()
    assert gone(early.pid)
    assert early.answer_fd is None and early.request_fd is None


async def test_the_demo_abandons_the_early_child() -> None:
    early = fork_early([])
    assert early is not None
    assert start_prefetch(AwsRequest(demo=True), max_age=60, early=early) is None
    assert gone(early.pid)
