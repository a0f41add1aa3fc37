"""An account's logs and metrics through OAM when its own session is refused them
(`feeds.linked`), against the world: the source account's own session sits behind a fault
proxy that denies Logs and GetMetricData; the base account (a monitoring account) reads them
for it. Own session first when it may; refused and not linked, the refusal stands."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import aclosing
from datetime import timedelta

import pytest

from montui.feeds.insights import AwsLogsInsights, LogsInsights
from montui.feeds.linked import LinkedLogsInsights, LinkedMetricData
from montui.feeds.metric_data import AwsMetricData, MetricData
from montui.feeds.observability import AwsObservability
from montui.feeds.session import AwsSession
from montui.launch import AwsRequest, WorldEndpoint
from montui.model.alarm import AlarmState, MetricQuery
from montui.model.drilldown import DrilldownPlan
from montui.model.logs import QueryRun
from montui.model.metrics import TimeWindow
from montui.model.records import replace
from montui.sources.drilldown import linked_note
from montui.sources.errors import AccessDenied
from montui_world.ext import logs as logs_ext
from montui_world.ext.oam_store import link_accounts
from montui_world.faults.plan import Fault, FaultPlan, Rule
from montui_world.faults.proxy import FaultProxy
from montui_world.identity import DEMO_ACCOUNT, FAKE_ACCESS_KEY, FAKE_SECRET_KEY
from montui_world.metricstore import STORE
from montui_world.world import World
from tests.conftest import FAULT_READ_TIMEOUT
from tests.fakes import NOW, make_alarm
from tests.world.oam_accounts import SOURCE, account_session

REGION = "ap-northeast-1"
GROUP = "/aws/lambda/contact-form"
ARN = f"arn:aws:logs:{REGION}:{SOURCE}:log-group:{GROUP}"
ALARM = replace(
    make_alarm("contact-form-errors", AlarmState.ALARM, minutes_ago=5, account=SOURCE),
    arn=f"arn:aws:cloudwatch:{REGION}:{SOURCE}:alarm:contact-form-errors",
)
DENY = [
    Rule(1.0, (Fault.DENIED,), service="logs"),
    Rule(1.0, (Fault.DENIED,), service="cloudwatch", operation="GetMetricData"),
]


class Accounts:
    """The source account's feeds (behind `plan`'s proxy) wrapped with the base account's."""

    def __init__(self, own: AwsSession, base: AwsSession, plan: FaultPlan) -> None:
        self.plan = plan
        self.own, self.base = own, base
        self.oam = AwsObservability(base)
        base_logs = AwsLogsInsights(base, oam=self.oam)
        self.insights = LinkedLogsInsights(AwsLogsInsights(own), base_logs)
        self.metrics = LinkedMetricData(AwsMetricData(own), AwsMetricData(base), base_logs)
        _logs: LogsInsights = self.insights
        _metrics: MetricData = self.metrics


@pytest.fixture
async def accounts(world: World, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Accounts]:
    monkeypatch.setattr("montui.sources.session.READ_TIMEOUT", FAULT_READ_TIMEOUT)
    previous = logs_ext.configure(pacing=logs_ext.INSTANT)
    stamp = int((NOW - timedelta(minutes=3)).timestamp() * 1000)
    logs_ext.put_events(REGION, GROUP, "s", [(stamp, "ERROR in the source")], account_id=SOURCE)
    logs_ext.put_events(REGION, GROUP, "s", [(stamp, "ERROR in the base")], account_id=DEMO_ACCOUNT)
    dims = {"FunctionName": "contact-form"}
    STORE.put(REGION, "AWS/Lambda", "Errors", dims, NOW - timedelta(minutes=3), 7.0, account=SOURCE)
    keys = account_session(world, SOURCE, REGION).get_credentials()
    plan = FaultPlan(seed=5)
    with FaultProxy(world.endpoint, plan) as proxy:
        own = AwsSession(
            AwsRequest(),
            world=WorldEndpoint(proxy.endpoint, keys.access_key, keys.secret_key, (REGION,)),
        )
        base = AwsSession(
            AwsRequest(),
            world=WorldEndpoint(world.endpoint, FAKE_ACCESS_KEY, FAKE_SECRET_KEY, (REGION,)),
        )
        await own.connect()
        await base.connect()
        try:
            yield Accounts(own, base, plan)
        finally:
            await own.close()
            await base.close()
    logs_ext.restore(previous)


async def _plan(feeds: Accounts) -> DrilldownPlan:
    return await feeds.insights.drilldown_plan(ALARM, children={}, episode=None, rules=(), now=NOW)


WINDOW = TimeWindow(NOW - timedelta(minutes=10), NOW)
QUERY = MetricQuery("m", metric=ALARM.metric, stat="Sum", period=60, return_data=True)


async def test_refused_logs_and_metrics_are_read_through_oam(accounts: Accounts) -> None:
    link_accounts(DEMO_ACCOUNT, [SOURCE], REGION)
    accounts.plan.rules = list(DENY)
    plan = await _plan(accounts)
    assert plan.log_groups == (ARN,) and linked_note(SOURCE) in plan.reasons
    assert plan.account == SOURCE
    assert await accounts.insights.log_groups(REGION) == (ARN,)
    run = QueryRun("fields @message", plan.log_groups, NOW - timedelta(minutes=10), NOW)
    async with aclosing(accounts.insights.run_query(REGION, run)) as results:
        rows = [r async for r in results][-1].rows
    assert [(r["account"], r["@message"]) for r in rows] == [(SOURCE, "ERROR in the source")]
    (series,) = await accounts.metrics.metric_data(REGION, (QUERY,), WINDOW)
    assert series.values == (7.0,) and series.account == SOURCE


async def test_the_own_session_comes_first(accounts: Accounts) -> None:
    link_accounts(DEMO_ACCOUNT, [SOURCE], REGION)
    plan = await _plan(accounts)  # allowed: no OAM, groups by name
    assert plan.log_groups == (GROUP,) and linked_note(SOURCE) not in plan.reasons
    (series,) = await accounts.metrics.metric_data(REGION, (QUERY,), WINDOW)
    assert series.values == (7.0,)
    run = QueryRun("fields @message", plan.log_groups, NOW - timedelta(minutes=10), NOW)
    async with aclosing(accounts.insights.run_query(REGION, run)) as results:
        rows = [r async for r in results][-1].rows
    assert [r["@message"] for r in rows] == ["ERROR in the source"]
    assert any(key.endswith(" StartQuery") for key in accounts.plan.requests)  # its own session
    assert accounts.oam._known == {}  # OAM never asked


async def test_refused_and_not_linked_stays_refused(accounts: Accounts) -> None:
    accounts.plan.rules = list(DENY)
    with pytest.raises(AccessDenied):
        await _plan(accounts)
    with pytest.raises(AccessDenied):
        await accounts.metrics.metric_data(REGION, (QUERY,), WINDOW)
    link_accounts(DEMO_ACCOUNT, [SOURCE], REGION, ("AWS::Logs::LogGroup",))
    with pytest.raises(AccessDenied):  # linked for logs only
        await accounts.metrics.metric_data(REGION, (QUERY,), WINDOW)
