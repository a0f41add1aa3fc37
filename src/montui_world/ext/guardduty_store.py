"""The world's GuardDuty: detectors and their findings per (account, region), in memory.

What `guardduty_api` answers from, and what the scenario writes in process
(`scenario.guardduty`). A finding is kept as its JSON body in AWS's wire form (camelCase, as
`get-findings` shows it) minus what time changes: `Sightings` say when the activity was seen,
and `render(now)` fills in `count`, `createdAt`, `updatedAt`, `eventFirstSeen` and
`eventLastSeen` as of the world clock. So a repeated finding's Count and UpdatedAt grow as the
world lives without anything being written, and a finding first seen in the future (the
demo's live finding) is not there until the clock reaches it. `STORE.clear()` runs on
moto's reset (`guardduty_api.install`).
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = [
    "STORE",
    "Detector",
    "GuardDutyStore",
    "Sightings",
    "StoredFinding",
    "aws_time",
    "create_detector",
    "new_id",
]


def aws_time(moment: datetime) -> str:
    """GuardDuty's string timestamps: `2026-12-05T10:04:33.123Z`."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def new_id(*parts: object) -> str:
    """A GuardDuty-style id (32 lower-case hex characters), stable for the same parts."""
    return hashlib.md5("|".join(map(str, parts)).encode(), usedforsecurity=False).hexdigest()


@dataclass(frozen=True, slots=True)
class Sightings:
    """When a finding's activity was seen: at `first`, then every `every` (if given) until
    `until` (if given). Computed, never stored point by point."""

    first: datetime
    every: timedelta | None = None
    until: datetime | None = None

    def upto(self, now: datetime) -> tuple[int, datetime] | None:
        """How many sightings by `now` and the last of them; None before the first."""
        if now < self.first:
            return None
        if self.every is None:
            return 1, self.first
        end = now if self.until is None else min(now, self.until)
        extra = max(0, int((end - self.first) / self.every))
        return 1 + extra, self.first + extra * self.every


@dataclass
class StoredFinding:
    """One finding: its wire-form body (without the time fields), sightings, archive state."""

    body: dict[str, Any]
    sightings: Sightings
    archived: bool = False
    _shown: tuple[tuple[int, datetime, bool], dict[str, Any]] | None = field(
        default=None, repr=False, compare=False
    )

    @property
    def id(self) -> str:
        """The finding's id."""
        return str(self.body["id"])

    def render(self, now: datetime) -> dict[str, Any] | None:
        """The finding as GetFindings shows it at `now`; None if not yet seen."""
        seen = self.sightings.upto(now)
        if seen is None:
            return None
        count, last = seen
        state = (count, last, self.archived)
        if self._shown is not None and self._shown[0] == state:
            return self._shown[1]  # unchanged since the last request: the same (unwritten) view
        view = self._view(count, last)
        self._shown = (state, view)
        return view

    def _view(self, count: int, last: datetime) -> dict[str, Any]:
        first, latest = aws_time(self.sightings.first), aws_time(last)
        # Shallow copies of what time changes only: the rest of the body is never written
        # after it is stored, and this runs for every finding of every ListFindings.
        service = {
            **self.body.get("service", {}),
            "archived": self.archived,
            "count": count,
            "eventFirstSeen": first,
            "eventLastSeen": latest,
        }
        sequence = service.get("detection", {}).get("sequence")
        if sequence is not None:
            signals = [
                {
                    **signal,
                    "createdAt": self.sightings.first.timestamp(),
                    "firstSeenAt": self.sightings.first.timestamp(),
                    "updatedAt": last.timestamp(),
                    "lastSeenAt": last.timestamp(),
                }
                for signal in sequence.get("signals", ())
            ]
            service["detection"] = {
                **service["detection"],
                "sequence": {**sequence, "signals": signals},
            }
        return {**self.body, "createdAt": first, "updatedAt": latest, "service": service}


@dataclass
class Detector:
    """A GuardDuty detector: what GetDetector shows, and its findings (in creation order)."""

    id: str
    created_at: datetime
    status: str = "ENABLED"
    publishing_frequency: str = "SIX_HOURS"
    tags: dict[str, str] = field(default_factory=dict)
    updated_at: datetime | None = None
    findings: dict[str, StoredFinding] = field(default_factory=dict)
    listings: dict[str, tuple[tuple[Any, ...], list[str]]] = field(default_factory=dict, repr=False)
    """ListFindings' last answers by query (see `guardduty_api._list_findings`)."""


class GuardDutyStore:
    """Detectors per (account, region), thread-safe (server threads read while the scenario
    and CreateSampleFindings write)."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._regions: dict[tuple[str, str], dict[str, Detector]] = {}

    def detectors(self, account: str, region: str) -> list[Detector]:
        """The region's detectors (GuardDuty allows one), oldest first."""
        with self.lock:
            found = self._regions.get((account, region), {})
            return sorted(found.values(), key=lambda d: (d.created_at, d.id))

    def detector(self, account: str, region: str, detector_id: str) -> Detector | None:
        """The detector with `detector_id` in the region, if any."""
        with self.lock:
            return self._regions.get((account, region), {}).get(detector_id)

    def add_detector(self, account: str, region: str, detector: Detector) -> Detector:
        """Keep `detector` (the caller checks there is none yet)."""
        with self.lock:
            self._regions.setdefault((account, region), {})[detector.id] = detector
        return detector

    def delete_detector(self, account: str, region: str, detector_id: str) -> bool:
        """Forget the detector and its findings; False if there was none."""
        with self.lock:
            return self._regions.get((account, region), {}).pop(detector_id, None) is not None

    def put_finding(
        self, account: str, region: str, detector_id: str, finding: StoredFinding
    ) -> None:
        """Add `finding` to the detector (or replace the one with its id)."""
        with self.lock:
            self._regions[(account, region)][detector_id].findings[finding.id] = finding

    def clear(self) -> None:
        """Forget everything (moto's reset)."""
        with self.lock:
            self._regions.clear()


STORE = GuardDutyStore()
"""The world's one GuardDuty store (every account and region, one process)."""


def create_detector(account: str, region: str, *, created_at: datetime, seed: object) -> Detector:
    """A detector made in process (the scenario); its id is stable for `seed`."""
    detector = Detector(id=new_id("detector", account, region, seed), created_at=created_at)
    return STORE.add_detector(account, region, detector)
