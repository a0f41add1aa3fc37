"""A `SelectionList` whose rows read ticked or not without colour: `[✔] name` / `[ ] name`.

Textual's SelectionList draws `▐X▌` before every row and tells ticked from unticked by colour
alone, so over SSH without colour every row looks ticked. This one draws the box itself.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widgets import OptionList, SelectionList
from textual.widgets.option_list import OptionDoesNotExist

TICKED, UNTICKED = "[✔] ", "[ ] "
"""The box before a row; both of one width so the names line up."""


class CheckList(SelectionList[str]):
    """Rows of names with a box that says whether each is ticked (space toggles)."""

    def _get_left_gutter_width(self) -> int:
        return len(TICKED)

    def box(self, index: int) -> str:
        """The box drawn before row `index` (`[✔] ` or `[ ] `)."""
        return TICKED if self.get_option_at_index(index).value in self.selected else UNTICKED

    def render_line(self, y: int) -> Strip:
        line = OptionList.render_line(self, y)
        _, scroll_y = self.scroll_offset
        index = scroll_y + y
        try:
            box = self.box(index)
        except OptionDoesNotExist:
            return line
        base = next(iter(line)).style if line.cell_length else None
        style = (base or Style()) + Style(bold=box == TICKED, meta={"option": index})
        return Strip([Segment(box, style), *line])
