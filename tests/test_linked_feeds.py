"""The composition root's `linked_feeds`: an account's feeds with Logs Insights and metric
data falling back to the base account's through OAM (`feeds.linked`); fakes stay as given."""

from __future__ import annotations

from montui.feeds.insights import AwsLogsInsights
from montui.feeds.linked import LinkedLogsInsights, LinkedMetricData
from montui.launch import AwsRequest, WorldEndpoint
from montui.ui.wiring import aws_feeds, linked_feeds
from tests.fakes import FakeFeed

WORLD = WorldEndpoint("http://127.0.0.1:9", "AKIA", "secret", ("ap-northeast-1",))


def test_an_account_falls_back_to_the_base_accounts_feeds() -> None:
    base, own = aws_feeds(AwsRequest(), world=WORLD), aws_feeds(AwsRequest(), world=WORLD)
    linked = linked_feeds(own, base)
    assert isinstance(linked.insights, LinkedLogsInsights)
    assert linked.insights.own is own.insights and linked.insights.base is base.insights
    assert isinstance(linked.metrics, LinkedMetricData)
    assert linked.alarms is own.alarms and linked.session is own.session  # alarms: never OAM
    assert isinstance(base.insights, AwsLogsInsights)


def test_scripted_feeds_are_left_alone() -> None:
    fake = FakeFeed({}).feeds
    assert linked_feeds(fake, fake) is fake
