"""GuardDuty findings of a region: what the findings pane and the live notice poll."""

from __future__ import annotations

from typing import Protocol

from msgspec import Struct

from montui.feeds.session import AwsSession
from montui.model.findings import Band, Finding, RegionFindings


class FindingsQuery(Struct, frozen=True):
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
    region and query, so a refresh fetches only findings that are new or were updated, and
    lists every id again only when the statistics disagree, or every `FULL_LIST_EVERY`th
    poll (a safety net: an archive and an unarchive in one band between two polls would
    leave the counts equal)."""

    FULL_LIST_EVERY = 10

    def __init__(self, session: AwsSession) -> None:
        self.session = session
        self._known: dict[tuple[str, FindingsQuery], dict[str, Finding]] = {}
        self._polls: dict[tuple[str, FindingsQuery], int] = {}

    async def findings(self, region: str, query: FindingsQuery) -> RegionFindings:
        from montui.sources.guardduty import FindingCriteria, region_findings

        criteria = FindingCriteria(
            min_severity=query.min_band.floor if query.min_band > Band.LOW else None,
            archived=None if query.archived else False,
        )
        key = (region, query)
        known = self._known.get(key)
        polls = self._polls.get(key, 0)
        full = polls % self.FULL_LIST_EVERY == 0
        place = self.session.place_now(region)
        found = await region_findings(self.session.clients, place, criteria, known, full_list=full)
        self._known[key] = {f.id: f for f in found.findings}
        self._polls[key] = polls + 1
        if found.findings and found.findings[0].account:
            self.session.learn_account(found.findings[0].account)
        return found
