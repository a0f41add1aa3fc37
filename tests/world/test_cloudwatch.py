"""montui's CloudWatch extension to moto, exercised over the wire with boto3 (CBOR protocol)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from montui_world.ext import cloudwatch as cw_ext
from montui_world.identity import CLOCK_HEADER, DEMO_ACCOUNT
from montui_world.world import World

REGION = "ap-northeast-1"


@pytest.fixture
def cw(world: World) -> Any:
    return boto3.client("cloudwatch", region_name=REGION, endpoint_url=world.endpoint)


def put_metric_alarm(cw: Any, name: str, **extra: Any) -> None:
    args: dict[str, Any] = {
        "AlarmName": name,
        "Namespace": "AWS/Lambda",
        "MetricName": "Errors",
        "Dimensions": [{"Name": "FunctionName", "Value": name}],
        "Statistic": "Sum",
        "Period": 60,
        "EvaluationPeriods": 1,
        "Threshold": 1.0,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
    }
    args.update(extra)
    cw.put_metric_alarm(**{k: v for k, v in args.items() if v is not None})


def set_state(cw: Any, name: str, state: str) -> None:
    cw.set_alarm_state(AlarmName=name, StateValue=state, StateReason=f"test: {state}")


def composite(cw: Any, name: str) -> dict[str, Any]:
    found = cw.describe_alarms(AlarmNames=[name], AlarmTypes=["CompositeAlarm"])
    alarm: dict[str, Any]
    (alarm,) = found["CompositeAlarms"]
    return alarm


def metric(cw: Any, name: str) -> dict[str, Any]:
    alarm: dict[str, Any]
    (alarm,) = cw.describe_alarms(AlarmNames=[name])["MetricAlarms"]
    return alarm


def test_install_is_idempotent(world: World) -> None:
    from moto.cloudwatch.responses import CloudWatchResponse

    handler = CloudWatchResponse.put_metric_alarm
    cw_ext.install()
    cw_ext.install()
    assert CloudWatchResponse.put_metric_alarm is handler


# --- composite alarms ------------------------------------------------------------------------


def test_put_composite_alarm_is_listed_with_the_documented_shape(cw: Any) -> None:
    put_metric_alarm(cw, "errors")
    put_metric_alarm(cw, "api-5xx")
    topic = f"arn:aws:sns:{REGION}:{DEMO_ACCOUNT}:oncall"
    cw.put_composite_alarm(
        AlarmName="site-down",
        AlarmRule='ALARM("errors") OR ALARM(api-5xx)',
        AlarmDescription="The contact form is down",
        AlarmActions=[topic],
        OKActions=[topic],
        ActionsSuppressor="errors",
        ActionsSuppressorWaitPeriod=120,
        ActionsSuppressorExtensionPeriod=180,
    )
    alarm = composite(cw, "site-down")
    assert alarm["AlarmArn"] == f"arn:aws:cloudwatch:{REGION}:{DEMO_ACCOUNT}:alarm:site-down"
    assert alarm["AlarmRule"] == 'ALARM("errors") OR ALARM(api-5xx)'
    assert alarm["AlarmDescription"] == "The contact form is down"
    assert alarm["ActionsEnabled"] is True
    assert alarm["AlarmActions"] == [topic]
    assert alarm["OKActions"] == [topic]
    assert alarm["InsufficientDataActions"] == []
    assert alarm["ActionsSuppressor"] == "errors"
    assert alarm["ActionsSuppressorWaitPeriod"] == 120
    assert alarm["ActionsSuppressorExtensionPeriod"] == 180
    for key in (
        "AlarmConfigurationUpdatedTimestamp",
        "StateUpdatedTimestamp",
        "StateTransitionedTimestamp",
    ):
        assert isinstance(alarm[key], datetime)
    assert isinstance(alarm["StateReason"], str)
    json.loads(alarm["StateReasonData"])
    # Children are INSUFFICIENT_DATA: the rule is false, so the composite is evaluated to OK
    # right away (INSUFFICIENT_DATA only exists for a composite before its first evaluation).
    assert alarm["StateValue"] == "OK"
    # No metric-alarm keys leak into a composite record.
    assert not {"MetricName", "Namespace", "Threshold", "Metrics"} & alarm.keys()


def test_composite_follows_children_through_or(cw: Any) -> None:
    put_metric_alarm(cw, "errors")
    put_metric_alarm(cw, "api-5xx")
    cw.put_composite_alarm(AlarmName="down", AlarmRule="ALARM(errors) OR ALARM(api-5xx)")
    set_state(cw, "errors", "ALARM")
    alarm = composite(cw, "down")
    assert alarm["StateValue"] == "ALARM"
    child_arn = f"arn:aws:cloudwatch:{REGION}:{DEMO_ACCOUNT}:alarm:errors"
    assert alarm["StateReason"].startswith(f"{child_arn} transitioned to ALARM at ")
    assert alarm["StateReason"].endswith(" UTC")
    data = json.loads(alarm["StateReasonData"])
    assert data["triggeringAlarms"][0]["arn"] == child_arn
    assert data["triggeringAlarms"][0]["state"]["value"] == "ALARM"
    set_state(cw, "api-5xx", "ALARM")
    set_state(cw, "errors", "OK")
    assert composite(cw, "down")["StateValue"] == "ALARM"
    set_state(cw, "api-5xx", "OK")
    assert composite(cw, "down")["StateValue"] == "OK"


def test_composite_follows_children_through_and_not(cw: Any) -> None:
    for name in ("cpu", "disk", "deploying"):
        put_metric_alarm(cw, name)
    cw.put_composite_alarm(
        AlarmName="pressure",
        AlarmRule="(ALARM(cpu) AND ALARM(disk)) AND NOT ALARM(deploying)",
    )
    set_state(cw, "cpu", "ALARM")
    assert composite(cw, "pressure")["StateValue"] == "OK"
    set_state(cw, "disk", "ALARM")
    assert composite(cw, "pressure")["StateValue"] == "ALARM"
    set_state(cw, "deploying", "ALARM")
    assert composite(cw, "pressure")["StateValue"] == "OK"
    set_state(cw, "deploying", "OK")
    assert composite(cw, "pressure")["StateValue"] == "ALARM"


def test_composite_of_composites_and_ok_insufficient_functions(cw: Any) -> None:
    put_metric_alarm(cw, "a")
    put_metric_alarm(cw, "b")
    cw.put_composite_alarm(AlarmName="inner", AlarmRule="INSUFFICIENT_DATA(a) OR OK(b)")
    cw.put_composite_alarm(AlarmName="outer", AlarmRule="ALARM(inner)")
    assert composite(cw, "inner")["StateValue"] == "ALARM"  # a is INSUFFICIENT_DATA
    assert composite(cw, "outer")["StateValue"] == "ALARM"
    set_state(cw, "a", "OK")
    assert composite(cw, "inner")["StateValue"] == "OK"
    assert composite(cw, "outer")["StateValue"] == "OK"
    set_state(cw, "b", "OK")
    assert composite(cw, "outer")["StateValue"] == "ALARM"


def test_put_metric_alarm_on_a_child_reevaluates_parents_and_keeps_state(cw: Any) -> None:
    put_metric_alarm(cw, "a")
    cw.put_composite_alarm(AlarmName="c", AlarmRule="ALARM(a)")
    set_state(cw, "a", "ALARM")
    put_metric_alarm(cw, "a", Threshold=5.0)  # an update keeps the state (AWS documents it)
    assert metric(cw, "a")["StateValue"] == "ALARM"
    assert metric(cw, "a")["Threshold"] == 5.0
    assert composite(cw, "c")["StateValue"] == "ALARM"


def test_set_alarm_state_on_a_composite_sticks_until_a_child_changes(cw: Any) -> None:
    put_metric_alarm(cw, "a")
    cw.put_composite_alarm(AlarmName="c", AlarmRule="ALARM(a)")
    set_state(cw, "c", "ALARM")
    assert composite(cw, "c")["StateValue"] == "ALARM"
    set_state(cw, "a", "OK")
    assert composite(cw, "c")["StateValue"] == "OK"


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("ALARM(a) AND", "Error in AlarmRule"),
        ("ALARM(missing) OR ALARM(a)", "alarms [missing] in the alarm rule do not exist"),
        ("   ", "AlarmRule"),
    ],
)
def test_put_composite_alarm_rejects_bad_rules(cw: Any, rule: str, message: str) -> None:
    put_metric_alarm(cw, "a")
    with pytest.raises(ClientError) as caught:
        cw.put_composite_alarm(AlarmName="c", AlarmRule=rule)
    assert caught.value.response["Error"]["Code"] == "ValidationError"
    assert message in caught.value.response["Error"]["Message"]


def test_composite_rule_may_reference_children_by_arn(cw: Any) -> None:
    put_metric_alarm(cw, "a")
    arn = f"arn:aws:cloudwatch:{REGION}:{DEMO_ACCOUNT}:alarm:a"
    cw.put_composite_alarm(AlarmName="c", AlarmRule=f'ALARM("{arn}")')
    set_state(cw, "a", "ALARM")
    assert composite(cw, "c")["StateValue"] == "ALARM"


# --- DescribeAlarms ----------------------------------------------------------------------------


def test_alarm_types_absent_means_metric_alarms_only(cw: Any) -> None:
    put_metric_alarm(cw, "m")
    cw.put_composite_alarm(AlarmName="c", AlarmRule="ALARM(m)")
    plain = cw.describe_alarms()
    assert [a["AlarmName"] for a in plain["MetricAlarms"]] == ["m"]
    assert plain["CompositeAlarms"] == []
    only_composite = cw.describe_alarms(AlarmTypes=["CompositeAlarm"])
    assert only_composite["MetricAlarms"] == []
    assert [a["AlarmName"] for a in only_composite["CompositeAlarms"]] == ["c"]
    both = cw.describe_alarms(AlarmTypes=["MetricAlarm", "CompositeAlarm"])
    assert len(both["MetricAlarms"]) == len(both["CompositeAlarms"]) == 1


def test_metric_alarm_record_shape(cw: Any) -> None:
    put_metric_alarm(cw, "single", ExtendedStatistic="p95", Statistic=None)
    cw.put_metric_alarm(
        AlarmName="rate",
        EvaluationPeriods=1,
        Threshold=10.0,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        Metrics=[
            {"Id": "rate", "Expression": "100*(e/i)", "Label": "Error rate", "ReturnData": True},
            {
                "Id": "e",
                "ReturnData": False,
                "MetricStat": {
                    "Metric": {
                        "Namespace": "AWS/Lambda",
                        "MetricName": "Errors",
                        "Dimensions": [{"Name": "FunctionName", "Value": "f"}],
                    },
                    "Period": 60,
                    "Stat": "Sum",
                },
            },
        ],
    )
    single = metric(cw, "single")
    assert single["ExtendedStatistic"] == "p95"
    assert "Statistic" not in single
    assert "Metrics" not in single
    assert isinstance(single["StateTransitionedTimestamp"], datetime)
    assert single["StateValue"] == "INSUFFICIENT_DATA"
    assert single["StateReason"] == "Unchecked: Initial alarm creation"
    rate = metric(cw, "rate")
    assert rate["Metrics"][0] == {
        "Id": "rate",
        "Expression": "100*(e/i)",
        "Label": "Error rate",
        "ReturnData": True,
    }
    stat = rate["Metrics"][1]["MetricStat"]
    assert stat["Metric"]["Dimensions"] == [{"Name": "FunctionName", "Value": "f"}]
    assert stat["Period"] == 60
    assert stat["Stat"] == "Sum"


def test_filters_combine(cw: Any) -> None:
    page = f"arn:aws:sns:{REGION}:{DEMO_ACCOUNT}:page"
    ticket = f"arn:aws:sns:{REGION}:{DEMO_ACCOUNT}:ticket"
    put_metric_alarm(cw, "shop-a", AlarmActions=[page])
    put_metric_alarm(cw, "shop-b", AlarmActions=[ticket])
    put_metric_alarm(cw, "shop-c", OKActions=[page])
    put_metric_alarm(cw, "blog-a", AlarmActions=[page])
    for name in ("shop-a", "shop-c", "blog-a"):
        set_state(cw, name, "ALARM")

    def names(**kwargs: Any) -> list[str]:
        return [a["AlarmName"] for a in cw.describe_alarms(**kwargs)["MetricAlarms"]]

    assert names(AlarmNamePrefix="shop-", StateValue="ALARM") == ["shop-a", "shop-c"]
    assert names(AlarmNamePrefix="shop-", ActionPrefix=page) == ["shop-a", "shop-c"]
    assert names(StateValue="ALARM", ActionPrefix=page) == ["blog-a", "shop-a", "shop-c"]
    assert names(AlarmNames=["shop-a", "shop-b", "blog-a"], StateValue="ALARM") == [
        "blog-a",
        "shop-a",
    ]
    assert names(AlarmNamePrefix="shop-", StateValue="ALARM", ActionPrefix=page) == [
        "shop-a",
        "shop-c",
    ]
    assert names(AlarmNamePrefix="shop-", StateValue="OK") == []


def test_alarm_names_and_prefix_together_are_refused(cw: Any) -> None:
    with pytest.raises(ClientError) as caught:
        cw.describe_alarms(AlarmNames=["a"], AlarmNamePrefix="a")
    assert caught.value.response["Error"]["Code"] == "InvalidParameterCombination"


def test_children_and_parents_of(cw: Any) -> None:
    for name in ("a", "b", "c"):
        put_metric_alarm(cw, name)
    cw.put_composite_alarm(AlarmName="ab", AlarmRule="ALARM(a) AND ALARM(b)")
    cw.put_composite_alarm(AlarmName="top", AlarmRule="ALARM(ab) OR ALARM(c)")
    kids = cw.describe_alarms(ChildrenOfAlarmName="top")
    assert [a["AlarmName"] for a in kids["MetricAlarms"]] == ["c"]
    assert [a["AlarmName"] for a in kids["CompositeAlarms"]] == ["ab"]
    assert set(kids["CompositeAlarms"][0]) == {
        "AlarmName",
        "AlarmArn",
        "StateValue",
        "StateUpdatedTimestamp",
    }
    parents = cw.describe_alarms(ParentsOfAlarmName="a")
    assert parents["CompositeAlarms"] == [
        {"AlarmName": "ab", "AlarmArn": f"arn:aws:cloudwatch:{REGION}:{DEMO_ACCOUNT}:alarm:ab"}
    ]
    with pytest.raises(ClientError) as caught:
        cw.describe_alarms(ParentsOfAlarmName="a", StateValue="OK")
    assert caught.value.response["Error"]["Code"] == "ValidationError"


def test_paging_250_alarms(cw: Any) -> None:
    expected = [f"alarm-{i:03d}" for i in range(250)]
    for name in reversed(expected):
        put_metric_alarm(cw, name)
    seen: list[str] = []
    sizes: list[int] = []
    kwargs: dict[str, Any] = {"MaxRecords": 100}
    while True:
        page = cw.describe_alarms(**kwargs)
        sizes.append(len(page["MetricAlarms"]))
        seen.extend(a["AlarmName"] for a in page["MetricAlarms"])
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    assert sizes == [100, 100, 50]
    assert seen == expected


def test_default_page_is_50_and_paginator_sees_everything(cw: Any) -> None:
    for i in range(120):
        put_metric_alarm(cw, f"a{i:03d}")
    first = cw.describe_alarms()
    assert len(first["MetricAlarms"]) == 50
    assert "NextToken" in first
    pages = cw.get_paginator("describe_alarms").paginate(PaginationConfig={"PageSize": 7})
    names = [a["AlarmName"] for p in pages for a in p["MetricAlarms"]]
    assert names == [f"a{i:03d}" for i in range(120)]


def test_paging_mixes_metric_and_composite_in_name_order(cw: Any) -> None:
    put_metric_alarm(cw, "b")
    put_metric_alarm(cw, "d")
    cw.put_composite_alarm(AlarmName="a", AlarmRule="ALARM(b)")
    cw.put_composite_alarm(AlarmName="c", AlarmRule="ALARM(d)")
    types = ["MetricAlarm", "CompositeAlarm"]
    first = cw.describe_alarms(AlarmTypes=types, MaxRecords=3)
    assert [a["AlarmName"] for a in first["CompositeAlarms"]] == ["a", "c"]
    assert [a["AlarmName"] for a in first["MetricAlarms"]] == ["b"]
    rest = cw.describe_alarms(AlarmTypes=types, MaxRecords=3, NextToken=first["NextToken"])
    assert [a["AlarmName"] for a in rest["MetricAlarms"]] == ["d"]
    assert "NextToken" not in rest


@pytest.mark.parametrize("max_records", [101, 500])
def test_max_records_above_100_is_refused(cw: Any, max_records: int) -> None:
    with pytest.raises(ClientError) as caught:
        cw.describe_alarms(MaxRecords=max_records)
    assert caught.value.response["Error"]["Code"] == "ValidationError"


def test_invalid_next_token(cw: Any) -> None:
    with pytest.raises(ClientError) as caught:
        cw.describe_alarms(NextToken="not-a-token")
    assert caught.value.response["Error"]["Code"] == "InvalidNextToken"


# --- SetAlarmState and time --------------------------------------------------------------------


def test_set_alarm_state_moves_transition_time_only_on_a_new_value(cw: Any) -> None:
    put_metric_alarm(cw, "a")
    set_state(cw, "a", "ALARM")
    first = metric(cw, "a")
    set_state(cw, "a", "ALARM")
    second = metric(cw, "a")
    assert second["StateTransitionedTimestamp"] == first["StateTransitionedTimestamp"]
    assert second["StateUpdatedTimestamp"] >= first["StateUpdatedTimestamp"]
    set_state(cw, "a", "OK")
    third = metric(cw, "a")
    assert third["StateTransitionedTimestamp"] > first["StateTransitionedTimestamp"]
    assert third["StateTransitionedTimestamp"] == third["StateUpdatedTimestamp"]


def test_demo_clock_header_dates_what_is_recorded(cw: Any) -> None:
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    put_metric_alarm(cw, "a")
    cw.put_composite_alarm(AlarmName="c", AlarmRule="ALARM(a)")

    def add_clock(request: Any, **_: Any) -> None:
        request.headers[CLOCK_HEADER] = at.isoformat()

    cw.meta.events.register("before-sign.cloudwatch.SetAlarmState", add_clock)
    set_state(cw, "a", "ALARM")
    child = metric(cw, "a")
    assert child["StateTransitionedTimestamp"] == at
    parent = composite(cw, "c")
    assert parent["StateTransitionedTimestamp"] == at
    assert parent["StateReason"].endswith("at Friday 02 January, 2026 03:04:05 UTC")
    assert json.loads(parent["StateReasonData"])["triggeringAlarms"][0]["state"] == {
        "value": "ALARM",
        "timestamp": "2026-01-02T03:04:05.000+0000",
    }
    assert datetime.now(UTC) - child["AlarmConfigurationUpdatedTimestamp"] < timedelta(minutes=5)


def test_set_alarm_state_errors(cw: Any) -> None:
    with pytest.raises(ClientError) as caught:
        set_state(cw, "missing", "ALARM")
    assert caught.value.response["Error"]["Code"] == "ResourceNotFound"
    put_metric_alarm(cw, "a")
    with pytest.raises(ClientError) as caught:
        cw.set_alarm_state(AlarmName="a", StateValue="ALARM", StateReason="x", StateReasonData="{")
    assert caught.value.response["Error"]["Code"] == "InvalidFormat"
