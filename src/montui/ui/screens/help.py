"""`?`: every key the current screen answers to, with the binding ids config can remap."""

from __future__ import annotations

from rich.text import Text
from textual.actions import parse as parse_action
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


def keys_text(screen: Screen[object]) -> Text:
    """A table of key, what it does, and the id to remap it with in config's [keys]."""
    text = Text()
    text.append("Keys", style="bold")
    text.append('   (remap in config: [keys] id = "key")\n\n', style="dim")
    seen: set[str] = set()
    for binding, enabled in _bindings(screen):
        # Only montui's own bindings (they all carry an id); a table's cursor keys are
        # summarised in the screen's footnote instead of listed one by one.
        if not binding.id or binding.id in seen:
            continue
        seen.add(binding.id)
        shown = screen.app.get_key_display(binding)
        text.append(f"{shown:>8}  ", style="bold" if enabled else "dim")
        text.append(
            binding.tooltip or binding.description or binding.action, "" if enabled else "dim"
        )
        text.append(f"  [{binding.id}]\n", style="dim")
    footnote = getattr(screen, "HELP_FOOTNOTE", "") or DEFAULT_FOOTNOTE
    text.append(f"\n{footnote}", style="dim")
    text.append(navigation_text())
    return text


def navigation_text() -> Text:
    """The navigation scheme, the same on every screen: `:` commands, breadcrumb, window."""
    from montui.model.commands import COMMANDS

    text = Text()
    text.append("\n\nMoving between panes", style="bold")
    text.append("   (: then tab completes; ↑/↓ history; esc closes)\n\n", style="dim")
    for command in COMMANDS:
        text.append(f"{command.usage:<22}", style="bold")
        text.append(command.help)
        if command.key:
            text.append(f"  (key {command.key})", style="dim")
        text.append("\n")
    text.append(
        "\nThe top line is where you are (the breadcrumb); esc is always one level back. "
        "Opening an alarm sets the shared window (its chip on the top line): the panes "
        "opened next start on it. W widens it, < > move it, X drops it.",
        style="dim",
    )
    return text


DEFAULT_FOOTNOTE = "esc goes back; tab moves between the parts of the screen."
"""The help's last lines for a screen without its own `HELP_FOOTNOTE` class attribute."""


def _bindings(screen: Screen[object]) -> list[tuple[Binding, bool]]:
    """Every binding of the screen that applies (with False when it cannot act now: shown
    dimmed), the focused widget's first, including those a focused widget shadows: the
    board's `enter` (open the detail) shares its key with the table's own select, and
    `active_bindings` keeps one binding per key."""
    found: list[tuple[Binding, bool]] = []
    for namespace, bindings in screen._modal_binding_chain:
        for _key, binding in bindings:
            _target, name, parameters = parse_action(binding.action)
            state = namespace.check_action(name, parameters)
            if state is not False:
                found.append((binding, bool(state)))
    return found


class HelpScreen(ModalScreen[None]):
    """A modal list of keys; any of esc, q or ? closes it."""

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > VerticalScroll {
        width: 72;
        max-width: 100%;
        height: auto;
        max-height: 90%;
        border: round $primary;
        padding: 0 1;
        background: $surface;
    }
    """

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", show=False),
    ]

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__()
        self._for = screen

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(keys_text(self._for))
