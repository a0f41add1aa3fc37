"""Pick a DB instance for the database load pane: Performance Insights first, a cluster's
members together with the writer first and marked, instances with PI off last (choosing one
shows what turning PI on takes)."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from montui.model.dbload import DbInstance, picker_order
from montui.ui.screens.dbload_text import picker_label

WIDE = 110
"""From this many columns the picker also shows each instance's engine and region."""


class DbPickerScreen(ModalScreen[DbInstance | None]):
    """A list of instances; enter picks one, esc picks none."""

    DEFAULT_CSS = """
    DbPickerScreen { align: center middle; }
    DbPickerScreen > Vertical {
        width: 100; max-width: 100%; height: auto; max-height: 90%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    DbPickerScreen #picker-title { height: auto; }
    DbPickerScreen DataTable { height: auto; max-height: 20; }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Back", id="dbpicker_cancel", tooltip="Close without picking"),
    ]

    def __init__(self, instances: Sequence[DbInstance], *, title: str = "") -> None:
        super().__init__()
        self.instances = picker_order(instances)
        self.title_text = title or "Database load: pick a DB instance (enter)"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, id="picker-title")
            yield DataTable(id="picker", cursor_type="row", zebra_stripes=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        wide = self.app.size.width >= WIDE
        table.add_columns(
            "Instance", "Cluster", "PI", "Class", *(("Engine", "Region") if wide else ())
        )
        for index, instance in enumerate(self.instances):
            cells = [
                instance.identifier,
                picker_label(instance),
                "on" if instance.pi_enabled else "off",
                instance.instance_class,
            ]
            if wide:
                cells += [instance.engine, instance.place.region]
            table.add_row(*cells, key=str(index))
        table.focus()

    @on(DataTable.RowSelected)
    def _picked(self, event: DataTable.RowSelected) -> None:
        self.dismiss(self.instances[int(str(event.row_key.value))])

    def action_cancel(self) -> None:
        self.dismiss(None)
