"""Signals: every source's "something is going on", each with the response it needs.

A `Signal` is one row of the triage screen: an alarm in ALARM, a GuardDuty finding, a
region's SES reputation near or over review, a database above its vCPU line. Its `pattern`
is MONITORING.md's response pattern (`model.metadata.ResponsePattern`), or None when nothing
says which (an *unclassified* alarm, counted as such). The rules are `TriageRules`
(config `[triage]`); the functions here are pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

import msgspec
from msgspec import Struct

from montui.model.alarm import Alarm, AlarmState
from montui.model.dbload import DbInstance, LoadSeries, Vcpus
from montui.model.findings import Band, Finding
from montui.model.metadata import MetaRule, ResponsePattern, meta_for, response_in
from montui.model.metrics import TimeWindow
from montui.model.reputation import RATE_KINDS, RateHistory
from montui.model.ses_account import Reputation, Status


class Source(StrEnum):
    """Where a signal comes from (the triage header's freshness names them so)."""

    ALARM = "alarms"
    FINDING = "findings"
    SES = "SES"
    DBLOAD = "PI"

    @property
    def short(self) -> str:
        return _SHORT[self]


_SHORT = {Source.ALARM: "alarm", Source.FINDING: "finding", Source.SES: "SES",
          Source.DBLOAD: "DB load"}  # fmt: skip

SECTIONS: tuple[ResponsePattern | None, ...] = (
    ResponsePattern.ACT_NOW,
    ResponsePattern.NEXT_BUSINESS_DAY,
    ResponsePattern.KNOW_ONLY,
    ResponsePattern.RECORD_ONLY,
    None,
)
"""The triage screen's sections, top to bottom; None is "unclassified"."""

SECTION_TITLES = {
    ResponsePattern.ACT_NOW: "ACT NOW",
    ResponsePattern.NEXT_BUSINESS_DAY: "NEXT BUSINESS DAY",
    ResponsePattern.KNOW_ONLY: "KNOW ONLY",
    ResponsePattern.RECORD_ONLY: "RECORD ONLY",
    None: "UNCLASSIFIED",
}

SYMBOLS = {
    ResponsePattern.ACT_NOW: "‼",
    ResponsePattern.NEXT_BUSINESS_DAY: "▲",
    ResponsePattern.KNOW_ONLY: "·",
    ResponsePattern.RECORD_ONLY: "○",
    None: "?",
}
"""One character per pattern, so a row reads without colour."""


class SesTarget(Struct, frozen=True):
    """The SES pane at a region."""

    region: str


class DbLoadAt(Struct, frozen=True):
    """The DB load pane of an instance over a window."""

    instance: DbInstance
    window: TimeWindow


Target = Alarm | Finding | SesTarget | DbLoadAt
"""What `enter` opens: the alarm's detail, the finding's detail, the SES pane, DB load."""


@dataclass(frozen=True, slots=True)
class Signal:
    """One row of triage: `key` is stable across polls (the notice remembers it)."""

    source: Source
    key: str
    pattern: ResponsePattern | None
    what: str
    account: str
    region: str
    since: datetime | None
    why: str
    opens: Target = field(compare=False)

    @property
    def symbol(self) -> str:
        return SYMBOLS[self.pattern]


def _findings_default() -> dict[Band, ResponsePattern]:
    return {
        Band.CRITICAL: ResponsePattern.ACT_NOW,
        Band.HIGH: ResponsePattern.ACT_NOW,
        Band.MEDIUM: ResponsePattern.NEXT_BUSINESS_DAY,
        Band.LOW: ResponsePattern.KNOW_ONLY,
    }


class TriageRules(Struct, frozen=True):
    """`[triage]`: how each source's signals are classified."""

    findings: Mapping[Band, ResponsePattern] = msgspec.field(default_factory=_findings_default)
    ses_margin: float = 0.5
    """A rate at or above (1 - margin) × its review threshold is next business day."""
    db_minutes: float = 5.0
    """Above the vCPU line for at least this long (ending now) is act now."""
    db_lookback: float = 15.0
    """Minutes of db.load.avg read per instance and refresh."""
    tag_key: str | None = None
    """An alarm tag naming its pattern (None: tags are not a source, never read)."""
    tag_values: Mapping[str, ResponsePattern] = msgspec.field(default_factory=dict)


DEFAULT_RULES = TriageRules()


def alarm_pattern(
    alarm: Alarm,
    rules: tuple[MetaRule, ...],
    triage: TriageRules = DEFAULT_RULES,
    tags: Mapping[str, str] | None = None,
) -> ResponsePattern | None:
    """`[[alarm]]` rules first, then the alarm's tag (when tags are a source), then the
    words of its description; None: unclassified."""
    found = meta_for(alarm.name, alarm.region, rules).response
    if found is None and triage.tag_key and tags:
        value = tags.get(triage.tag_key)
        if value is not None:
            found = triage.tag_values.get(value) or triage.tag_values.get(value.lower())
    return found or response_in(alarm.description)


def alarm_signals(
    alarms: Iterable[Alarm],
    rules: tuple[MetaRule, ...],
    triage: TriageRules = DEFAULT_RULES,
    tags: Mapping[tuple[str, str, str], Mapping[str, str]] | None = None,
    account: str = "",
) -> list[Signal]:
    """One signal per alarm in ALARM."""
    out = []
    for alarm in alarms:
        if alarm.state is not AlarmState.ALARM:
            continue
        pattern = alarm_pattern(alarm, rules, triage, (tags or {}).get(alarm.key))
        out.append(
            Signal(
                Source.ALARM, "alarm:" + ":".join(alarm.key), pattern, alarm.name,
                alarm.place.account or account, alarm.region, alarm.in_state_since,
                _first_line(alarm.state_reason), alarm,
            )
        )  # fmt: skip
    return out


def finding_signals(
    findings: Iterable[Finding], triage: TriageRules = DEFAULT_RULES
) -> list[Signal]:
    """One signal per finding not archived, its band deciding its pattern."""
    out = []
    for f in findings:
        if f.archived:
            continue
        count = f" ×{f.count}" if f.count > 1 else ""
        why = f"{f.band.label} {f.severity:g}{count} · {f.resource.text}"
        out.append(
            Signal(
                Source.FINDING, f"finding:{f.account}:{f.region}:{f.id}",
                triage.findings.get(f.band), f.type.text, f.account, f.region, f.first_seen,
                why, f,
            )
        )  # fmt: skip
    return out


def ses_signal(reputation: Reputation, triage: TriageRules = DEFAULT_RULES) -> Signal | None:
    """The region's reputation: under review, paused or a rate at/over review is act now;
    a rate within the margin below review is next business day; else no signal."""
    account = reputation.account
    region = reputation.region
    pattern: ResponsePattern | None = None
    why = ""
    since: datetime | None = None
    if account.status in (Status.UNDER_REVIEW, Status.PAUSED) or reputation.needs_review:
        pattern = ResponsePattern.ACT_NOW
        why = account.status_words() if account.status is not Status.HEALTHY else ""
    for kind in RATE_KINDS:
        history = reputation.rate(kind)
        value = history.latest
        if value is None:
            continue
        if value >= kind.review:
            pattern = ResponsePattern.ACT_NOW
            review = kind.threshold_percent(kind.review)
            why = why or f"{kind.name} {kind.percent(value)} ≥ review {review}"
            since = since or _since(history, kind.review)
        elif value >= kind.review * (1 - triage.ses_margin) and pattern is None:
            pattern = ResponsePattern.NEXT_BUSINESS_DAY
            review = kind.threshold_percent(kind.review)
            why = f"{kind.name} {kind.percent(value)}, review at {review}"
            since = _since(history, kind.review * (1 - triage.ses_margin))
    if pattern is None:
        return None
    return Signal(
        Source.SES, f"ses:{region}", pattern, "SES sending reputation", account.account,
        region, since, why, SesTarget(region),
    )  # fmt: skip


def _since(history: RateHistory, level: float) -> datetime | None:
    """The first point of the latest run of points at or above `level`."""
    since = None
    for at, value in zip(reversed(history.timestamps), reversed(history.values), strict=True):
        if value < level:
            break
        since = at
    return since


def time_above(series: LoadSeries, line: float) -> timedelta:
    """How long the load has been above `line` up to its newest point (0: not now)."""
    run = 0
    for value in reversed(series.total):
        if value <= line:
            break
        run += 1
    return timedelta(seconds=run * series.period)


def db_signal(
    instance: DbInstance,
    series: LoadSeries,
    vcpus: Vcpus,
    window: TimeWindow,
    triage: TriageRules = DEFAULT_RULES,
) -> Signal | None:
    """Above the vCPU line for `db_minutes` or longer, up to now: act now; above it for less:
    know only; else (or the vCPUs unknown) no signal."""
    if vcpus.count is None or not series.total:
        return None
    above = time_above(series, vcpus.count)
    if above <= timedelta(0):
        return None
    long_enough = above >= timedelta(minutes=triage.db_minutes)
    pattern = ResponsePattern.ACT_NOW if long_enough else ResponsePattern.KNOW_ONLY
    minutes = above.total_seconds() / 60
    every_point = above.total_seconds() >= len(series.total) * series.period
    at_least = "at least " if every_point else ""  # above at every point read
    why = f"load {series.total[-1]:.1f} > {vcpus.count:g} vCPUs for {at_least}{minutes:.0f} min"
    since = series.timestamps[-1] - above + timedelta(seconds=series.period)
    place = instance.place
    return Signal(
        Source.DBLOAD, f"db:{place.region}:{instance.identifier}", pattern, instance.identifier,
        place.account, place.region, since, why, DbLoadAt(instance, window),
    )  # fmt: skip


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def triage_order(signals: Iterable[Signal]) -> dict[ResponsePattern | None, list[Signal]]:
    """Signals by section (every section present), the newest first within each."""
    grouped: dict[ResponsePattern | None, list[Signal]] = {p: [] for p in SECTIONS}
    for signal in signals:
        grouped[signal.pattern].append(signal)
    oldest = datetime.min.replace(tzinfo=None)
    for rows in grouped.values():
        rows.sort(key=lambda s: (s.since.replace(tzinfo=None) if s.since else oldest, s.key),
                  reverse=True)  # fmt: skip
    return grouped
