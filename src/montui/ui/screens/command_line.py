"""The `:` command line, app-wide: a one-line modal at the bottom of the screen.

Tab completes (the command names, then their arguments: regions of the connection, DB
instances of the load feed, the window moves); up/down walk the history of this session;
esc cancels; enter runs: an unknown command or a bad argument is said on the line above,
with the closest name, and the text stays to be corrected. A good line dismisses with its
`Parsed`, which the app dispatches (`MontuiApp.open_pane`). The table is `model/commands.py`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from montui.model.commands import COMMANDS, CommandError, Parsed, common_prefix, complete, parse

MAX_SHOWN = 8
"""Completions listed above the line at most."""


def usage_line() -> str:
    return "  ".join(c.usage for c in COMMANDS)


class CommandLine(ModalScreen[Parsed | None]):
    """`:` then a command: `:findings`, `:ses us-east-1`, `:region all`, `:window widen`."""

    DEFAULT_CSS = """
    CommandLine {
        align: left bottom;
        background: transparent;
    }
    CommandLine > Vertical {
        height: auto;
        width: 100%;
        background: $surface;
    }
    CommandLine #command-help {
        height: auto;
        color: $text-muted;
        padding: 0 1;
    }
    CommandLine #command-error {
        height: auto;
        color: $error;
        padding: 0 1;
    }
    CommandLine Horizontal {
        height: 1;
    }
    CommandLine #command-colon {
        width: 1;
        text-style: bold;
    }
    CommandLine Input, CommandLine Input:focus {
        border: none;
        height: 1;
        padding: 0 0;
        width: 1fr;
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="command_cancel",
                tooltip="Close the command line"),
        Binding("tab", "complete", "Complete", id="command_complete", priority=True,
                tooltip="Complete the command or its argument"),
        Binding("up", "history(-1)", "Previous", id="command_previous", priority=True,
                tooltip="The previous command of this session"),
        Binding("down", "history(1)", "Next", id="command_next", priority=True,
                tooltip="The next command of this session"),
    ]  # fmt: skip

    def __init__(self, choices: Mapping[str, Sequence[str]], history: list[str]) -> None:
        """`choices`: argument kind → what it may be ("region", "instance"); `history`: the
        session's earlier lines, oldest first (a line that runs is appended to it)."""
        super().__init__()
        self.choices = choices
        self.history = history
        self.at = len(history)
        """Where up/down are in `history` (its length: the line being typed)."""
        self.typed = ""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(id="command-help")
            yield Static(id="command-error")
            with Horizontal():
                yield Static(":", id="command-colon")
                yield Input(placeholder="command (tab completes, esc closes)", id="command")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._show_candidates("")

    @property
    def line(self) -> Input:
        return self.query_one(Input)

    def _show_candidates(self, text: str) -> None:
        found = complete(text, self.choices)
        help_line = self.query_one("#command-help", Static)
        if not text.strip():
            help_line.update(Text(usage_line(), no_wrap=False))
            return
        shown = "  ".join(f":{c.strip()}" for c in found[:MAX_SHOWN])
        more = f"  (+{len(found) - MAX_SHOWN})" if len(found) > MAX_SHOWN else ""
        help_line.update(shown + more)

    def _say(self, message: str) -> None:
        self.query_one("#command-error", Static).update(message)

    @on(Input.Changed, "#command")
    def _changed(self, event: Input.Changed) -> None:
        self._say("")
        self._show_candidates(event.value)

    def action_complete(self) -> None:
        text = self.line.value
        found = complete(text, self.choices)
        if not found:
            self._say(f"Nothing completes {text.strip() or 'an empty line'}")
            return
        filled = found[0] if len(found) == 1 else common_prefix(found)
        if len(filled) > len(text.lstrip().removeprefix(":")):
            self.line.value = filled
            self.line.cursor_position = len(filled)

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        if self.at == len(self.history):
            self.typed = self.line.value
        self.at = max(0, min(len(self.history), self.at + step))
        value = self.typed if self.at == len(self.history) else self.history[self.at]
        self.line.value = value
        self.line.cursor_position = len(value)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#command")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        try:
            parsed = parse(text, self.choices)
        except CommandError as exc:
            self._say(str(exc))
            return
        if not self.history or self.history[-1] != text:
            self.history.append(text)
        self.dismiss(parsed)
