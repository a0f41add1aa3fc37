"""Pick a DB instance for the database load pane: Performance Insights first, a cluster's
members together with the writer first and marked, instances with PI off last (choosing one
shows what turning PI on takes). Several accounts: an Acct column (the alias) first, and the
(account, region)s that could not be listed are named above the list."""

from __future__ import annotations

from collections.abc import Callable, Sequence

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

    def __init__(
        self,
        instances: Sequence[DbInstance],
        *,
        title: str = "",
        alias_of: Callable[[DbInstance], str] | None = None,
        failed: Sequence[str] = (),
        aliases: Sequence[str] = (),
    ) -> None:
        """`alias_of`: each instance's account alias (several accounts: the Acct column),
        the accounts in `aliases`' (config) order; `failed`: `prod/us-east-1: error` of the
        entries that could not be listed."""
        super().__init__()
        self.alias_of = alias_of
        order = picker_order(instances)
        if alias_of is not None:  # each account's instances together, in picker order
            known = list(dict.fromkeys([*aliases, *(alias_of(i) for i in order)]))
            order = sorted(order, key=lambda i: known.index(alias_of(i)))
        self.instances = order
        self.title_text = title or "Database load: pick a DB instance (enter)"
        for line in failed:
            self.title_text += f"\n⚠ {line}"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, id="picker-title")
            yield DataTable(id="picker", cursor_type="row", zebra_stripes=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        wide = self.app.size.width >= WIDE
        table.add_columns(
            *(("Acct",) if self.alias_of is not None else ()),
            "Instance", "Cluster", "PI", "Class", *(("Engine", "Region") if wide else ()),
        )  # fmt: skip
        for index, instance in enumerate(self.instances):
            cells = [] if self.alias_of is None else [self.alias_of(instance)]
            cells += [
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
