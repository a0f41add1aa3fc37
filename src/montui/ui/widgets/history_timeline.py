"""An alarm's history as a timeline, newest first: when (relative and absolute), what, why."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from rich.text import Text
from textual.widgets import Static

from montui.model.duration import format_age
from montui.model.history import HistoryItem, HistoryKind
from montui.ui.widgets.alarm_table import state_style

MAX_SHOWN = 40

_KIND_LABEL = {
    HistoryKind.STATE: "state",
    HistoryKind.CONFIGURATION: "config",
    HistoryKind.ACTION: "action",
}


def timeline_text(
    items: Sequence[HistoryItem], *, now: datetime, utc: bool, mono: bool = False
) -> Text:
    """One line per item (the reason on a second, dimmed line), newest first."""
    text = Text(no_wrap=False)
    ordered = sorted(items, key=lambda i: i.timestamp, reverse=True)
    if not ordered:
        text.append("No history in the last 14 days.", style="dim")
        return text
    for item in ordered[:MAX_SHOWN]:
        moment = item.timestamp.astimezone(UTC) if utc else item.timestamp.astimezone()
        age = format_age((now - item.timestamp).total_seconds())
        text.append(f"{age:>4} ago  ", style="bold")
        text.append(moment.strftime("%m-%d %H:%M  "), style="dim")
        text.append(f"{_KIND_LABEL.get(item.kind, str(item.kind)):<6} ")
        if item.kind is HistoryKind.STATE and item.new_state is not None:
            old = item.old_state.short if item.old_state else "?"
            text.append(f"{old} → ")
            new = item.new_state
            text.append(f"{new.symbol} {new.short}", style=state_style(new, mono))
            text.append("\n")
        else:
            text.append(item.summary + "\n")
        reason = " ".join((item.reason or "").split())
        if reason and item.kind is HistoryKind.STATE:
            text.append(f"        {reason}\n", style="dim")
    if len(ordered) > MAX_SHOWN:
        text.append(f"… and {len(ordered) - MAX_SHOWN} older items\n", style="dim")
    text.rstrip()
    return text


class HistoryTimeline(Static):
    """The timeline; `show()` replaces it."""

    DEFAULT_CSS = """
    HistoryTimeline {
        height: auto;
        padding: 0 1;
    }
    """

    def show(self, items: Sequence[HistoryItem], *, now: datetime, utc: bool) -> None:
        self.update(timeline_text(items, now=now, utc=utc, mono=self.app.no_color))
