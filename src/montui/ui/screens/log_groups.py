"""Pick the log groups a Logs Insights query reads: search by name prefix as you type.

Lookups are debounced and run in one exclusive worker, so typing fast never piles up
DescribeLogGroups calls; a failing lookup is shown in the box and the choice so far is kept.
The groups already chosen stay listed first and selected whatever the prefix.

In a CloudWatch cross-account observability monitoring account the lookups list the linked
accounts' groups too (kept by ARN, shown as `name @ account`, the account's link label); a
one-line notice under the box says whose groups are listed, or why only this account's.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, SelectionList, Static
from textual.widgets.selection_list import Selection

from montui.feeds.insights import LogsInsights
from montui.model.observability import group_display
from montui.sources.errors import SourceError
from montui.ui.widgets.check_list import CheckList

MAX_SELECTED = 50
"""Logs Insights reads at most 50 log groups per query."""
MAX_SHOWN = 1000
"""Names listed per lookup; past that, the engineer types more of the prefix."""
DEBOUNCE = 0.3
"""Seconds of quiet typing before a lookup starts."""


class LogGroupPicker(ModalScreen[tuple[str, ...] | None]):
    """Search log groups by prefix and tick up to 50; dismisses with them in the order
    they were chosen, or None on esc."""

    DEFAULT_CSS = """
    LogGroupPicker {
        align: center middle;
    }
    LogGroupPicker > Vertical {
        width: 100;
        max-width: 100%;
        height: 1fr;
        max-height: 40;
        margin-bottom: 1;
        border: round $primary;
        border-title-style: bold;
        padding: 0 1;
        background: $surface;
    }
    LogGroupPicker #groups-note {
        height: auto;
        color: $text-warning;
        background: $warning-muted;
    }
    LogGroupPicker #groups-status, LogGroupPicker #groups-count, LogGroupPicker #groups-oam {
        height: auto;
        color: $text-muted;
    }
    LogGroupPicker #groups-status.error {
        color: $text-error;
    }
    LogGroupPicker SelectionList {
        height: 1fr;
    }
    LogGroupPicker #groups-keys {
        height: 1;
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("enter", "confirm", "Use these", id="picker_confirm", priority=True,
                tooltip="Use the selected log groups"),
        Binding("escape", "cancel", "Cancel", id="picker_cancel",
                tooltip="Close and keep the log groups as they were"),
        Binding("down", "into_list", "To the list", id="picker_into_list", show=False,
                tooltip="From the prefix box into the list of names"),
    ]  # fmt: skip

    def __init__(
        self,
        insights: LogsInsights,
        region: str,
        selected: Sequence[str],
        *,
        note: str | None = None,
    ) -> None:
        """`selected`: the groups chosen so far (kept, listed first); `note`: why the
        engineer is asked (shown as a warning at the top)."""
        super().__init__()
        self.insights = insights
        self.aws_region = region
        self.chosen: list[str] = list(dict.fromkeys(selected))
        self.note = note
        self.found: tuple[str, ...] = ()
        self.labels: dict[str, str] = {}
        """Linked account id → label (OAM), for `name @ account`."""
        self._debounce: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="groups"):
            if self.note:
                yield Static(Text(f"⚠ {self.note}"), id="groups-note")
            yield Input(placeholder="log group name prefix, e.g. /aws/lambda/", id="groups-prefix")
            yield Static("", id="groups-status")
            yield Static("", id="groups-oam")
            yield CheckList(id="groups-list")
            yield Static("", id="groups-count")
            yield Static(
                Text("type: search  ↓/tab: list  space: tick  ⏎ use these  esc cancel"),
                id="groups-keys",
            )

    def on_mount(self) -> None:
        self.query_one("#groups", Vertical).border_title = f"Log groups in {self.aws_region}"
        self._show_list()
        self._show_count()
        self.query_one("#groups-prefix", Input).focus()
        self.lookup("")
        self.linked_accounts()

    @work(exclusive=True, group="log-groups-oam", exit_on_error=False)
    async def linked_accounts(self) -> None:
        """The one-line OAM notice, and the labels of linked accounts."""
        state = await self.insights.observability(self.aws_region)
        self.labels = state.log_accounts()
        self.query_one("#groups-oam", Static).update(Text(state.notice()))
        self._show_list()

    # Lookups

    @on(Input.Changed, "#groups-prefix")
    def _prefix_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._debounce is not None:
            self._debounce.stop()
        prefix = event.value.strip()  # log group names hold no spaces
        self._debounce = self.set_timer(DEBOUNCE, lambda: self.lookup(prefix))

    @on(Input.Submitted, "#groups-prefix")
    def _prefix_submitted(self, event: Input.Submitted) -> None:
        event.stop()  # enter is the screen's `confirm` (a priority binding)

    @work(exclusive=True, group="log-groups", exit_on_error=False)
    async def lookup(self, prefix: str) -> None:
        """Names starting with `prefix` (the latest lookup wins; older ones are cancelled)."""
        self._status(f"searching {prefix or 'every log group'}…")
        try:
            names = await self.insights.log_groups(self.aws_region, prefix, limit=MAX_SHOWN + 1)
        except SourceError as error:
            self._status(f"✖ {error.message}" + (f" — {error.hint}" if error.hint else ""), True)
            return
        self.found = tuple(names[:MAX_SHOWN])
        self._show_list()
        if len(names) > MAX_SHOWN:
            self._status(f"showing the first {MAX_SHOWN} — type more of the prefix")
        elif not names:
            self._status(f"no log group starts with {prefix!r}" if prefix else "no log group")
        else:
            what = f"starting with {prefix!r}" if prefix else "in this region"
            self._status(f"{len(names)} log group{'s' * (len(names) != 1)} {what}")

    def _status(self, message: str, error: bool = False) -> None:
        status = self.query_one("#groups-status", Static)
        status.update(Text(message))
        status.set_class(error, "error")

    # The list

    def _show_list(self) -> None:
        """The chosen groups first (ticked), then the names found that are not chosen."""
        chosen = set(self.chosen)
        listing = self.query_one("#groups-list", SelectionList)
        listing.clear_options()
        shown = self.labels
        listing.add_options(
            [Selection(Text(group_display(g, shown)), g, True) for g in self.chosen]
            + [
                Selection(Text(group_display(g, shown)), g, False)
                for g in self.found
                if g not in chosen
            ]
        )
        if listing.option_count:
            listing.highlighted = 0

    def _show_count(self, refused: str = "") -> None:
        text = Text(f"{len(self.chosen)} selected (at most {MAX_SELECTED})")
        if refused:
            text.append(f"  ✖ {refused}", style="bold")
        self.query_one("#groups-count", Static).update(text)

    @on(SelectionList.SelectionToggled, "#groups-list")
    def _toggled(self, event: SelectionList.SelectionToggled[str]) -> None:
        event.stop()
        name = event.selection.value
        listing = self.query_one("#groups-list", SelectionList)
        refused = ""
        if name not in listing.selected:
            if name in self.chosen:
                self.chosen.remove(name)
        elif name not in self.chosen and len(self.chosen) >= MAX_SELECTED:
            listing.deselect(name)
            refused = f"a query reads at most {MAX_SELECTED} log groups; untick one first"
        elif name not in self.chosen:
            self.chosen.append(name)
        self._show_count(refused)

    # Keys

    def action_into_list(self) -> None:
        """From the prefix box into the list."""
        self.query_one("#groups-list", SelectionList).focus()

    def action_confirm(self) -> None:
        """Use the selected groups (at least one)."""
        if not self.chosen:
            self._show_count("tick at least one log group (space)")
            return
        self.dismiss(tuple(self.chosen))

    def action_cancel(self) -> None:
        """Close, answering None."""
        self.dismiss(None)
