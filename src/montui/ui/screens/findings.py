"""The findings pane (`f` on the board): every GuardDuty finding of the watched regions,
Critical and High first, then by last seen; the counts per band per region above, and where
GuardDuty is off, the command that turns it on.

The pane reads the board's `FindingsWatch`, which polls on the board's cadence whether the
pane is open or not; the pane re-renders after each poll and keeps the cursor on its finding.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from montui.model.alarm import Alarm
from montui.model.finding_notice import finding_url
from montui.model.findings import Band, Finding, filter_findings, findings_order
from montui.ui.clipboard import copy_and_tell
from montui.ui.screens.findings_text import banner_text, header_text, summary_text
from montui.ui.screens.findings_watch import FindingsWatch, RegionWatch
from montui.ui.widgets.breadcrumb import Breadcrumb
from montui.ui.widgets.finding_table import ROW_LIMIT, FindingTable
from montui.ui.widgets.freshness import Freshness
from montui.ui.widgets.key_bar import KeyBar


class FindingsScreen(Screen[None]):
    """GuardDuty findings, most severe and most recent first."""

    CRUMB = "findings"
    """Its name in the breadcrumb (`ui/widgets/breadcrumb.py`)."""

    CSS_PATH = "findings.tcss"
    HELP_FOOTNOTE = (
        "Bands (symbol and word, readable without colour): ‼ Critical 9–10  ▲ High 7–8.9  "
        "◆ Medium 4–6.9  · Low 1–3.9.\n"
        "Header: totals per band, then each region's counts (GetFindingsStatistics); `off`: "
        "GuardDuty is not enabled there (the line below gives the command to turn it on; "
        "montui itself changes nothing).\n"
        "Polled on the board's cadence, even while this pane is closed: a new High or "
        "Critical finding raises a notice ([notify] in the config).\n"
        "Several accounts ([[account]]): the Acct column is the alias, the header counts per "
        "account/region (prod/apne1), the filter matches the alias."
    )

    BINDINGS = [
        Binding("escape", "back", "Back", id="back",
                tooltip="Back to the board (or clear the filter)"),
        Binding("slash", "filter", "Filter", id="filter",
                tooltip="Filter as you type: type, title, resource, region, id, account"),
        Binding("1", "band('LOW')", "All", id="band_all", tooltip="Every band (Low and up)"),
        Binding("2", "band('MEDIUM')", "Med+", id="band_medium", tooltip="Medium and up"),
        Binding("3", "band('HIGH')", "High+", id="band_high", tooltip="High and up"),
        Binding("4", "band('CRITICAL')", "Crit", id="band_critical", tooltip="Critical only"),
        Binding("A", "toggle_archived", "Archived", id="toggle_archived",
                tooltip="Show / hide archived findings"),
        Binding("r", "refresh", "Refresh", id="refresh", tooltip="Poll every region now"),
        Binding("enter", "open_finding", "Detail", id="open_finding", show=False,
                tooltip="The selected finding: resource, action, evidence, JSON"),
        Binding("o", "copy_url", "Copy URL", id="copy_url", show=False,
                tooltip="Copy the selected finding's console URL (OSC 52; tmux, screen)"),
    ]  # fmt: skip

    def __init__(
        self,
        watch: FindingsWatch,
        *,
        clock: Callable[[], datetime],
        alarms: Callable[[], list[Alarm]] = list,
        open_alarm: Callable[[Alarm], None] | None = None,
        stale_after: float = 150.0,
        since: datetime | None = None,
        account: str | None = None,
    ) -> None:
        """`alarms`: the board's alarms now (a finding's detail links those on its resource);
        `open_alarm`: opens one (the board's detail); `since`: the shared investigation
        window's start: only findings updated then or later are listed (None: all);
        `account`: the alias `:account` narrowed montui to (None: every account)."""
        super().__init__()
        self.watch_ = watch
        self.clock = clock
        self.alarms = alarms
        self.open_alarm = open_alarm
        self.stale_after = stale_after
        self.filter_text = ""
        self.min_band = Band.LOW
        self.since = since
        self.account = account
        self.multi = watch.multi
        """Several accounts watched: the Acct column, the alias in the filter and the detail."""

    def compose(self) -> ComposeResult:
        yield Breadcrumb()
        with Horizontal(id="findings-topbar"):
            yield Static(id="findings-header")
            yield Freshness(self.clock, self.stale_after, id="findings-freshness")
        yield Static(id="findings-banner")
        yield FindingTable(id="findings", alias_of=self.watch_.alias_of if self.multi else None)
        yield Static("Asking GuardDuty…", id="findings-empty")
        yield Static(id="findings-summary")
        yield KeyBar()

    def on_mount(self) -> None:
        self.watch_.subscribe(self.refresh_view)
        self.refresh_view()
        self.query_one(FindingTable).focus()

    def on_unmount(self) -> None:
        self.watch_.unsubscribe(self.refresh_view)

    def statuses(self) -> list[RegionWatch]:
        """The (account, region)s shown: every one, or `:account`'s."""
        found = self.watch_.statuses.values()
        return [s for s in found if self.account in (None, s.account)]

    def _everything(self) -> list[Finding]:
        """Every polled finding of the accounts shown."""
        everything = self.watch_.all_findings()
        if self.account is not None:
            everything = [f for f in everything if self.watch_.alias_of(f) == self.account]
        return everything

    def shown_findings(self) -> list[Finding]:
        everything = self._everything()
        alias_of = self.watch_.alias_of if self.multi else None
        shown = filter_findings(
            everything, self.filter_text, self.min_band, archived=self.watch_.query.archived,
            alias_of=alias_of,
        )  # fmt: skip
        if self.since is not None:
            since = self.since
            shown = [f for f in shown if f.updated_at >= since]
        return findings_order(shown, alias_of)

    def refresh_view(self) -> None:
        now = self.clock()
        mono = self.app.no_color
        statuses = self.statuses()
        view = []
        if self.min_band > Band.LOW:
            view.append(f"{self.min_band.word}+" if self.min_band < Band.CRITICAL else "Critical")
        if self.watch_.query.archived:
            view.append("archived shown")
        if self.filter_text:
            view.append(f"/{self.filter_text}")
        if self.since is not None:
            view.append(f"since {self.since.astimezone(UTC):%H:%M} UTC")
        header = self.query_one("#findings-header", Static)
        header.update(header_text(statuses, " ".join(view), mono=mono))
        fetched = [s.fetched_at for s in statuses if s.fetched_at is not None]
        busy = any(s.fetched_at is None and not s.error for s in statuses)
        self.query_one(Freshness).set_fetched(min(fetched) if fetched else None, busy=busy)
        banner = self.query_one("#findings-banner", Static)
        lines = banner_text(statuses, now)
        banner.display = bool(lines.plain)
        banner.update(lines)
        visible = self.shown_findings()
        table = self.query_one(FindingTable)
        table.show(visible, now=now, mono=mono)
        empty = self.query_one("#findings-empty", Static)
        more = len(visible) - ROW_LIMIT
        empty.display = not visible or more > 0
        if not visible:
            empty.update(self._empty_message())
        elif more > 0:
            empty.update(
                f"{more:,} more below these {ROW_LIMIT}, less severe or seen earlier: "
                "2 3 4 keep the higher bands, / filters."
            )
        self._update_summary()

    def _empty_message(self) -> str:
        if not self.watch_.polled:
            return "Asking GuardDuty…"
        statuses = self.statuses()
        watched = [s for s in statuses if s.found is not None and not s.found.off]
        if not watched:
            return "GuardDuty is not watching any of these regions (see above)."
        if not self._everything():
            return "No findings in " + ", ".join(s.where for s in watched) + "."
        if self.since is not None:
            return (
                f"No findings updated since {self.since.astimezone(UTC):%H:%M} UTC (the window"
                " start). :window drop lists them all."
            )
        return "No findings match. Press 1 for every band, esc to clear the filter."

    def _update_summary(self) -> None:
        finding = self.query_one(FindingTable).selected()
        alias = self.watch_.alias_of(finding) if finding is not None and self.multi else ""
        summary = summary_text(finding, self.clock(), alias)
        self.query_one("#findings-summary", Static).update(summary)

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self) -> None:
        self._update_summary()

    @on(DataTable.RowSelected)
    def _row_selected(self) -> None:
        self.action_open_finding()

    # -- actions ----------------------------------------------------------------------

    def action_back(self) -> None:
        if self.filter_text or self._filter_shown():
            self._clear_filter()
            return
        self.app.pop_screen()

    def action_band(self, band: str) -> None:
        self.min_band = Band[band]
        self.refresh_view()

    def action_toggle_archived(self) -> None:
        archived = not self.watch_.query.archived
        self.watch_.show_archived(archived)
        shown = "Archived findings shown" if archived else "Archived findings hidden"
        self.notify(shown, timeout=2)
        self.refresh_view()

    def action_refresh(self) -> None:
        self.watch_.wake_all()
        self.notify("Refreshing…", timeout=1.5)

    def action_copy_url(self) -> None:
        if (finding := self.query_one(FindingTable).selected()) is not None:
            copy_and_tell(self, finding_url(finding), "console URL")

    def action_open_finding(self) -> None:
        finding = self.query_one(FindingTable).selected()
        if finding is None:
            return
        from montui.model.finding_notice import alarms_on_resource
        from montui.ui.screens.finding_detail import FindingDetailScreen

        linked = alarms_on_resource(finding, self.alarms())
        alias = self.watch_.alias_of(finding) if self.multi else ""
        detail = FindingDetailScreen(
            finding, clock=self.clock, alarms=linked, open_alarm=self.open_alarm, alias=alias
        )
        self.app.push_screen(detail)

    # -- the filter ---------------------------------------------------------------------

    def _filter_shown(self) -> bool:
        return any(box.display for box in self.query("#filter").results(Input))

    def _filter_box(self) -> Input:
        box = next(self.query("#filter").results(Input), None)
        if box is None:
            box = Input(
                placeholder="filter: type, title, resource, region, id, account", id="filter"
            )
            self.mount(box, before=self.query_one(KeyBar))
        return box

    def action_filter(self) -> None:
        box = self._filter_box()
        box.display = True
        box.focus()

    def _clear_filter(self) -> None:
        for box in self.query("#filter").results(Input):
            box.value = ""
            box.display = False
        self.filter_text = ""
        self.query_one(FindingTable).focus()
        self.refresh_view()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value.strip()
        self.refresh_view()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        if not self.filter_text:
            self._filter_box().display = False
        self.query_one(FindingTable).focus()
