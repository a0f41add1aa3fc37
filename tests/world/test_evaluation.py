"""Live alarm evaluation in the local world: PutMetricData through boto3, then evaluate_all
(or the live thread) moves the alarms with CloudWatch's semantics."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from montui_world.ext import evaluation
from montui_world.identity import CLOCK_HEADER, DEMO_ACCOUNT
from montui_world.world import World

REGION = "ap-northeast-1"
TOPIC = f"arn:aws:sns:{REGION}:{DEMO_ACCOUNT}:oncall-page"
FUNCTION = [{"Name": "FunctionName", "Value": "contact-form"}]


@pytest.fixture
def base() -> datetime:
    """A minute boundary half an hour ago: recent enough for any metric store."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    return now - timedelta(minutes=30)


@pytest.fixture
def cw(world: World, base: datetime) -> Any:
    """A client whose alarms are configured five minutes before `base` (demo clock)."""
    client = boto3.client("cloudwatch", region_name=REGION, endpoint_url=world.endpoint)

    def configured_earlier(request: Any, **_: Any) -> None:
        request.headers[CLOCK_HEADER] = minute(base, -5).isoformat()

    for operation in ("PutMetricAlarm", "PutCompositeAlarm"):
        client.meta.events.register(f"before-sign.cloudwatch.{operation}", configured_earlier)
    return client


def minute(base: datetime, n: float) -> datetime:
    return base + timedelta(minutes=n)


def put_values(cw: Any, base: datetime, metric: str, values: dict[int, float]) -> None:
    cw.put_metric_data(
        Namespace="AWS/Lambda",
        MetricData=[
            {
                "MetricName": metric,
                "Dimensions": FUNCTION,
                "Timestamp": minute(base, m) + timedelta(seconds=10),
                "Value": value,
            }
            for m, value in values.items()
        ],
    )


def put_alarm(cw: Any, name: str, **extra: Any) -> None:
    args: dict[str, Any] = {
        "AlarmName": name,
        "Namespace": "AWS/Lambda",
        "MetricName": "Errors",
        "Dimensions": FUNCTION,
        "Statistic": "Sum",
        "Period": 60,
        "EvaluationPeriods": 3,
        "DatapointsToAlarm": 2,
        "Threshold": 1.0,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "AlarmActions": [TOPIC],
    }
    args.update(extra)
    cw.put_metric_alarm(**{k: v for k, v in args.items() if v is not None})


def alarm(cw: Any, name: str) -> dict[str, Any]:
    found: dict[str, Any]
    (found,) = cw.describe_alarms(AlarmNames=[name])["MetricAlarms"]
    return found


def state(cw: Any, name: str) -> str:
    return str(alarm(cw, name)["StateValue"])


def test_m_of_n_moves_the_alarm_to_alarm_and_back(cw: Any, base: datetime) -> None:
    put_alarm(cw, "errors")
    put_values(cw, base, "Errors", {0: 0, 1: 0})
    changes = evaluation.evaluate_all(minute(base, 2))
    assert [(c.alarm_name, c.old, c.new) for c in changes] == [
        ("errors", "INSUFFICIENT_DATA", "OK")
    ]
    put_values(cw, base, "Errors", {2: 5})
    assert evaluation.evaluate_all(minute(base, 3)) == []  # 1 of the last 3: still OK
    put_values(cw, base, "Errors", {3: 4})
    (change,) = evaluation.evaluate_all(minute(base, 4))
    assert (change.old, change.new) == ("OK", "ALARM")
    record = alarm(cw, "errors")
    assert record["StateValue"] == "ALARM"
    assert record["StateTransitionedTimestamp"] == minute(base, 4)
    stamp = f"{minute(base, 3):%d/%m/%y %H:%M:%S}"
    assert record["StateReason"].startswith(
        f"Threshold Crossed: 2 out of the last 3 datapoints [4.0 ({stamp}), 5.0 ("
    )
    assert record["StateReason"].endswith(
        "were greater than or equal to the threshold (1.0) "
        "(minimum 2 datapoints for OK -> ALARM transition)."
    )
    put_values(cw, base, "Errors", {4: 0, 5: 0})
    (back,) = evaluation.evaluate_all(minute(base, 6))
    assert (back.old, back.new) == ("ALARM", "OK")
    summaries = [
        i["HistorySummary"]
        for i in cw.describe_alarm_history(AlarmName="errors")["AlarmHistoryItems"]
    ]
    assert summaries == [
        "Alarm updated from ALARM to OK",
        f"Successfully executed action {TOPIC}",
        "Alarm updated from OK to ALARM",
        "Alarm updated from INSUFFICIENT_DATA to OK",
        'Alarm "errors" created',
    ]


def test_state_reason_data_has_aws_shape(cw: Any, base: datetime) -> None:
    put_alarm(cw, "errors")
    put_values(cw, base, "Errors", {0: 2, 1: 3, 2: 0})
    evaluation.evaluate_all(minute(base, 3))
    data = json.loads(alarm(cw, "errors")["StateReasonData"])
    assert list(data) == [
        "version",
        "queryDate",
        "startDate",
        "statistic",
        "period",
        "recentDatapoints",
        "threshold",
        "evaluatedDatapoints",
    ]
    assert data["version"] == "1.0"
    assert data["queryDate"] == f"{minute(base, 3):%Y-%m-%dT%H:%M:%S}.000+0000"
    assert data["startDate"] == f"{minute(base, -2):%Y-%m-%dT%H:%M:%S}.000+0000"
    assert data["statistic"] == "Sum" and data["period"] == 60 and data["threshold"] == 1.0
    assert data["recentDatapoints"] == [2.0, 3.0, 0.0]
    assert data["evaluatedDatapoints"] == [
        {"timestamp": f"{minute(base, m):%Y-%m-%dT%H:%M:%S}.000+0000", "value": v}
        for m, v in ((2, 0.0), (1, 3.0), (0, 2.0))
    ]
    update = cw.describe_alarm_history(AlarmName="errors", HistoryItemType="StateUpdate")
    history_data = json.loads(update["AlarmHistoryItems"][0]["HistoryData"])
    assert history_data["newState"]["stateReasonData"] == data


def test_missing_data_gives_insufficient_data(cw: Any, base: datetime) -> None:
    put_alarm(cw, "errors")
    put_alarm(cw, "heartbeat", TreatMissingData="breaching")
    put_alarm(cw, "optional", TreatMissingData="notBreaching")
    put_values(cw, base, "Errors", {0: 0, 1: 0, 2: 0})
    evaluation.evaluate_all(minute(base, 3))
    assert state(cw, "errors") == "OK"
    evaluation.evaluate_all(minute(base, 20))  # nothing for 17 minutes
    record = alarm(cw, "errors")
    assert record["StateValue"] == "INSUFFICIENT_DATA"
    assert record["StateReason"] == "Insufficient Data: 3 datapoints were unknown."
    assert state(cw, "heartbeat") == "ALARM"
    assert alarm(cw, "heartbeat")["StateReason"] == (
        "Threshold Crossed: no datapoints were received for 3 periods and 3 missing "
        "datapoints were treated as [Breaching]."
    )
    assert state(cw, "optional") == "OK"


def test_percentile_alarm_uses_the_percentile(cw: Any, base: datetime) -> None:
    put_alarm(
        cw,
        "slow",
        MetricName="Duration",
        Statistic=None,
        ExtendedStatistic="p90",
        EvaluationPeriods=1,
        DatapointsToAlarm=1,
        Threshold=3000.0,
    )
    cw.put_metric_data(
        Namespace="AWS/Lambda",
        MetricData=[
            {
                "MetricName": "Duration",
                "Dimensions": FUNCTION,
                "Timestamp": minute(base, 0) + timedelta(seconds=s),
                "Value": value,
            }
            for s, value in enumerate([100.0] * 8 + [5000.0] * 2)
        ],
    )
    evaluation.evaluate_all(minute(base, 1))
    record = alarm(cw, "slow")
    assert record["StateValue"] == "ALARM"  # the average (1080 ms) would not breach
    assert "[5000.0 (" in record["StateReason"]
    assert json.loads(record["StateReasonData"])["statistic"] == "p90"


def test_metric_math_error_rate_alarm(cw: Any, base: datetime) -> None:
    def stat(metric: str) -> dict[str, Any]:
        return {
            "Metric": {"Namespace": "AWS/Lambda", "MetricName": metric, "Dimensions": FUNCTION},
            "Period": 60,
            "Stat": "Sum",
        }

    cw.put_metric_alarm(
        AlarmName="error-rate",
        EvaluationPeriods=1,
        DatapointsToAlarm=1,
        Threshold=10.0,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        Metrics=[
            {"Id": "rate", "Expression": "100*(e/i)", "Label": "Error rate", "ReturnData": True},
            {"Id": "e", "MetricStat": stat("Errors"), "ReturnData": False},
            {"Id": "i", "MetricStat": stat("Invocations"), "ReturnData": False},
        ],
    )
    put_values(cw, base, "Errors", {0: 5, 1: 0})
    put_values(cw, base, "Invocations", {0: 20, 1: 20})
    evaluation.evaluate_all(minute(base, 1))
    record = alarm(cw, "error-rate")
    assert record["StateValue"] == "ALARM"
    assert "[25.0 (" in record["StateReason"]
    evaluation.evaluate_all(minute(base, 2))
    assert state(cw, "error-rate") == "OK"


def test_composite_follows_evaluation(cw: Any, base: datetime) -> None:
    put_alarm(cw, "errors", EvaluationPeriods=1, DatapointsToAlarm=1)
    cw.put_composite_alarm(AlarmName="form-down", AlarmRule="ALARM(errors)")
    put_values(cw, base, "Errors", {0: 3})
    evaluation.evaluate_all(minute(base, 1))
    (parent,) = cw.describe_alarms(AlarmNames=["form-down"], AlarmTypes=["CompositeAlarm"])[
        "CompositeAlarms"
    ]
    assert parent["StateValue"] == "ALARM"
    found = cw.describe_alarm_history(AlarmName="form-down", AlarmTypes=["CompositeAlarm"])
    assert found["AlarmHistoryItems"][0]["HistorySummary"] == "Alarm updated from OK to ALARM"


def test_alarms_it_cannot_evaluate_are_left_alone(cw: Any, base: datetime) -> None:
    cw.put_metric_alarm(
        AlarmName="anomaly",
        EvaluationPeriods=1,
        ComparisonOperator="GreaterThanUpperThreshold",
        ThresholdMetricId="band",
        Metrics=[
            {
                "Id": "m",
                "MetricStat": {
                    "Metric": {"Namespace": "N", "MetricName": "M"},
                    "Period": 60,
                    "Stat": "Average",
                },
                "ReturnData": True,
            },
            {"Id": "band", "Expression": "ANOMALY_DETECTION_BAND(m, 2)", "ReturnData": True},
        ],
    )
    assert evaluation.evaluate_all(minute(base, 5)) == []
    assert state(cw, "anomaly") == "INSUFFICIENT_DATA"


def test_step_evaluates_only_alarms_whose_period_ended(cw: Any, base: datetime) -> None:
    put_alarm(cw, "minutely", EvaluationPeriods=1, DatapointsToAlarm=1)
    put_alarm(cw, "five-minutely", Period=300, EvaluationPeriods=1, DatapointsToAlarm=1)
    put_values(cw, base, "Errors", {0: 0})
    live = evaluation.LiveEvaluator(evaluation.ScaledClock(minute(base, 1)))
    after = int(minute(base, 1).timestamp()) - 10
    changed = {c.alarm_name for c in live.step(after, after + 10)}
    if minute(base, 1).minute % 5 == 0:
        assert changed == {"minutely", "five-minutely"}
    else:
        assert changed == {"minutely"}


def test_live_thread_evaluates_on_a_fast_clock_and_stops(cw: Any, base: datetime) -> None:
    put_alarm(cw, "errors", EvaluationPeriods=2, DatapointsToAlarm=2)
    put_values(cw, base, "Errors", {0: 3, 1: 4})
    clock = evaluation.ScaledClock(minute(base, 1.9), speed=120.0)  # a minute in 0.5 s
    live = evaluation.start_evaluator(clock, tick=10)
    try:
        assert live.running
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and state(cw, "errors") != "ALARM":
            time.sleep(0.05)
        assert state(cw, "errors") == "ALARM"
        assert live.last_error is None and live.evaluations >= 1
        assert alarm(cw, "errors")["StateTransitionedTimestamp"] == minute(base, 2)
    finally:
        evaluation.stop_evaluator()
    assert not live.running
    evaluation.stop_evaluator()  # idempotent


def test_an_injected_source_replaces_the_metric_store(cw: Any, base: datetime) -> None:
    put_alarm(cw, "errors", EvaluationPeriods=1, DatapointsToAlarm=1)
    asked: list[tuple[Any, ...]] = []

    def fake(region: str, namespace: str, metric: str, dimensions: Any, **kw: Any) -> Any:
        asked.append((region, namespace, metric, dict(dimensions), kw["period"], kw["stat"]))
        return {minute(base, 0): 9.0}

    (change,) = evaluation.evaluate_all(minute(base, 1), source=fake)
    assert change.new == "ALARM"
    assert asked == [(REGION, "AWS/Lambda", "Errors", {"FunctionName": "contact-form"}, 60, "Sum")]
