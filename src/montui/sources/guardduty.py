"""GuardDuty (REST-JSON): is it on in a region, and its findings.

`detector_ids` (ListDetectors, every page: an empty list means GuardDuty is off in the
region, a state, not an error), `get_detector` (status and features), `finding_ids`
(ListFindings with FindingCriteria and SortCriteria, every page, 50 a page),
`get_findings` (GetFindings in batches of 50), `severity_counts` (GetFindingsStatistics
grouped by severity), and `region_findings`, the poll of one region that uses them all:
after the first, it asks only for what was updated since, and lists every id again only
when the statistics say something else changed. Every call
raises only `SourceError` subclasses: `AccessDenied` naming the `guardduty:` action.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from msgspec import Struct

from montui.model.findings import (
    Band,
    Detector,
    Finding,
    RegionFindings,
    band_counts,
    counts_from_statistics,
    finding_from_aws,
)
from montui.model.place import Place
from montui.sources.error_mapping import source_errors
from montui.sources.paging import client_pages
from montui.sources.session import AwsClients

SERVICE = "guardduty"
PAGE_SIZE = 50
"""ListFindings' largest page (MaxResults 1..50)."""
BATCH = 50
"""GetFindings' most ids per call."""

__all__ = [
    "FindingCriteria",
    "detector_ids",
    "finding_ids",
    "get_detector",
    "get_findings",
    "region_findings",
    "severity_counts",
]


class FindingCriteria(Struct, frozen=True):
    """Which findings to list: not archived by default (`archived` None: both), severity at
    or above `min_severity`, updated at or after `updated_since`."""

    min_severity: float | None = None
    archived: bool | None = False
    updated_since: datetime | None = None

    def aws(self) -> dict[str, Any]:
        """ListFindings' `FindingCriteria` (`Criterion` keyed by field name)."""
        criterion: dict[str, Any] = {}
        if self.archived is not None:
            criterion["service.archived"] = {"Eq": ["true" if self.archived else "false"]}
        if self.min_severity is not None:
            criterion["severity"] = {"Gte": int(self.min_severity)}
        if self.updated_since is not None:
            millis = int(self.updated_since.timestamp() * 1000)
            criterion["updatedAt"] = {"GreaterThanOrEqual": millis}
        return {"Criterion": criterion}


def _errors(clients: AwsClients, place: Place, operation: str) -> Any:
    return source_errors(
        service=SERVICE,
        region=place.region,
        profile=clients.target.profile,
        action=f"guardduty:{operation}",
    )


async def detector_ids(clients: AwsClients, place: Place) -> tuple[str, ...]:
    """The region's detector ids (ListDetectors, every page); empty: GuardDuty is off."""
    found: list[str] = []
    with _errors(clients, place, "ListDetectors"):
        async for page in client_pages(clients, place, SERVICE, "ListDetectors", {}):
            found.extend(str(i) for i in page.get("DetectorIds") or ())
    return tuple(found)


async def get_detector(clients: AwsClients, place: Place, detector_id: str) -> Detector:
    """GetDetector: its status and its features (or, from older answers, data sources)."""
    with _errors(clients, place, "GetDetector"):
        client = await clients.client(SERVICE, place)
        answer = await client.get_detector(DetectorId=detector_id)
    features = tuple(
        (str(f.get("Name") or ""), str(f.get("Status") or "")) for f in answer.get("Features") or ()
    )
    if not features:
        features = tuple(
            (name, str((value or {}).get("Status") or ""))
            for name, value in (answer.get("DataSources") or {}).items()
            if isinstance(value, Mapping) and "Status" in value
        )
    return Detector(
        id=detector_id,
        status=str(answer.get("Status") or ""),
        features=features,
        updated_at=str(answer.get("UpdatedAt") or ""),
    )


async def finding_ids(
    clients: AwsClients, place: Place, detector_id: str, criteria: FindingCriteria
) -> list[str]:
    """ListFindings, every page: the ids matching `criteria`, most severe first
    (SortCriteria severity DESC; the pane orders by band, then last seen, itself)."""
    request = {
        "DetectorId": detector_id,
        "FindingCriteria": criteria.aws(),
        "SortCriteria": {"AttributeName": "severity", "OrderBy": "DESC"},
        "MaxResults": PAGE_SIZE,
    }
    ids: list[str] = []
    with _errors(clients, place, "ListFindings"):
        async for page in client_pages(clients, place, SERVICE, "ListFindings", request):
            ids.extend(str(i) for i in page.get("FindingIds") or ())
    return list(dict.fromkeys(ids))


async def get_findings(
    clients: AwsClients, place: Place, detector_id: str, ids: Iterable[str]
) -> list[Finding]:
    """GetFindings in batches of 50, in the order of `ids` (those AWS returned)."""
    wanted = list(dict.fromkeys(ids))
    found: dict[str, Finding] = {}
    with _errors(clients, place, "GetFindings"):
        if not wanted:
            return []
        client = await clients.client(SERVICE, place)
        for first in range(0, len(wanted), BATCH):
            answer = await client.get_findings(
                DetectorId=detector_id, FindingIds=wanted[first : first + BATCH]
            )
            for data in answer.get("Findings") or ():
                finding = finding_from_aws(data)
                found[finding.id] = finding
    return [found[i] for i in wanted if i in found]


async def severity_counts(
    clients: AwsClients, place: Place, detector_id: str, criteria: FindingCriteria
) -> dict[Band, int]:
    """GetFindingsStatistics grouped by severity: how many findings per band."""
    with _errors(clients, place, "GetFindingsStatistics"):
        client = await clients.client(SERVICE, place)
        answer = await client.get_findings_statistics(
            DetectorId=detector_id, FindingCriteria=criteria.aws(), GroupBy="SEVERITY"
        )
    stats: Mapping[str, Any] = answer.get("FindingStatistics") or {}
    grouped = stats.get("GroupedBySeverity")
    if grouped is not None:
        by_severity: dict[str, int] = {}
        for group in grouped:
            key = str(float(group.get("Severity") or 0))
            by_severity[key] = by_severity.get(key, 0) + int(group.get("TotalFindings") or 0)
        return counts_from_statistics(by_severity)
    return counts_from_statistics(stats.get("CountBySeverity") or {})


async def region_findings(
    clients: AwsClients,
    place: Place,
    criteria: FindingCriteria,
    known: Mapping[str, Finding] | None = None,
    *,
    full_list: bool = False,
) -> RegionFindings:
    """One poll of a region: off (no detector) or its findings matching `criteria`, with
    the counts per band (GetFindingsStatistics).

    `known`: the previous poll's findings by id. A refresh then asks ListFindings only for
    what was updated since the newest known finding (new findings and grown counts are
    updated), fetches those, and checks the result against the statistics: when every
    band's count agrees, that is the list; when not (a finding archived, unarchived or
    expired), or with `full_list`, every id is listed again (ListFindings, every page) and
    only the ids not known at their current update are fetched."""
    ids = await detector_ids(clients, place)
    if not ids:
        return RegionFindings(place.region, None)
    detector = await get_detector(clients, place, ids[0])
    counts = await severity_counts(clients, place, detector.id, criteria)
    known = dict(known or {})
    changed: set[str] = set()
    if known:
        newest = max(f.updated_at for f in known.values())
        since = FindingCriteria(criteria.min_severity, criteria.archived, newest)
        changed = set(await finding_ids(clients, place, detector.id, since))
        if not full_list:
            fresh = await get_findings(clients, place, detector.id, changed)
            merged = {**known, **{f.id: f for f in fresh}}
            if band_counts(merged.values()) == counts:
                return RegionFindings(place.region, detector, _by_severity(merged), counts)
            known = merged
            changed = set()
    listed = await finding_ids(clients, place, detector.id, criteria)
    stale = [i for i in listed if i not in known or i in changed]
    fresh_by_id = {f.id: f for f in await get_findings(clients, place, detector.id, stale)}
    held = {**known, **fresh_by_id}
    findings = tuple(held[i] for i in listed if i in held)
    return RegionFindings(place.region, detector, findings, counts)


def _by_severity(findings: Mapping[str, Finding]) -> tuple[Finding, ...]:
    """ListFindings' order (severity, most severe first), for findings put together."""
    return tuple(sorted(findings.values(), key=lambda f: (-f.severity, f.id)))
