"""GuardDuty findings of a region: what the findings pane and the live notice poll."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from montui.feeds.session import AwsSession
from montui.model.findings import Band, Finding, RegionFindings


@dataclass(frozen=True)
class FindingsQuery:
    """Which findings a poll asks for: at or above `min_band`; archived ones too when
    `archived`."""

    min_band: Band = Band.LOW
    archived: bool = False


class Findings(Protocol):
    """A region's GuardDuty state and findings (None detector: GuardDuty off there)."""

    async def findings(self, region: str, query: FindingsQuery) -> RegionFindings: ...


class AwsFindings:
    """ListDetectors, GetDetector, ListFindings, GetFindings and GetFindingsStatistics
    (sources.guardduty) through the session's clients. Keeps the last poll's findings per
    region and query, so a refresh fetches only findings that are new or were updated."""

    def __init__(self, session: AwsSession) -> None:
        self.session = session
        self._known: dict[tuple[str, FindingsQuery], dict[str, Finding]] = {}

    async def findings(self, region: str, query: FindingsQuery) -> RegionFindings:
        from montui.sources.guardduty import FindingCriteria, region_findings

        criteria = FindingCriteria(
            min_severity=query.min_band.floor if query.min_band > Band.LOW else None,
            archived=None if query.archived else False,
        )
        known = self._known.get((region, query))
        place = self.session.place_now(region)
        found = await region_findings(self.session.clients, place, criteria, known)
        self._known[(region, query)] = {f.id: f for f in found.findings}
        if found.findings and found.findings[0].account:
            self.session.learn_account(found.findings[0].account)
        return found
