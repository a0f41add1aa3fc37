"""The triage screen's text: the header's freshness line and one row per signal.

Pure text (rich `Text`), so the screen only lays it out; every row starts with its pattern's
symbol and names its source, so it reads without colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.text import Text

from montui.model.metadata import ResponsePattern
from montui.model.signals import SECTION_TITLES, SYMBOLS, Signal, Source

_STYLES = {
    ResponsePattern.ACT_NOW: "bold red",
    ResponsePattern.NEXT_BUSINESS_DAY: "yellow",
    ResponsePattern.KNOW_ONLY: "",
    ResponsePattern.RECORD_ONLY: "dim",
    None: "magenta",
}


def age(seconds: float) -> str:
    """`<1m`, `2m`, `3h`, `2d`, rounded down. Minutes at most: the screen's 1 Hz tick then
    repaints an age once a minute at most, where seconds (polls of 4 sources at their own
    moments) repainted the header line up to 48 times a minute, over SSH."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return "<1m"
    if seconds < 3600:
        return f"{seconds // 60:.0f}m"
    if seconds < 86400:
        return f"{seconds // 3600:.0f}h"
    return f"{seconds // 86400:.0f}d"


def freshness_text(
    now: datetime,
    fetched: dict[Source, datetime | None],
    busy: dict[Source, bool],
    errors: dict[Source, list[str]],
    mono: bool,
    listing: frozenset[Source] = frozenset(),
) -> Text:
    """`alarms <1m · findings <1m · SES 2m · PI 1m`, a source's error in place:
    `SES ⚠ us-east-1: AccessDenied …`; `…` while a source has not answered yet; a source in
    `listing` has answered in part (the alarms in ALARM, the full listing still paging in):
    `alarms <1m listing…`."""
    text = Text()
    for i, (source, at) in enumerate(fetched.items()):
        if i:
            text.append(" · ", style="dim")
        if errors.get(source):
            text.append(
                f"{source.value} ⚠ {'; '.join(errors[source])}", style="" if mono else "bold yellow"
            )
        elif at is None:
            text.append(f"{source.value} {'…' if busy.get(source) else 'off'}", style="dim")
        else:
            text.append(f"{source.value} {age((now - at).total_seconds())}")
            if source in listing:
                text.append(" listing…", style="dim")
    return text


def row_text(signal: Signal, now: datetime, width: int, mono: bool, alias: str = "") -> Text:
    """`‼ alarm   hitori-contact-form-down   ap-northeast-1   12m  Threshold Crossed: …`;
    with several accounts, the account's `alias` after the source: `‼ alarm    prod  …`."""
    since = age((now - signal.since).total_seconds()) if signal.since else "—"
    what_width = max(16, min(36, width // 3))
    what = signal.what if len(signal.what) <= what_width else signal.what[: what_width - 1] + "…"
    head = f"{signal.symbol} {signal.source.short:<8} "
    if alias:
        head += f"{alias[:12]:<8} "
    head += f"{what:<{what_width}} "
    head += f"{signal.region:<15} {since:>4}  "
    text = Text(
        head, style="" if mono else _STYLES[signal.pattern], no_wrap=True, overflow="ellipsis"
    )
    text.append(signal.why, style="dim" if not mono else "")
    text.truncate(max(10, width), overflow="ellipsis")
    return text


def section_title(pattern: ResponsePattern | None, count: int) -> Text:
    return Text(f"{SECTION_TITLES[pattern]} ({count})", style="bold underline")


def folded_text(
    groups: dict[ResponsePattern | None, list[Signal]], sections: Sequence[ResponsePattern | None]
) -> Text:
    """`▲ NEXT BUSINESS DAY 3 · · KNOW ONLY 5 · ? UNCLASSIFIED 2 (tab: show them)`."""
    parts = [f"{SYMBOLS[p]} {SECTION_TITLES[p]} {len(groups[p])}" for p in sections]
    return Text(" · ".join(parts) + "  (space: unfold)", no_wrap=True, overflow="ellipsis")
