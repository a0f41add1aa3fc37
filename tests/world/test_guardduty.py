"""GuardDuty in the world (`ext.guardduty_api`), through boto3: detectors, ListFindings'
criteria, sort and paging, GetFindings, statistics, samples, archive, errors, reset; and
moto's GuardDuty backend is never loaded."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from montui_world.clock import WORLD_CLOCK
from montui_world.ext.guardduty_catalog import CATALOG
from montui_world.world import World

REGION = "ap-northeast-1"
THEN = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)


class HandClock:
    """The world's present, moved by hand."""

    def __init__(self) -> None:
        self.now = THEN

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(world: World) -> Iterator[HandClock]:
    hand = HandClock()
    WORLD_CLOCK.follow(hand)
    yield hand
    WORLD_CLOCK.reset()


def _gd(world: World, region: str = REGION, **config: Any) -> Any:
    return boto3.client(
        "guardduty", region_name=region, endpoint_url=world.endpoint, config=Config(**config)
    )


def _detector(gd: Any) -> str:
    return str(gd.create_detector(Enable=True)["DetectorId"])


def _all_ids(gd: Any, detector: str, **kwargs: Any) -> list[str]:
    pages = gd.get_paginator("list_findings").paginate(DetectorId=detector, **kwargs)
    return [i for p in pages for i in p["FindingIds"]]


TYPES = [
    "Recon:EC2/PortProbeUnprotectedPort",  # 2, Instance, port probe
    "UnauthorizedAccess:EC2/SSHBruteForce",  # 2, Instance, network connection
    "CryptoCurrency:EC2/BitcoinTool.B!DNS",  # 8, Instance, DNS
    "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",  # 8, API call
    "Policy:S3/BucketPublicAccessGranted",  # 8, S3
    "Discovery:Kubernetes/SuccessfulAnonymousAccess",  # 5, EKS
    "CredentialAccess:RDS/MaliciousIPCaller.FailedLogin",  # 5, RDS
    "AttackSequence:IAM/CompromisedCredentials",  # 9.2, sequence
]


def test_detector_lifecycle(world: World, clock: HandClock) -> None:
    gd = _gd(world)
    assert gd.list_detectors()["DetectorIds"] == []
    detector = _detector(gd)
    assert len(detector) == 32
    assert gd.list_detectors()["DetectorIds"] == [detector]
    assert _gd(world, "us-east-1").list_detectors()["DetectorIds"] == []
    got = gd.get_detector(DetectorId=detector)
    assert got["Status"] == "ENABLED"
    assert got["CreatedAt"] == "2026-03-04T05:06:07.000Z"
    assert got["ServiceRole"].endswith("AWSServiceRoleForAmazonGuardDuty")
    assert got["DataSources"]["CloudTrail"]["Status"] == "ENABLED"
    assert {f["Name"] for f in got["Features"]} >= {"CLOUD_TRAIL", "DNS_LOGS", "FLOW_LOGS"}
    with pytest.raises(ClientError) as again:
        gd.create_detector(Enable=True)
    assert again.value.response["Error"]["Code"] == "BadRequestException"
    assert "already exists" in again.value.response["Error"]["Message"]
    clock.now = THEN + timedelta(days=1)
    gd.update_detector(DetectorId=detector, Enable=False, FindingPublishingFrequency="ONE_HOUR")
    disabled = gd.get_detector(DetectorId=detector)
    assert disabled["Status"] == "DISABLED" and disabled["FindingPublishingFrequency"] == "ONE_HOUR"
    assert disabled["DataSources"]["CloudTrail"]["Status"] == "DISABLED"
    assert disabled["UpdatedAt"] == "2026-03-05T05:06:07.000Z"
    gd.delete_detector(DetectorId=detector)
    assert gd.list_detectors()["DetectorIds"] == []


def test_unknown_detector_is_aws_error(world: World, clock: HandClock) -> None:
    gd = _gd(world)
    calls: list[tuple[str, dict[str, Any]]] = [
        ("get_detector", {}),
        ("list_findings", {}),
        ("get_findings", {"FindingIds": ["a" * 32]}),
    ]
    for name, arguments in calls:
        with pytest.raises(ClientError) as error:
            getattr(gd, name)(DetectorId="0" * 32, **arguments)
        response = error.value.response
        assert response["Error"]["Code"] == "BadRequestException"
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert "not owned by the current account" in response["Error"]["Message"]


def test_sample_findings_parse_in_aws_shapes(world: World, clock: HandClock) -> None:
    gd = _gd(world)
    detector = _detector(gd)
    gd.create_sample_findings(DetectorId=detector, FindingTypes=TYPES)
    ids = _all_ids(gd, detector)
    assert len(ids) == len(TYPES)
    findings = {
        f["Type"]: f for f in gd.get_findings(DetectorId=detector, FindingIds=ids)["Findings"]
    }
    assert set(findings) == set(TYPES)
    for finding in findings.values():
        assert finding["AccountId"] == "123456789012"
        assert finding["Region"] == REGION
        assert finding["Arn"].endswith(f"detector/{detector}/finding/{finding['Id']}")
        assert finding["SchemaVersion"] == "2.0"
        assert finding["CreatedAt"] == finding["UpdatedAt"] == "2026-03-04T05:06:07.000Z"
        service = finding["Service"]
        assert service["Archived"] is False and service["Count"] == 1
        assert service["DetectorId"] == detector and service["ServiceName"] == "guardduty"
        assert service["EventFirstSeen"] == service["EventLastSeen"] == finding["CreatedAt"]
    probe = findings["Recon:EC2/PortProbeUnprotectedPort"]
    assert probe["Resource"]["ResourceType"] == "Instance"
    assert probe["Resource"]["InstanceDetails"]["InstanceId"].startswith("i-")
    action = probe["Service"]["Action"]
    assert action["ActionType"] == "PORT_PROBE"
    detail = action["PortProbeAction"]["PortProbeDetails"][0]
    assert detail["LocalPortDetails"]["Port"] == 22
    assert detail["RemoteIpDetails"]["Country"]["CountryName"]
    ssh = findings["UnauthorizedAccess:EC2/SSHBruteForce"]["Service"]["Action"]
    assert ssh["NetworkConnectionAction"]["ConnectionDirection"] == "INBOUND"
    assert ssh["NetworkConnectionAction"]["RemoteIpDetails"]["IpAddressV4"]
    dns = findings["CryptoCurrency:EC2/BitcoinTool.B!DNS"]["Service"]["Action"]
    assert dns["ActionType"] == "DNS_REQUEST" and dns["DnsRequestAction"]["Domain"]
    creds = findings["UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS"]
    assert creds["Resource"]["AccessKeyDetails"]["AccessKeyId"]
    assert creds["Service"]["Action"]["AwsApiCallAction"]["Api"]
    bucket = findings["Policy:S3/BucketPublicAccessGranted"]["Resource"]
    assert bucket["ResourceType"] == "S3Bucket" and bucket["S3BucketDetails"][0]["Name"]
    eks = findings["Discovery:Kubernetes/SuccessfulAnonymousAccess"]
    assert eks["Resource"]["EksClusterDetails"]["Name"]
    assert eks["Service"]["Action"]["KubernetesApiCallAction"]["SourceIps"]
    rds = findings["CredentialAccess:RDS/MaliciousIPCaller.FailedLogin"]
    assert rds["Resource"]["RdsDbInstanceDetails"]["DbInstanceIdentifier"]
    attempts = rds["Service"]["Action"]["RdsLoginAttemptAction"]["LoginAttributes"]
    assert attempts[0]["FailedLoginAttempts"] > 0
    sequence = findings["AttackSequence:IAM/CompromisedCredentials"]
    assert sequence["Severity"] >= 9
    assert sequence["Service"]["Detection"]["Sequence"]["Signals"]


def test_all_sample_types_and_paging_past_50(world: World, clock: HandClock) -> None:
    gd = _gd(world)
    detector = _detector(gd)
    gd.create_sample_findings(DetectorId=detector)
    gd.create_sample_findings(DetectorId=detector, FindingTypes=TYPES[:1])
    assert len(CATALOG) + 1 >= 120
    first = gd.list_findings(DetectorId=detector)
    assert len(first["FindingIds"]) == 50 and first["NextToken"]
    ids = _all_ids(gd, detector, PaginationConfig={"PageSize": 50})
    assert len(ids) == len(set(ids)) == len(CATALOG) + 1
    small = _all_ids(gd, detector, PaginationConfig={"PageSize": 7})
    assert small == ids
    types = set()
    for start in range(0, len(ids), 50):
        batch = gd.get_findings(DetectorId=detector, FindingIds=ids[start : start + 50])
        types |= {f["Type"] for f in batch["Findings"]}
    assert types == set(CATALOG)


def test_max_results_and_tokens_validated(world: World, clock: HandClock) -> None:
    gd = _gd(world, parameter_validation=False)
    detector = _detector(gd)
    for bad in (0, 51):
        with pytest.raises(ClientError) as error:
            gd.list_findings(DetectorId=detector, MaxResults=bad)
        assert error.value.response["Error"]["Code"] == "BadRequestException"
        assert "maxResults" in error.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as detectors:
        gd.list_detectors(MaxResults=51)
    assert "maxResults" in detectors.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as token:
        gd.list_findings(DetectorId=detector, NextToken="made-up")
    assert "nextToken" in token.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as too_many:
        gd.get_findings(DetectorId=detector, FindingIds=[f"{n:032x}" for n in range(51)])
    assert too_many.value.response["Error"]["Code"] == "BadRequestException"
    with pytest.raises(ClientError) as malformed:
        gd.get_findings(DetectorId=detector, FindingIds=["not an id!"])
    assert malformed.value.response["Error"]["Code"] == "BadRequestException"
    with pytest.raises(ClientError) as attribute:
        gd.list_findings(
            DetectorId=detector, FindingCriteria={"Criterion": {"nonsense": {"Eq": ["x"]}}}
        )
    assert attribute.value.response["Error"]["Code"] == "BadRequestException"


def test_unknown_finding_id_is_left_out(world: World, clock: HandClock) -> None:
    gd = _gd(world)
    detector = _detector(gd)
    gd.create_sample_findings(DetectorId=detector, FindingTypes=TYPES[:1])
    known = _all_ids(gd, detector)
    found = gd.get_findings(DetectorId=detector, FindingIds=[*known, "f" * 32])["Findings"]
    assert [f["Id"] for f in found] == known


def _ids_where(gd: Any, detector: str, criterion: dict[str, Any], **kw: Any) -> list[str]:
    return _all_ids(gd, detector, FindingCriteria={"Criterion": criterion}, **kw)


def _types(gd: Any, detector: str, ids: list[str]) -> list[str]:
    if not ids:
        return []
    found = gd.get_findings(DetectorId=detector, FindingIds=ids)["Findings"]
    by_id = {f["Id"]: f["Type"] for f in found}
    return [by_id[i] for i in ids]


def test_criteria_short_and_long_forms(world: World, clock: HandClock) -> None:
    gd = _gd(world)
    detector = _detector(gd)
    gd.create_sample_findings(DetectorId=detector, FindingTypes=TYPES)
    high = {t for t in TYPES if CATALOG[t].severity >= 7}

    def types(criterion: dict[str, Any]) -> set[str]:
        return set(_types(gd, detector, _ids_where(gd, detector, criterion)))

    assert types({"severity": {"Gte": 7}}) == high
    assert types({"severity": {"GreaterThanOrEqual": 7}}) == high
    assert types({"severity": {"Lt": 7}}) == set(TYPES) - high
    assert types({"severity": {"LessThan": 7}}) == set(TYPES) - high
    assert types({"severity": {"Gt": 8}}) == {"AttackSequence:IAM/CompromisedCredentials"}
    assert types({"severity": {"Lte": 2}}) == set(TYPES[:2])
    assert types({"severity": {"Eq": ["8"]}}) == high - {
        "AttackSequence:IAM/CompromisedCredentials"
    }
    assert types({"type": {"Eq": [TYPES[0]]}}) == {TYPES[0]}
    assert types({"type": {"Equals": [TYPES[0], TYPES[1]]}}) == set(TYPES[:2])
    assert types({"type": {"Neq": [TYPES[0]]}}) == set(TYPES[1:])
    assert types({"type": {"NotEquals": [TYPES[0]]}}) == set(TYPES[1:])
    assert types({"resource.resourceType": {"Eq": ["Instance"]}}) == set(TYPES[:3])
    assert types({"accountId": {"Eq": ["123456789012"]}}) == set(TYPES)
    assert types({"region": {"Eq": ["us-east-1"]}}) == set()
    assert types({"service.action.actionType": {"Eq": ["PORT_PROBE"]}}) == {TYPES[0]}
    assert types({"type": {"Matches": ["*:EC2/*"]}}) == set(TYPES[:3])
    assert types({"type": {"NotMatches": ["*:EC2/*", "AttackSequence:*"]}}) == set(TYPES[3:7])
    first = _ids_where(gd, detector, {"type": {"Eq": [TYPES[0]]}})
    assert _ids_where(gd, detector, {"id": {"Eq": first}}) == first
    assert types({"service.archived": {"Eq": ["false"]}}) == set(TYPES)
    assert types({"service.archived": {"Eq": ["true"]}}) == set()
    then_ms = int(THEN.timestamp() * 1000)
    assert types({"updatedAt": {"Gte": then_ms}}) == set(TYPES)
    assert types({"updatedAt": {"GreaterThan": then_ms}}) == set()
    assert types({"severity": {"Gte": 4}, "resource.resourceType": {"Eq": ["Instance"]}}) == {
        "CryptoCurrency:EC2/BitcoinTool.B!DNS"
    }


def test_sort_by_severity_and_updated_at(world: World, clock: HandClock) -> None:
    gd = _gd(world)
    detector = _detector(gd)
    gd.create_sample_findings(DetectorId=detector, FindingTypes=TYPES[:4])
    clock.now = THEN + timedelta(hours=1)
    gd.create_sample_findings(DetectorId=detector, FindingTypes=TYPES[4:])
    by_severity = _all_ids(
        gd, detector, SortCriteria={"AttributeName": "severity", "OrderBy": "DESC"}
    )
    found = {
        f["Id"]: f for f in gd.get_findings(DetectorId=detector, FindingIds=by_severity)["Findings"]
    }
    severities = [found[i]["Severity"] for i in by_severity]
    assert severities == sorted(severities, reverse=True)
    by_time = _all_ids(gd, detector, SortCriteria={"AttributeName": "updatedAt", "OrderBy": "ASC"})
    stamps = [found[i]["UpdatedAt"] for i in by_time]
    assert stamps == sorted(stamps) and stamps[0] < stamps[-1]
    since = int((THEN + timedelta(minutes=30)).timestamp() * 1000)
    recent = _ids_where(gd, detector, {"updatedAt": {"Gte": since}})
    assert set(_types(gd, detector, recent)) == set(TYPES[4:])


def test_statistics_by_severity_and_type(world: World, clock: HandClock) -> None:
    gd = _gd(world)
    detector = _detector(gd)
    gd.create_sample_findings(DetectorId=detector, FindingTypes=TYPES)
    gd.create_sample_findings(DetectorId=detector, FindingTypes=TYPES[:2])
    counts = gd.get_findings_statistics(
        DetectorId=detector, FindingStatisticTypes=["COUNT_BY_SEVERITY"]
    )["FindingStatistics"]["CountBySeverity"]
    assert sum(counts.values()) == len(TYPES) + 2
    assert counts["2.0"] == 4 and counts["8.0"] == 3
    grouped = gd.get_findings_statistics(DetectorId=detector, GroupBy="SEVERITY")
    rows = grouped["FindingStatistics"]["GroupedBySeverity"]
    assert sum(r["TotalFindings"] for r in rows) == len(TYPES) + 2
    assert rows[0] == {
        "Severity": 2.0,
        "TotalFindings": 4,
        "LastGeneratedAt": THEN,
    }
    by_type = gd.get_findings_statistics(
        DetectorId=detector, GroupBy="FINDING_TYPE", OrderBy="DESC", MaxResults=2
    )["FindingStatistics"]["GroupedByFindingType"]
    assert len(by_type) == 2 and all(r["TotalFindings"] == 2 for r in by_type)
    assert {r["FindingType"] for r in by_type} == set(TYPES[:2])
    high = gd.get_findings_statistics(
        DetectorId=detector,
        FindingStatisticTypes=["COUNT_BY_SEVERITY"],
        FindingCriteria={"Criterion": {"severity": {"Gte": 7}}},
    )["FindingStatistics"]["CountBySeverity"]
    assert high == {"8.0": 3, "9.2": 1}
    stats = gd.get_findings_statistics
    (account,) = stats(DetectorId=detector, GroupBy="ACCOUNT")["FindingStatistics"][
        "GroupedByAccount"
    ]
    assert account == {"AccountId": "123456789012", "TotalFindings": 10, "LastGeneratedAt": THEN}
    (day,) = stats(DetectorId=detector, GroupBy="DATE")["FindingStatistics"]["GroupedByDate"]
    assert day["TotalFindings"] == 10 and day["Severity"] == 9.2
    assert day["Date"] == THEN.replace(hour=0, minute=0, second=0)
    resources = stats(DetectorId=detector, GroupBy="RESOURCE")["FindingStatistics"]
    top = resources["GroupedByResource"][0]
    assert top["ResourceType"] == "Instance" and top["ResourceId"] == "i-99999999"
    assert top["TotalFindings"] == 5
    with pytest.raises(ClientError) as both:
        gd.get_findings_statistics(
            DetectorId=detector, GroupBy="SEVERITY", FindingStatisticTypes=["COUNT_BY_SEVERITY"]
        )
    assert both.value.response["Error"]["Code"] == "BadRequestException"


def test_archive_and_unarchive(world: World, clock: HandClock) -> None:
    gd = _gd(world)
    detector = _detector(gd)
    gd.create_sample_findings(DetectorId=detector, FindingTypes=TYPES[:3])
    ids = _all_ids(gd, detector)
    assert _ids_where(gd, detector, {"service.archived": {"Eq": ["false"]}}) == ids
    gd.archive_findings(DetectorId=detector, FindingIds=ids[:2])
    active = _ids_where(gd, detector, {"service.archived": {"Eq": ["false"]}})
    archived = _ids_where(gd, detector, {"service.archived": {"Eq": ["true"]}})
    assert active == ids[2:] and archived == ids[:2]
    got = gd.get_findings(DetectorId=detector, FindingIds=ids[:1])["Findings"][0]
    assert got["Service"]["Archived"] is True
    gd.unarchive_findings(DetectorId=detector, FindingIds=ids[:1])
    assert _ids_where(gd, detector, {"service.archived": {"Eq": ["true"]}}) == ids[1:2]


def test_unknown_sample_type_and_unserved_operation(world: World, clock: HandClock) -> None:
    gd = _gd(world)
    detector = _detector(gd)
    with pytest.raises(ClientError) as error:
        gd.create_sample_findings(DetectorId=detector, FindingTypes=["Nonsense:EC2/Nothing"])
    assert error.value.response["Error"]["Code"] == "BadRequestException"
    with pytest.raises(ClientError) as unserved:
        gd.list_filters(DetectorId=detector)
    assert unserved.value.response["Error"]["Code"] == "BadRequestException"


def test_reset_forgets_guardduty(world: World, clock: HandClock) -> None:
    gd = _gd(world)
    _detector(gd)
    world.reset()
    assert gd.list_detectors()["DetectorIds"] == []


def test_moto_guardduty_is_never_loaded() -> None:
    script = (
        "import sys, boto3\n"
        "from montui_world.world import World\n"
        "w = World().start()\n"
        "gd = boto3.client('guardduty', region_name='us-east-1', endpoint_url=w.endpoint,"
        " aws_access_key_id='AKIAX', aws_secret_access_key='x')\n"
        "gd.create_detector(Enable=True)\n"
        "print('moto.guardduty' in sys.modules)\n"
        "w.stop()\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr


def _check_shape(value: Any, shape: Any, where: str) -> list[str]:
    """Where `value` (raw wire JSON) strays from botocore's `shape`: unknown keys, wrong types."""
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{where}: not an object"]
        members = {m.serialization.get("name", n): m for n, m in shape.members.items()}
        problems = [f"{where}.{k}: not in {shape.name}" for k in value if k not in members]
        for key, item in value.items():
            if key in members:
                problems += _check_shape(item, members[key], f"{where}.{key}")
        return problems
    if kind == "list":
        if not isinstance(value, list):
            return [f"{where}: not a list"]
        return [
            p for i, v in enumerate(value) for p in _check_shape(v, shape.member, f"{where}[{i}]")
        ]
    if kind == "map":
        if not isinstance(value, dict):
            return [f"{where}: not a map"]
        return [p for k, v in value.items() for p in _check_shape(v, shape.value, f"{where}.{k}")]
    expected: dict[str, Any] = {
        "string": str,
        "boolean": bool,
        "integer": int,
        "long": int,
        "double": (int, float),
        "timestamp": (int, float, str),
    }
    wanted = expected.get(kind, object)
    if not isinstance(value, wanted) or (kind != "boolean" and isinstance(value, bool)):
        return [f"{where}: {type(value).__name__} is not a {kind}"]
    if kind == "string" and shape.enum and value not in shape.enum:
        return [f"{where}: {value!r} not in {shape.name}'s enum"]
    return []


def test_every_sample_type_is_in_the_models_shapes_on_the_wire(
    world: World, clock: HandClock
) -> None:
    """The raw JSON of GetFindings, GetDetector and the statistics, key by key and type by
    type against botocore's model (botocore's parser would silently drop a misspelt key)."""
    gd = _gd(world)
    raw: dict[str, Any] = {}

    def keep(http_response: Any, model: Any, **_: Any) -> None:
        raw[model.name] = (json.loads(http_response.content), model.output_shape)

    gd.meta.events.register("after-call.guardduty", keep)
    detector = _detector(gd)
    gd.create_sample_findings(DetectorId=detector)
    gd.get_detector(DetectorId=detector)
    body, shape = raw["GetDetector"]
    problems = _check_shape(body, shape, "GetDetector")
    ids = _all_ids(gd, detector)
    for start in range(0, len(ids), 50):
        gd.get_findings(DetectorId=detector, FindingIds=ids[start : start + 50])
        body, shape = raw["GetFindings"]
        problems += _check_shape(body, shape, "GetFindings")
    for group in ("SEVERITY", "FINDING_TYPE"):
        gd.get_findings_statistics(DetectorId=detector, GroupBy=group)
        body, shape = raw["GetFindingsStatistics"]
        problems += _check_shape(body, shape, "GetFindingsStatistics")
    assert problems == []


def test_errors_on_the_wire_have_message_and_type(world: World, clock: HandClock) -> None:
    """What a hand-written client sees: 400, `x-amzn-ErrorType: BadRequestException`, and a
    JSON body with `message` and GuardDuty's inner `__type`; broken JSON is one of them."""
    detector = _detector(_gd(world))
    scope = (
        "AWS4-HMAC-SHA256 Credential=AKIAX/20260304/ap-northeast-1/guardduty/aws4_request, "
        "Signature=0"
    )
    for path, body in (
        (f"/detector/{detector}/findings", b"{not json"),
        (f"/detector/{detector}/findings", b'{"maxResults": 99}'),
        ("/detector/nope/findings", b"{}"),
    ):
        request = urllib.request.Request(
            world.endpoint + path,
            data=body,
            method="POST",
            headers={"Authorization": scope, "Content-Type": "application/json"},
        )
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(request, timeout=10)
        assert error.value.code == 400
        assert error.value.headers["x-amzn-ErrorType"] == "BadRequestException"
        answer = json.loads(error.value.read())
        assert set(answer) == {"message", "__type"} and answer["message"]
        assert answer["__type"] == "InvalidInputException"
