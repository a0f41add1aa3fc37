"""What the team knows about an alarm that AWS does not: response pattern, owner, runbook.

Rules come from config (`[[alarm]]` tables) and match alarm names by glob; the first matching
rule that sets a field wins, so a specific rule placed before a catch-all refines it.
"""

from __future__ import annotations

import re
from enum import StrEnum
from fnmatch import fnmatchcase

from msgspec import Struct


class ResponsePattern(StrEnum):
    """How an alarm should be answered (MONITORING.md's response patterns)."""

    ACT_NOW = "act-now"
    NEXT_BUSINESS_DAY = "next-business-day"
    KNOW_ONLY = "know-only"
    RECORD_ONLY = "record-only"

    @property
    def label(self) -> str:
        """A few characters for the board's column."""
        return _LABELS[self]


_LABELS = {
    ResponsePattern.ACT_NOW: "act now",
    ResponsePattern.NEXT_BUSINESS_DAY: "next day",
    ResponsePattern.KNOW_ONLY: "know",
    ResponsePattern.RECORD_ONLY: "record",
}


class AlarmMeta(Struct, frozen=True):
    """Team metadata for one alarm; any field may be unknown."""

    response: ResponsePattern | None = None
    owner: str | None = None
    runbook: str | None = None

    def is_empty(self) -> bool:
        return self.response is None and self.owner is None and self.runbook is None


class MetaRule(Struct, frozen=True):
    """`match` is a shell glob over the alarm name (case-sensitive, as alarm names are)."""

    match: str
    meta: AlarmMeta
    region: str | None = None

    def applies_to(self, name: str, region: str) -> bool:
        if self.region is not None and self.region != region:
            return False
        return fnmatchcase(name, self.match)


def meta_for(name: str, region: str, rules: tuple[MetaRule, ...]) -> AlarmMeta:
    """Merge the rules that match, field by field, the earliest rule winning each field."""
    response: ResponsePattern | None = None
    owner: str | None = None
    runbook: str | None = None
    for rule in rules:
        if not rule.applies_to(name, region):
            continue
        response = response or rule.meta.response
        owner = owner or rule.meta.owner
        runbook = runbook or rule.meta.runbook
    return AlarmMeta(response=response, owner=owner, runbook=runbook)


_RUNBOOK_URL = re.compile(r"runbook\w*\W{0,3}?\s*(https?://\S+)", re.IGNORECASE)
_URL = re.compile(r"https?://\S+")


def runbook_in(description: str) -> str | None:
    """The runbook URL an alarm's description carries, when config names none: the URL just
    after the word `runbook` (`Runbook: https://…`), else a URL with `runbook` in it."""
    found = _RUNBOOK_URL.search(description)
    if found is None:
        found = next((u for u in _URL.finditer(description) if "runbook" in u[0].lower()), None)
        url = found[0] if found else None
    else:
        url = found[1]
    return url.rstrip(".,;:)]}>'\"") if url else None


_RESPONSE_WORDS = re.compile(
    r"\b(?:(?P<act>act[- ]now)|(?P<next>next[- ]business[- ]day)"
    r"|(?P<know>know(?:[- ]only|, no action))|(?P<record>record[- ]only))\b",
    re.IGNORECASE,
)
_RESPONSE_GROUPS = {
    "act": ResponsePattern.ACT_NOW,
    "next": ResponsePattern.NEXT_BUSINESS_DAY,
    "know": ResponsePattern.KNOW_ONLY,
    "record": ResponsePattern.RECORD_ONLY,
}


def response_in(description: str) -> ResponsePattern | None:
    """The response pattern an alarm's description names, when config names none: the first
    of `act now`, `next business day`, `know only` (or `know, no action`), `record only`
    (any case, hyphens or spaces), e.g. `… Act now. Runbook: …` or `[next-business-day]`."""
    found = _RESPONSE_WORDS.search(description)
    if found is None or found.lastgroup is None:
        return None
    return _RESPONSE_GROUPS[found.lastgroup]
