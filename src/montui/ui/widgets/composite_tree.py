"""A composite alarm's rule as a tree: operators as branches, children with their live states.

The children that make the rule true (`blamed_children`) are marked `◀ blamed`; selecting a
child leaf (enter) posts `CompositeTree.ChildChosen` with the child's name.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from montui.model.alarm import AlarmState
from montui.model.composite_rule import And, Const, Not, Or, Rule, StateCheck, blamed_children
from montui.ui.widgets.alarm_table import state_style


class CompositeTree(Tree[str]):
    """The rule; leaf data is the child alarm's name ('' for operators and constants)."""

    DEFAULT_CSS = """
    CompositeTree {
        height: auto;
        max-height: 16;
        padding: 0 1;
    }
    """

    class ChildChosen(Message):
        """Enter on a child alarm."""

        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    def __init__(self, **kwargs: str | None) -> None:
        super().__init__("rule", data="", **kwargs)  # type: ignore[arg-type]
        self.show_root = False
        self.guide_depth = 3

    def show(self, rule: Rule, states: Mapping[str, AlarmState]) -> None:
        """Rebuild from the rule and the children's current states (missing: unknown)."""
        blamed = set(blamed_children(rule, states))
        mono = self.app.no_color
        self.clear()
        self._add(self.root, rule, states, blamed, mono)
        self.root.expand_all()

    def _add(
        self,
        parent: TreeNode[str],
        rule: Rule,
        states: Mapping[str, AlarmState],
        blamed: set[str],
        mono: bool,
    ) -> None:
        if isinstance(rule, StateCheck):
            parent.add_leaf(self._leaf(rule, states, blamed, mono), data=rule.alarm)
        elif isinstance(rule, Const):
            parent.add_leaf("TRUE" if rule.value else "FALSE", data="")
        elif isinstance(rule, Not):
            node = parent.add("NOT", data="", expand=True)
            self._add(node, rule.operand, states, blamed, mono)
        elif isinstance(rule, And | Or):
            word = "AND (all of)" if isinstance(rule, And) else "OR (any of)"
            node = parent.add(word, data="", expand=True)
            for operand in rule.operands:
                self._add(node, operand, states, blamed, mono)

    @staticmethod
    def _leaf(
        check: StateCheck, states: Mapping[str, AlarmState], blamed: set[str], mono: bool
    ) -> Text:
        state = states.get(check.alarm)
        label = Text()
        if state is None:
            label.append("· unknown ", style="dim")
        else:
            label.append(f"{state.symbol} {state.short} ", style=state_style(state, mono))
        label.append(f"{check.state.value}(", style="dim")
        label.append(check.alarm, style="bold" if check.alarm in blamed else "")
        label.append(")", style="dim")
        if check.alarm in blamed:
            label.append("  ◀ blamed", style="bold reverse" if mono else "bold red")
        return label

    def on_tree_node_selected(self, event: Tree.NodeSelected[str]) -> None:
        event.stop()
        if event.node.data:
            self.post_message(self.ChildChosen(event.node.data))
