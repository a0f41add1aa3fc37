"""alarm_history against the local AWS world and the demo scenario; history_item_from_api."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any, TypedDict

import boto3
import pytest

from montui.model.alarm import AlarmState
from montui.model.history import HistoryKind
from montui.model.place import Place
from montui.sources.errors import EndpointUnreachable
from montui.sources.history import alarm_history, history_item_from_api, region_state_history
from montui.sources.session import AwsClients
from montui.sources.target import AwsTarget
from montui_world.scenario.hitori import INCIDENT
from montui_world.world import World
from tests.conftest import SCENARIO_START, ScenarioWorld

REGION = "ap-northeast-1"
NOISY = "shop-aurora-writer-write-iops"
DOWN = "hitori-contact-form-down"


@pytest.fixture
async def clients(world: World) -> AsyncIterator[AwsClients]:
    async with AwsClients(AwsTarget(None, (REGION,), world.endpoint)) as aws:
        yield aws


def cloudwatch(world: World) -> Any:
    return boto3.client("cloudwatch", region_name=REGION, endpoint_url=world.endpoint)


def put_alarm(cw: Any, name: str) -> None:
    cw.put_metric_alarm(
        AlarmName=name,
        Namespace="Test/App",
        MetricName="Errors",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1.0,
        ComparisonOperator="GreaterThanThreshold",
    )


class Span(TypedDict):
    """`alarm_history`'s start and end."""

    start: datetime
    end: datetime


def span() -> Span:
    now = datetime.now(UTC)
    return {"start": now - timedelta(days=1), "end": now + timedelta(minutes=1)}


async def test_state_updates_newest_first(world: World, clients: AwsClients) -> None:
    cw = cloudwatch(world)
    put_alarm(cw, "errors")
    for state in ("ALARM", "OK", "ALARM"):
        cw.set_alarm_state(AlarmName="errors", StateValue=state, StateReason=f"to {state}")
    items = await alarm_history(
        clients, Place("", REGION), "errors", kinds=[HistoryKind.STATE], **span()
    )
    moves = [(i.old_state, i.new_state) for i in items if i.new_state is not None]
    assert moves[:3] == [
        (AlarmState.OK, AlarmState.ALARM),
        (AlarmState.ALARM, AlarmState.OK),
        (AlarmState.INSUFFICIENT_DATA, AlarmState.ALARM),
    ]
    assert items[0].reason == "to ALARM" and items[0].alarm == "errors"
    assert all(i.kind is HistoryKind.STATE for i in items)
    stamps = [i.timestamp for i in items]
    assert stamps == sorted(stamps, reverse=True)
    assert all(t.tzinfo is not None for t in stamps)


async def test_every_page_and_every_kind(world: World, clients: AwsClients) -> None:
    cw = cloudwatch(world)
    put_alarm(cw, "busy")
    for i in range(130):
        cw.set_alarm_state(
            AlarmName="busy", StateValue="ALARM" if i % 2 == 0 else "OK", StateReason=str(i)
        )
    items = await alarm_history(clients, Place("", REGION), "busy", **span())
    states = [i for i in items if i.kind is HistoryKind.STATE]
    assert len(states) == 130  # more than one page of 100
    assert any(i.kind is HistoryKind.CONFIGURATION for i in items)
    only_config = await alarm_history(
        clients, Place("", REGION), "busy", kinds=[HistoryKind.CONFIGURATION], **span()
    )
    assert only_config and all(i.kind is HistoryKind.CONFIGURATION for i in only_config)


async def test_composite_needs_its_alarm_type(world: World, clients: AwsClients) -> None:
    cw = cloudwatch(world)
    put_alarm(cw, "child")
    cw.put_composite_alarm(AlarmName="parent", AlarmRule='ALARM("child")')
    cw.set_alarm_state(AlarmName="parent", StateValue="ALARM", StateReason="child fired")
    as_metric = await alarm_history(clients, Place("", REGION), "parent", **span())
    assert as_metric == ()
    items = await alarm_history(clients, Place("", REGION), "parent", composite=True, **span())
    assert any(i.new_state is AlarmState.ALARM for i in items)


async def test_one_region_stream_of_every_alarms_state_updates(
    world: World, clients: AwsClients
) -> None:
    """The review's stream: no AlarmName, metric and composite alarms, state updates only,
    oldest first, every page (more than 100 items)."""
    from montui_world.clock import WORLD_CLOCK

    moment = [datetime(2026, 11, 20, tzinfo=UTC)]
    WORLD_CLOCK.follow(lambda: moment[0])
    try:
        cw = cloudwatch(world)
        for name in ("a", "b"):
            put_alarm(cw, name)
        cw.put_composite_alarm(AlarmName="both", AlarmRule='ALARM("a") AND ALARM("b")')
        for i in range(60):
            moment[0] += timedelta(minutes=1)
            for name in ("a", "b"):
                state = "ALARM" if i % 2 == 0 else "OK"
                cw.set_alarm_state(AlarmName=name, StateValue=state, StateReason=str(i))
        cw.set_alarm_state(AlarmName="both", StateValue="ALARM", StateReason="both")
        start, end = datetime(2026, 11, 19, tzinfo=UTC), moment[0] + timedelta(minutes=1)
        items = await region_state_history(clients, Place("", REGION), start=start, end=end)
    finally:
        WORLD_CLOCK.reset()
    metric_updates = [i for i in items if i.alarm in ("a", "b")]
    assert len(metric_updates) == 120 and len(items) > 120  # pages of 100; the composite's too
    assert {i.alarm for i in items} == {"a", "b", "both"}
    assert all(i.kind is HistoryKind.STATE and i.region == REGION for i in items)
    assert [i.timestamp for i in items] == sorted(i.timestamp for i in items)


async def test_errors_are_mapped() -> None:
    dead = AwsTarget(None, (REGION,), "http://127.0.0.1:9")
    async with AwsClients(dead) as aws:
        with pytest.raises(EndpointUnreachable) as caught:
            await alarm_history(aws, Place("", REGION), "x", **span())
    assert caught.value.service == "cloudwatch"


async def test_the_scenario_history(scenario_world: ScenarioWorld) -> None:
    scenario = scenario_world.at(timedelta(minutes=20))
    start = scenario.plan.incident_start
    async with AwsClients(AwsTarget(None, (REGION,), scenario_world.endpoint)) as aws:
        noisy = await alarm_history(
            aws,
            Place("", REGION),
            NOISY,
            start=SCENARIO_START - timedelta(days=14),
            end=SCENARIO_START,
            kinds=[HistoryKind.STATE],
        )
        down = await alarm_history(
            aws,
            Place("", REGION),
            DOWN,
            composite=True,
            start=start,
            end=start + timedelta(minutes=20),
            kinds=[HistoryKind.STATE],
        )
    fired = [i.timestamp for i in noisy if i.new_state is AlarmState.ALARM]
    assert len({(SCENARIO_START - t).days for t in fired}) >= 7  # every night
    (first,) = [i for i in down if i.new_state is AlarmState.ALARM]
    assert first.old_state is AlarmState.OK
    assert f":alarm:{INCIDENT.alarms[0]} transitioned to ALARM at" in first.reason
    assert first.timestamp == start + timedelta(minutes=1)


# Pure -------------------------------------------------------------------------------------------


def test_history_item_from_api() -> None:
    moment = datetime(2026, 11, 20, 17, 1, tzinfo=UTC)
    data = {
        "version": "1.0",
        "oldState": {"stateValue": "OK", "stateReason": "fine"},
        "newState": {"stateValue": "ALARM", "stateReason": "Threshold Crossed"},
    }
    item = history_item_from_api(
        {
            "AlarmName": "a",
            "Timestamp": moment.replace(tzinfo=None),
            "HistoryItemType": "StateUpdate",
            "HistorySummary": "Alarm updated from OK to ALARM",
            "HistoryData": json.dumps(data),
        }
    )
    assert item is not None
    assert (item.old_state, item.new_state) == (AlarmState.OK, AlarmState.ALARM)
    assert item.reason == "Threshold Crossed" and item.timestamp == moment
    broken = history_item_from_api(
        {
            "AlarmName": "a",
            "Timestamp": moment,
            "HistoryItemType": "StateUpdate",
            "HistoryData": "{",
        }
    )
    assert broken is not None and broken.new_state is None and broken.data == "{"
    action = history_item_from_api(
        {"AlarmName": "a", "Timestamp": "2026-11-20T17:01:00Z", "HistoryItemType": "Action"}
    )
    assert action is not None and action.kind is HistoryKind.ACTION and action.old_state is None
    assert history_item_from_api({"HistoryItemType": "AlarmContributorStateUpdate"}) is None
