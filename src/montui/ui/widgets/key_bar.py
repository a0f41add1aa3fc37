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
    """`/ Filter  r Refresh  1 ALARM …  q Quit  ? Keys`: entries are dropped to fit the width
    (dimmed ones first, then from the right), but the bar always ends with quit and `? Keys`."""

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
        entries: list[tuple[str, str, bool]] = []
        last: list[tuple[str, str, bool]] = []
        seen: set[str] = set()
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            entry = (self.app.get_key_display(binding), binding.description, enabled)
            (last if binding.action in _KEPT else entries).append(entry)
        last.sort(key=lambda e: e[1] == _HELP_DESCRIPTION)  # `? Keys` at the very end
        return _line(_fit(entries, last, self.size.width or 10_000))


_KEPT = frozenset({"app.quit", "quit", "app.help", "help", "app.command", "command"})
"""Actions never dropped from a narrow bar: how to leave and how to find every other key."""
_HELP_DESCRIPTION = "Keys"


def _width(entries: list[tuple[str, str, bool]]) -> int:
    return sum(len(key) + len(description) + 3 for key, description, _ in entries)


def _fit(
    entries: list[tuple[str, str, bool]], last: list[tuple[str, str, bool]], width: int
) -> list[tuple[str, str, bool]]:
    """Drop dimmed entries (keys that cannot act now), then others, from the right until the
    kept ones (quit, help) fit after them; when even those do not fit, quit goes before help."""
    while _width(entries + last) > width and not all(enabled for *_, enabled in entries):
        dimmed = max(i for i, (*_, enabled) in enumerate(entries) if not enabled)
        entries = entries[:dimmed] + entries[dimmed + 1 :]
    while entries and _width(entries + last) > width:
        entries = entries[:-1]
    while len(last) > 1 and _width(last) > width:
        last = last[1:]
    return entries + last


def _line(entries: list[tuple[str, str, bool]]) -> Text:
    text = Text(no_wrap=True, overflow="crop")
    for key, description, enabled in entries:
        text.append(f" {key} ", style="bold" if enabled else "dim")
        text.append(f"{description} ", style="" if enabled else "dim")
    return text
