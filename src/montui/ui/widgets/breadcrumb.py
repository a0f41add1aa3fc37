"""The breadcrumb: one line at the top of every screen saying where you are, from the app's
screen stack (`triage › alarm hitori-contact-form-down › logs`), and on the right the shared
investigation window's chip (`window 01:20–01:45 UTC · from hitori-contact-form-down`).

Each screen names itself with a class attribute `CRUMB` ("alarms", "logs"…) and, where it
shows one thing, a `crumb_detail()` method (the alarm's name, the finding's title…). Modal
screens (prompts, pickers, `?`) are not levels: they are left out.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.screen import ModalScreen, Screen
from textual.widget import Widget

from montui.model.investigation import InvestigationWindow

SEPARATOR = " › "
MIN_CHIP_GAP = 2


def crumb_of(screen: Screen[Any]) -> str | None:
    """`screen`'s crumb: its `CRUMB` and its `crumb_detail()` (None: not a level)."""
    if isinstance(screen, ModalScreen):
        return None
    name = getattr(screen, "CRUMB", None)
    if not isinstance(name, str) or not name:
        return None
    detail_of = getattr(screen, "crumb_detail", None)
    detail = detail_of() if callable(detail_of) else None
    return f"{name} {detail}" if isinstance(detail, str) and detail else name


def crumbs(stack: list[Screen[Any]]) -> list[str]:
    """The crumbs of a screen stack, bottom first."""
    return [c for c in (crumb_of(s) for s in stack) if c is not None]


def breadcrumb_line(parts: list[str], chip: str | None, width: int) -> Text:
    """The line: the crumbs on the left, the chip on the right. Short of room, the chip loses
    its `· from …` first, then the oldest crumbs give way to `…`, then the chip goes."""
    text = Text(no_wrap=True, overflow="ellipsis")
    full = len(SEPARATOR.join(parts))
    if chip and full + MIN_CHIP_GAP + len(chip) > width:
        chip = chip.split(" · ")[0]
    room = width - (len(chip) + MIN_CHIP_GAP if chip else 0)
    shown = list(parts)
    while len(shown) > 1 and len(SEPARATOR.join(shown)) > room:
        shown = ["…", *shown[2:]]
        if shown == ["…"]:
            shown = parts[-1:]
    for index, part in enumerate(shown):
        if index:
            text.append(SEPARATOR, style="dim")
        text.append(part, style="bold" if index == len(shown) - 1 else "")
    if chip and len(text) + MIN_CHIP_GAP + len(chip) <= width:
        text.append(" " * (width - len(text) - len(chip)))
        text.append(chip, style="reverse")
    return text


class Breadcrumb(Widget):
    """`alarms › alarm hitori-contact-form-down › logs` … `window 01:20–01:45 UTC · from …`."""

    DEFAULT_CSS = """
    Breadcrumb {
        dock: top;
        height: 1;
        width: 100%;
        color: $text-muted;
    }
    """

    def render(self) -> Text:
        window = getattr(self.app, "window", None)
        chip = window.chip() if isinstance(window, InvestigationWindow) else None
        stack = list(self.app.screen_stack)
        below = stack[: stack.index(self.screen) + 1] if self.screen in stack else stack
        return breadcrumb_line(crumbs(below), chip, self.size.width or 80)


def show_breadcrumb(screen: Screen[Any]) -> None:
    """On every screen change: the new screen's breadcrumb is redrawn; a screen with a `CRUMB`
    that does not yield one in its compose gets one mounted. Modal screens get none."""
    if isinstance(screen, ModalScreen) or crumb_of(screen) is None:
        return
    found = list(screen.query(Breadcrumb))
    if found:
        found[0].refresh()
    else:
        screen.mount(Breadcrumb(), before=0 if screen.children else None)
