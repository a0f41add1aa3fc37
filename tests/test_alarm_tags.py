"""Alarm tags as a source of response patterns: the source against the world (as AWS
answers ListTagsForResource), and the triage screen reading them only when configured."""

from __future__ import annotations

import boto3
from textual.pilot import Pilot

from montui.config import Settings
from montui.model.alarm import AlarmState
from montui.model.metadata import ResponsePattern
from montui.model.place import Place
from montui.model.records import replace
from montui.model.signals import TriageRules
from montui.sources.cloudwatch import alarm_tags, describe_alarms
from montui.sources.session import AwsClients
from montui.sources.target import AwsTarget
from montui.ui.app import MontuiApp
from montui.ui.screens.triage import TriageScreen
from montui_world.world import World
from tests.fakes import FakeAlarms, fake_feeds, frozen_clock, make_alarm
from tests.fakes.alarm_tags import FakeAlarmTags
from tests.triage_data import TOKYO

PLACE = Place("", TOKYO)


async def test_alarm_tags_from_the_world_through_the_read_only_clients(world: World) -> None:
    cw = boto3.client("cloudwatch", region_name=TOKYO, endpoint_url=world.endpoint)
    cw.put_metric_alarm(
        AlarmName="paged", Namespace="Test/App", MetricName="Errors", Statistic="Sum",
        Period=60, EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold",
        Tags=[{"Key": "Severity", "Value": "P1"}, {"Key": "Team", "Value": "web"}],
    )  # fmt: skip
    async with AwsClients(AwsTarget(None, (TOKYO,), world.endpoint)) as clients:
        (alarm,) = await describe_alarms(clients, PLACE)
        assert await alarm_tags(clients, PLACE, alarm.arn) == {"Severity": "P1", "Team": "web"}


async def until(pilot: Pilot[None], done: object, rounds: int = 200) -> None:
    for _ in range(rounds):
        if callable(done) and done():
            return
        await pilot.pause()
    raise AssertionError("condition not reached")


def _app(tags: FakeAlarmTags, rules: TriageRules) -> MontuiApp:
    alarms = FakeAlarms({TOKYO: [make_alarm("paged", AlarmState.ALARM),
                                 make_alarm("quiet", AlarmState.OK)]})  # fmt: skip
    feeds = replace(fake_feeds(alarms), alarm_tags=tags)
    return MontuiApp(feeds, Settings(triage=rules), clock=frozen_clock)


async def test_triage_reads_tags_of_alarms_in_alarm_only_when_configured() -> None:
    tags = FakeAlarmTags({"paged": {"Severity": "P1"}})
    rules = TriageRules(tag_key="Severity", tag_values={"P1": ResponsePattern.ACT_NOW})
    app = _app(tags, rules)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, TriageScreen)
        key = "alarm:123456789012:ap-northeast-1:paged"
        await until(pilot, lambda: key in screen.signals and screen.signals[key].pattern)
        assert screen.signals[key].pattern is ResponsePattern.ACT_NOW
        assert tags.asked == ["paged"]  # the OK alarm is not asked; nor twice

    untagged = FakeAlarmTags({"paged": {"Severity": "P1"}})
    app = _app(untagged, TriageRules())
    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, TriageScreen)
        await until(pilot, lambda: len(screen.answered()) >= 1 and screen.signals)
        key = "alarm:123456789012:ap-northeast-1:paged"
        assert screen.signals[key].pattern is None  # unclassified
        assert untagged.asked == []
