"""SES in the living scenario (`scenario.ses`), through boto3 as montui and the AWS CLI see it:
Tokyo in production with a creeping bounce rate and one complaint spike, Virginia in the
sandbox with no rates at all; GetSendStatistics agreeing with the published rates, before and
after the clock moves; the SES alarms evaluated on those rates; a person's PutMetricData."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3

from montui_world.ext.ses_store import QUARTER
from montui_world.scenario.ses import BOUNCE_ALARM, COMPLAINT_ALARM
from tests.conftest import SCENARIO_START, ScenarioWorld

TOKYO, VIRGINIA = "ap-northeast-1", "us-east-1"
BOUNCE, COMPLAINT = "Reputation.BounceRate", "Reputation.ComplaintRate"


def client(service: str, region: str = TOKYO) -> Any:
    return boto3.client(service, region_name=region)


def rates(
    region: str,
    metric: str,
    start: datetime,
    end: datetime,
    period: int = 60,
    stat: str = "Average",
) -> list[tuple[datetime, float]]:
    """(timestamp, value) oldest first, as GetMetricData answers them."""
    answer = client("cloudwatch", region).get_metric_data(
        StartTime=start,
        EndTime=end,
        ScanBy="TimestampAscending",
        MetricDataQueries=[
            {
                "Id": "rate",
                "MetricStat": {
                    "Metric": {"Namespace": "AWS/SES", "MetricName": metric},
                    "Period": period,
                    "Stat": stat,
                },
            }
        ],
    )["MetricDataResults"][0]
    return list(zip(answer["Timestamps"], answer["Values"], strict=True))


def statistics(region: str = TOKYO) -> list[dict[str, Any]]:
    points: list[dict[str, Any]] = client("ses", region).get_send_statistics()["SendDataPoints"]
    return points


def window_rate(points: list[dict[str, Any]], moment: datetime, kind: str) -> float:
    """`kind` / attempts over the 96 quarter hours before `moment`'s quarter hour."""
    quarter = int(moment.timestamp()) // QUARTER * QUARTER
    inside = [p for p in points if quarter - 86400 <= p["Timestamp"].timestamp() < quarter]
    assert len(inside) == 96
    events: int = sum(p[kind] for p in inside)
    return events / sum(int(p["DeliveryAttempts"]) for p in inside)


def state(name: str) -> str:
    found: str = client("cloudwatch").describe_alarms(AlarmNames=[name])["MetricAlarms"][0][
        "StateValue"
    ]
    return found


def test_tokyo_is_in_production_and_healthy(scenario_world: ScenarioWorld) -> None:
    scenario_world.at(SCENARIO_START)
    account = client("sesv2").get_account()
    assert account["ProductionAccessEnabled"] is True
    assert account["SendingEnabled"] is True
    assert account["EnforcementStatus"] == "HEALTHY"
    assert account["Details"]["ReviewDetails"]["Status"] == "GRANTED"
    quota = account["SendQuota"]
    assert (quota["Max24HourSend"], quota["MaxSendRate"]) == (50000.0, 14.0)
    points = statistics()
    assert len(points) == 14 * 96  # every quarter hour of 14 days saw mail
    last_day = [
        p
        for p in points
        if p["Timestamp"] >= points[-1]["Timestamp"] - timedelta(hours=23, minutes=45)
    ]
    assert quota["SentLast24Hours"] == sum(p["DeliveryAttempts"] for p in last_day) > 2000
    assert client("ses").get_send_quota()["SentLast24Hours"] == quota["SentLast24Hours"]


def test_virginia_is_a_quiet_sandbox_without_rates(scenario_world: ScenarioWorld) -> None:
    scenario_world.at(SCENARIO_START)
    account = client("sesv2", VIRGINIA).get_account()
    assert account["ProductionAccessEnabled"] is False
    assert (account["SendQuota"]["Max24HourSend"], account["SendQuota"]["MaxSendRate"]) == (
        200.0,
        1.0,
    )
    points = statistics(VIRGINIA)
    assert 1 <= sum(p["DeliveryAttempts"] for p in points) <= 20
    assert sum(p["Bounces"] + p["Complaints"] for p in points) == 0
    start = SCENARIO_START - timedelta(days=14)
    # Absent, not zero: no datapoint at all where no bounce or complaint ever happened …
    assert rates(VIRGINIA, BOUNCE, start, SCENARIO_START, 3600) == []
    assert rates(VIRGINIA, COMPLAINT, start, SCENARIO_START, 3600) == []
    # … while Tokyo publishes a complaint rate of exactly 0 on the days without complaints.
    assert 0.0 in [v for _, v in rates(TOKYO, COMPLAINT, start, SCENARIO_START, 3600)]


def test_the_bounce_rate_creeps_toward_review(scenario_world: ScenarioWorld) -> None:
    scenario_world.at(SCENARIO_START)
    days = rates(TOKYO, BOUNCE, SCENARIO_START - timedelta(days=14), SCENARIO_START, 86400)
    values = [v for _, v in days]
    assert len(values) >= 13
    assert 0.008 <= values[0] <= 0.015
    assert 0.038 <= values[-1] < 0.05
    assert all(b > a for a, b in itertools.pairwise(values))
    assert (
        max(
            v
            for _, v in rates(
                TOKYO, BOUNCE, SCENARIO_START - timedelta(days=14), SCENARIO_START, 3600, "Maximum"
            )
        )
        < 0.05
    )


def test_the_rates_are_the_statistics_of_the_last_day(scenario_world: ScenarioWorld) -> None:
    for moment in (SCENARIO_START, SCENARIO_START + timedelta(hours=1, minutes=7)):
        scenario_world.at(moment)
        points = statistics()
        for metric, kind in ((BOUNCE, "Bounces"), (COMPLAINT, "Complaints")):
            found = rates(TOKYO, metric, moment - timedelta(minutes=40), moment)
            assert found and found[-1][0] >= moment - timedelta(minutes=2)
            for stamp, value in found[-20:]:
                assert abs(value - window_rate(points, stamp, kind)) < 1e-12, (metric, stamp)


def test_one_complaint_spike_and_the_alarms_that_watched_it(
    scenario_world: ScenarioWorld,
) -> None:
    scenario_world.at(SCENARIO_START)
    start = SCENARIO_START - timedelta(days=14)
    hours = rates(TOKYO, COMPLAINT, start, SCENARIO_START, 3600, "Maximum")
    above = [stamp for stamp, value in hours if value >= 0.001]
    assert 6 <= len(above) <= 30  # some hours …
    assert above[-1] - above[0] == timedelta(hours=len(above) - 1)  # … in one stretch
    cw = client("cloudwatch")
    history = cw.describe_alarm_history(AlarmName=COMPLAINT_ALARM, HistoryItemType="StateUpdate")[
        "AlarmHistoryItems"
    ]
    summaries = sorted((i["Timestamp"], i["HistorySummary"]) for i in history)
    assert [s for _, s in summaries] == [
        "Alarm updated from OK to ALARM",
        "Alarm updated from ALARM to OK",
    ]
    # Each transition follows the first minute on its side of the threshold.
    for at, _ in summaries:
        minute = at.replace(second=0) - timedelta(minutes=1)
        (before, after) = [
            v
            for _, v in rates(
                TOKYO, COMPLAINT, minute - timedelta(minutes=1), minute + timedelta(minutes=1)
            )
        ]
        assert (before >= 0.001) != (after >= 0.001)
    assert (
        cw.describe_alarm_history(AlarmName=BOUNCE_ALARM, HistoryItemType="StateUpdate")[
            "AlarmHistoryItems"
        ]
        == []
    )
    states = {
        a["AlarmName"]: a["StateValue"]
        for a in cw.describe_alarms(AlarmNamePrefix="hitori-ses-")["MetricAlarms"]
    }
    assert states == {BOUNCE_ALARM: "OK", COMPLAINT_ALARM: "OK"}


def test_a_persons_put_metric_data_shows_and_moves_the_alarm(
    scenario_world: ScenarioWorld,
) -> None:
    # before the live newsletter (`moments.NEWSLETTER`), whose complaints hold the rate
    # above 0.1 % for a day
    scenario = scenario_world.at(SCENARIO_START + timedelta(minutes=20))
    try:
        cw = client("cloudwatch")
        minute = datetime.fromtimestamp(scenario.done, UTC)  # the next minute to be written
        cw.put_metric_data(
            Namespace="AWS/SES",
            MetricData=[{"MetricName": COMPLAINT, "Timestamp": minute, "Value": 0.02}],
        )
        virginia = client("cloudwatch", VIRGINIA)
        virginia.put_metric_data(
            Namespace="AWS/SES",
            MetricData=[{"MetricName": BOUNCE, "Timestamp": minute, "Value": 0.07}],
        )
        scenario_world.at(minute + timedelta(minutes=1))  # that minute written, evaluated
        window = (minute, minute + timedelta(minutes=1))
        assert rates(VIRGINIA, BOUNCE, *window) == [(minute, 0.07)]
        ((_, peak),) = rates(TOKYO, COMPLAINT, *window, stat="Maximum")
        ((_, count),) = rates(TOKYO, COMPLAINT, *window, stat="SampleCount")
        ((_, mean),) = rates(TOKYO, COMPLAINT, *window)
        assert (peak, count) == (0.02, 2.0)  # the person's value and the world's, as AWS
        assert mean > 0.001
        assert state(COMPLAINT_ALARM) == "ALARM"  # 1 of 1 at 60 s: this minute breaches
        scenario_world.at(minute + timedelta(minutes=2))
        assert state(COMPLAINT_ALARM) == "OK"  # the next one is the world's alone
    finally:
        scenario_world.world.reset()  # the next test gets a fresh scenario
