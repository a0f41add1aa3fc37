"""The selected alarm in full, under the board's table: reason, what it watches, who owns it."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import Static

from montui.model.alarm import Alarm, AlarmKind, condition_summary
from montui.model.duration import format_age
from montui.model.metadata import AlarmMeta
from montui.ui.widgets.alarm_table import state_cell


def summary_text(
    alarm: Alarm, meta: AlarmMeta, now: datetime, mono: bool = False, account: str = ""
) -> Text:
    """Three to five lines: state and since when, what it watches and how it decides, the
    full state reason, and the team metadata when config has some. `account`: its account's
    alias, with several accounts (`prod us-east-1 · 1h, …`)."""
    local = alarm.in_state_since.astimezone()
    same_day = local.date() == now.astimezone().date()
    since = local.strftime("%H:%M %Z" if same_day else "%b %d %H:%M %Z")
    age = format_age((now - alarm.in_state_since).total_seconds())
    text = Text.assemble(
        state_cell(alarm.state, mono),
        "  ",
        (alarm.name, "bold"),
        f"  {account + ' ' if account else ''}{alarm.region} · {age}, since {since}\n",
    )
    if alarm.kind is AlarmKind.COMPOSITE:
        text.append(f"{alarm.watches()}\n")
    else:
        text.append(f"{alarm.watches()}  ·  {condition_summary(alarm)}\n")
    text.append(" ".join(alarm.state_reason.split()) or "(no state reason)", style="italic")
    extras = []
    if meta.response:
        extras.append(f"response: {meta.response.label}")
    if meta.owner:
        extras.append(f"owner: {meta.owner}")
    if meta.runbook:
        extras.append(f"runbook: {meta.runbook}")
    if extras:
        text.append("\n" + "  ·  ".join(extras), style="dim")
    return text


class AlarmSummary(Static):
    """Shows `summary_text` for the highlighted row, or a hint when the board is empty."""

    DEFAULT_CSS = """
    AlarmSummary {
        height: auto;
        max-height: 6;
        border-top: solid $primary-darken-2;
        padding: 0 1;
    }
    """

    _shown: Text | None = None
    _lines = 0

    def show(self, alarm: Alarm | None, meta: AlarmMeta, now: datetime, account: str = "") -> None:
        """Repaint only when the text changes (an idle refresh then writes nothing here)."""
        if alarm is None:
            self._shown = None
            self.update("")
            self.display = False
            return
        self.display = True
        text = summary_text(alarm, meta, now, self.app.no_color, account)
        if text != self._shown:
            self._shown = text
            # Same height: repaint this widget only, not the screen's layout (a cursor moving
            # over 10,000 alarms changes this text at every key).
            width = self.content_size.width
            lines = len(text.wrap(self.app.console, width)) if width else 0
            self.update(text, layout=not lines or lines != self._lines)
            self._lines = lines
