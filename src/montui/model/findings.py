"""GuardDuty findings: the `Finding`, its severity band, its type in parts, the state of
GuardDuty in a region, and the pane's order, filter and counts.

Pure: `finding_from_aws` reads one finding in GetFindings' shape (the field names of
botocore's `guardduty` model: AccountId, Arn, CreatedAt, Id, Region, Resource, Severity,
Title, Type, UpdatedAt, Service{Archived, Count, EventFirstSeen, EventLastSeen, …}); the
words for people (threat purpose, resource, action) are `model.finding_words`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any

import msgspec
from msgspec import Struct

from montui.model.finding_words import (
    ResourceWords,
    action_lines,
    evidence_lines,
    resource_words,
)

__all__ = [
    "Band",
    "Detector",
    "Finding",
    "FindingType",
    "RegionFindings",
    "band_counts",
    "band_of",
    "enable_command",
    "filter_findings",
    "finding_from_aws",
    "findings_order",
]


class Band(IntEnum):
    """GuardDuty's severity bands: Low 1–3.9, Medium 4–6.9, High 7–8.9, Critical 9–10."""

    LOW = 1
    MEDIUM = 4
    HIGH = 7
    CRITICAL = 9

    @property
    def floor(self) -> float:
        """The lowest severity in the band."""
        return float(self.value)

    @property
    def word(self) -> str:
        return self.name.capitalize()

    @property
    def symbol(self) -> str:
        """A mark that tells the bands apart without colour."""
        return {Band.LOW: "·", Band.MEDIUM: "◆", Band.HIGH: "▲", Band.CRITICAL: "‼"}[self]

    @property
    def label(self) -> str:
        """`▲ High`: symbol and word, readable without colour."""
        return f"{self.symbol} {self.word}"

    @classmethod
    def parse(cls, text: str) -> Band:
        """`high`, `High`, `HIGH` → Band.HIGH; ValueError naming the choices otherwise."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            choices = ", ".join(b.name.lower() for b in cls)
            raise ValueError(f"not a severity band: {text!r} (one of {choices})") from None


def band_of(severity: float) -> Band:
    """The band of a severity number (anything below 4, even below 1, is Low)."""
    for band in (Band.CRITICAL, Band.HIGH, Band.MEDIUM):
        if severity >= band.floor:
            return band
    return Band.LOW


_TYPE = re.compile(
    r"^(?P<purpose>[^:]+):(?P<resource>[^/]+)/(?P<family>[^.!]+)"
    r"(?:\.(?P<mechanism>[^!]+))?(?:!(?P<artifact>.+))?$"
)


class FindingType(Struct, frozen=True):
    """`ThreatPurpose:ResourceTypeAffected/ThreatFamilyName.DetectionMechanism!Artifact`,
    split (`CryptoCurrency:EC2/BitcoinTool.B!DNS`). A type that does not parse keeps its
    text as `family`."""

    text: str
    purpose: str = ""
    resource: str = ""
    family: str = ""
    mechanism: str = ""
    artifact: str = ""

    @classmethod
    def parse(cls, text: str) -> FindingType:
        match = _TYPE.match(text)
        if match is None:
            return cls(text, family=text)
        parts = {k: v or "" for k, v in match.groupdict().items()}
        return cls(text, **parts)

    def shortened(self, width: int) -> str:
        """The type in at most `width` characters, keeping what tells findings apart: the
        whole type; without detection mechanism and artifact; without the threat purpose
        (the band and the detail say it); the family, cut at its end."""
        if len(self.text) <= width or not self.purpose:
            return self.text if len(self.text) <= width else self.text[: width - 1] + "…"
        tail = "".join(
            (
                f".{self.mechanism}" if self.mechanism else "",
                f"!{self.artifact}" if self.artifact else "",
            )
        )
        for candidate in (
            f"{self.purpose}:{self.resource}/{self.family}",
            f"{self.resource}/{self.family}{tail}",
            f"{self.resource}/{self.family}",
        ):
            if len(candidate) <= width:
                return candidate
        short = f"{self.resource}/{self.family}"
        return short[: max(1, width - 1)] + "…"


@dataclass(frozen=True)
class Finding:
    """One GuardDuty finding, as GetFindings returns it, in the pane's terms."""

    id: str
    account: str
    region: str
    type: FindingType
    severity: float
    title: str
    description: str
    resource_type: str
    resource: ResourceWords
    count: int
    first_seen: datetime
    last_seen: datetime
    created_at: datetime
    updated_at: datetime
    archived: bool
    arn: str = ""
    detector_id: str = ""
    action: tuple[tuple[str, str], ...] = ()
    """The action in words: (label, value) lines (`Remote IP`, `198.51.100.7 (Netherlands)`)."""
    evidence: tuple[tuple[str, str], ...] = ()
    """The threat intelligence behind it: (label, value) lines."""
    raw: str = field(default="{}", compare=False, repr=False)
    """The whole finding as AWS returned it, JSON text (sorted keys, indented)."""

    @property
    def band(self) -> Band:
        return band_of(self.severity)

    @property
    def key(self) -> tuple[str, str]:
        return (self.region, self.id)

    def search_text(self) -> str:
        """What the filter matches: type, title, resource, region, id, account."""
        return " ".join(
            (self.type.text, self.title, self.resource.text, self.resource_type,
             self.region, self.id, self.account, self.band.word)
        ).lower()  # fmt: skip

    def as_json(self) -> Any:
        return json.loads(self.raw)


class Detector(Struct, frozen=True):
    """A region's GuardDuty detector (GetDetector): `status` ENABLED or DISABLED; `features`
    (name, status) from Features, or from the older DataSources."""

    id: str
    status: str
    features: tuple[tuple[str, str], ...] = ()
    updated_at: str = ""

    @property
    def enabled(self) -> bool:
        return self.status.upper() == "ENABLED"


class RegionFindings(Struct, frozen=True):
    """What one poll of a region found: its detector (None: GuardDuty off there), the
    findings, and the counts per band (GetFindingsStatistics)."""

    region: str
    detector: Detector | None
    findings: tuple[Finding, ...] = ()
    counts: Mapping[Band, int] = msgspec.field(default_factory=dict)

    @property
    def off(self) -> bool:
        """No detector (or a suspended one): GuardDuty does not watch this region."""
        return self.detector is None or not self.detector.enabled


def enable_command(region: str) -> str:
    """The command that turns GuardDuty on in `region`, for the reader to run (montui is
    read-only)."""
    return f"aws guardduty create-detector --enable --region {region}"


def findings_order(
    findings: Iterable[Finding], alias_of: Callable[[Finding], str] | None = None
) -> list[Finding]:
    """Critical first, then High, Medium, Low; within a band the most recently seen first;
    then by account alias (`alias_of`, several accounts), account id and id."""
    alias = alias_of or (lambda _: "")
    return sorted(
        findings, key=lambda f: (-f.band, -f.last_seen.timestamp(), alias(f), f.account, f.id)
    )


def filter_findings(
    findings: Iterable[Finding],
    text: str = "",
    min_band: Band = Band.LOW,
    archived: bool = False,
    alias_of: Callable[[Finding], str] | None = None,
) -> list[Finding]:
    """The findings at or above `min_band` whose search text (and account alias, given
    `alias_of`) holds every word of `text`; archived ones only when `archived`."""
    words = text.lower().split()
    alias = alias_of or (lambda _: "")
    return [
        f
        for f in findings
        if f.band >= min_band
        and (archived or not f.archived)
        and all(w in f"{f.search_text()} {alias(f).lower()}" for w in words)
    ]


def band_counts(findings: Iterable[Finding]) -> dict[Band, int]:
    """How many findings per band (every band present, zeros included)."""
    counts = dict.fromkeys(Band, 0)
    for finding in findings:
        counts[finding.band] += 1
    return counts


def counts_from_statistics(count_by_severity: Mapping[str, int]) -> dict[Band, int]:
    """GetFindingsStatistics' CountBySeverity (severity as text → count) per band."""
    counts = dict.fromkeys(Band, 0)
    for severity, count in count_by_severity.items():
        counts[band_of(float(severity))] += int(count)
    return counts


def parse_time(text: Any) -> datetime:
    """GuardDuty's ISO times (`2026-11-21T03:30:00.000Z`) as aware UTC datetimes."""
    if isinstance(text, datetime):
        return text if text.tzinfo else text.replace(tzinfo=UTC)
    value = str(text or "").strip()
    if not value:
        return datetime.fromtimestamp(0, UTC)
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def finding_from_aws(data: Mapping[str, Any]) -> Finding:
    """A `Finding` from one element of GetFindings' `Findings`."""
    service: Mapping[str, Any] = data.get("Service") or {}
    resource: Mapping[str, Any] = data.get("Resource") or {}
    created = parse_time(data.get("CreatedAt"))
    updated = parse_time(data.get("UpdatedAt"))
    first = parse_time(service.get("EventFirstSeen") or data.get("CreatedAt"))
    last = parse_time(service.get("EventLastSeen") or data.get("UpdatedAt"))
    return Finding(
        id=str(data.get("Id") or ""),
        account=str(data.get("AccountId") or ""),
        region=str(data.get("Region") or ""),
        type=FindingType.parse(str(data.get("Type") or "")),
        severity=float(data.get("Severity") or 0.0),
        title=str(data.get("Title") or ""),
        description=str(data.get("Description") or ""),
        resource_type=str(resource.get("ResourceType") or ""),
        resource=resource_words(resource),
        count=int(service.get("Count") or 1),
        first_seen=first,
        last_seen=last,
        created_at=created,
        updated_at=updated,
        archived=bool(service.get("Archived")),
        arn=str(data.get("Arn") or ""),
        detector_id=str(service.get("DetectorId") or ""),
        action=action_lines(service.get("Action") or {}),
        evidence=evidence_lines(service),
        raw=json.dumps(data, indent=2, sort_keys=True, default=str),
    )
