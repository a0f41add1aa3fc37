"""The demo world of several accounts (`serve --accounts 3`) makes its base account a
CloudWatch cross-account observability monitoring account: the others are linked in every
region, sharing log groups and metrics, so montui's workbench lists their log groups."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from montui.feeds.insights import AwsLogsInsights
from montui.feeds.session import AwsSession
from montui.launch import AwsRequest, WorldEndpoint
from montui.model.observability import split_log_group


@pytest.fixture(scope="module")
def ready() -> Iterator[dict[str, Any]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "montui_world", "serve", "--port", "0", "--ready-json",
         "--accounts", "3"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        yield json.loads(proc.stdout.readline())
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(20)


def test_the_others_are_linked_to_the_base_account(ready: dict[str, Any]) -> None:
    others = {a["id"]: a["alias"] for a in ready["accounts"][1:]}
    for region in ready["regions"]:
        oam = boto3.client(
            "oam",
            region_name=region,
            endpoint_url=ready["endpoint"],
            aws_access_key_id=ready["access_key"],
            aws_secret_access_key=ready["secret_key"],
        )
        (sink,) = oam.list_sinks()["Items"]
        links = oam.list_attached_links(SinkIdentifier=sink["Arn"])["Items"]
        assert {link["LinkArn"].split(":")[4] for link in links} == set(others)
        for link in links:
            assert set(link["ResourceTypes"]) == {"AWS::Logs::LogGroup", "AWS::CloudWatch::Metric"}


async def test_the_workbench_lists_the_linked_accounts_groups(ready: dict[str, Any]) -> None:
    region = ready["regions"][0]
    world = WorldEndpoint(ready["endpoint"], ready["access_key"], ready["secret_key"], (region,))
    session = AwsSession(AwsRequest(), world=world)
    await session.connect()
    try:
        feed = AwsLogsInsights(session)
        groups = await feed.log_groups(region)
        accounts = {split[0] for g in groups if (split := split_log_group(g)) is not None}
        assert accounts == {a["id"] for a in ready["accounts"][1:]}
        assert any(split_log_group(g) is None for g in groups)  # the base account's own
        assert (await feed.observability(region)).notice() == f"OAM: 2 linked accounts in {region}"
    finally:
        await session.close()
