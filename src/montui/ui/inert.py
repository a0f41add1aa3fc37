"""Keys that cannot act now say why, instead of doing nothing.

A screen or widget that has such keys defines `inert_reason(action, parameters)`: a short
sentence when the action can do nothing now (zoom in at the closest zoom, stop with nothing
running), else None. That one method drives both halves:

- its `check_action` answers `action_state(...)`: None (Textual shows the key dimmed in the
  key bar, which drops dimmed keys first when narrow) while there is a reason, True otherwise;
  a key that never applies to what the screen shows (tune on a composite alarm) may still
  answer False to stay out of the bar.
- `MontuiApp.run_action`, which every key binding goes through, asks `inert_reason` before
  Textual's own check and shows the reason (`notify`) instead of running the action. Textual
  on its own would skip a disabled action silently and let the key fall through to the next
  binding in the chain (on the workbench, ctrl+c would then reach the app's quit).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class SaysWhyInert(Protocol):
    """A screen or widget whose keys can be inert, and can say why."""

    def inert_reason(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """Why `action` would do nothing now (a short sentence), or None when it would act."""
        ...


def inert_reason(node: object, action: str, parameters: tuple[object, ...]) -> str | None:
    """`node`'s reason why `action` is inert now; None when it acts or `node` cannot say."""
    if isinstance(node, SaysWhyInert):
        return node.inert_reason(action, parameters)
    return None


def action_state(node: SaysWhyInert, action: str, parameters: tuple[object, ...]) -> bool | None:
    """For `check_action`: None (dimmed) while the action is inert, else True."""
    return None if node.inert_reason(action, parameters) is not None else True
