"""sources/ses.py against the local AWS world: GetAccount's status values, sandbox and quota,
the rates absent vs zero, GetSendStatistics, access denied; the feed's gaps."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest

from montui.feeds.reputation import AwsSendingReputation, history_window
from montui.launch import AwsRequest
from montui.model.place import Place
from montui.model.ses_account import Status
from montui.sources import ses
from montui.sources.errors import AccessDenied
from montui.sources.session import AwsClients
from montui.sources.target import AwsTarget
from montui_world.clock import WORLD_CLOCK
from montui_world.ext.ses_api import HOOK_PATH
from montui_world.ext.ses_store import STORE, SendPoint
from montui_world.identity import DEMO_ACCOUNT
from montui_world.world import World

REGION = "ap-northeast-1"
PLACE = Place("", REGION)


@pytest.fixture
async def clients(world: World) -> AsyncIterator[AwsClients]:
    async with AwsClients(AwsTarget(None, (REGION, "us-east-1"), world.endpoint)) as aws:
        yield aws


def hook(world: World, **document: Any) -> None:
    body = json.dumps(document).encode()
    request = urllib.request.Request(f"{world.endpoint}{HOOK_PATH}", data=body, method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass


def put_rate(world: World, metric: str, values: list[tuple[datetime, float]]) -> None:
    cw = boto3.client("cloudwatch", region_name=REGION, endpoint_url=world.endpoint)
    cw.put_metric_data(
        Namespace="AWS/SES",
        MetricData=[{"MetricName": metric, "Timestamp": t, "Value": v} for t, v in values],
    )


async def test_a_new_region_is_a_sandbox_with_no_data_not_zero(clients: AwsClients) -> None:
    account = await ses.account(clients, Place("", "us-east-1"))
    assert account.status is Status.HEALTHY and not account.production
    assert account.quota.words() == "0 of 200 in 24 h · max 1/s"
    bounce, complaint = await ses.rate_histories(
        clients, Place("", "us-east-1"), history_window(WORLD_CLOCK.now())
    )
    assert bounce.latest is None and complaint.latest is None
    assert await ses.send_statistics(clients, Place("", "us-east-1")) == ()


async def test_status_values_through_the_hook_and_the_cli_writes(
    world: World, clients: AwsClients
) -> None:
    hook(world, Region=REGION, EnforcementStatus="PROBATION", ProductionAccessEnabled=True,
         ReviewDetails={"Status": "PENDING", "CaseId": "c-42"},
         SendQuota={"Max24HourSend": 50000, "MaxSendRate": 14})  # fmt: skip
    account = await ses.account(clients, PLACE)
    assert account.status is Status.UNDER_REVIEW
    assert account.access_words() == "production access · access review in progress (case c-42)"
    assert account.quota.words() == "0 of 50,000 in 24 h · max 14/s"
    hook(world, Region=REGION, EnforcementStatus="SHUTDOWN")
    assert (await ses.account(clients, PLACE)).status_words() == "■ Sending paused (by AWS)"
    hook(world, Region=REGION, EnforcementStatus="HEALTHY")
    v2 = boto3.client("sesv2", region_name=REGION, endpoint_url=world.endpoint)
    v2.put_account_sending_attributes(SendingEnabled=False)
    paused = await ses.account(clients, PLACE)
    assert paused.status_words() == "■ Sending paused (sending disabled in the account)"


async def test_rates_one_call_both_series_absent_complaint_is_no_data(
    world: World, clients: AwsClients
) -> None:
    now = WORLD_CLOCK.now().replace(second=0, microsecond=0)
    points = [(now - timedelta(hours=h), 0.01 + h / 10_000) for h in (48, 24, 1)]
    put_rate(world, "Reputation.BounceRate", points)
    bounce, complaint = await ses.rate_histories(clients, PLACE, history_window(now))
    assert [round(v, 6) for v in bounce.values] == [0.0148, 0.0124, 0.0101]
    assert complaint.latest is None  # never published: no data, not 0
    put_rate(world, "Reputation.ComplaintRate", [(now - timedelta(hours=1), 0.0)])
    _, complaint = await ses.rate_histories(clients, PLACE, history_window(now))
    assert complaint.latest == 0.0


async def test_statistics_are_the_world_s_traffic(clients: AwsClients) -> None:
    class Steady:
        def quarter(self, start: int) -> SendPoint:
            return SendPoint(start, attempts=40, bounces=2, complaints=1 if start % 3600 else 0)

    STORE.set_traffic(DEMO_ACCOUNT, REGION, Steady())
    points = await ses.send_statistics(clients, PLACE)
    assert len(points) == 14 * 96
    assert [p.timestamp for p in points] == sorted(p.timestamp for p in points)
    assert (points[-1].attempts, points[-1].bounces) == (40, 2)
    assert sum(p.complaints for p in points[-4:]) == 3


async def test_access_denied_is_typed_and_the_feed_keeps_the_rest(
    world: World, clients: AwsClients
) -> None:
    from montui_world.faults.plan import Fault, FaultPlan, Rule
    from montui_world.faults.proxy import FaultProxy

    plan = FaultPlan(seed=1)
    plan.set_rules([Rule(1.0, (Fault.DENIED,), service="ses", operation="GetSendStatistics")])
    with FaultProxy(world.endpoint, plan) as proxy:
        target = AwsTarget(None, (REGION,), proxy.endpoint)
        async with AwsClients(target) as denied:
            with pytest.raises(AccessDenied) as error:
                await ses.send_statistics(denied, PLACE)
        assert "ses:GetSendStatistics" in str(error.value)
        request = AwsRequest(profile=None, regions=(REGION,), endpoint_url=proxy.endpoint)
        from montui.feeds.session import AwsSession

        session = AwsSession(request)
        await session.connect()
        try:
            found = await AwsSendingReputation(session).reputation(REGION, WORLD_CLOCK.now())
        finally:
            await session.close()
    assert found.account.status is Status.HEALTHY
    assert found.sends == ()
    assert found.gaps == (
        "volume: not authorized to call ses:GetSendStatistics (grant ses:GetSendStatistics)",
    )


async def test_the_feed_reuses_the_statistics_for_five_minutes(world: World) -> None:
    from montui.feeds.reputation import STATISTICS_EVERY
    from montui.feeds.session import AwsSession

    class Steady:
        def quarter(self, start: int) -> SendPoint:
            return SendPoint(start, attempts=40, bounces=2, complaints=0)

    STORE.set_traffic(DEMO_ACCOUNT, REGION, Steady())
    session = AwsSession(AwsRequest(regions=(REGION,), endpoint_url=world.endpoint))
    await session.connect()
    sent: list[str] = []
    feed = AwsSendingReputation(session)
    now = WORLD_CLOCK.now()
    try:
        await feed.reputation(REGION, now)
        for client in session.clients._clients.values():
            client.meta.events.register(
                "before-send", lambda event_name, **_: sent.append(event_name)
            )
        again = await feed.reputation(REGION, now + STATISTICS_EVERY / 2)
        assert len(again.sends) == 14 * 96
        assert not any("GetSendStatistics" in name for name in sent)
        assert any("GetAccount" in name for name in sent)
        await feed.reputation(REGION, now + STATISTICS_EVERY)
        assert sum("GetSendStatistics" in name for name in sent) == 1
    finally:
        await session.close()
