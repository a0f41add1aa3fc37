"""alarm_from_api: DescribeAlarms records (hand-written, as AWS documents them) to `Alarm`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from montui.model.alarm import Alarm, AlarmKind, AlarmState
from montui.sources.cloudwatch import alarm_from_api

REGION = "ap-northeast-1"
OTHER = "us-east-1"

JST = timezone(timedelta(hours=9))


def test_composite_alarm_from_api() -> None:
    data = {
        "AlarmName": "checkout-degraded",
        "AlarmArn": "arn:aws:cloudwatch:ap-northeast-1:123456789012:alarm:checkout-degraded",
        "AlarmDescription": "checkout is failing",
        "AlarmRule": 'ALARM("checkout-5xx") OR\n  ALARM("checkout-latency-p99")',
        "ActionsEnabled": False,
        "AlarmActions": ["arn:aws:sns:ap-northeast-1:123456789012:oncall"],
        "OKActions": [],
        "InsufficientDataActions": [],
        "StateValue": "ALARM",
        "StateReason": "checkout-5xx transitioned to ALARM",
        "StateReasonData": '{"triggeringAlarms": []}',
        "StateUpdatedTimestamp": datetime(2026, 3, 1, 12, 5, tzinfo=JST),
        "StateTransitionedTimestamp": datetime(2026, 3, 1, 12, 0, tzinfo=JST),
        "AlarmConfigurationUpdatedTimestamp": "2026-02-01T00:00:00Z",
        "ActionsSuppressor": "maintenance-window",
        "ActionsSuppressorWaitPeriod": 120,
        "ActionsSuppressorExtensionPeriod": 60,
        "ActionsSuppressedBy": "Alarm",
        "ActionsSuppressedReason": "Alarm maintenance-window is in ALARM state",
    }
    alarm = alarm_from_api(data, REGION, AlarmKind.COMPOSITE)
    assert alarm == Alarm(
        name="checkout-degraded",
        region=REGION,
        account="123456789012",
        kind=AlarmKind.COMPOSITE,
        state=AlarmState.ALARM,
        state_updated=datetime(2026, 3, 1, 3, 5, tzinfo=UTC),
        state_reason="checkout-5xx transitioned to ALARM",
        state_reason_data='{"triggeringAlarms": []}',
        arn="arn:aws:cloudwatch:ap-northeast-1:123456789012:alarm:checkout-degraded",
        description="checkout is failing",
        actions_enabled=False,
        alarm_actions=("arn:aws:sns:ap-northeast-1:123456789012:oncall",),
        configuration_updated=datetime(2026, 2, 1, tzinfo=UTC),
        alarm_rule='ALARM("checkout-5xx") OR\n  ALARM("checkout-latency-p99")',
        actions_suppressor="maintenance-window",
        actions_suppressed_by="Alarm",
        actions_suppressed_reason="Alarm maintenance-window is in ALARM state",
    )
    assert alarm.state_transitioned == datetime(2026, 3, 1, 3, 0, tzinfo=UTC)
    assert alarm.state_transitioned is not None and alarm.state_transitioned.tzinfo is UTC
    assert alarm.in_state_since == datetime(2026, 3, 1, 3, 0, tzinfo=UTC)
    assert alarm.metric is None and alarm.metrics == ()
    assert alarm.watches() == 'composite: ALARM("checkout-5xx") OR ALARM("checkout-latency-p99")'


def test_minimal_composite_alarm() -> None:
    data = {
        "AlarmName": "c",
        "AlarmRule": "TRUE",
        "StateValue": "OK",
        "StateUpdatedTimestamp": 1_700_000_000,
    }
    alarm = alarm_from_api(data, OTHER, AlarmKind.COMPOSITE)
    assert alarm.actions_enabled is True
    assert alarm.actions_suppressor is None
    assert alarm.state_updated == datetime.fromtimestamp(1_700_000_000, UTC)
    assert alarm.state_transitioned is None


def test_naive_timestamps_are_taken_as_utc() -> None:
    data = {"AlarmName": "n", "StateValue": "OK", "StateUpdatedTimestamp": datetime(2026, 1, 1)}
    alarm = alarm_from_api(data, REGION, AlarmKind.METRIC)
    assert alarm.state_updated == datetime(2026, 1, 1, tzinfo=UTC)


def test_return_data_defaults_to_true_and_expression_period() -> None:
    data = {
        "AlarmName": "m",
        "StateValue": "INSUFFICIENT_DATA",
        "StateUpdatedTimestamp": datetime(2026, 1, 1, tzinfo=UTC),
        "ThresholdMetricId": "band",
        "ComparisonOperator": "LessThanLowerOrGreaterThanUpperThreshold",
        "Metrics": [
            {
                "Id": "m1",
                "MetricStat": {
                    "Metric": {"Namespace": "AWS/EC2", "MetricName": "CPUUtilization"},
                    "Period": 60,
                    "Stat": "p90",
                },
            },
            {"Id": "band", "Expression": "ANOMALY_DETECTION_BAND(m1, 2)", "Period": 60},
        ],
    }
    alarm = alarm_from_api(data, REGION, AlarmKind.METRIC)
    m1, band = alarm.metrics
    assert m1.return_data is True and band.return_data is True
    assert m1.stat == "p90" and m1.period == 60
    assert band.period == 60 and band.metric is None
    assert alarm.threshold_metric_id == "band"
    assert alarm.threshold is None
    assert alarm.returned_query == m1
    assert alarm.state is AlarmState.INSUFFICIENT_DATA


def test_unknown_state_is_shown_as_insufficient_data() -> None:
    data = {"AlarmName": "x", "StateValue": "PARTIAL", "StateUpdatedTimestamp": datetime.now(UTC)}
    assert alarm_from_api(data, REGION, AlarmKind.METRIC).state is AlarmState.INSUFFICIENT_DATA
