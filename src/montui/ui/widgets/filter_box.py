"""The board's filter input: one line across the screen, repainted alone at each keystroke."""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class FilterBox(Input):
    """An `Input` whose growing text does not re-lay the screen out. Input sets its virtual
    size at every keystroke, and Widget's `virtual_size` asks for a layout of the whole
    screen (~20 ms at 160x50 with 10,000 alarms on the board); this box has a fixed size
    (board.tcss), so its text only needs a repaint."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
