"""sources.oam against the world: a monitoring account and its linked accounts, an account
that is none, and one not allowed to ask (AccessDenied from the fault proxy) — the last two
a state with a reason, not an error."""

from __future__ import annotations

import boto3
import pytest

from montui.model.observability import LOG_GROUP, METRIC, LinkedAccount, Observability
from montui.model.place import Place
from montui.sources.errors import Throttled
from montui.sources.oam import observability
from montui.sources.session import AwsClients
from montui.sources.target import AwsTarget
from montui_world.ext.oam_store import link_accounts
from montui_world.faults.plan import Fault, FaultPlan, Rule
from montui_world.faults.proxy import FaultProxy
from montui_world.identity import DEMO_ACCOUNT
from montui_world.world import World
from tests.conftest import FAULT_READ_TIMEOUT
from tests.world.oam_accounts import OTHER, SOURCE, client

REGION = "ap-northeast-1"
PLACE = Place(DEMO_ACCOUNT, REGION)


async def _read(endpoint: str) -> Observability:
    async with AwsClients(AwsTarget(None, (REGION,), endpoint)) as clients:
        return await observability(clients, PLACE)


async def test_a_monitoring_account_lists_its_linked_accounts(world: World) -> None:
    link_accounts(DEMO_ACCOUNT, [SOURCE], REGION)  # logs and metrics
    monitor = boto3.client("oam", region_name=REGION, endpoint_url=world.endpoint)
    sink = monitor.list_sinks()["Items"][0]["Arn"]
    policy = monitor.get_sink_policy(SinkIdentifier=sink)["Policy"]
    monitor.put_sink_policy(SinkIdentifier=sink, Policy=policy.replace(SOURCE, OTHER))
    client(world, "oam", OTHER, REGION).create_link(
        LabelTemplate="shop-prod", ResourceTypes=[METRIC], SinkIdentifier=sink
    )
    found = await _read(world.endpoint)
    assert found.monitoring and found.sink_arn == sink
    assert found.linked == (
        LinkedAccount(SOURCE, SOURCE, frozenset({LOG_GROUP, METRIC})),
        LinkedAccount(OTHER, "shop-prod", frozenset({METRIC})),
    )
    assert found.log_accounts() == {SOURCE: SOURCE}
    assert found.metric_accounts() == {SOURCE: SOURCE, OTHER: "shop-prod"}
    assert found.notice() == f"OAM: 1 linked account in {REGION}"


async def test_not_a_monitoring_account_is_a_state(world: World) -> None:
    found = await _read(world.endpoint)
    assert not found.monitoring and found.linked == ()
    assert found.notice() == f"OAM: not a monitoring account in {REGION}"
    boto3.client("oam", region_name=REGION, endpoint_url=world.endpoint).create_sink(Name="s")
    lonely = await _read(world.endpoint)
    assert lonely.monitoring and lonely.linked == ()
    assert lonely.notice() == f"OAM: no account linked in {REGION}"


async def test_access_denied_is_a_state_other_errors_are_raised(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("montui.sources.session.READ_TIMEOUT", FAULT_READ_TIMEOUT)
    link_accounts(DEMO_ACCOUNT, [SOURCE], REGION)
    plan = FaultPlan(seed=3, rules=[Rule(1.0, (Fault.DENIED,), service="oam")])
    with FaultProxy(world.endpoint, plan) as proxy:
        denied = await _read(proxy.endpoint)
        assert denied.linked == ()
        assert denied.notice() == f"OAM: no permission (oam:ListSinks) in {REGION}"
        plan.rules = [Rule(1.0, (Fault.DENIED,), service="oam", operation="ListAttachedLinks")]
        links_denied = await _read(proxy.endpoint)
        assert links_denied.linked == () and links_denied.notice() == (
            f"OAM: no permission (oam:ListAttachedLinks) in {REGION}"
        )
        plan.rules = [Rule(1.0, (Fault.THROTTLE,), service="oam")]
        with pytest.raises(Throttled):
            await _read(proxy.endpoint)
