"""The scenario alive: the ticker on a fast clock, the catch-up clock, serve's flags."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from montui_world.ext.evaluation import ScaledClock
from montui_world.live import CatchUpClock, Ticker, lead_for
from montui_world.serve import _parser, instructions, main
from montui_world.world import World
from tests.conftest import ScenarioWorld

INVOCATIONS = {
    "Namespace": "AWS/Lambda",
    "MetricName": "Invocations",
    "Dimensions": [{"Name": "FunctionName", "Value": "hitori-contact-form"}],
}


def newest(cw: Any, since: datetime) -> datetime | None:
    points = cw.get_metric_statistics(
        **INVOCATIONS,
        StartTime=since - timedelta(minutes=5),
        EndTime=since + timedelta(hours=2),
        Period=60,
        Statistics=["Sum"],
    )["Datapoints"]
    return max((p["Timestamp"] for p in points), default=None)


def test_the_ticker_writes_and_evaluates_as_simulated_time_passes(
    scenario_world: ScenarioWorld,
) -> None:
    scenario = scenario_world.ready()
    began = scenario.reached
    cw = boto3.client("cloudwatch", region_name="ap-northeast-1")
    before = newest(cw, began)
    ticker = Ticker(scenario, ScaledClock(start=began, speed=900)).start()  # 15 min a second
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and scenario.reached < began + timedelta(minutes=16):
            time.sleep(0.05)
    finally:
        ticker.stop()
    assert not ticker.running and ticker.last_error is None
    assert scenario.reached >= began + timedelta(minutes=16)
    after = newest(cw, began)
    assert after is not None and (before is None or after >= before + timedelta(minutes=15))
    assert scenario.evaluator.evaluations >= 15
    logs = boto3.client("logs", region_name="ap-northeast-1")
    found = logs.filter_log_events(
        logGroupName="/aws/lambda/hitori-contact-form",
        startTime=int((after - timedelta(minutes=1)).timestamp() * 1000),
        filterPattern="REPORT",
    )["events"]
    assert found


def test_the_catch_up_clock_runs_fast_then_follows_the_wall_clock() -> None:
    start = datetime.now(UTC) - timedelta(minutes=3)
    clock = CatchUpClock(start, speed=1000)
    time.sleep(0.05)
    assert clock.now() > start + timedelta(seconds=30)
    time.sleep(0.2)
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=1)
    assert lead_for(1) == timedelta(0)
    assert lead_for(10) == timedelta(minutes=12)
    assert lead_for(1e6) == timedelta(days=1)


def test_serve_takes_speed_and_seed() -> None:
    args = _parser().parse_args(["--speed", "10", "--seed", "3", "--port", "0"])
    assert (args.speed, args.seed, args.port) == (10.0, 3, 0)
    assert _parser().parse_args([]).speed == 1.0
    assert "montui --demo uses 10" in " ".join(_parser().format_help().split())
    text = instructions(World(port=4566), seed=3, speed=10)
    assert "(seed 3, speed 10x)" in text


@pytest.mark.parametrize("speed", ["fast", "0", "-2"])
def test_a_bad_speed_is_a_usage_error(speed: str) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--speed", speed])
    assert exited.value.code == 2
