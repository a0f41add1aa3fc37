"""A role account's clients: credentials from sts:AssumeRole made with the base credentials,
against the local world (moto maps assumed-role credentials to the role's account; the world
checks the role's trust policy and external id). Accounts are set up with boto3 only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from montui.model.place import Place
from montui.sources import readonly
from montui.sources.assume_role import AssumedRole, AssumeRoleFailed
from montui.sources.cloudwatch import describe_alarms
from montui.sources.identity import caller_identity
from montui.sources.session import AwsClients
from montui.sources.target import AwsTarget
from montui_world.faults.plan import Fault, FaultPlan, Rule
from montui_world.faults.proxy import FaultProxy
from montui_world.identity import DEMO_ACCOUNT, FAKE_ACCESS_KEY, FAKE_SECRET_KEY
from montui_world.world import World
from tests.world.accounts import WorldAccount

REGION = "us-east-1"
START = datetime(2026, 11, 21, 3, 30, tzinfo=UTC)
OTHER = "111111111111"
ROLE = f"arn:aws:iam::{OTHER}:role/montui-readonly"


AddAccount = Callable[..., WorldAccount]


def put_alarm(name: str, session: boto3.Session | None = None) -> None:
    cw = (session or boto3).client("cloudwatch", region_name=REGION)
    cw.put_metric_alarm(
        AlarmName=name, Namespace="Test/App", MetricName="Errors", Statistic="Sum", Period=60,
        EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold",
    )  # fmt: skip


async def test_a_role_account_reads_its_own_alarms(
    world: World, add_world_account: AddAccount
) -> None:
    other = add_world_account(OTHER, external_id="x-123")
    put_alarm("base-only")
    put_alarm("other-only", other.admin)
    role = AssumedRole(ROLE, session_name="oncall", external_id="x-123", duration=1800)
    async with AwsClients(AwsTarget(None, (REGION,), world.endpoint, role=role)) as clients:
        found = await describe_alarms(clients, Place("", REGION))
        identity = await caller_identity(clients, Place("", REGION))
    assert [(a.name, a.account) for a in found] == [("other-only", OTHER)]
    assert identity.account == OTHER
    assert "assumed-role/montui-readonly/oncall" in identity.arn
    async with AwsClients(AwsTarget(None, (REGION,), world.endpoint)) as base:
        assert [a.name for a in await describe_alarms(base, Place("", REGION))] == ["base-only"]


async def test_assume_role_sends_the_session_name_external_id_and_duration(
    world: World, monkeypatch: pytest.MonkeyPatch, add_world_account: AddAccount
) -> None:
    add_world_account(OTHER, external_id="x-123")
    from moto.sts.models import sts_backends

    sent: list[dict[str, Any]] = []

    def guard_and_record(client: Any) -> None:
        def record(params: dict[str, Any], **_: Any) -> None:
            sent.append(dict(params))

        client.meta.events.register("before-parameter-build.sts.AssumeRole", record)
        readonly.guard(client)

    monkeypatch.setattr("montui.sources.assume_role.guard", guard_and_record)
    role = AssumedRole(ROLE, session_name="oncall", external_id="x-123", duration=1800)
    async with AwsClients(AwsTarget(None, (REGION,), world.endpoint, role=role)) as clients:
        await describe_alarms(clients, Place("", REGION))
        await describe_alarms(clients, Place("", REGION))  # cached: no second AssumeRole
    assert sent == [
        {"RoleArn": ROLE, "RoleSessionName": "oncall", "DurationSeconds": 1800,
         "ExternalId": "x-123"}
    ]  # fmt: skip
    assumed = [r for r in sts_backends[OTHER]["aws"].assumed_roles if r.role_arn == ROLE]
    mine = [(r.session_name, r.external_id) for r in assumed if r.session_name == "oncall"]
    assert mine == [("oncall", "x-123")]  # what the world recorded (setup's are "montui")


async def test_the_demo_worlds_static_credentials_assume_the_role(
    world: World, add_world_account: AddAccount
) -> None:
    other = add_world_account(OTHER)
    put_alarm("other-only", other.admin)
    target = AwsTarget(
        None, (REGION,), world.endpoint, static_credentials=(FAKE_ACCESS_KEY, FAKE_SECRET_KEY),
        role=AssumedRole(ROLE),
    )  # fmt: skip
    async with AwsClients(target) as clients:
        found = await describe_alarms(clients, Place("", REGION))
    assert [a.account for a in found] == [OTHER]
    assert DEMO_ACCOUNT != OTHER


async def test_a_wrong_external_id_is_refused_by_the_trust_policy(
    world: World, add_world_account: AddAccount
) -> None:
    add_world_account(OTHER, external_id="x-123")
    for external_id in ("wrong", None):
        role = AssumedRole(ROLE, external_id=external_id)
        async with AwsClients(AwsTarget(None, (REGION,), world.endpoint, role=role)) as clients:
            with pytest.raises(AssumeRoleFailed) as caught:
                await describe_alarms(clients, Place("", REGION))
        assert caught.value.message.startswith("AccessDenied: ")
        assert "sts:AssumeRole" in caught.value.message
        assert "trust policy" in caught.value.hint and not caught.value.fatal


async def test_a_denied_role_is_said_with_what_to_check_and_is_not_fatal(
    world: World, add_world_account: AddAccount
) -> None:
    """The fault proxy answers AssumeRole with STS's AccessDenied: the error names the
    refusal and the trust policy, and the next call (the next poll) asks again."""
    add_world_account(OTHER)
    plan = FaultPlan([Rule(1.0, (Fault.DENIED,), service="sts", operation="AssumeRole")])
    with FaultProxy(world.endpoint, plan) as proxy:
        role = AssumedRole(ROLE)
        async with AwsClients(AwsTarget(None, (REGION,), proxy.endpoint, role=role)) as clients:
            with pytest.raises(AssumeRoleFailed) as caught:
                await describe_alarms(clients, Place("", REGION))
            error = caught.value
            assert error.message.startswith("AccessDenied: ")
            assert "trust policy" in error.hint and "external id" in error.hint
            assert not error.fatal and error.retryable
            plan.rules.clear()  # the trust policy is fixed: the next poll gets through
            assert await describe_alarms(clients, Place("", REGION)) == ()
    assert plan.requests[f"sts {REGION} AssumeRole"] >= 2


def test_assume_role_args() -> None:
    assert AssumedRole(ROLE).assume_role_args() == {
        "RoleSessionName": "montui",
        "DurationSeconds": 3600,
    }
    with_id = AssumedRole(ROLE, "s", "ext", 900).assume_role_args()
    assert with_id == {"RoleSessionName": "s", "DurationSeconds": 900, "ExternalId": "ext"}


async def test_expired_base_credentials_say_to_refresh_them(
    world: World, add_world_account: AddAccount
) -> None:
    add_world_account(OTHER)
    plan = FaultPlan([Rule(1.0, (Fault.EXPIRED,), service="sts", operation="AssumeRole")])
    with FaultProxy(world.endpoint, plan) as proxy:
        role = AssumedRole(ROLE)
        async with AwsClients(AwsTarget(None, (REGION,), proxy.endpoint, role=role)) as clients:
            with pytest.raises(AssumeRoleFailed) as caught:
                await describe_alarms(clients, Place("", REGION))
    assert caught.value.message.startswith("ExpiredToken")
    assert "base credentials have expired" in caught.value.hint
    assert not caught.value.fatal  # that account fails; the others keep going


async def test_the_role_is_assumed_again_before_its_credentials_expire(
    world: World, monkeypatch: pytest.MonkeyPatch, add_world_account: AddAccount
) -> None:
    """Time is moved by hand (time_machine, no sleep): 15-minute credentials are used at
    once, again 4 minutes later (still fresh: no call), then 8 minutes later (within the
    refresh window: AssumeRole again, before they expire)."""
    import time_machine

    add_world_account(OTHER)
    sent: list[str] = []

    def guard_and_record(client: Any) -> None:
        def record(**_: Any) -> None:
            sent.append("AssumeRole")

        client.meta.events.register("before-parameter-build.sts.AssumeRole", record)
        readonly.guard(client)

    monkeypatch.setattr("montui.sources.assume_role.guard", guard_and_record)
    target = AwsTarget(None, (REGION,), world.endpoint, role=AssumedRole(ROLE, duration=900))
    with time_machine.travel(START, tick=False) as traveller:
        async with AwsClients(target) as clients:
            await describe_alarms(clients, Place("", REGION))
            assert sent == ["AssumeRole"]
            traveller.shift(timedelta(minutes=4))
            await describe_alarms(clients, Place("", REGION))
            assert sent == ["AssumeRole"]
            traveller.shift(timedelta(minutes=8))  # 3 minutes left: refreshed first
            await describe_alarms(clients, Place("", REGION))
            assert sent == ["AssumeRole", "AssumeRole"]


async def test_credentials_already_expired_by_this_clock_say_to_check_it(
    world: World, monkeypatch: pytest.MonkeyPatch, add_world_account: AddAccount
) -> None:
    """This machine's clock two hours ahead of AWS's: the hour-long credentials look expired
    on arrival; said as such, not as botocore's bare "still expired"."""

    class TwoHoursAhead(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Any:
            return datetime.now(tz) + timedelta(hours=2)

    add_world_account(OTHER)
    monkeypatch.setattr("montui.sources.assume_role.datetime", TwoHoursAhead)
    async with AwsClients(AwsTarget(None, (REGION,), world.endpoint, role=AssumedRole(ROLE))) as c:
        with pytest.raises(AssumeRoleFailed) as caught:
            await describe_alarms(c, Place("", REGION))
    assert "already past by this machine's clock" in caught.value.message
    assert "system clock" in caught.value.hint and not caught.value.fatal
