"""`?`: every key the current screen answers to, with the binding ids config can remap."""

from __future__ import annotations

from rich.text import Text
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
    for active in screen.active_bindings.values():
        binding = active.binding
        # Only montui's own bindings (they all carry an id); the table's cursor keys are
        # summarised below instead of listed one by one.
        if not binding.id or binding.id in seen:
            continue
        seen.add(binding.id)
        shown = screen.app.get_key_display(binding)
        text.append(f"{shown:>8}  ", style="bold")
        text.append(binding.tooltip or binding.description or binding.action)
        text.append(f"  [{binding.id}]\n", style="dim")
    text.append(
        "\nOn the table: ↑/↓ move, PgUp/PgDn page, ←/→ scroll the columns.\n"
        "State: ✖ ALARM  ? INSUFFICIENT_DATA (no data)  ✔ OK.  "
        "⚠ after a region code: that region is failing and its rows are stale.",
        style="dim",
    )
    return text


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
