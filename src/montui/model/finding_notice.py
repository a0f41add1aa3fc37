"""When a GuardDuty finding deserves a notice, and where a finding links to.

`new_findings` compares one poll with the previous one: a finding at or above the notice's
band that was not there before (a new id) or whose count grew is news, once per poll. The
first poll has nothing to compare with, so it raises nothing (what was already there at
start is on the pane, not news). `finding_url` is the finding's page in the GuardDuty
console; `alarms_on_resource` the alarms whose dimensions name the finding's resource.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from msgspec import Struct

from montui.model.alarm import Alarm, MetricRef
from montui.model.findings import Band, Finding
from montui.model.links import console_host

__all__ = ["NoticeRule", "alarms_on_resource", "finding_url", "new_findings", "seen_counts"]


class NoticeRule(Struct, frozen=True):
    """`[notify]`: the lowest band that raises a notice, whether to ring the bell, the
    desktop notification through the terminal (`off`, `osc9`, `osc777`) and whether the
    triage screen's act-now signals raise the notice."""

    min_band: Band = Band.HIGH
    bell: bool = True
    desktop: str = "off"
    act_now: bool = True


DEFAULT_NOTICE = NoticeRule()
"""High and Critical findings, with the bell: the default `[notify]`."""


def seen_counts(findings: Iterable[Finding]) -> dict[tuple[str, str], int]:
    """What a poll saw: (region, id) → count, for the next comparison."""
    return {f.key: f.count for f in findings}


def new_findings(
    previous: Mapping[tuple[str, str], int] | None,
    current: Iterable[Finding],
    min_band: Band = Band.HIGH,
) -> list[Finding]:
    """The findings of `current` at or above `min_band` that are new since `previous` (a new
    id, or a count that grew), each once; none when there is no previous poll. Archived
    findings are never news."""
    if previous is None:
        return []
    news: dict[tuple[str, str], Finding] = {}
    for finding in current:
        if finding.archived or finding.band < min_band:
            continue
        before = previous.get(finding.key)
        if before is None or finding.count > before:
            news.setdefault(finding.key, finding)
    return list(news.values())


def notice_text(findings: list[Finding]) -> str:
    """The notification's text: one line per finding, the most severe first."""
    ordered = sorted(findings, key=lambda f: -f.severity)
    lines = [
        f"{f.band.label} {f.type.text} on {f.resource.text} ({f.region})"
        + (f" ×{f.count}" if f.count > 1 else "")
        for f in ordered[:3]
    ]
    if len(ordered) > 3:
        lines.append(f"… and {len(ordered) - 3} more")
    return "\n".join(lines)


def finding_url(finding: Finding) -> str:
    """The finding's page in the GuardDuty console."""
    region = finding.region
    return (
        f"https://{console_host(region)}/guardduty/home?region={region}"
        f"#/findings?macros=current&fId={finding.id}"
    )


def alarms_on_resource(finding: Finding, alarms: Iterable[Alarm]) -> list[Alarm]:
    """The alarms of the finding's account and region whose dimensions name its resource
    (instance id, function name, DB instance, bucket, cluster, user). An alarm whose account
    is not known ("") matches any account."""
    ids = finding.resource.ids
    if not ids:
        return []
    found = []
    for alarm in alarms:
        if alarm.region != finding.region:
            continue
        if alarm.place.account and finding.account and alarm.place.account != finding.account:
            continue
        values = {value for ref in _refs(alarm) for _, value in ref.dimensions}
        if values & ids:
            found.append(alarm)
    return found


def _refs(alarm: Alarm) -> list[MetricRef]:
    refs = [alarm.metric] if alarm.metric is not None else []
    refs.extend(q.metric for q in alarm.metrics if q.metric is not None)
    return refs
