"""OAM in the world (`ext.oam_api`), through boto3 as a person would use it: a sink in the
monitoring account, its policy, links from source accounts, listings, errors, deletion."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from montui_world.ext.oam_store import OAM_STORE
from montui_world.world import World
from tests.world.oam_accounts import OTHER, SOURCE, client

REGION = "us-east-1"
BASE = "123456789012"
TYPES = ["AWS::Logs::LogGroup", "AWS::CloudWatch::Metric"]


def _policy(*accounts: str, types: list[str] = TYPES) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": list(accounts)},
                    "Action": ["oam:CreateLink", "oam:UpdateLink"],
                    "Resource": "*",
                    "Condition": {"ForAllValues:StringEquals": {"oam:ResourceTypes": types}},
                }
            ],
        }
    )


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def test_sink_policy_link_and_listings_read_back(world: World) -> None:
    monitor = client(world, "oam", BASE, REGION)
    sink = monitor.create_sink(Name="central", Tags={"team": "ops"})
    assert sink["Arn"] == f"arn:aws:oam:{REGION}:{BASE}:sink/{sink['Id']}"
    assert sink["Name"] == "central" and sink["Tags"] == {"team": "ops"}
    put = monitor.put_sink_policy(SinkIdentifier=sink["Arn"], Policy=_policy(SOURCE))
    assert put["SinkArn"] == sink["Arn"] and json.loads(put["Policy"])["Statement"]
    assert monitor.get_sink_policy(SinkIdentifier=sink["Arn"])["Policy"] == put["Policy"]
    assert monitor.get_sink(Identifier=sink["Arn"], IncludeTags=True)["Tags"] == {"team": "ops"}
    assert monitor.list_sinks()["Items"] == [
        {"Arn": sink["Arn"], "Id": sink["Id"], "Name": "central"}
    ]

    source = client(world, "oam", SOURCE, REGION)
    link = source.create_link(
        LabelTemplate="$AccountName", ResourceTypes=TYPES, SinkIdentifier=sink["Arn"]
    )
    assert link["Arn"].startswith(f"arn:aws:oam:{REGION}:{SOURCE}:link/")
    assert link["Label"] == SOURCE and link["SinkArn"] == sink["Arn"]
    assert sorted(link["ResourceTypes"]) == sorted(TYPES)
    assert source.get_link(Identifier=link["Arn"])["Label"] == SOURCE
    assert [i["Arn"] for i in source.list_links()["Items"]] == [link["Arn"]]

    attached = monitor.list_attached_links(SinkIdentifier=sink["Arn"])["Items"]
    assert attached == [{"Label": SOURCE, "LinkArn": link["Arn"], "ResourceTypes": TYPES}]
    assert OAM_STORE.linked_accounts(BASE, REGION, "AWS::Logs::LogGroup") == {SOURCE: SOURCE}

    with pytest.raises(ClientError) as busy:
        monitor.delete_sink(Identifier=sink["Arn"])
    assert _code(busy) == "ConflictException"
    source.delete_link(Identifier=link["Arn"])
    assert monitor.list_attached_links(SinkIdentifier=sink["Arn"])["Items"] == []
    monitor.delete_sink(Identifier=sink["Arn"])
    assert monitor.list_sinks()["Items"] == []


def test_the_sink_policy_decides_who_links_and_what(world: World) -> None:
    monitor = client(world, "oam", BASE, REGION)
    sink = monitor.create_sink(Name="central")["Arn"]
    source = client(world, "oam", SOURCE, REGION)
    with pytest.raises(ClientError) as no_policy:
        source.create_link(LabelTemplate="x", ResourceTypes=TYPES, SinkIdentifier=sink)
    assert _code(no_policy) == "AccessDeniedException"
    monitor.put_sink_policy(SinkIdentifier=sink, Policy=_policy(SOURCE, types=TYPES[:1]))
    with pytest.raises(ClientError) as too_much:
        source.create_link(LabelTemplate="x", ResourceTypes=TYPES, SinkIdentifier=sink)
    assert _code(too_much) == "AccessDeniedException"
    with pytest.raises(ClientError) as stranger:
        client(world, "oam", OTHER, REGION).create_link(
            LabelTemplate="x", ResourceTypes=TYPES[:1], SinkIdentifier=sink
        )
    assert _code(stranger) == "AccessDeniedException"
    source.create_link(LabelTemplate="src", ResourceTypes=TYPES[:1], SinkIdentifier=sink)
    with pytest.raises(ClientError) as twice:
        source.create_link(LabelTemplate="src", ResourceTypes=TYPES[:1], SinkIdentifier=sink)
    assert _code(twice) == "ConflictException"
    assert OAM_STORE.linked_accounts(BASE, REGION, "AWS::CloudWatch::Metric") == {}


def test_errors_are_oams(world: World) -> None:
    monitor = client(world, "oam", BASE, REGION)
    sink = monitor.create_sink(Name="central")["Arn"]
    with pytest.raises(ClientError) as again:
        monitor.create_sink(Name="central")
    assert _code(again) == "ConflictException"
    with pytest.raises(ClientError) as second:
        monitor.create_sink(Name="another")
    assert _code(second) == "ServiceQuotaExceededException"
    with pytest.raises(ClientError) as foreign:
        client(world, "oam", SOURCE, REGION).list_attached_links(SinkIdentifier=sink)
    assert _code(foreign) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as own:
        monitor.create_link(LabelTemplate="x", ResourceTypes=TYPES, SinkIdentifier=sink)
    assert _code(own) == "InvalidParameterException"
    with pytest.raises(ClientError) as missing:
        monitor.get_link(Identifier=f"arn:aws:oam:{REGION}:{BASE}:link/nothing")
    assert _code(missing) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as bad_name:
        monitor.create_sink(Name="no spaces")
    assert _code(bad_name) == "InvalidParameterException"
    # another region knows nothing of it
    assert client(world, "oam", BASE, "ap-northeast-1").list_sinks()["Items"] == []


def test_reset_forgets_sinks_and_links(world: World) -> None:
    client(world, "oam", BASE, REGION).create_sink(Name="central")
    world.reset()
    assert client(world, "oam", BASE, REGION).list_sinks()["Items"] == []


def test_paging_lists_every_sink_page_by_page(world: World) -> None:
    regions = ["us-east-1", "ap-northeast-1"]
    for region in regions:
        client(world, "oam", BASE, region).create_sink(Name=f"s-{region}")
    pages = client(world, "oam", BASE, REGION).get_paginator("list_sinks")
    names = [
        i["Name"] for p in pages.paginate(PaginationConfig={"PageSize": 1}) for i in p["Items"]
    ]
    assert names == ["s-us-east-1"]
