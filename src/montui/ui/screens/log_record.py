"""One Logs Insights result row in full: every field, then the whole `@message`.

A message that is JSON (or JSON after a Lambda-style prefix such as
`2026-11-21T03:12:45.123Z<TAB><request id><TAB>ERROR<TAB>`) is pretty-printed and coloured;
anything else is shown as it is, newlines kept, so a traceback reads as a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import tzinfo
from typing import Any

from rich.json import JSON
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from montui.model.logs import parse_insights_time
from montui.ui.clipboard import copy_and_tell
from montui.ui.widgets.key_bar import KeyBar

TIME_FIELDS = ("@timestamp", "@ingestionTime")
"""Fields Logs Insights returns as `2026-11-21 03:12:45.123` in UTC."""
MAX_PREFIX_FIELDS = 4
"""How many tab-separated fields a log line may carry before its JSON (Lambda uses 3)."""


def format_time(value: str, tz: tzinfo) -> str:
    """A Logs Insights time shown in `tz` with the zone's name; unparseable text unchanged."""
    moment = parse_insights_time(value)
    if moment is None:
        return value
    local = moment.astimezone(tz)
    return f"{local:%Y-%m-%d %H:%M:%S}.{local.microsecond // 1000:03d} {local.tzname() or ''}"


def split_json(message: str) -> tuple[str, Any] | None:
    """(prefix, parsed JSON) when `message`, or its part after up to `MAX_PREFIX_FIELDS`
    tab-separated fields, is a JSON object or array; None otherwise."""
    start = 0
    for _ in range(MAX_PREFIX_FIELDS + 1):
        rest = message[start:].strip()
        if rest[:1] in ("{", "["):
            try:
                return message[:start].strip("\t "), json.loads(rest)
            except ValueError:
                pass
        tab = message.find("\t", start)
        if tab < 0:
            return None
        start = tab + 1
    return None


def fields_text(row: Mapping[str, str], tz: tzinfo, order: Sequence[str] = ()) -> Text:
    """`name  value` per field, `@ptr` and `@message` left out, times shown in `tz`; the
    fields in `order` first (the results' columns, a field no row has shown empty)."""
    names = [n for n in dict.fromkeys([*order, *row]) if n not in ("@ptr", "@message")]
    width = min(max((len(name) for name in names), default=0), 24)
    text = Text()
    for name in names:
        value = row.get(name, "")
        if name in TIME_FIELDS:
            value = format_time(value, tz)
        text.append(f"{name:<{width}}", style="bold")
        text.append(f"  {value}\n")
    text.rstrip()
    return text


def message_text(message: str, *, mono: bool) -> Text:
    """The message, pretty-printed and coloured when JSON (plain under NO_COLOR), else raw."""
    found = split_json(message)
    if found is None:
        return Text(message.rstrip("\n"))
    prefix, data = found
    text = Text()
    if prefix:
        text.append(" · ".join(prefix.split("\t")) + "\n", style="dim")
    if mono:
        text.append(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        text.append_text(JSON.from_data(data, indent=2, ensure_ascii=False).text)
    # A traceback inside a JSON string reads as one line of "\n"s: show it again as lines.
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, str) and "\n" in value.strip():
                text.append(f"\n\n{key}:\n", style="bold")
                text.append(value.rstrip("\n"))
    return text


def row_json(row: Mapping[str, str]) -> str:
    """The row as a JSON object, `@ptr` left out."""
    return json.dumps(
        {name: value for name, value in row.items() if name != "@ptr"},
        indent=2,
        ensure_ascii=False,
    )


class LogRecordScreen(ModalScreen[None]):
    """A Logs Insights row: fields above, the whole `@message` below, scrollable by keys."""

    DEFAULT_CSS = """
    LogRecordScreen {
        align: center middle;
    }
    LogRecordScreen > VerticalScroll {
        width: 120;
        max-width: 100%;
        height: 1fr;
        margin-bottom: 1;
        border: round $primary;
        border-title-style: bold;
        padding: 0 1;
        background: $surface;
    }
    LogRecordScreen #record-fields {
        height: auto;
    }
    LogRecordScreen #record-heading {
        margin-top: 1;
    }
    LogRecordScreen #record-message {
        height: auto;
    }
    """

    BINDINGS = [
        Binding("escape,q", "close", "Close", id="record_close",
                tooltip="Back to the results"),
        Binding("c", "copy_message", "Copy message", id="record_copy_message",
                tooltip="Copy the whole @message (OSC 52; tmux, screen)"),
        Binding("y", "copy_row", "Copy row", id="record_copy_row",
                tooltip="Copy the row as JSON, every field but @ptr"),
    ]  # fmt: skip

    def __init__(self, row: Mapping[str, str], *, tz: tzinfo, fields: Sequence[str] = ()) -> None:
        """`row`: field name → value, as GetQueryResults returned it; `fields`: the results'
        columns, in order (the record lists them first)."""
        super().__init__()
        self.row = dict(row)
        self.tz = tz
        self.fields = tuple(fields)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="record"):
            yield Static(fields_text(self.row, self.tz, self.fields), id="record-fields")
            if "@message" in self.row:
                yield Static(Text("@message", style="bold underline"), id="record-heading")
                yield Static(
                    message_text(self.row["@message"], mono=self.app.no_color),
                    id="record-message",
                )
        yield KeyBar()

    def on_mount(self) -> None:
        scroll = self.query_one("#record", VerticalScroll)
        scroll.border_title = "Log record"
        scroll.focus()

    def action_close(self) -> None:
        """Back to the results."""
        self.dismiss(None)

    def action_copy_message(self) -> None:
        """Copy the whole @message."""
        if "@message" not in self.row:
            self.notify("This row has no @message field.", severity="warning")
            return
        copy_and_tell(self, self.row["@message"], "log message")

    def action_copy_row(self) -> None:
        """Copy the row as JSON (without @ptr)."""
        copy_and_tell(self, row_json(self.row), "row as JSON")
