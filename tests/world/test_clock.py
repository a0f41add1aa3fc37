"""The world's clock: the scenario's time, not the machine's, for every read API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3

from montui_world.clock import WORLD_CLOCK, WorldClock
from montui_world.world import World

THEN = datetime(2020, 2, 29, 12, 0, tzinfo=UTC)


def test_follow_and_reset() -> None:
    clock = WorldClock()
    clock.follow(lambda: THEN)
    assert clock.now() == THEN
    assert clock.naive() == THEN.replace(tzinfo=None)
    assert clock.epoch_ms() == int(THEN.timestamp()) * 1000
    clock.reset()
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(minutes=1)


def test_get_metric_data_rounds_by_the_worlds_age_of_the_data(world: World) -> None:
    """Data 3 minutes old on the world's clock keeps its minutes, whatever the wall clock:
    AWS rounds StartTime to 5 minutes only for data older than 15 days."""
    WORLD_CLOCK.follow(lambda: THEN)
    cw = boto3.client("cloudwatch", region_name="ap-northeast-1")
    start = THEN - timedelta(minutes=3)
    cw.put_metric_data(
        Namespace="Test",
        MetricData=[
            {"MetricName": "m", "Timestamp": start + timedelta(minutes=i), "Value": float(i)}
            for i in range(3)
        ],
    )
    values = cw.get_metric_data(
        MetricDataQueries=[
            {
                "Id": "m",
                "MetricStat": {
                    "Metric": {"Namespace": "Test", "MetricName": "m"},
                    "Period": 60,
                    "Stat": "Maximum",
                },
            }
        ],
        StartTime=start + timedelta(minutes=1),
        EndTime=THEN,
        ScanBy="TimestampAscending",
    )["MetricDataResults"][0]["Values"]
    assert values == [1.0, 2.0]
