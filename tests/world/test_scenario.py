"""The living scenario, deterministic: seed 7 started at SCENARIO_START, moved by hand.

Checked through boto3 against the world, as montui and the AWS CLI see it: the contact
form's incident minute by minute, its log lines, 14 days of data and of alarm history (the
noisy alarm's nightly episodes, the alarm that never fired), and reproducibility."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import boto3

from montui.model.evaluation import AlarmSettings, replay
from montui_world.ext.metrics import datapoints
from montui_world.identity import DEMO_REGIONS
from montui_world.scenario import ALARMS, COMPOSITES, LOG_FILTERS
from montui_world.scenario.hitori import INCIDENT, NEVER_FIRED
from montui_world.scenario.plan import plan
from montui_world.scenario.series import AlarmSeries, epoch
from tests.conftest import SCENARIO_START, ScenarioWorld

TOKYO = "ap-northeast-1"
BOTH = ["MetricAlarm", "CompositeAlarm"]
NOISY = "shop-aurora-writer-write-iops"
DOWN = "hitori-contact-form-down"
RATE, FIVE_XX = INCIDENT.alarms


def client(service: str, region: str = TOKYO) -> Any:
    return boto3.client(service, region_name=region)


def states(region: str = TOKYO) -> dict[str, str]:
    found: dict[str, str] = {}
    for page in (
        client("cloudwatch", region).get_paginator("describe_alarms").paginate(AlarmTypes=BOTH)
    ):
        for alarm in (*page["MetricAlarms"], *page["CompositeAlarms"]):
            found[alarm["AlarmName"]] = alarm["StateValue"]
    return found


def history(name: str, **filters: Any) -> list[dict[str, Any]]:
    pages = client("cloudwatch").get_paginator("describe_alarm_history")
    items: list[dict[str, Any]] = []
    for page in pages.paginate(AlarmName=name, AlarmTypes=BOTH, **filters):
        items.extend(page["AlarmHistoryItems"])
    return items


def query(text: str, group: str, start: datetime, end: datetime) -> list[dict[str, str]]:
    logs = client("logs")
    query_id = logs.start_query(
        logGroupName=group,
        startTime=int(start.timestamp()),
        endTime=int(end.timestamp()),
        queryString=text,
    )["queryId"]
    answer = logs.get_query_results(queryId=query_id)
    assert answer["status"] == "Complete"
    return [{f["field"]: f["value"] for f in row} for row in answer["results"]]


def test_the_board_at_the_start(scenario_world: ScenarioWorld) -> None:
    scenario_world.at(SCENARIO_START)
    found = {region: states(region) for region in DEMO_REGIONS}
    assert sum(len(s) for s in found.values()) == len(ALARMS) + len(COMPOSITES) >= 60
    counts = Counter(state for s in found.values() for state in s.values())
    assert counts["OK"] > counts["ALARM"] >= 1  # montui --demo shows ALARM rows at once
    assert counts["INSUFFICIENT_DATA"] >= 2
    # The contact form has been failing for two minutes: 1 of 1 fired, 3 of 3 not yet.
    assert (found[TOKYO][RATE], found[TOKYO][FIVE_XX], found[TOKYO][DOWN]) == (
        "ALARM",
        "OK",
        "ALARM",
    )


def test_the_incident_unfolds_and_recovers(scenario_world: ScenarioWorld) -> None:
    scenario = scenario_world.at(SCENARIO_START)
    start = scenario.plan.incident_start
    assert start < SCENARIO_START <= start + timedelta(minutes=3)  # in progress at the start
    lasts = int((scenario.plan.incident_end - start).total_seconds()) // 60
    seen = {}
    for minute in range(3, lasts + 6):
        scenario_world.at(start + timedelta(minutes=minute, seconds=5))
        now = states()
        seen[minute] = (now[RATE], now[FIVE_XX], now[DOWN])
    assert seen[3] == ("ALARM", "ALARM", "ALARM")  # 3 of 3 minutes of 5xx
    assert seen[lasts] == ("ALARM", "ALARM", "ALARM")
    assert seen[lasts + 1] == seen[lasts + 5] == ("OK", "OK", "OK")  # SES accepts mail again
    assert scenario.evaluator.last_error is None
    down = client("cloudwatch").describe_alarm_history(
        AlarmName=DOWN, AlarmTypes=["CompositeAlarm"], HistoryItemType="StateUpdate"
    )["AlarmHistoryItems"]
    fired = next(i for i in down if i["HistorySummary"] == "Alarm updated from OK to ALARM")
    reason = json.loads(fired["HistoryData"])["newState"]["stateReason"]
    assert f":alarm:{RATE} transitioned to ALARM at" in reason
    assert fired["Timestamp"] == start + timedelta(minutes=1)
    (rate,) = client("cloudwatch").describe_alarms(AlarmNames=[RATE])["MetricAlarms"]
    assert rate["StateReason"].startswith("Threshold Crossed: 1 out of the last 1 datapoints [")


def test_the_lambda_logs_hold_the_failures(scenario_world: ScenarioWorld) -> None:
    scenario = scenario_world.at(SCENARIO_START + timedelta(minutes=35))
    start, end = scenario.plan.incident_start, scenario.plan.incident_end
    group = "/aws/lambda/hitori-contact-form"
    errors = query(
        "filter @message like /Throttling/ and level = 'ERROR'"
        " | fields @timestamp, function_request_id, exception",
        group,
        start,
        end,
    )
    cw = client("cloudwatch")
    metric = {
        "Namespace": "AWS/Lambda",
        "MetricName": "Errors",
        "Dimensions": [{"Name": "FunctionName", "Value": "hitori-contact-form"}],
    }
    sums = cw.get_metric_statistics(
        **metric, StartTime=start, EndTime=end, Period=600, Statistics=["Sum"]
    )["Datapoints"]
    assert len(errors) == int(sum(p["Sum"] for p in sums)) > 0
    assert all(e["exception"].startswith("Traceback (most recent call last):") for e in errors)
    assert len({e["function_request_id"] for e in errors}) == len(errors)
    after = query(
        "filter level = 'ERROR' | stats count(*) as n", group, end, end + timedelta(minutes=8)
    )
    assert after in ([], [{"n": "0"}])  # recovered: no failure after the incident
    reports = query(
        'filter @type = "REPORT" | stats count(*) as n, max(@duration) as slowest',
        group,
        start,
        end,
    )
    assert int(reports[0]["n"]) >= len(errors)
    runtime = query(
        "filter @message like /^\\[ERROR\\] ClientError/ | stats count(*) as n", group, start, end
    )
    assert runtime == [{"n": str(len(errors))}]


def test_the_api_access_log_holds_the_502s(scenario_world: ScenarioWorld) -> None:
    scenario = scenario_world.at(SCENARIO_START + timedelta(minutes=35))
    start, end = scenario.plan.incident_start, scenario.plan.incident_end
    rows = query(
        "filter status = 502 | stats count(*) as n by resourcePath",
        "/aws/apigateway/hitori-contact-api/access",
        start,
        end - timedelta(seconds=1),
    )
    five = client("cloudwatch").get_metric_statistics(
        Namespace="AWS/ApiGateway",
        MetricName="5XXError",
        Dimensions=[
            {"Name": "ApiName", "Value": "hitori-contact-api"},
            {"Name": "Stage", "Value": "prod"},
        ],
        StartTime=start,
        EndTime=end,
        Period=600,
        Statistics=["Sum"],
    )["Datapoints"]
    assert rows == [{"resourcePath": "/contact", "n": str(int(sum(p["Sum"] for p in five)))}]


def test_the_noisy_alarm_fires_every_night(scenario_world: ScenarioWorld) -> None:
    scenario_world.ready()
    fired = [
        i["Timestamp"]
        for i in history(NOISY, HistoryItemType="StateUpdate")
        if i["HistorySummary"].endswith("to ALARM")
    ]
    days = {(SCENARIO_START - moment).days for moment in fired}
    assert set(range(7)) <= days
    (alarm,) = client("cloudwatch").describe_alarms(AlarmNames=[NOISY])["MetricAlarms"]
    assert (alarm["DatapointsToAlarm"], alarm["EvaluationPeriods"]) == (1, 1)
    assert alarm["AlarmActions"]  # each episode files a ticket: noise


def test_a_stricter_m_of_n_would_quiet_the_noisy_alarm(scenario_world: ScenarioWorld) -> None:
    """What issue 4's back-test does: replay the alarm over its stored data."""
    scenario_world.ready()
    end = SCENARIO_START.replace(second=0)
    start = end - timedelta(days=7)
    points = datapoints(
        TOKYO,
        "AWS/RDS",
        "WriteIOPS",
        {"DBInstanceIdentifier": "shop-prod-aurora-writer"},
        period=60,
        stat="Maximum",
        start=start,
        end=end,
    )
    assert len(points) == 7 * 1440

    def episodes(m: int, n: int) -> int:
        settings = AlarmSettings(3000.0, "GreaterThanOrEqualToThreshold", 60, n, m)
        return len(replay(settings, points, start + timedelta(minutes=10), end).episodes)

    assert episodes(1, 1) >= 7
    assert episodes(5, 5) == 0


def test_an_alarm_that_never_fired(scenario_world: ScenarioWorld) -> None:
    scenario_world.ready()
    items = history(NEVER_FIRED, StartDate=SCENARIO_START - timedelta(days=15))
    assert not [i for i in items if "ALARM" in i["HistorySummary"].split(" to ")[-1]]
    (alarm,) = client("cloudwatch", "us-east-1").describe_alarms(AlarmNames=[NEVER_FIRED])[
        "MetricAlarms"
    ]
    assert alarm["StateValue"] == "OK"


def test_fourteen_days_of_minutely_data(scenario_world: ScenarioWorld) -> None:
    scenario_world.ready()
    cw = client("cloudwatch")
    stat = {
        "Metric": {
            "Namespace": "AWS/Lambda",
            "MetricName": "Invocations",
            "Dimensions": [{"Name": "FunctionName", "Value": "hitori-contact-form"}],
        },
        "Stat": "SampleCount",
    }
    end = SCENARIO_START.replace(second=0)
    hourly = cw.get_metric_data(
        MetricDataQueries=[{"Id": "h", "MetricStat": {**stat, "Period": 3600}}],
        StartTime=end - timedelta(days=14),
        EndTime=end,
    )["MetricDataResults"][0]
    assert len(hourly["Values"]) == 14 * 24
    assert set(hourly["Values"][1:-1]) == {60.0}  # a datapoint every minute
    last = cw.get_metric_data(
        MetricDataQueries=[{"Id": "m", "MetricStat": {**stat, "Period": 60}}],
        StartTime=end - timedelta(days=3),
        EndTime=end,
    )["MetricDataResults"][0]
    assert len(last["Values"]) == 3 * 1440


def test_reasons_quote_the_stored_datapoints(scenario_world: ScenarioWorld) -> None:
    scenario_world.ready()
    cw = client("cloudwatch")
    (alarm,) = cw.describe_alarms(AlarmNames=[NOISY])["MetricAlarms"]
    data = json.loads(alarm["StateReasonData"])
    start = datetime.strptime(data["startDate"], "%Y-%m-%dT%H:%M:%S.%f%z")
    values = cw.get_metric_data(
        MetricDataQueries=[
            {
                "Id": "w",
                "MetricStat": {
                    "Metric": {
                        "Namespace": alarm["Namespace"],
                        "MetricName": alarm["MetricName"],
                        "Dimensions": alarm["Dimensions"],
                    },
                    "Period": 60,
                    "Stat": "Maximum",
                },
            }
        ],
        StartTime=start,
        EndTime=start + timedelta(minutes=3),
        ScanBy="TimestampAscending",
    )["MetricDataResults"][0]["Values"]
    assert values == data["recentDatapoints"]


def test_topics_and_log_metric_filters(scenario_world: ScenarioWorld) -> None:
    scenario_world.ready()
    topics = {
        t["TopicArn"]
        for region in DEMO_REGIONS
        for t in client("sns", region).list_topics()["Topics"]
    }
    for region in DEMO_REGIONS:
        for page in (
            client("cloudwatch", region).get_paginator("describe_alarms").paginate(AlarmTypes=BOTH)
        ):
            for alarm in (*page["MetricAlarms"], *page["CompositeAlarms"]):
                assert set(alarm["AlarmActions"]) <= topics
    filters = client("logs").describe_metric_filters()["metricFilters"]
    assert len(filters) == len(LOG_FILTERS)


def test_values_are_a_function_of_the_seed() -> None:
    def day_of(seed: int) -> dict[str, list[float]]:
        scenario = plan(SCENARIO_START, seed)
        found = {}
        for alarm in scenario.alarms[:12]:
            series = AlarmSeries(alarm.spec, alarm.timeline, seed)
            for metric, (_, values) in series.between(
                epoch(SCENARIO_START) - 86400, epoch(SCENARIO_START)
            ).items():
                found[f"{alarm.spec.name}/{metric.name}"] = values
        return found

    assert day_of(7) == day_of(7)
    assert day_of(7) != day_of(8)


def test_the_same_seed_builds_the_same_world(scenario_world: ScenarioWorld) -> None:
    scenario_world.at(SCENARIO_START)

    def snapshot() -> list[Any]:
        alarms = client("cloudwatch").describe_alarms(AlarmTypes=BOTH)
        return [
            (a["AlarmName"], a["StateValue"], a.get("StateReason"), a["StateUpdatedTimestamp"])
            for a in (*alarms["MetricAlarms"], *alarms["CompositeAlarms"])
        ] + [i["HistoryData"] for i in history(NOISY)]

    first = snapshot()
    scenario_world.rebuild()
    assert snapshot() == first
