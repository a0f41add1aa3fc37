"""sources.guardduty against the local AWS world: GuardDuty off in a region, the severity
floor, the sort, paging past 50, GetFindings in batches, statistics, archived findings, a
quiet refresh that fetches nothing again, and the model parsed from every sample type."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from montui.model.findings import Band, band_counts, band_of
from montui.model.place import Place
from montui.sources.errors import BadRequest
from montui.sources.guardduty import (
    FindingCriteria,
    detector_ids,
    finding_ids,
    get_detector,
    get_findings,
    region_findings,
    severity_counts,
)
from montui.sources.session import AwsClients
from montui.sources.target import AwsTarget
from montui_world.clock import WORLD_CLOCK
from montui_world.world import World

REGION = "ap-northeast-1"
OFF = "us-east-1"
TYPES = [
    "Recon:EC2/PortProbeUnprotectedPort",
    "UnauthorizedAccess:EC2/SSHBruteForce",
    "CryptoCurrency:EC2/BitcoinTool.B!DNS",
    "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
    "Policy:S3/BucketPublicAccessGranted",
    "CredentialAccess:RDS/MaliciousIPCaller.FailedLogin",
    "AttackSequence:IAM/CompromisedCredentials",
]


class HandClock:
    """The world's present, moved by hand (never the wall clock)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def clients(world: World) -> AsyncIterator[AwsClients]:
    async with AwsClients(AwsTarget(None, (REGION, OFF), world.endpoint)) as aws:
        yield aws


def guardduty(world: World, region: str = REGION) -> Any:
    return boto3.client("guardduty", region_name=region, endpoint_url=world.endpoint)


def seeded(world: World, types: list[str] | None = None) -> tuple[Any, str]:
    gd = guardduty(world)
    detector = str(gd.create_detector(Enable=True)["DetectorId"])
    if types is None:
        gd.create_sample_findings(DetectorId=detector)
    else:
        gd.create_sample_findings(DetectorId=detector, FindingTypes=types)
    return gd, detector


def all_aws(gd: Any, detector: str, **criteria: Any) -> list[dict[str, Any]]:
    pages = gd.get_paginator("list_findings").paginate(DetectorId=detector, **criteria)
    ids = [i for page in pages for i in page["FindingIds"]]
    found: list[dict[str, Any]] = []
    for first in range(0, len(ids), 50):
        batch = gd.get_findings(DetectorId=detector, FindingIds=ids[first : first + 50])
        found += batch["Findings"]
    return found


async def operations(clients: AwsClients, region: str) -> list[str]:
    """The operations the guardduty client of `region` sends from now on."""
    sent: list[str] = []
    client = await clients.client("guardduty", Place("", region))
    client.meta.events.register("before-call.guardduty", lambda model, **_: sent.append(model.name))
    return sent


async def test_guardduty_off_is_a_state_not_an_error(world: World, clients: AwsClients) -> None:
    seeded(world, TYPES[:1])
    assert await detector_ids(clients, Place("", OFF)) == ()
    off = await region_findings(clients, Place("", OFF), FindingCriteria())
    assert off.off and off.detector is None and off.findings == ()
    on = await region_findings(clients, Place("", REGION), FindingCriteria())
    assert not on.off and on.detector is not None and on.detector.enabled
    assert ("CLOUD_TRAIL", "ENABLED") in on.detector.features


async def test_severity_floor_and_sort(world: World, clients: AwsClients) -> None:
    gd, detector = seeded(world, TYPES)
    place = Place("", REGION)
    ids = await finding_ids(clients, place, detector, FindingCriteria(min_severity=7))
    found = await get_findings(clients, place, detector, ids)
    expected = [f for f in all_aws(gd, detector) if f["Severity"] >= 7]
    assert {f.id for f in found} == {f["Id"] for f in expected} and found
    assert [f.severity for f in found] == sorted((f.severity for f in found), reverse=True)
    assert all(f.band >= Band.HIGH for f in found)


async def test_paging_past_50_batches_of_50_and_statistics(
    world: World, clients: AwsClients
) -> None:
    gd, detector = seeded(world)
    place = Place("", REGION)
    sent = await operations(clients, REGION)
    aws = all_aws(gd, detector)
    assert len(aws) > 100
    ids = await finding_ids(clients, place, detector, FindingCriteria())
    assert set(ids) == {f["Id"] for f in aws} and len(ids) == len(aws)
    found = await get_findings(clients, place, detector, ids)
    assert len(found) == len(aws)
    pages = -(-len(aws) // 50)
    assert Counter(sent) == {"ListFindings": pages, "GetFindings": pages}
    counts = await severity_counts(clients, place, detector, FindingCriteria())
    assert counts == band_counts(found)
    assert counts == dict(Counter(band_of(f["Severity"]) for f in aws)) | {
        b: 0 for b in Band if b not in {band_of(f["Severity"]) for f in aws}
    }


async def test_archived_findings_hidden_by_default(world: World, clients: AwsClients) -> None:
    gd, detector = seeded(world, TYPES)
    place = Place("", REGION)
    every = all_aws(gd, detector)
    archived = [every[0]["Id"], every[1]["Id"]]
    gd.archive_findings(DetectorId=detector, FindingIds=archived)
    shown = await region_findings(clients, place, FindingCriteria())
    assert {f.id for f in shown.findings} == {f["Id"] for f in every} - set(archived)
    assert sum(shown.counts.values()) == len(every) - 2
    both = await region_findings(clients, place, FindingCriteria(archived=None))
    assert {f.id for f in both.findings if f.archived} == set(archived)


async def test_a_quiet_refresh_fetches_only_the_newest_again(
    world: World, clients: AwsClients
) -> None:
    hand = HandClock()
    WORLD_CLOCK.follow(hand)
    try:
        gd, detector = seeded(world, TYPES)
        hand.now += timedelta(minutes=5)
        gd.create_sample_findings(DetectorId=detector, FindingTypes=[TYPES[0]])
        place = Place("", REGION)
        first = await region_findings(clients, place, FindingCriteria())
        assert len(first.findings) == len(TYPES) + 1
        sent = await operations(clients, REGION)
        fetched: list[str] = []
        client = await clients.client("guardduty", place)
        client.meta.events.register(
            "before-parameter-build.guardduty.GetFindings",
            lambda params, **_: fetched.extend(params["FindingIds"]),
        )
        known = {f.id: f for f in first.findings}
        again = await region_findings(clients, place, FindingCriteria(), known)
        assert set(again.findings) == set(first.findings) and again.counts == first.counts
        # ListFindings once (updated since the newest known: the newest itself), and only
        # that one fetched again; the statistics agree, so no full listing.
        assert sent.count("ListFindings") == 1 and sent.count("GetFindings") == 1
        newest = max(first.findings, key=lambda f: f.updated_at)
        assert fetched == [newest.id]
        sent.clear()
        gd.archive_findings(DetectorId=detector, FindingIds=[first.findings[0].id])
        hand.now += timedelta(minutes=5)
        gd.create_sample_findings(DetectorId=detector, FindingTypes=[TYPES[1]])
        third = await region_findings(clients, place, FindingCriteria(), known)
        aws = {f["Id"] for f in all_aws(gd, detector)} - {first.findings[0].id}
        assert {f.id for f in third.findings} == aws and len(aws) == len(TYPES) + 1
        # The counts disagreed (one archived): every id listed again (1 page), nothing
        # known fetched again but the newest and the new one.
        assert sent.count("ListFindings") == 2 and sent.count("GetFindings") == 1
        sent.clear()
        full = await region_findings(clients, place, FindingCriteria(), known, full_list=True)
        assert {f.id for f in full.findings} == aws and sent.count("ListFindings") == 2
    finally:
        WORLD_CLOCK.reset()


async def test_every_sample_type_parses(world: World, clients: AwsClients) -> None:
    gd, detector = seeded(world)
    found = await get_findings(clients, Place("", REGION), detector, [
        f["Id"] for f in all_aws(gd, detector)
    ])  # fmt: skip
    for finding in found:
        assert finding.type.purpose and finding.type.resource, finding.type.text
        assert finding.resource.text and finding.title and finding.region == REGION
        assert finding.account == "123456789012" and finding.detector_id == detector
    kinds = {f.action[0][1] for f in found if f.action}
    assert {"network connection", "AWS API call", "DNS request", "port probe"} <= kinds


async def test_unknown_detector_is_a_bad_request(world: World, clients: AwsClients) -> None:
    with pytest.raises(BadRequest) as error:
        await get_detector(clients, Place("", REGION), "0" * 32)
    assert "not owned" in str(error.value.detail)
