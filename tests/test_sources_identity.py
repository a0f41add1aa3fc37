"""caller_identity against the local AWS world, and Identity.short."""

from __future__ import annotations

import pytest

from montui.model.account import Identity
from montui.model.place import Place
from montui.sources.errors import EndpointUnreachable
from montui.sources.identity import caller_identity
from montui.sources.session import AwsClients
from montui.sources.target import AwsTarget
from montui_world.identity import DEMO_ACCOUNT
from montui_world.world import World


async def test_caller_identity(world: World) -> None:
    async with AwsClients(AwsTarget(None, ("us-east-1",), world.endpoint)) as clients:
        identity = await caller_identity(clients, Place("", "us-east-1"))
    assert identity.account == DEMO_ACCOUNT
    assert identity.arn.startswith(f"arn:aws:sts::{DEMO_ACCOUNT}:")
    assert identity.user_id
    assert identity.short


async def test_caller_identity_dead_endpoint() -> None:
    async with AwsClients(AwsTarget(None, ("us-east-1",), "http://127.0.0.1:9")) as clients:
        with pytest.raises(EndpointUnreachable) as info:
            await caller_identity(clients, Place("", "us-east-1"))
    assert info.value.service == "sts"


@pytest.mark.parametrize(
    ("arn", "short"),
    [
        ("arn:aws:sts::123456789012:assumed-role/OnCall/alice@example.com", "OnCall"),
        (
            "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_01/bob",
            "AWSReservedSSO_Admin_01",
        ),
        ("arn:aws:iam::123456789012:user/ops/carol", "carol"),
        ("arn:aws:iam::123456789012:user/dave", "dave"),
        ("arn:aws:iam::123456789012:root", "root"),
        ("arn:aws:sts::123456789012:federated-user/erin", "erin"),
        ("arn:aws-cn:iam::123456789012:role/service-role/deployer", "deployer"),
        ("", "AIDAEXAMPLE"),
    ],
)
def test_identity_short(arn: str, short: str) -> None:
    assert Identity(account="123456789012", arn=arn, user_id="AIDAEXAMPLE").short == short
