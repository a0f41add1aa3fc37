"""The alarm review against the local AWS world: alarms a person set up with boto3 (actions
disabled, no OK action, a metric with no data), one history stream per region, the demo
scenario's nightly flapper with a quieter setting proven by back-test, and the Markdown golden."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from montui.commands.review import run_review
from montui.config import Settings
from montui.launch import AwsRequest
from montui_world.clock import WORLD_CLOCK
from montui_world.world import World
from tests.conftest import SCENARIO_START, ScenarioWorld
from tests.fakes import NOW

REGION = "ap-northeast-1"
TOPIC = f"arn:aws:sns:{REGION}:123456789012:oncall"
GOLDEN = Path(__file__).parent / "golden" / "review.md"


class Clock:
    """The world's present, moved by hand."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def clock(world: World) -> Iterator[Clock]:
    held = Clock(NOW - timedelta(days=2))
    WORLD_CLOCK.follow(held)
    yield held
    WORLD_CLOCK.reset()


def put(cw: Any, name: str, metric: str = "Errors", **extra: Any) -> None:
    cw.put_metric_alarm(
        AlarmName=name, Namespace="Test/App", MetricName=metric, Statistic="Sum", Period=60,
        EvaluationPeriods=1, Threshold=5.0, ComparisonOperator="GreaterThanThreshold",
        AlarmDescription=f"{name}. Act now. Runbook: https://wiki.example.com/{name}", **extra,
    )  # fmt: skip


def person_sets_up(world: World, clock: Clock) -> None:
    """What someone does with the AWS CLI / boto3: four alarms, data for one metric, and
    one alarm that fired once two days ago."""
    cw = boto3.client("cloudwatch", region_name=REGION, endpoint_url=world.endpoint)
    both: dict[str, Any] = {"AlarmActions": [TOPIC], "OKActions": [TOPIC]}
    put(cw, "fine", **both)
    put(cw, "muted", ActionsEnabled=False, **both)
    put(cw, "one-way", AlarmActions=[TOPIC])
    put(cw, "ghost", metric="NoSuchMetric", **both)
    cw.put_metric_data(
        Namespace="Test/App",
        MetricData=[{"MetricName": "Errors", "Value": 1.0, "Timestamp": NOW - timedelta(hours=1)}],
    )
    cw.set_alarm_state(AlarmName="fine", StateValue="ALARM", StateReason="test")
    clock.moment += timedelta(minutes=30)
    cw.set_alarm_state(AlarmName="fine", StateValue="OK", StateReason="test")
    clock.moment = NOW


def review(output: str, *, endpoint: str, now: datetime, regions: tuple[str, ...] = (REGION,),
           fail_on: Any = None) -> tuple[int, str]:  # fmt: skip
    out = io.StringIO()
    status = run_review(
        AwsRequest(regions=regions, endpoint_url=endpoint), Settings(),
        days=14, output=output, fail_on=fail_on, out=out, now=now,
    )  # fmt: skip
    return status, out.getvalue()


def test_the_review_finds_what_a_person_set_up(world: World, clock: Clock) -> None:
    person_sets_up(world, clock)
    status, text = review("json", endpoint=world.endpoint, now=NOW)
    assert status == 0
    data = json.loads(text)
    lines = {(f["alarm"], f["category"]) for f in data["findings"]}
    assert ("muted", "unheard") in lines
    assert ("one-way", "no-way-back") in lines
    assert ("ghost", "dead-metric") in lines
    assert not any(name == "fine" for name, _ in lines)
    assert ("ghost", "never-fired") not in lines  # dead says it better
    assert data["metrics_requested"] == 4  # one per metric alarm: the dead-metric check
    assert data["requests"]["GetMetricData"] == 1
    assert data["history_items"] == 2


def test_markdown_golden(world: World, clock: Clock) -> None:
    person_sets_up(world, clock)
    _, text = review("markdown", endpoint=world.endpoint, now=NOW)
    if not GOLDEN.exists():
        GOLDEN.write_text(text)
        pytest.fail(f"{GOLDEN} written: read it, then commit it")
    assert text == GOLDEN.read_text()


def test_fail_on_exits_3_over_a_limit_and_0_within(
    world: World, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    from montui.model.review import parse_fail_on

    person_sets_up(world, clock)
    status, _ = review("table", endpoint=world.endpoint, now=NOW,
                       fail_on=parse_fail_on("unheard"))  # fmt: skip
    assert status == 3
    assert "unheard: 1 > 0" in capsys.readouterr().err
    status, _ = review("table", endpoint=world.endpoint, now=NOW,
                       fail_on=parse_fail_on("unheard=1,dead-metric=1"))  # fmt: skip
    assert status == 0


def test_one_history_stream_per_region(world: World, clock: Clock) -> None:
    """Every DescribeAlarmHistory request names no alarm: one stream for the region."""
    person_sets_up(world, clock)
    from montui_world.ext import history_api

    seen: list[dict[str, Any]] = []
    original = history_api.history_page

    def spy(items: Any, params: Any) -> Any:
        seen.append(dict(params))
        return original(items, params)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(history_api, "history_page", spy)
        review("json", endpoint=world.endpoint, now=NOW)
    assert len(seen) == 1
    assert not seen[0]["AlarmName"]
    assert seen[0]["HistoryItemType"] == "StateUpdate"
    assert seen[0]["ScanBy"] == "TimestampAscending"


def test_the_demo_world_review(scenario_world: ScenarioWorld) -> None:
    """The nightly flapper with a proven quieter setting, the never-fired, the unowned."""
    status, text = review("json", endpoint=scenario_world.endpoint, now=SCENARIO_START,
                          regions=("ap-northeast-1", "us-east-1"))  # fmt: skip
    assert status == 0
    data = json.loads(text)
    lines = {(f["alarm"], f["category"]) for f in data["findings"]}
    assert ("shop-aurora-writer-write-iops", "flapping") in lines
    assert ("hitori-web-health-latency", "never-fired") in lines
    assert ("shop-legacy-elb-backend-5xx", "dead-metric") in lines
    unowned = {name for name, category in lines if category == "unowned"}
    assert "shop-customer-impact" in unowned and "shop-checkout-impaired" in unowned
    (test,) = [b for b in data["backtests"] if b["alarm"] == "shop-aurora-writer-write-iops"]
    assert test["quieter"] and test["episodes"] < test["current_episodes"]
    assert test["longest_kept"] == test["longest_required"] == 2
    assert test["command"].startswith("aws cloudwatch put-metric-alarm")
    assert data["backtest_metrics"] >= 2


def test_faults_are_said_and_the_rest_stands(
    fault_proxy: Any, scenario_world: ScenarioWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    from montui_world.faults.plan import Fault, Rule

    regions = ("ap-northeast-1", "us-east-1")
    fault_proxy.plan.set_rules(
        [Rule(1.0, (Fault.DENIED,), region="us-east-1", operation="GetMetricData")]
    )
    status, text = review("json", endpoint=fault_proxy.endpoint, now=SCENARIO_START,
                          regions=regions)  # fmt: skip
    err = capsys.readouterr().err
    assert status == 1 and "Traceback" not in err
    assert "could not check us-east-1: dead-metric check (GetMetricData)" in err
    data = json.loads(text)
    assert {f["region"] for f in data["findings"]} == set(regions)
    fault_proxy.plan.set_rules(
        [Rule(1.0, (Fault.ERROR_503,), region="us-east-1", operation="DescribeAlarmHistory")]
    )
    status, text = review("markdown", endpoint=fault_proxy.endpoint, now=SCENARIO_START,
                          regions=regions)  # fmt: skip
    err = capsys.readouterr().err
    assert status == 1 and "Traceback" not in err
    assert "montui: could not check us-east-1: ServiceUnavailable" in err
    assert "shop-aurora-writer-write-iops" in text and "could not check: us-east-1" in text
