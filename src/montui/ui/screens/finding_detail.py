"""One GuardDuty finding explained without the console: title, severity, the type in words,
the resource and its identifying fields, the action and evidence, when and how often, the
alarms on the same resource, the console URL (`o`) and the whole finding JSON (`y` copies).
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable, Sequence
from datetime import datetime

from rich.json import JSON
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from montui.model.alarm import Alarm
from montui.model.duration import format_age
from montui.model.finding_notice import finding_url
from montui.model.finding_words import purpose_words
from montui.model.findings import Finding
from montui.model.timeline import Step
from montui.ui.clipboard import copy_and_tell
from montui.ui.inert import action_state
from montui.ui.timeline_steps import record_step
from montui.ui.widgets.breadcrumb import Breadcrumb
from montui.ui.widgets.finding_table import band_cell
from montui.ui.widgets.key_bar import KeyBar

LABEL_WIDTH = 18


def _lines(text: Text, title: str, pairs: Sequence[tuple[str, str]], width: int) -> None:
    """`title`, then `label  value` lines, a long value wrapped under itself."""
    pairs = [(label, value) for label, value in pairs if value]
    if not pairs:
        return
    text.append(f"\n{title}\n", style="bold underline")
    room = max(20, width - LABEL_WIDTH - 2)
    for label, value in pairs:
        text.append(f"  {label:<{LABEL_WIDTH}}", style="bold")
        wrapped = textwrap.wrap(value, room, break_on_hyphens=False) or [""]
        text.append(("\n" + " " * (LABEL_WIDTH + 2)).join(wrapped) + "\n")


def _when(moment: datetime, now: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC ({format_age((now - moment).total_seconds())} ago)"


def detail_text(
    finding: Finding,
    now: datetime,
    alarms: Sequence[Alarm] = (),
    *,
    mono: bool = False,
    width: int = 80,
    alias: str = "",
) -> Text:
    """Everything but the JSON, in reading order (`alias`: the account's, several accounts)."""
    text = Text()
    text.append(finding.title or finding.type.text, style="bold")
    if alias:
        text.append(f"  account {alias} ({finding.account})", style="bold")
    text.append("\n")
    text.append_text(band_cell(finding.band, mono))
    text.append(f"  severity {finding.severity:g}", style="bold")
    text.append(f"  ×{finding.count}" + ("  ARCHIVED" if finding.archived else ""))
    text.append(f"\n\n{finding.description}\n" if finding.description else "\n")
    kind = finding.type
    _lines(text, "Type", [
        ("Finding type", kind.text),
        ("Threat purpose", f"{kind.purpose}: {purpose_words(kind.purpose)}"),
        ("Resource type", kind.resource), ("Threat family", kind.family),
        ("Detection", kind.mechanism), ("Artifact", kind.artifact),
    ], width)  # fmt: skip
    resource = finding.resource
    _lines(text, f"Resource: {resource.kind or finding.resource_type}", list(resource.fields)
           or [("Resource", resource.text)], width)  # fmt: skip
    _lines(text, "Action", list(finding.action), width)
    _lines(text, "Evidence", list(finding.evidence), width)
    _lines(text, "Seen", [
        ("First seen", _when(finding.first_seen, now)),
        ("Last seen", _when(finding.last_seen, now)),
        ("Count", str(finding.count)),
        ("Account / region", f"{alias + ' ' if alias else ''}{finding.account} / {finding.region}"),
        ("Finding id", finding.id),
    ], width)  # fmt: skip
    text.append("\nAlarms on this resource\n", style="bold underline")
    if alarms:
        for alarm in alarms:
            text.append(f"  {alarm.state.symbol} {alarm.state.short:<6} ", style="bold")
            text.append(f"{alarm.name}  ({alarm.watches()})\n")
        text.append("  a opens the first one\n", style="dim")
    else:
        text.append("  none of the board's alarms names this resource\n", style="dim")
    text.append("\nConsole ", style="bold underline")
    text.append("(o copies)\n", style="dim")
    text.append(f"  {finding_url(finding)}\n")
    return text


def json_text(finding: Finding, *, mono: bool) -> Text:
    """The whole finding as AWS returned it: pretty, coloured (plain without colour)."""
    data = finding.as_json()
    if mono:
        return Text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False))
    return JSON.from_data(data, indent=2, sort_keys=True, ensure_ascii=False).text


class FindingDetailScreen(Screen[None]):
    """A finding's page; `esc` back to the pane (its cursor kept)."""

    CRUMB = "finding"
    """Its name in the breadcrumb (`ui/widgets/breadcrumb.py`)."""

    DEFAULT_CSS = """
    FindingDetailScreen > VerticalScroll {
        height: 1fr;
        padding: 0 1;
    }
    FindingDetailScreen #finding-json-title {
        text-style: bold underline;
        margin-top: 1;
    }
    """

    HELP_FOOTNOTE = "↑/↓ PgUp/PgDn Home/End scroll the page; esc goes back to the findings."

    BINDINGS = [
        Binding("escape", "back", "Back", id="back", tooltip="Back to the findings"),
        Binding("o", "copy_url", "Copy URL", id="copy_url",
                tooltip="Copy the finding's console URL (OSC 52; tmux, screen)"),
        Binding("y", "copy_json", "Copy JSON", id="copy_finding_json",
                tooltip="Copy the whole finding JSON (OSC 52)"),
        Binding("a", "open_alarm", "Alarm", id="open_linked_alarm",
                tooltip="Open the alarm on the same resource"),
    ]  # fmt: skip

    def __init__(
        self,
        finding: Finding,
        *,
        clock: Callable[[], datetime],
        alarms: Sequence[Alarm] = (),
        open_alarm: Callable[[Alarm], None] | None = None,
        alias: str = "",
    ) -> None:
        """`alias`: the finding's account alias when several accounts are watched."""
        super().__init__()
        self.finding = finding
        self.alias = alias
        self.clock = clock
        self.alarms = tuple(alarms)
        self.open_alarm = open_alarm

    def crumb_detail(self) -> str | None:
        """What the breadcrumb names after `finding`."""
        return self.finding.title[:40]

    def compose(self) -> ComposeResult:
        yield Breadcrumb()
        mono = self.app.no_color
        with VerticalScroll(id="finding-page"):
            yield Static(self._text(), id="finding-text")
            yield Static("Finding JSON (y copies)", id="finding-json-title")
            yield Static(json_text(self.finding, mono=mono), id="finding-json")
        yield KeyBar()

    def _text(self) -> Text:
        width = (self.app.size.width or 80) - 5  # the page padding, its scrollbar, a spare
        return detail_text(
            self.finding, self.clock(), self.alarms, mono=self.app.no_color, width=width,
            alias=self.alias,
        )  # fmt: skip

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()
        finding = self.finding
        detail = f"{finding.band.word} {finding.severity:g} · {finding.title}"
        record_step(self, Step.pane_viewed(self.clock(), "GuardDuty finding", detail,
                                           region=finding.region))  # fmt: skip

    def on_resize(self) -> None:
        self.query_one("#finding-text", Static).update(self._text())

    def inert_reason(self, action: str, parameters: tuple[object, ...]) -> str | None:
        if action == "open_alarm" and not (self.alarms and self.open_alarm):
            return "No alarm on the board names this finding's resource"
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action_state(self, action, parameters)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_copy_url(self) -> None:
        copy_and_tell(self, finding_url(self.finding), "console URL")

    def action_copy_json(self) -> None:
        shown = f"{len(self.finding.raw)} characters"
        copy_and_tell(self, self.finding.raw, "finding JSON", shown=shown)

    def action_open_alarm(self) -> None:
        if self.alarms and self.open_alarm is not None:
            self.open_alarm(self.alarms[0])
