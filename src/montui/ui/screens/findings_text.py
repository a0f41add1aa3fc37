"""The findings pane's words: the header's counts per band per (account,) region, the lines
about regions where GuardDuty is off or cannot be read (with the account alias when several
accounts are watched), and the selected finding's summary."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from rich.text import Text

from montui.model.duration import data_age
from montui.model.findings import Band, Finding, enable_command
from montui.model.region import region_code
from montui.ui.screens.findings_watch import RegionWatch
from montui.ui.widgets.finding_table import BAND_STYLE, MONO_BAND_STYLE, last_seen

BANDS_DOWN = (Band.CRITICAL, Band.HIGH, Band.MEDIUM, Band.LOW)


def header_text(statuses: Iterable[RegionWatch], view: str, *, mono: bool = False) -> Text:
    """` GuardDuty  ‼ 1 ▲ 3 ◆ 5 · 4  apne1 ‼1 ▲3 ◆5 ·4 · use1 off`: totals per band, then
    each region's counts (from GetFindingsStatistics), `off`, `⚠` or `…`."""
    styles = MONO_BAND_STYLE if mono else BAND_STYLE
    statuses = list(statuses)
    totals = dict.fromkeys(Band, 0)
    for status in statuses:
        if status.found is not None:
            for band, count in status.found.counts.items():
                totals[band] += count
    text = Text()
    text.append(" GuardDuty ", style="bold reverse")
    text.append(" ")
    for band in BANDS_DOWN:
        text.append(f"{band.symbol} {totals[band]}", style=styles[band] if totals[band] else "dim")
        text.append(" ")
    if view:
        text.append(f"[{view}] ", style="bold reverse")
    for status in statuses:
        where = region_code(status.region)
        text.append(f" {status.account}/{where}" if status.account else f" {where}", style="bold")
        found = status.found
        if status.error and found is None:
            text.append(" ⚠")
        elif found is None:
            text.append(" …", style="dim")
        elif found.off:
            text.append(" off", style="bold" if mono else "bold yellow")
        else:
            counts = " ".join(f"{b.symbol}{found.counts.get(b, 0)}" for b in BANDS_DOWN)
            text.append(f" {counts}" + (" ⚠" if status.error else ""), style="dim")
    return text


def banner_text(statuses: Iterable[RegionWatch], now: datetime) -> Text:
    """One line per region where GuardDuty is off (with the command that turns it on, for
    the reader to run) or failing (its error, its hint, how old its kept findings are)."""
    text = Text()
    for status in statuses:
        found = status.found
        if status.error:
            text.append(f"⚠ {status.where}: ", style="bold yellow")
            text.append(status.error)
            if status.fetched_at is not None:
                age = data_age((now - status.fetched_at).total_seconds())
                text.append(f" · showing findings updated {age}", style="dim")
            text.append(" · retrying", style="dim")
            if status.hint:
                text.append(f" · {status.hint}", style="dim")
            text.append("\n")
        elif found is not None and found.off:
            what = "suspended" if found.detector is not None else "off"
            text.append(f"GuardDuty {what} in {status.where}", style="bold")
            text.append(" · to turn it on: ", style="dim")
            text.append(enable_command(status.region))
            if status.account:
                text.append(f" (in account {status.account})", style="dim")
            text.append("\n")
    text.rstrip()
    return text


def summary_text(finding: Finding | None, now: datetime, alias: str = "") -> Text:
    """The selected finding's title and where and when, under the table (`alias`: its
    account's, when several accounts are watched)."""
    if finding is None:
        return Text("")
    text = Text()
    text.append(finding.title or finding.type.text, style="bold")
    text.append(
        f"\n{finding.band.word} {finding.severity:g} · {finding.resource.text} · "
        f"×{finding.count} · last seen {last_seen(finding, now)} · "
        + (f"{alias}/" if alias else "")
        + finding.region
        + (" · archived" if finding.archived else ""),
        style="dim",
    )
    return text
