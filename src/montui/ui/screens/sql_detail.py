"""One statement of the top SQL, opened: its full text (GetDimensionKeyDetails), syntax
highlighted and copyable (`y`, OSC 52), and its own load over the pane's window by wait event
(GetResourceMetrics filtered on its digest)."""

from __future__ import annotations

from rich.syntax import Syntax
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from montui.feeds.dbload import DbLoadFeed
from montui.model.dbload import DbInstance, SqlDetail, SqlRow
from montui.model.metrics import TimeWindow
from montui.ui.clipboard import copy_and_tell
from montui.ui.screens.dbload import error_words
from montui.ui.widgets.breadcrumb import Breadcrumb
from montui.ui.widgets.key_bar import KeyBar
from montui.ui.widgets.load_chart import LoadChart
from montui.ui.widgets.metric_chart import window_label

STATUS_WORDS = {
    "AVAILABLE": "",
    "PROCESSING": "Performance Insights is still fetching the full text; this is what it has.",
    "UNAVAILABLE": "Performance Insights has no full text of it; this is the digest.",
    "TOKENIZED": "Only the digest is known (literals replaced by ?).",
}


class SqlDetailScreen(Screen[None]):
    """A statement's text and its own load; esc goes back."""

    CRUMB = "sql"
    """Its name in the breadcrumb (`ui/widgets/breadcrumb.py`)."""

    DEFAULT_CSS = """
    SqlDetailScreen #sqlpage { padding: 0 1; }
    SqlDetailScreen #sqlhead, SqlDetailScreen #sqltext, SqlDetailScreen #sqlnote {
        height: auto;
    }
    SqlDetailScreen #sqltext { margin: 1 0; }
    """

    BINDINGS = [
        Binding("escape", "back", "Back", id="sql_back", tooltip="Back to the load"),
        Binding("y", "copy", "Copy SQL", id="sql_copy", tooltip="Copy the full statement"),
    ]

    def __init__(
        self,
        feed: DbLoadFeed,
        instance: DbInstance,
        window: TimeWindow,
        row: SqlRow,
        *,
        utc: bool = False,
    ) -> None:
        super().__init__()
        self.feed = feed
        self.instance = instance
        self.window = window
        self.row = row
        self.utc = utc
        self.detail: SqlDetail | None = None

    def compose(self) -> ComposeResult:
        yield Breadcrumb()
        with VerticalScroll(id="sqlpage"):
            yield Static(id="sqlhead")
            yield Static(id="sqlnote")
            yield Static(Text(self.row.statement), id="sqltext")
            yield Static("Its own load over the window:", classes="section")
            yield LoadChart(id="sqlchart", rows=6)
        yield KeyBar()

    def on_mount(self) -> None:
        head = Text()
        head.append(f"{self.row.aas:.2f} AAS", style="bold")
        head.append(f" · {self.row.share:.0%} of the load on {self.instance.identifier}")
        head.append(f" · {window_label(self.window, utc=self.utc)}")
        head.append(f"\ndigest {self.row.sql_id}", style="dim")
        self.query_one("#sqlhead", Static).update(head)
        self.query_one(LoadChart).say("Loading…")
        self.fetch()

    @work(exclusive=True, group="sql", exit_on_error=False)
    async def fetch(self) -> None:
        try:
            detail = await self.feed.sql_detail(self.instance, self.window, self.row)
        except Exception as exc:
            self.query_one(LoadChart).say(f"Could not load the statement: {error_words(exc)}")
            return
        self.detail = detail
        self.query_one("#sqlnote", Static).update(
            Text(STATUS_WORDS.get(detail.text_status, ""), style="dim")
        )
        self.query_one("#sqltext", Static).update(
            Syntax(
                detail.text, "sql", word_wrap=True, theme="ansi_dark", background_color="default"
            )
        )
        self.query_one(LoadChart).show(detail.series, None, utc=self.utc)

    @property
    def text(self) -> str:
        return self.detail.text if self.detail is not None else self.row.statement

    def action_copy(self) -> None:
        copy_and_tell(self, self.text, "SQL statement", shown=f"{len(self.text)} characters")

    def action_back(self) -> None:
        self.dismiss()
