"""Whether a screen is covered by another, so that painting it would be wasted bytes.

Textual repaints the screen on top wherever a screen below it changes, so a screen that
repaints while covered (a poll, an age ticking) makes the top screen's regions go out again
over the wire: over SSH, bytes for nothing. The triage screen under the board and the board
under an alarm's detail or a pane paint nothing while covered and catch up when back on top.
"""

from __future__ import annotations

from typing import Any

from textual.screen import ModalScreen, Screen


def covered(screen: Screen[Any]) -> bool:
    """Another screen (the board, a pane) is over `screen`: painting it would only make
    Textual repaint that screen over it (a modal one on top lets it show: it paints)."""
    stack = screen.app.screen_stack
    below_modal = len(stack) > 1 and isinstance(stack[-1], ModalScreen) and stack[-2] is screen
    return stack[-1] is not screen and not below_modal
