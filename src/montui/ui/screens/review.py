"""The alarm review pane (`v` on the board): the ranked lines of `montui review`, what to do
about the selected one, and for the noisiest the quieter setting proven by back-test.

It gathers the review once when opened (`feeds.review_run.gather_review`: one history stream per
region, the dead-metric check, the back-tests) and again on `r`; `enter` opens the selected
line's alarm in the detail screen. A region or a check that fails is named in place; the
lines of the others stand.

Several accounts (`sources`, `alias_of`): every account's alarms and history through its own
feeds, an Acct column (the alias) before the alarm, a failing account named in place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from montui.feeds.alarms import Alarms
from montui.feeds.metric_data import MetricData
from montui.feeds.review import StateHistory
from montui.feeds.review_run import ReviewSource, gather_review
from montui.model.alarm import Alarm
from montui.model.metadata import MetaRule
from montui.model.review import Finding, ReviewSettings
from montui.model.review_report import Review, backtest_line, cost_line, summary_counts
from montui.ui.widgets.breadcrumb import Breadcrumb
from montui.ui.widgets.key_bar import KeyBar


class ReviewScreen(Screen[None]):
    """Every alarm's review line, most harmful first."""

    CRUMB = "review"
    """Its name in the breadcrumb (`ui/widgets/breadcrumb.py`)."""

    CSS_PATH = "review.tcss"
    HELP_FOOTNOTE = (
        "The review of the last 14 days ([review] days in the config): one DescribeAlarmHistory "
        "stream per region, GetMetricData for the dead-metric check and the noisiest alarms' "
        "back-test. `montui review --output markdown` writes the same as a document."
    )
    BINDINGS = [
        Binding("escape", "back", "Back", id="back", tooltip="Back to the board"),
        Binding("enter", "open_detail", "Detail", id="open_detail",
                tooltip="Open the selected line's alarm"),
        Binding("r", "rerun", "Again", id="refresh", tooltip="Review again"),
    ]  # fmt: skip

    def __init__(
        self,
        regions: Sequence[str],
        *,
        alarms: Alarms,
        history: StateHistory,
        metrics: MetricData,
        clock: Callable[[], datetime],
        open_detail: Callable[[Alarm], None],
        settings: ReviewSettings | None = None,
        rules: Sequence[MetaRule] = (),
        sources: Sequence[ReviewSource] = (),
        alias_of: Callable[[Alarm], str] | None = None,
        refused: Sequence[tuple[str, str, Exception]] = (),
    ) -> None:
        """`sources`: several accounts' (account, region)s with their feeds, reviewed
        instead of `regions`; `alias_of`: an alarm's account alias (the Acct column);
        `refused`: (alias, region, error) of accounts that could not connect (said in place)."""
        super().__init__()
        self.sources = tuple(sources)
        self.alias_of = alias_of
        self.refused = [f"{alias}/{region}: {error}" for alias, region, error in refused]
        self.regions = tuple(s.name for s in sources) or tuple(regions)
        self.alarms, self.history, self.metrics = alarms, history, metrics
        self.clock = clock
        self.open = open_detail
        self.settings = settings or ReviewSettings()
        self.rules = tuple(rules)
        self.review: Review | None = None

    def compose(self) -> ComposeResult:
        yield Breadcrumb()
        what = "account region(s)" if self.sources else "region(s)"
        yield Static(f"Reviewing {len(self.regions)} {what}…", id="review-summary")
        table: DataTable[str | Text] = DataTable(id="review-lines", cursor_type="row")
        yield table
        yield Static("", id="review-line")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#review-lines", DataTable)
        acct = ("Acct",) if self.alias_of is not None else ()
        table.add_columns("#", "Category", *acct, "Alarm", "What")
        self.run_review()

    @work(exclusive=True, group="review", exit_on_error=False)
    async def run_review(self) -> None:
        summary = self.query_one("#review-summary", Static)
        try:
            review = await gather_review(
                self.regions, alarms=self.alarms, history=self.history, metrics=self.metrics,
                now=self.clock(), settings=self.settings, rules=self.rules, sources=self.sources,
            )  # fmt: skip
        except Exception as exc:  # a bug or a failure no region survived: said in place
            summary.update(Text(f"The review failed: {type(exc).__name__}: {exc}", style="bold"))
            return
        self.review = review
        self._show(review)

    def _show(self, review: Review) -> None:
        head = (
            f"{review.alarms} alarms · {', '.join(review.regions)} · last {review.days} days\n"
            f"{summary_counts(review) or 'nothing found'}"
        )
        extra = [f"⚠ could not check {p}" for p in (*self.refused, *review.problems)]
        self.query_one("#review-summary", Static).update(Text("\n".join([head, *extra])))
        table = self.query_one("#review-lines", DataTable)
        table.clear()
        for n, line in enumerate(review.findings, 1):
            acct = (self.alias_of(line.alarm),) if self.alias_of is not None else ()
            table.add_row(
                str(n), line.category.value, *acct, line.alarm.name, line.detail, key=str(n)
            )
        self._describe(0)

    def selected(self) -> Finding | None:
        if self.review is None or not self.review.findings:
            return None
        row = self.query_one("#review-lines", DataTable).cursor_row
        return self.review.findings[min(max(row, 0), len(self.review.findings) - 1)]

    def _describe(self, _row: int) -> None:
        line = self.selected()
        box = self.query_one("#review-line", Static)
        if line is None or self.review is None:
            box.update("" if self.review is None else cost_line(self.review))
            return
        text = Text()
        text.append(f"{line.alarm.name}", style="bold")
        alias = self.alias_of(line.alarm) if self.alias_of is not None else ""
        where = f"{alias}/{line.alarm.region}" if alias else line.alarm.region
        text.append(f" ({where}) {line.category.words}: {line.detail}\n")
        text.append(f"Do: {line.advice}\n")
        proposal = self.review.proposal_for(line.alarm.key)
        if proposal is not None:
            text.append(f"Back-test: {backtest_line(proposal)}\n", style="bold")
        text.append(cost_line(self.review), style="dim")
        box.update(text)

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._describe(event.cursor_row)

    @on(DataTable.RowSelected)
    def _chosen(self, _event: DataTable.RowSelected) -> None:
        self.action_open_detail()

    def action_open_detail(self) -> None:
        line = self.selected()
        if line is not None:
            self.open(line.alarm)

    def action_rerun(self) -> None:
        self.query_one("#review-summary", Static).update("Reviewing again…")
        self.run_review()

    def action_back(self) -> None:
        self.app.pop_screen()
