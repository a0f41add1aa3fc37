"""`montui findings` against the local AWS world, seeded the way a person would with boto3
(create-detector, create-sample-findings, archive-findings), not with the scenario's code:
montui lists exactly what `list-findings` / `get-findings` answer. Outputs, the floor, the
window, exit codes, GuardDuty off on stderr, bad arguments."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from montui.cli import main
from montui.commands.findings import EXIT_FINDING, EXIT_OK, run_findings
from montui.config import Settings
from montui.launch import AwsRequest
from montui.model.findings import band_of
from montui_world.clock import WORLD_CLOCK
from montui_world.world import World

ON, OFF = "ap-northeast-1", "us-east-1"
THEN = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
TYPES = [
    "Recon:EC2/PortProbeUnprotectedPort",
    "UnauthorizedAccess:EC2/SSHBruteForce",
    "CryptoCurrency:EC2/BitcoinTool.B!DNS",
    "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
    "Policy:S3/BucketPublicAccessGranted",
    "Discovery:Kubernetes/SuccessfulAnonymousAccess",
    "AttackSequence:IAM/CompromisedCredentials",
]


class HandClock:
    def __init__(self) -> None:
        self.now = THEN

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def hand(world: World) -> Iterator[HandClock]:
    clock = HandClock()
    WORLD_CLOCK.follow(clock)
    yield clock
    WORLD_CLOCK.reset()


def guardduty(world: World) -> Any:
    return boto3.client("guardduty", region_name=ON, endpoint_url=world.endpoint)


@pytest.fixture
def seeded(world: World, hand: HandClock) -> tuple[Any, str, list[str]]:
    """A detector in ap-northeast-1 (none in us-east-1), sample findings of TYPES two days
    apart from one more round of samples, and two of them archived, all through boto3."""
    gd = guardduty(world)
    detector = gd.create_detector(Enable=True)["DetectorId"]
    gd.create_sample_findings(DetectorId=detector, FindingTypes=TYPES)
    hand.now += timedelta(days=2)
    gd.create_sample_findings(DetectorId=detector, FindingTypes=TYPES[:3])
    ids = gd.list_findings(DetectorId=detector)["FindingIds"]
    archived = ids[:2]
    gd.archive_findings(DetectorId=detector, FindingIds=archived)
    return gd, detector, archived


def current(gd: Any, detector: str, **extra: Any) -> list[dict[str, Any]]:
    """What `aws guardduty list-findings` (not archived) then `get-findings` answer."""
    criterion = {"service.archived": {"Eq": ["false"]}, **extra}
    pages = gd.get_paginator("list_findings").paginate(
        DetectorId=detector, FindingCriteria={"Criterion": criterion}
    )
    ids = [i for page in pages for i in page["FindingIds"]]
    return list(gd.get_findings(DetectorId=detector, FindingIds=ids)["Findings"]) if ids else []


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def base(world: World) -> list[str]:
    return ["findings", "--endpoint-url", world.endpoint, "--region", f"{ON},{OFF}"]


def test_json_is_exactly_what_get_findings_answers(
    world: World, seeded: tuple[Any, str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    gd, detector, archived = seeded
    code, out, err = run([*base(world), "--output", "json"], capsys)
    assert code == EXIT_OK
    assert "GuardDuty is off in us-east-1" in err
    assert "aws guardduty create-detector --enable --region us-east-1" in err
    listed = json.loads(out)
    aws = {f["Id"]: f for f in current(gd, detector)}
    assert len(listed) == len(aws) == len(TYPES) + 3 - len(archived)
    assert not {r["id"] for r in listed} & set(archived)
    for record in listed:
        finding = aws[record["id"]]
        service = finding["Service"]
        assert record["type"] == finding["Type"]
        assert record["severity"] == finding["Severity"]
        assert record["band"] == band_of(finding["Severity"]).word
        assert record["title"] == finding["Title"]
        assert record["count"] == service["Count"]
        assert record["archived"] is service["Archived"] is False
        assert record["region"] == finding["Region"] and record["account"] == finding["AccountId"]
        assert record["arn"] == finding["Arn"]
        assert record["resource_type"] == finding["Resource"]["ResourceType"]
        for ours, theirs in (
            (record["first_seen"], service["EventFirstSeen"]),
            (record["last_seen"], service["EventLastSeen"]),
            (record["updated_at"], finding["UpdatedAt"]),
        ):
            assert datetime.fromisoformat(ours) == datetime.fromisoformat(theirs)
    severities = [(-r["severity"], r["last_seen"]) for r in listed]
    bands = [band_of(-s) for s, _ in severities]
    assert bands == sorted(bands, reverse=True)


def test_floor_table_csv_and_fail_on_finding(
    world: World, seeded: tuple[Any, str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    gd, detector, _ = seeded
    high = current(gd, detector, severity={"Gte": 7})
    code, out, _ = run([*base(world), "--min-severity", "HIGH", "--output", "csv"], capsys)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == EXIT_OK and {r["id"] for r in rows} == {f["Id"] for f in high} and rows
    assert all(float(r["severity"]) >= 7 for r in rows)
    code, out, _ = run([*base(world), "--min-severity", "critical", "--fail-on-finding"], capsys)
    assert code == EXIT_FINDING
    header, *lines = out.splitlines()
    assert header.split()[:4] == ["BAND", "SEV", "TYPE", "RESOURCE"]
    assert lines and all(line.startswith("Critical") for line in lines)
    code, _, _ = run([*base(world), "--fail-on-finding", "--region", OFF], capsys)
    assert code == EXIT_OK  # off is not an error, and nothing is listed


def test_since_counts_from_the_given_clock(
    world: World, seeded: tuple[Any, str, list[str]], hand: HandClock
) -> None:
    gd, detector, _ = seeded
    request = AwsRequest(endpoint_url=world.endpoint, regions=(ON,))
    out = io.StringIO()
    code = run_findings(
        request, Settings(), since=3600, output="json", out=out, clock=lambda: hand.now
    )
    recent = json.loads(out.getvalue())
    newest = current(gd, detector)
    cutoff = hand.now - timedelta(hours=1)
    expected = {f["Id"] for f in newest if datetime.fromisoformat(f["UpdatedAt"]) >= cutoff}
    assert code == EXIT_OK and {r["id"] for r in recent} == expected
    assert 0 < len(expected) < len(newest)


def test_bad_arguments_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["findings", "--since", "soon", "--region", ON])
    assert exited.value.code == 2
    assert "not a duration" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        main(["findings", "--min-severity", "severe", "--region", ON])
    assert exited.value.code == 2


def test_unreachable_endpoint_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["findings", "--endpoint-url", "http://127.0.0.1:9", "--region", ON], capsys)
    assert code == 1
    assert "guardduty ap-northeast-1: cannot reach" in err and "check the network" in err
