"""The bottom line of keys: one widget that renders the screen's shown bindings as text.

Textual's Footer builds a widget per key and recomposes them whenever bindings change; on the
board that cost about 0.1 s before the first frame. This bar is a single line of text,
refreshed (no layout) when the bindings change, and honours keymap remaps like the Footer.
"""

from __future__ import annotations

from rich.text import Text
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input


class KeyBar(Widget):
    """`/ Filter  r Refresh  1 ALARM …`, cut at the terminal's width."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $panel;
        color: $text-muted;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if screen is self.screen:
            self.refresh()

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="crop")
        focused = self.app.focused
        if isinstance(focused, Input) and focused.id == "filter":
            text.append(" type to filter ", style="bold")
            text.append(" ⏎ ", style="bold")
            text.append("back to the list ")
            text.append(" esc ", style="bold")
            text.append("clear")
            return text
        seen: set[str] = set()
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            key = self.app.get_key_display(binding)
            text.append(f" {key} ", style="bold" if enabled else "dim")
            text.append(f"{binding.description} ", style="" if enabled else "dim")
        return text
