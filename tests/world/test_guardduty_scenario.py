"""The demo scenario's GuardDuty (`scenario.guardduty`), through boto3: on in ap-northeast-1
and off in us-east-1, findings in every band, counts that grow as the world lives, and the
live High finding appearing when the clock is moved."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import boto3

from montui_world.live import CatchUpClock, lead_for
from montui_world.scenario import guardduty
from tests.conftest import SCENARIO_START, ScenarioWorld

_BANDS = {"Low": (1.0, 4.0), "Medium": (4.0, 7.0), "High": (7.0, 9.0), "Critical": (9.0, 10.1)}


def _gd(world: ScenarioWorld, region: str = guardduty.REGION) -> Any:
    return boto3.client("guardduty", region_name=region, endpoint_url=world.endpoint)


def _findings(gd: Any, detector: str, **criteria: Any) -> list[dict[str, Any]]:
    kwargs: dict[str, Any] = {"DetectorId": detector}
    if criteria:
        kwargs["FindingCriteria"] = {"Criterion": criteria}
    pages = gd.get_paginator("list_findings").paginate(**kwargs)
    ids = [i for p in pages for i in p["FindingIds"]]
    found: list[dict[str, Any]] = []
    for start in range(0, len(ids), 50):
        found += gd.get_findings(DetectorId=detector, FindingIds=ids[start : start + 50])[
            "Findings"
        ]
    return found


def _band(severity: float) -> str:
    return next(name for name, (low, high) in _BANDS.items() if low <= severity < high)


def test_guardduty_is_on_in_tokyo_and_off_in_virginia(scenario_world: ScenarioWorld) -> None:
    scenario_world.at(SCENARIO_START)
    assert _gd(scenario_world, guardduty.OFF_REGION).list_detectors()["DetectorIds"] == []
    detectors = _gd(scenario_world).list_detectors()["DetectorIds"]
    assert len(detectors) == 1
    assert _gd(scenario_world).get_detector(DetectorId=detectors[0])["Status"] == "ENABLED"


def test_findings_in_every_band_over_14_days(scenario_world: ScenarioWorld) -> None:
    scenario_world.at(SCENARIO_START)
    gd = _gd(scenario_world)
    detector = gd.list_detectors()["DetectorIds"][0]
    findings = _findings(gd, detector)
    assert len(findings) == len(guardduty.FINDINGS) == 26
    bands: dict[str, int] = {}
    for finding in findings:
        band = _band(finding["Severity"])
        bands[band] = bands.get(band, 0) + 1
    assert bands == {"Low": 12, "Medium": 9, "High": 4, "Critical": 1}
    oldest = min(f["CreatedAt"] for f in findings)
    assert oldest >= (SCENARIO_START - timedelta(days=14, hours=1)).strftime("%Y-%m-%dT%H:%M")
    assert max(f["UpdatedAt"] for f in findings) <= SCENARIO_START.strftime(
        "%Y-%m-%dT%H:%M:%S.999Z"
    )
    types = {f["Type"] for f in findings}
    assert {
        "Recon:EC2/PortProbeUnprotectedPort",
        "UnauthorizedAccess:EC2/SSHBruteForce",
        "CryptoCurrency:EC2/BitcoinTool.B!DNS",
        "Policy:IAMUser/RootCredentialUsage",
        "Stealth:IAMUser/CloudTrailLoggingDisabled",
        "Policy:S3/BucketPublicAccessGranted",
        "Exfiltration:IAMUser/AnomalousBehavior",
        "AttackSequence:IAM/CompromisedCredentials",
    } <= types
    bastion = [
        f
        for f in findings
        if f["Resource"].get("InstanceDetails", {}).get("InstanceId") == "i-0f1e2d3c4b5a69788"
    ]
    assert {f["Type"] for f in bastion} >= {
        "Recon:EC2/PortProbeUnprotectedPort",
        "UnauthorizedAccess:EC2/SSHBruteForce",
    }
    archived = _findings(gd, detector, **{"service.archived": {"Eq": ["true"]}})
    assert len(archived) == 1
    stats = gd.get_findings_statistics(
        DetectorId=detector, FindingStatisticTypes=["COUNT_BY_SEVERITY"]
    )["FindingStatistics"]["CountBySeverity"]
    assert sum(stats.values()) == 26


def test_repeated_findings_grow_as_the_world_lives(scenario_world: ScenarioWorld) -> None:
    scenario_world.at(SCENARIO_START)
    gd = _gd(scenario_world)
    detector = gd.list_detectors()["DetectorIds"][0]
    ssh = {"type": {"Eq": ["UnauthorizedAccess:EC2/SSHBruteForce"]}}
    before = _findings(gd, detector, **ssh)[0]
    assert before["Service"]["Count"] > 100
    scenario_world.at(SCENARIO_START + timedelta(hours=4))
    after = _findings(gd, detector, **ssh)[0]
    assert after["Id"] == before["Id"]
    assert after["Service"]["Count"] == before["Service"]["Count"] + 2
    assert after["UpdatedAt"] > before["UpdatedAt"]
    assert after["Service"]["EventFirstSeen"] == before["Service"]["EventFirstSeen"]


def test_the_live_high_finding_appears_minutes_after_the_start(
    scenario_world: ScenarioWorld,
) -> None:
    live_type = guardduty.LIVE.type
    scenario_world.at(SCENARIO_START)
    gd = _gd(scenario_world)
    detector = gd.list_detectors()["DetectorIds"][0]
    high = {"severity": {"Gte": 7}, "updatedAt": {"Gte": int(SCENARIO_START.timestamp() * 1000)}}
    assert _findings(gd, detector, **high) == []
    scenario_world.at(SCENARIO_START + guardduty.LIVE_AFTER - timedelta(seconds=1))
    assert _findings(gd, detector, type={"Eq": [live_type]}) == []
    scenario_world.at(SCENARIO_START + guardduty.LIVE_AFTER)
    (fresh,) = _findings(gd, detector, **high)
    assert fresh["Type"] == live_type and fresh["Severity"] == 8.0
    assert fresh["Service"]["Count"] == 1
    key = fresh["Resource"]["AccessKeyDetails"]
    assert key["UserName"] == "hitori-contact-form-role" and key["UserType"] == "AssumedRole"
    call = fresh["Service"]["Action"]["AwsApiCallAction"]
    assert call["Api"] == "SendEmail" and call["ServiceName"] == "ses.amazonaws.com"
    assert call["RemoteIpDetails"]["Country"]["CountryName"] == "Netherlands"
    scenario_world.at(SCENARIO_START + guardduty.LIVE_AFTER + timedelta(minutes=10))
    (again,) = _findings(gd, detector, type={"Eq": [live_type]})
    assert again["Id"] == fresh["Id"] and again["Service"]["Count"] == 3


def test_the_scenario_is_deterministic_for_its_seed(scenario_world: ScenarioWorld) -> None:
    scenario_world.at(SCENARIO_START)
    gd = _gd(scenario_world)
    detector = gd.list_detectors()["DetectorIds"][0]
    first = sorted((f["Id"], f["CreatedAt"]) for f in _findings(gd, detector))
    scenario_world.rebuild()
    again_detector = gd.list_detectors()["DetectorIds"][0]
    assert again_detector == detector
    assert sorted((f["Id"], f["CreatedAt"]) for f in _findings(gd, detector)) == first


def test_at_demo_speed_the_live_finding_shows_within_the_first_real_minutes(
    scenario_world: ScenarioWorld,
) -> None:
    """`montui --demo` (speed 10, the scenario started `lead_for(10)` before the wall clock,
    a few real seconds of seeding): the live High finding is listed within 2 real minutes of
    the world opening, on a hand-moved catch-up clock (simulated time, no sleeping)."""
    speed, seeding = 10.0, 4.0
    real = [0.0]
    wall = SCENARIO_START + lead_for(speed) + timedelta(seconds=seeding)
    clock = CatchUpClock(
        SCENARIO_START,
        speed,
        wall=lambda: wall + timedelta(seconds=real[0]),
        monotonic=lambda: real[0],
    )
    scenario_world.at(SCENARIO_START)
    gd = _gd(scenario_world)
    detector = gd.list_detectors()["DetectorIds"][0]
    high = {"severity": {"Gte": 7}, "updatedAt": {"Gte": int(SCENARIO_START.timestamp() * 1000)}}
    shown_at = None
    for step in range(0, 181, 6):  # montui --demo polls every 6 real seconds
        real[0] = float(step)
        scenario_world.at(clock.now())
        if _findings(gd, detector, **high):
            shown_at = real[0]
            break
    assert shown_at is not None and 30.0 <= shown_at <= 120.0
