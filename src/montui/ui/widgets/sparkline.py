"""The board's Trend column: its width, and relabelling a binding to show what it costs.

The fetch loops that fill the column live with the board (`ui/screens/board_sparklines.py`).
"""

from __future__ import annotations

from textual.dom import DOMNode

from montui.model.records import replace

SPARK_WIDTH = 8
"""Cells per sparkline: one hour, 7.5 minutes a cell."""


def relabel(node: DOMNode, binding_id: str, description: str, tooltip: str) -> bool:
    """Change the description and tooltip of `node`'s binding `binding_id` (the key bar and
    the help screen show them). Textual has no public API for this: it edits the node's own
    copy of its bindings (`_bindings`, per instance; textual is pinned in pyproject)."""
    changed = False
    for bindings in node._bindings.key_to_bindings.values():
        for index, binding in enumerate(bindings):
            if binding.id == binding_id and (binding.description, binding.tooltip) != (
                description,
                tooltip,
            ):
                bindings[index] = replace(binding, description=description, tooltip=tooltip)
                changed = True
    if changed:
        node.refresh_bindings()
    return changed
