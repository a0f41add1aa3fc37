"""The seeded scenario: what `seed_world` leaves in the world, and the scenario's own sanity."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from montui.demo.scenario import ALARMS, COMPOSITES, LOG_FILTERS
from montui.demo.scenario.plan import plan
from montui.demo.scenario.signals import Datapoint, period_datapoint
from montui.demo.scenario.spec import Ratio
from montui.demo.seed import SeedSummary, seed_world
from montui.demo.world import DEMO_REGIONS, World
from montui.model.composite_rule import children, parse_rule

NOW = datetime(2026, 11, 21, 3, 30, 15, tzinfo=UTC)
BOTH = ["MetricAlarm", "CompositeAlarm"]


def client(world: World, service: str, region: str) -> Any:
    return boto3.client(service, region_name=region, endpoint_url=world.endpoint)


def all_alarms(world: World) -> dict[str, list[dict[str, Any]]]:
    """Every alarm per region, as DescribeAlarms returns it (metric then composite)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for region in DEMO_REGIONS:
        pages = client(world, "cloudwatch", region).get_paginator("describe_alarms")
        alarms: list[dict[str, Any]] = []
        for page in pages.paginate(AlarmTypes=BOTH):
            alarms.extend(page["MetricAlarms"])
            alarms.extend(page["CompositeAlarms"])
        found[region] = alarms
    return found


@pytest.fixture
def seeded(world: World) -> SeedSummary:
    return seed_world(world.endpoint, now=NOW, seed=7)


# --- the scenario, without a world ------------------------------------------------------------


def test_alarm_names_are_unique_per_region() -> None:
    names = Counter((a.region, a.name) for a in (*ALARMS, *COMPOSITES))
    assert [key for key, count in names.items() if count > 1] == []


def test_each_metric_is_watched_once_per_region() -> None:
    metrics = Counter((a.region, m) for a in ALARMS for m in a.metrics())
    assert [key for key, count in metrics.items() if count > 1] == []


@pytest.mark.parametrize("spec", ALARMS, ids=lambda a: a.name)
def test_signal_ranges_sit_on_the_right_side_of_the_threshold(spec: Any) -> None:
    for value in spec.signal.ok:
        assert not spec.breaches(value), f"healthy value {value} breaches"
    for value in spec.signal.breach:
        assert spec.breaches(value), f"breaching value {value} does not breach"
    assert 1 <= spec.datapoints_to_alarm <= spec.evaluation_periods
    minutes_ago = [step.minutes_ago for step in spec.story]
    assert minutes_ago == sorted(minutes_ago, reverse=True)


@pytest.mark.parametrize("spec", COMPOSITES, ids=lambda c: c.name)
def test_composite_rules_name_alarms_of_their_own_region(spec: Any) -> None:
    known = {a.name for a in (*ALARMS, *COMPOSITES) if a.region == spec.region}
    assert set(children(parse_rule(spec.rule))) <= known
    if spec.suppressor:
        assert spec.suppressor in known


def test_every_breach_and_healthy_period_agrees_with_the_story() -> None:
    scenario = plan(NOW, 7)
    for alarm in scenario.alarms:
        for transition in alarm.timeline.transitions:
            period = timedelta(seconds=alarm.spec.period)
            start = transition.boundary - period
            point = period_datapoint(alarm.spec, alarm.timeline, start, 7)
            if transition.state == "INSUFFICIENT_DATA":
                assert point is None, alarm.spec.name
            else:
                assert isinstance(point, Datapoint), alarm.spec.name
                wanted = transition.state == "ALARM"
                assert alarm.spec.breaches(point.value) == wanted, alarm.spec.name


# --- the seeded world --------------------------------------------------------------------------


def test_seed_builds_a_mixed_board_in_both_regions(world: World, seeded: SeedSummary) -> None:
    alarms = all_alarms(world)
    assert set(alarms) == set(DEMO_REGIONS)
    assert all(alarms[region] for region in DEMO_REGIONS)
    total = sum(len(found) for found in alarms.values())
    assert total >= 60
    assert total == seeded.alarms
    states = Counter(a["StateValue"] for found in alarms.values() for a in found)
    assert states == Counter(seeded.states)
    assert states["OK"] > states["ALARM"] >= 3
    assert states["INSUFFICIENT_DATA"] >= 2
    composites = [a for found in alarms.values() for a in found if "AlarmRule" in a]
    assert len(composites) == seeded.composite_alarms == len(COMPOSITES) >= 3
    assert seeded.datapoints > 10_000
    assert seeded.seconds > 0


def test_the_contact_form_incident(world: World, seeded: SeedSummary) -> None:
    cw = client(world, "cloudwatch", "ap-northeast-1")
    found = cw.describe_alarms(AlarmNamePrefix="hitori-", AlarmTypes=BOTH, StateValue="ALARM")
    firing = {a["AlarmName"] for a in (*found["MetricAlarms"], *found["CompositeAlarms"])}
    assert firing == {"hitori-lambda-error-rate", "hitori-api-5xx", "hitori-contact-form-down"}
    (down,) = found["CompositeAlarms"]
    assert "alarm:hitori-lambda-error-rate transitioned to ALARM at" in down["StateReason"]
    assert down["StateTransitionedTimestamp"] > NOW - timedelta(minutes=20)
    (rate,) = cw.describe_alarms(AlarmNames=["hitori-lambda-error-rate"])["MetricAlarms"]
    assert rate["Metrics"][0]["Expression"] == "100*(errors/invocations)"
    assert (rate["DatapointsToAlarm"], rate["EvaluationPeriods"], rate["Threshold"]) == (1, 1, 10.0)
    assert rate["StateReason"].startswith("Threshold Crossed: 1 out of the last 1 datapoints [")
    assert rate["StateReason"].endswith("(minimum 1 datapoint for OK -> ALARM transition).")
    assert rate["AlarmActions"] == ["arn:aws:sns:ap-northeast-1:123456789012:hitori-infra-page"]
    (p95,) = cw.describe_alarms(AlarmNames=["hitori-lambda-duration-p95"])["MetricAlarms"]
    assert p95["ExtendedStatistic"] == "p95"
    assert (p95["DatapointsToAlarm"], p95["EvaluationPeriods"]) == (3, 5)
    edge = client(world, "cloudwatch", "us-east-1").describe_alarms(AlarmNamePrefix="hitori-")
    assert {a["Namespace"] for a in edge["MetricAlarms"]} == {"AWS/Route53", "AWS/CloudFront"}


def test_reasons_quote_the_stored_datapoints(world: World, seeded: SeedSummary) -> None:
    cw = client(world, "cloudwatch", "ap-northeast-1")
    (alarm,) = cw.describe_alarms(AlarmNames=["hitori-api-5xx"])["MetricAlarms"]
    data = json.loads(alarm["StateReasonData"])
    assert set(data) >= {"version", "queryDate", "startDate", "statistic", "period"}
    assert data["recentDatapoints"] and data["threshold"] == 1.0
    start = datetime.strptime(data["startDate"], "%Y-%m-%dT%H:%M:%S.%f%z")
    result = cw.get_metric_data(
        MetricDataQueries=[
            {
                "Id": "e",
                "MetricStat": {
                    "Metric": {
                        "Namespace": alarm["Namespace"],
                        "MetricName": alarm["MetricName"],
                        "Dimensions": alarm["Dimensions"],
                    },
                    "Period": 60,
                    "Stat": "Sum",
                },
            }
        ],
        StartTime=start,
        EndTime=start + timedelta(minutes=3),
        ScanBy="TimestampAscending",
    )["MetricDataResults"][0]
    assert result["Values"] == data["recentDatapoints"]


def test_three_hours_of_minutely_data(world: World, seeded: SeedSummary) -> None:
    cw = client(world, "cloudwatch", "us-east-1")
    stats = cw.get_metric_statistics(
        Namespace="AWS/CloudFront",
        MetricName="Requests",
        Dimensions=[
            {"Name": "DistributionId", "Value": "E2HITORI7EXAMPLE"},
            {"Name": "Region", "Value": "Global"},
        ],
        StartTime=NOW - timedelta(hours=4),
        EndTime=NOW,
        Period=60,
        Statistics=["Sum"],
    )["Datapoints"]
    assert 179 <= len(stats) <= 181
    assert all(p["Sum"] < 3000 for p in stats)


def test_topics_and_log_metric_filters_exist(world: World, seeded: SeedSummary) -> None:
    topics = {
        t["TopicArn"]
        for region in DEMO_REGIONS
        for t in client(world, "sns", region).list_topics()["Topics"]
    }
    for found in all_alarms(world).values():
        for alarm in found:
            assert set(alarm["AlarmActions"]) <= topics
    logs = client(world, "logs", "ap-northeast-1")
    filters = logs.describe_metric_filters()["metricFilters"]
    assert len(filters) == len(LOG_FILTERS) == seeded.log_metric_filters
    watched = {
        (a.metric.namespace, a.metric.name) for a in ALARMS if not isinstance(a.metric, Ratio)
    }
    for item in filters:
        transform = item["metricTransformations"][0]
        assert (transform["metricNamespace"], transform["metricName"]) in watched


def test_seed_is_deterministic(world: World) -> None:
    seed_world(world.endpoint, now=NOW, seed=7)
    first = all_alarms(world)
    world.reset()
    seed_world(world.endpoint, now=NOW, seed=7)
    assert all_alarms(world) == first
    world.reset()
    seed_world(world.endpoint, now=NOW, seed=8)
    other = all_alarms(world)
    assert [a["AlarmName"] for a in other["us-east-1"]] == [
        a["AlarmName"] for a in first["us-east-1"]
    ]
    assert other != first
