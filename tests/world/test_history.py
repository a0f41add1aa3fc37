"""DescribeAlarmHistory in the local world, over the wire with boto3, and the backfill API."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from montui.model.alarm import AlarmState
from montui.model.evaluation import AlarmSettings, replay
from montui_world.ext import history, history_api
from montui_world.identity import CLOCK_HEADER, DEMO_ACCOUNT
from montui_world.world import World

REGION = "ap-northeast-1"
TOPIC = f"arn:aws:sns:{REGION}:{DEMO_ACCOUNT}:oncall-page"
ITEM_KEYS = {
    "AlarmName",
    "AlarmType",
    "Timestamp",
    "HistoryItemType",
    "HistorySummary",
    "HistoryData",
}
BOTH = ["MetricAlarm", "CompositeAlarm"]


class Clocked:
    """A CloudWatch client whose requests carry the demo clock header when `at` is set."""

    def __init__(self, endpoint: str) -> None:
        self.client = boto3.client("cloudwatch", region_name=REGION, endpoint_url=endpoint)
        self.at: datetime | None = None
        self.client.meta.events.register("before-sign.cloudwatch", self._stamp)

    def _stamp(self, request: Any, **_: Any) -> None:
        if self.at is not None:
            request.headers[CLOCK_HEADER] = self.at.isoformat()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


@pytest.fixture
def cw(world: World) -> Clocked:
    return Clocked(world.endpoint)


def put_alarm(cw: Any, name: str, **extra: Any) -> None:
    args: dict[str, Any] = {
        "AlarmName": name,
        "Namespace": "AWS/Lambda",
        "MetricName": "Errors",
        "Dimensions": [{"Name": "FunctionName", "Value": "contact-form"}],
        "Statistic": "Sum",
        "Period": 60,
        "EvaluationPeriods": 3,
        "DatapointsToAlarm": 2,
        "Threshold": 1.0,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "AlarmActions": [TOPIC],
        "OKActions": [TOPIC],
    }
    args.update(extra)
    cw.put_metric_alarm(**args)


def items(cw: Any, **params: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = cw.describe_alarm_history(**params)["AlarmHistoryItems"]
    return found


def at(minute: int) -> datetime:
    return datetime(2026, 11, 20, 10, 0, tzinfo=UTC) + timedelta(minutes=minute)


def test_creation_is_a_configuration_update_with_the_documented_shape(cw: Clocked) -> None:
    cw.at = at(0)
    put_alarm(cw, "errors", AlarmDescription="Contact form errors")
    (item,) = items(cw, AlarmName="errors")
    assert set(item) == ITEM_KEYS
    assert item["AlarmType"] == "MetricAlarm"
    assert item["HistoryItemType"] == "ConfigurationUpdate"
    assert item["HistorySummary"] == 'Alarm "errors" created'
    assert item["Timestamp"] == at(0)
    data = json.loads(item["HistoryData"])
    assert list(data)[:2] == ["type", "version"]
    assert data["type"] == "Create" and data["version"] == "1.0"
    created = data["createdAlarm"]
    assert created["alarmName"] == "errors"
    assert created["alarmArn"] == f"arn:aws:cloudwatch:{REGION}:{DEMO_ACCOUNT}:alarm:errors"
    assert created["alarmDescription"] == "Contact form errors"
    assert created["okActions"] == [TOPIC] and created["alarmActions"] == [TOPIC]
    assert created["dimensions"] == [{"name": "FunctionName", "value": "contact-form"}]
    assert created["evaluationPeriods"] == 3 and created["datapointsToAlarm"] == 2
    assert created["threshold"] == 1.0 and created["period"] == 60
    assert created["timestamp"] == "2026-11-20T10:00:00.000+0000"
    assert not any(key.startswith("state") for key in created)


def test_update_keeps_state_and_records_updated_alarm(cw: Clocked) -> None:
    cw.at = at(0)
    put_alarm(cw, "errors")
    cw.at = at(5)
    put_alarm(cw, "errors", Threshold=5.0)
    newest, oldest = items(cw, AlarmName="errors")
    assert oldest["HistorySummary"] == 'Alarm "errors" created'
    assert newest["HistorySummary"] == 'Alarm "errors" updated'
    data = json.loads(newest["HistoryData"])
    assert data["type"] == "Update" and data["updatedAlarm"]["threshold"] == 5.0
    assert not items(cw, AlarmName="errors", HistoryItemType="StateUpdate")


def test_set_alarm_state_records_the_transition_then_its_actions(cw: Clocked) -> None:
    cw.at = at(0)
    put_alarm(cw, "errors")
    cw.at = at(1)
    reason_data = json.dumps({"version": "1.0", "recentDatapoints": [3.0]})
    cw.set_alarm_state(
        AlarmName="errors", StateValue="ALARM", StateReason="test", StateReasonData=reason_data
    )
    action, update, _created = items(cw, AlarmName="errors")
    assert update["HistoryItemType"] == "StateUpdate"
    assert update["HistorySummary"] == "Alarm updated from INSUFFICIENT_DATA to ALARM"
    assert update["Timestamp"] == at(1)
    data = json.loads(update["HistoryData"])
    assert data == {
        "version": "1.0",
        "oldState": {
            "stateValue": "INSUFFICIENT_DATA",
            "stateReason": "Unchecked: Initial alarm creation",
        },
        "newState": {
            "stateValue": "ALARM",
            "stateReason": "test",
            "stateReasonData": {"version": "1.0", "recentDatapoints": [3.0]},
        },
    }
    assert action["HistoryItemType"] == "Action"
    assert action["HistorySummary"] == f"Successfully executed action {TOPIC}"
    action_data = json.loads(action["HistoryData"])
    assert action_data["actionState"] == "Succeeded"
    assert action_data["notificationResource"] == TOPIC
    assert action_data["stateUpdateTimestamp"] == int(at(1).timestamp() * 1000)
    message = json.loads(action_data["publishedMessage"])
    assert message["AlarmName"] == "errors"
    assert message["NewStateValue"] == "ALARM" and message["OldStateValue"] == "INSUFFICIENT_DATA"
    assert message["NewStateReason"] == "test"
    assert message["Trigger"]["MetricName"] == "Errors"


def test_same_state_and_disabled_actions_record_no_action(cw: Clocked) -> None:
    put_alarm(cw, "quiet", ActionsEnabled=False)
    cw.set_alarm_state(AlarmName="quiet", StateValue="ALARM", StateReason="one")
    cw.set_alarm_state(AlarmName="quiet", StateValue="ALARM", StateReason="again")
    kinds = [i["HistoryItemType"] for i in items(cw, AlarmName="quiet")]
    assert kinds == ["StateUpdate", "ConfigurationUpdate"]
    # OK has no action on an alarm with AlarmActions only
    put_alarm(cw, "ticket", OKActions=[])
    cw.set_alarm_state(AlarmName="ticket", StateValue="OK", StateReason="fine")
    assert not items(cw, AlarmName="ticket", HistoryItemType="Action")


def test_composite_rederivation_is_in_the_composite_history(cw: Clocked) -> None:
    put_alarm(cw, "errors")
    cw.at = at(0)
    cw.put_composite_alarm(AlarmName="down", AlarmRule="ALARM(errors)", AlarmActions=[TOPIC])
    cw.at = at(3)
    cw.set_alarm_state(AlarmName="errors", StateValue="ALARM", StateReason="test")
    assert items(cw, AlarmName="down") == []  # AlarmTypes absent: metric alarms only
    found = items(cw, AlarmName="down", AlarmTypes=["CompositeAlarm"])
    summaries = [(i["HistoryItemType"], i["HistorySummary"]) for i in found]
    assert summaries == [
        ("Action", f"Successfully executed action {TOPIC}"),
        ("StateUpdate", "Alarm updated from OK to ALARM"),
        ("StateUpdate", "Alarm updated from INSUFFICIENT_DATA to OK"),
        ("ConfigurationUpdate", 'Alarm "down" created'),
    ]
    assert {i["AlarmType"] for i in found} == {"CompositeAlarm"}
    new_state = json.loads(found[1]["HistoryData"])["newState"]
    assert new_state["stateReasonData"]["triggeringAlarms"][0]["state"]["value"] == "ALARM"
    created = json.loads(found[3]["HistoryData"])["createdAlarm"]
    assert created["alarmRule"] == "ALARM(errors)"


def test_suppressed_composite_executes_no_action(cw: Clocked) -> None:
    put_alarm(cw, "errors")
    put_alarm(cw, "maintenance")
    cw.set_alarm_state(AlarmName="maintenance", StateValue="ALARM", StateReason="window")
    cw.put_composite_alarm(
        AlarmName="down",
        AlarmRule="ALARM(errors)",
        AlarmActions=[TOPIC],
        ActionsSuppressor="maintenance",
        ActionsSuppressorWaitPeriod=60,
        ActionsSuppressorExtensionPeriod=60,
    )
    cw.set_alarm_state(AlarmName="errors", StateValue="ALARM", StateReason="test")
    kinds = [i["HistoryItemType"] for i in items(cw, AlarmTypes=["CompositeAlarm"])]
    assert "Action" not in kinds and "StateUpdate" in kinds


def test_filters_combine(cw: Clocked) -> None:
    for minute, name in enumerate(("a", "b")):
        cw.at = at(minute)
        put_alarm(cw, name)
    for minute in range(2, 6):
        cw.at = at(minute)
        state = "ALARM" if minute % 2 == 0 else "OK"
        cw.set_alarm_state(AlarmName="a", StateValue=state, StateReason=f"m{minute}")
    updates = items(cw, AlarmName="a", HistoryItemType="StateUpdate")
    assert [i["Timestamp"] for i in updates] == [at(5), at(4), at(3), at(2)]
    window = items(cw, HistoryItemType="StateUpdate", StartDate=at(3), EndDate=at(4), AlarmName="a")
    assert [i["Timestamp"] for i in window] == [at(4), at(3)]
    ascending = items(cw, ScanBy="TimestampAscending", HistoryItemType="ConfigurationUpdate")
    assert [i["AlarmName"] for i in ascending] == ["a", "b"]
    assert {i["AlarmName"] for i in items(cw, AlarmName="b")} == {"b"}
    assert items(cw, AlarmTypes=BOTH, HistoryItemType="Action", AlarmName="b") == []


def test_paging_with_max_records_and_next_token(cw: Clocked) -> None:
    for minute in range(7):
        cw.at = at(minute)
        put_alarm(cw, f"alarm-{minute}")
    for scan in ("TimestampDescending", "TimestampAscending"):
        seen: list[str] = []
        token: str | None = None
        while True:
            extra: dict[str, str] = {"NextToken": token} if token else {}
            page = cw.describe_alarm_history(MaxRecords=3, ScanBy=scan, **extra)
            assert len(page["AlarmHistoryItems"]) <= 3
            seen.extend(i["AlarmName"] for i in page["AlarmHistoryItems"])
            token = page.get("NextToken")
            if not token:
                break
        expected = [f"alarm-{m}" for m in range(7)]
        assert seen == (expected[::-1] if scan == "TimestampDescending" else expected)
    paginated = cw.get_paginator("describe_alarm_history").paginate(
        PaginationConfig={"PageSize": 2}
    )
    assert sum(len(p["AlarmHistoryItems"]) for p in paginated) == 7
    assert "NextToken" not in cw.describe_alarm_history(MaxRecords=7)


def test_default_page_is_a_hundred(cw: Clocked) -> None:
    put_alarm(cw, "busy")
    for n in range(60):
        cw.set_alarm_state(
            AlarmName="busy", StateValue="ALARM" if n % 2 == 0 else "OK", StateReason=str(n)
        )
    first = cw.describe_alarm_history(AlarmName="busy")
    assert len(first["AlarmHistoryItems"]) == 100 and "NextToken" in first
    rest = cw.describe_alarm_history(AlarmName="busy", NextToken=first["NextToken"])
    assert len(rest["AlarmHistoryItems"]) == 1 + 60 + 60 - 100


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"MaxRecords": 0}, "ValidationError"),
        ({"MaxRecords": 101}, "ValidationError"),
        ({"NextToken": "not-a-token"}, "InvalidNextToken"),
    ],
)
def test_bad_requests_are_refused(world: World, params: dict[str, Any], code: str) -> None:
    unchecked = Config(parameter_validation=False)
    cw = boto3.client(
        "cloudwatch", region_name=REGION, endpoint_url=world.endpoint, config=unchecked
    )
    with pytest.raises(ClientError) as raised:
        cw.describe_alarm_history(**params)
    assert raised.value.response["Error"]["Code"] == code


def test_history_outlives_the_alarm(cw: Clocked) -> None:
    cw.at = at(0)
    put_alarm(cw, "gone")
    cw.at = at(9)
    cw.delete_alarms(AlarmNames=["gone"])
    deleted, created = items(cw, AlarmName="gone")
    assert deleted["HistorySummary"] == 'Alarm "gone" deleted'
    assert deleted["Timestamp"] == at(9)
    data = json.loads(deleted["HistoryData"])
    assert data["type"] == "Delete" and data["deletedAlarm"]["alarmName"] == "gone"
    assert created["HistorySummary"] == 'Alarm "gone" created'


def backend_alarm(name: str) -> Any:
    from moto.cloudwatch.models import cloudwatch_backends

    return cloudwatch_backends[DEMO_ACCOUNT][REGION].alarms[name]


def test_backfill_with_explicit_times(cw: Clocked) -> None:
    put_alarm(cw, "errors")
    alarm = backend_alarm("errors")
    old = history.StateRecord("OK", "fine")
    new = history.StateRecord("ALARM", "broken", '{"version":"1.0"}')
    added = history.record_state_change(alarm, old, new, at=at(-600))
    assert [i.item_type for i in added] == ["StateUpdate", "Action"]
    assert history.record_state_change(alarm, new, new, at=at(-500)) == []
    oldest = items(cw, AlarmName="errors", ScanBy="TimestampAscending")[0]
    assert oldest["Timestamp"] == at(-600)
    assert json.loads(oldest["HistoryData"])["newState"]["stateReasonData"] == {"version": "1.0"}


def test_backfill_from_a_replay_words_lazily(cw: Clocked) -> None:
    put_alarm(cw, "errors", OKActions=[], AlarmActions=[])
    alarm = backend_alarm("errors")
    settings = AlarmSettings(
        threshold=1.0,
        comparison="GreaterThanOrEqualToThreshold",
        period=60,
        evaluation_periods=3,
        datapoints_to_alarm=2,
    )
    start = at(-60).replace(tzinfo=None)
    points = {start + timedelta(minutes=m): (5.0 if 10 <= m < 20 else 0.0) for m in range(60)}
    result = replay(settings, points, start, start + timedelta(minutes=59))
    previous = history.StateRecord(AlarmState.INSUFFICIENT_DATA.value)
    for moment, _state, evaluation in result.transitions:
        new = history.StateRecord.from_evaluation(evaluation)
        history.record_state_change(alarm, previous, new, at=moment)
        previous = new
    found = items(cw, AlarmName="errors", HistoryItemType="StateUpdate")
    assert [i["HistorySummary"] for i in found] == [
        "Alarm updated from ALARM to OK",
        "Alarm updated from OK to ALARM",
        "Alarm updated from INSUFFICIENT_DATA to OK",
    ]
    firing = json.loads(found[1]["HistoryData"])["newState"]
    assert firing["stateReason"].startswith("Threshold Crossed: 2 out of the last 3 datapoints")
    assert firing["stateReasonData"]["evaluatedDatapoints"][0]["value"] == 5.0


def test_install_is_idempotent(world: World) -> None:
    from moto.cloudwatch.responses import CloudWatchResponse

    handler = vars(CloudWatchResponse)["describe_alarm_history"]
    history_api.install()
    assert vars(CloudWatchResponse)["describe_alarm_history"] is handler
