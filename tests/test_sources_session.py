"""resolve_target (profile, regions, endpoint) and AwsClients against the local AWS world."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import boto3
import pytest

from montui.model.place import Place
from montui.sources.cloudwatch import describe_alarms
from montui.sources.errors import (
    EndpointUnreachable,
    NoCredentials,
    NoRegion,
    UnknownProfile,
    UnknownRegion,
)
from montui.sources.regions import check_region, is_valid_region, known_regions
from montui.sources.session import AwsClients
from montui.sources.target import AwsTarget, resolve_target
from montui_world.world import World

DEAD = "http://127.0.0.1:9"


@pytest.fixture
def aws_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An AWS config file with a default profile, `ops` (eu-west-1) and `bare` (no region)."""
    config = tmp_path / "aws-config"
    config.write_text(
        "[default]\nregion = ap-northeast-1\n"
        "[profile ops]\nregion = eu-west-1\n"
        "[profile bare]\noutput = json\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    return config


def put_alarm(endpoint: str, region: str, name: str) -> None:
    boto3.client("cloudwatch", region_name=region, endpoint_url=endpoint).put_metric_alarm(
        AlarmName=name,
        Namespace="AWS/Lambda",
        MetricName="Errors",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanThreshold",
    )


# resolve_target -----------------------------------------------------------------------------


def test_explicit_values_win(aws_config: Path) -> None:
    target = resolve_target(
        profile="ops",
        regions=["us-east-1", "ap-northeast-1"],
        endpoint_url="http://127.0.0.1:5000",
        config_profile="default",
        config_regions=["eu-west-1"],
        config_endpoint_url="http://127.0.0.1:6000",
        env={"AWS_PROFILE": "bare", "AWS_REGION": "sa-east-1"},
    )
    assert target == AwsTarget("ops", ("us-east-1", "ap-northeast-1"), "http://127.0.0.1:5000")


def test_env_profile_beats_config_profile(aws_config: Path) -> None:
    target = resolve_target(
        profile=None,
        regions=None,
        endpoint_url=None,
        config_profile="bare",
        env={"AWS_PROFILE": "ops"},
    )
    assert target.profile == "ops"
    assert target.regions == ("eu-west-1",)  # the profile's region
    assert target.endpoint_url is None


def test_config_profile_and_endpoint_used_when_nothing_else(aws_config: Path) -> None:
    target = resolve_target(
        profile=None,
        regions=None,
        endpoint_url=None,
        config_profile="ops",
        config_endpoint_url="http://127.0.0.1:7000",
        env={},
    )
    assert target == AwsTarget("ops", ("eu-west-1",), "http://127.0.0.1:7000")


def test_default_profile_region_when_no_profile(aws_config: Path) -> None:
    target = resolve_target(profile=None, regions=None, endpoint_url=None, env={})
    assert target == AwsTarget(None, ("ap-northeast-1",))


def test_region_precedence(aws_config: Path) -> None:
    env = {"AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "us-east-2"}
    args: dict[str, Any] = {"profile": "ops", "endpoint_url": None}
    assert resolve_target(
        regions=None, config_regions=["ca-central-1"], env=env, **args
    ).regions == ("ca-central-1",)
    assert resolve_target(regions=None, env=env, **args).regions == ("us-west-2",)
    only_default = {"AWS_DEFAULT_REGION": "us-east-2"}
    assert resolve_target(regions=None, env=only_default, **args).regions == ("us-east-2",)
    assert resolve_target(regions=None, env={}, **args).regions == ("eu-west-1",)


def test_regions_deduplicated_in_order_and_comma_separated(aws_config: Path) -> None:
    target = resolve_target(
        profile=None,
        regions=["ap-northeast-1,us-east-1", "ap-northeast-1", " US-EAST-1 "],
        endpoint_url=None,
        env={},
    )
    assert target.regions == ("ap-northeast-1", "us-east-1")


def test_no_region_anywhere(aws_config: Path) -> None:
    with pytest.raises(NoRegion) as info:
        resolve_target(profile="bare", regions=None, endpoint_url=None, env={})
    assert info.value.fatal
    assert "--region" in info.value.hint and "AWS_REGION" in info.value.hint


def test_unknown_profile_lists_the_existing_ones(aws_config: Path) -> None:
    with pytest.raises(UnknownProfile) as info:
        resolve_target(profile="prdo", regions=["us-east-1"], endpoint_url=None, env={})
    error = info.value
    assert error.fatal
    assert error.available == ("bare", "default", "ops")
    assert "'prdo'" in error.message and "bare, default, ops" in error.message
    assert "aws configure --profile prdo" in error.hint and "aws configure sso" in error.hint


def test_unknown_profile_from_env(aws_config: Path) -> None:
    with pytest.raises(UnknownProfile):
        resolve_target(
            profile=None, regions=["us-east-1"], endpoint_url=None, env={"AWS_PROFILE": "gone"}
        )


def test_profiles_from_the_credentials_file_count(
    aws_config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    credentials = tmp_path / "credentials"
    credentials.write_text("[ci]\naws_access_key_id = AKIA\naws_secret_access_key = x\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    target = resolve_target(profile="ci", regions=["us-east-1"], endpoint_url=None, env={})
    assert target.profile == "ci"


def test_env_mapping_can_name_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "other-config"
    config.write_text("[profile elsewhere]\nregion = eu-north-1\n")
    env = {"AWS_CONFIG_FILE": str(config), "AWS_PROFILE": "elsewhere"}
    target = resolve_target(profile=None, regions=None, endpoint_url=None, env=env)
    assert target.regions == ("eu-north-1",)


def test_static_credentials_ignore_ambient_profiles(aws_config: Path) -> None:
    target = resolve_target(
        profile=None,
        regions=["us-east-1"],
        endpoint_url="http://127.0.0.1:5000",
        config_profile="gone",
        static_credentials=("AKIA", "secret"),
        env={"AWS_PROFILE": "also-gone"},
    )
    assert target.profile is None
    assert target.static_credentials == ("AKIA", "secret")


@pytest.mark.parametrize("typo", ["us-esat-1", "eu-wset-2", "ap-northeast", "useast1", "moon-1"])
def test_unknown_region(aws_config: Path, typo: str) -> None:
    with pytest.raises(UnknownRegion) as info:
        resolve_target(profile=None, regions=[typo], endpoint_url=None, env={})
    assert info.value.fatal
    assert info.value.suggestions
    assert set(info.value.suggestions) <= set(known_regions())
    assert info.value.hint == f"use a region such as {', '.join(info.value.suggestions)}"


def test_region_knowledge() -> None:
    regions = known_regions()
    for name in ("us-east-1", "ap-northeast-1", "cn-north-1", "us-gov-west-1"):
        assert name in regions
    assert is_valid_region("ap-southeast-9")  # a region newer than this botocore
    assert not is_valid_region("us-esat-1")
    with pytest.raises(UnknownRegion) as info:
        check_region("us-esat-1")
    assert "us-east-1" in info.value.suggestions


def test_resolve_target_does_not_import_aiobotocore() -> None:
    code = (
        "import sys\n"
        "import montui.sources.session, montui.sources.cloudwatch, montui.sources.identity\n"
        "import montui.model.account\n"
        "bad = [m for m in ('aiobotocore', 'textual', 'rich', 'botocore') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# AwsClients ---------------------------------------------------------------------------------


async def test_one_client_per_service_and_region_even_when_concurrent(world: World) -> None:
    target = AwsTarget(None, ("us-east-1", "eu-west-1"), world.endpoint)
    async with AwsClients(target) as clients:
        a, b = await asyncio.gather(
            clients.client("cloudwatch", Place("", "us-east-1")),
            clients.client("cloudwatch", Place("", "us-east-1")),
        )
        assert a is b
        assert await clients.client("cloudwatch", Place("", "us-east-1")) is a
        other = await clients.client("cloudwatch", Place("", "eu-west-1"))
        assert other is not a
        assert other.meta.region_name == "eu-west-1"
        await clients.close()
        assert (
            await clients.client("cloudwatch", Place("", "us-east-1")) is not a
        )  # reopens after close


async def test_static_credentials_are_used(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo's credentials work with none in the environment."""
    put_alarm(world.endpoint, "us-east-1", "demo")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")  # ambient, ignored by the demo
    target = AwsTarget(None, ("us-east-1",), world.endpoint, static_credentials=("AKIAX", "s"))
    async with AwsClients(target) as clients:
        alarms = await describe_alarms(clients, Place("", "us-east-1"))
    assert [a.name for a in alarms] == ["demo"]


async def test_dead_endpoint_fails_fast() -> None:
    target = AwsTarget(None, ("us-east-1",), DEAD)
    started = time.monotonic()
    async with AwsClients(target) as clients:
        with pytest.raises(EndpointUnreachable) as info:
            await describe_alarms(clients, Place("", "us-east-1"))
    elapsed = time.monotonic() - started
    print(f"dead endpoint {DEAD}: EndpointUnreachable after {elapsed:.2f}s")
    assert "127.0.0.1:9" in info.value.message
    assert info.value.retryable and not info.value.fatal
    assert elapsed < 15  # standard retries: 3 attempts with jittered backoff


async def test_service_endpoint_from_env_is_honoured(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No explicit endpoint: botocore reads AWS_ENDPOINT_URL_CLOUDWATCH over AWS_ENDPOINT_URL."""
    put_alarm(world.endpoint, "us-east-1", "from-env")
    monkeypatch.setenv("AWS_ENDPOINT_URL", DEAD)
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDWATCH", world.endpoint)
    async with AwsClients(AwsTarget(None, ("us-east-1",))) as clients:
        alarms = await describe_alarms(clients, Place("", "us-east-1"))
    assert [a.name for a in alarms] == ["from-env"]


async def test_unknown_profile_from_clients(world: World, aws_config: Path) -> None:
    async with AwsClients(AwsTarget("gone", ("us-east-1",), world.endpoint)) as clients:
        with pytest.raises(UnknownProfile) as info:
            await describe_alarms(clients, Place("", "us-east-1"))
    assert info.value.fatal
    assert "ops" in info.value.available


async def test_no_credentials(
    world: World, aws_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # never ask IMDS
    async with AwsClients(AwsTarget("ops", ("eu-west-1",), world.endpoint)) as clients:
        with pytest.raises(NoCredentials) as info:
            await describe_alarms(clients, Place("", "eu-west-1"))
    assert info.value.fatal
    assert "montui --demo" in info.value.hint
    assert "'ops'" in info.value.message
