"""The scenario alive: the ticker on a fast clock, the catch-up clock, serve's flags."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from montui_world.ext.evaluation import ScaledClock
from montui_world.live import CatchUpClock, Ticker, lead_for
from montui_world.scenario.hitori import INCIDENT
from montui_world.serve import _parser, instructions, main
from montui_world.world import World
from tests.conftest import SCENARIO_START, ScenarioWorld

BOTH = ["MetricAlarm", "CompositeAlarm"]
INCIDENT_ALARMS = [*INCIDENT.alarms, "hitori-contact-form-down"]

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
    assert lead_for(1e6) == timedelta(days=1)


def test_the_catch_up_clock_can_be_moved_by_hand() -> None:
    real = [0.0]
    wall = SCENARIO_START + timedelta(minutes=10)
    clock = CatchUpClock(
        SCENARIO_START,
        speed=10,
        wall=lambda: wall + timedelta(seconds=real[0]),
        monotonic=lambda: real[0],
    )
    assert clock.now() == SCENARIO_START
    real[0] = 30.0
    assert clock.now() == SCENARIO_START + timedelta(minutes=5)
    real[0] = 600.0
    assert clock.now() == wall + timedelta(minutes=10)  # caught up: follows the wall clock


def incident_states(cw: Any) -> set[str]:
    found = cw.describe_alarms(AlarmNames=INCIDENT_ALARMS, AlarmTypes=BOTH)
    return {a["StateValue"] for a in (*found["MetricAlarms"], *found["CompositeAlarms"])}


def test_at_demo_speed_the_incident_shows_at_once_and_lasts_two_real_minutes(
    scenario_world: ScenarioWorld,
) -> None:
    """`montui --demo` (speed 10): `serve` starts the scenario `lead_for(10)` before the wall
    clock, seeds it (a few real seconds, during which the wall clock moves on) and opens the
    world. From that moment the incident's three alarms are in ALARM within 10 real seconds,
    stay so for at least 2 real minutes, then recover while the world still runs fast."""
    speed, seeding = 10.0, 4.0
    real = [0.0]
    wall = SCENARIO_START + lead_for(speed) + timedelta(seconds=seeding)
    clock = CatchUpClock(
        SCENARIO_START,
        speed,
        wall=lambda: wall + timedelta(seconds=real[0]),
        monotonic=lambda: real[0],
    )
    scenario_world.at(SCENARIO_START)
    cw = boto3.client("cloudwatch", region_name="ap-northeast-1")
    firing: list[float] = []
    recovered_at = None
    for step in range(0, 400):
        real[0] = step * 1.0
        scenario_world.at(clock.now())
        states = incident_states(cw)
        if states == {"ALARM"}:
            firing.append(real[0])
        elif firing and states == {"OK"}:
            recovered_at = real[0]
            break
    assert firing and firing[0] <= 10.0
    assert firing == [float(s) for s in range(int(firing[0]), int(firing[-1]) + 1)]
    assert firing[-1] - firing[0] >= 120.0
    assert recovered_at is not None and recovered_at <= 200.0
    assert clock.now() < wall + timedelta(seconds=recovered_at)  # still catching up


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
