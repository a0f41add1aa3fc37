"""SES sending reputation (`e` on the board; `enter` on an `AWS/SES` alarm): how far each
region's account is from review and from a pause, whether it is getting worse, and whether
sending is still enabled.

Top to bottom: every region's status on one line (the chosen one marked `▶`, `R` moves on),
the chosen region's status, quota and volume, both rates as gauges against the review and
pause thresholds with the distance in words and the direction over 24 h and 7 d, the alarms
watching these metrics (`enter` opens one's detail), and a 14-day chart per rate with both
threshold lines. Every region is fetched each refresh (three requests each, sent together);
a failing region shows its error in place and keeps its last data.

Several accounts (`[[account]]`, `places`): the strip's entries are (account, region)s
(`prod/us-east-1 ✔ Healthy`), each fetched through its account's own feed; `R` cycles
through them, the title names the chosen entry's account, the alarms listed are that
account's; a failing account (assume-role refused, access denied) shows in its entries and
the others keep updating.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static

from montui.feeds.reputation import SendingReputation, history_window
from montui.model.alarm import Alarm, condition_summary
from montui.model.drilldown import drilldown_window
from montui.model.duration import format_age
from montui.model.metrics import MetricSeries
from montui.model.reputation import RATE_KINDS, RateHistory, reputation_alarms
from montui.model.ses_account import Reputation
from montui.model.timeline import Step
from montui.sources.errors import SourceError, Throttled
from montui.ui.screens.board_poll import Pause, retry_delay, wait_or_wake
from montui.ui.screens.reputation_text import rate_text, region_line, status_text
from montui.ui.timeline_steps import record_step
from montui.ui.widgets.breadcrumb import Breadcrumb
from montui.ui.widgets.freshness import Freshness
from montui.ui.widgets.key_bar import KeyBar
from montui.ui.widgets.metric_chart import ChartData, MetricChart


class ReputationScreen(Screen[None]):
    """SES reputation of every configured region, one region in detail."""

    CRUMB = "ses"
    """Its name in the breadcrumb (`ui/widgets/breadcrumb.py`)."""

    CSS_PATH = "reputation.tcss"
    HELP_FOOTNOTE = (
        "Bands: ✔ ok  ▲ near review (half the review threshold)  ✖ over review  ✖✖ over pause.\n"
        "AWS may review an account at bounce ≥ 5 % or complaint ≥ 0.1 %, and pause sending at\n"
        "10 % / 0.5 %. A rate AWS has not published yet reads 'no data', not 0.\n"
        "PgUp/PgDn scroll the page; tab moves to the alarms, where ↑/↓ pick one.\n"
        "Several accounts: one strip entry per account and region (prod/us-east-1); R cycles."
    )

    BINDINGS = [
        Binding("escape", "back", "Back", id="back", tooltip="Back to the board"),
        Binding("R", "next_region", "Next region", id="next_region",
                tooltip="Show the next configured region"),
        Binding("r", "refresh", "Refresh", id="refresh", tooltip="Fetch every region now"),
        Binding("enter", "open_alarm", "Alarm", id="open_alarm",
                tooltip="Open the selected alarm's detail"),
    ]  # fmt: skip

    def __init__(
        self,
        feed: SendingReputation,
        *,
        regions: tuple[str, ...],
        region: str | None = None,
        clock: Callable[[], datetime],
        refresh_every: float,
        stale_after: float,
        alarms: Callable[[], Sequence[Alarm]] = list,
        open_alarm: Callable[[Alarm], None] | None = None,
        opened_from: Alarm | None = None,
        marked: datetime | None = None,
        pause: Pause = wait_or_wake,
        places: Sequence[tuple[str, str, SendingReputation]] = (),
        account_id: Callable[[str], str] = lambda _: "",
        refused: Sequence[tuple[str, str, SourceError]] = (),
    ) -> None:
        """`alarms`: the board's alarms as last polled; `opened_from`: the SES alarm the pane
        was opened from, whose window (the drill-down's rule) starts at `marked` on the charts.
        `places`: (account alias, region, that account's feed) of several accounts (then
        `regions` and `region` name entries as `alias/region`); `account_id`: an alias's id;
        `refused`: (alias, region, error) of accounts that could not connect, shown failing."""
        super().__init__()
        self.feed = feed
        self.places: dict[str, tuple[str, str, SendingReputation]] = {
            f"{alias}/{where}": (alias, where, place_feed) for alias, where, place_feed in places
        }
        """Several accounts: each strip entry (`alias/region`) → its alias, region and feed."""
        self.account_id = account_id
        self.refused = {f"{alias}/{where}": error for alias, where, error in refused}
        if self.places:
            regions = (*self.places, *self.refused)
        self.regions = regions
        self.chosen = region if region in regions else (regions[0] if regions else "")
        self.clock = clock
        self.refresh_every = refresh_every
        self.stale_after = stale_after
        self.board_alarms = alarms
        self.open_alarm = open_alarm
        self.marked = marked or (
            drilldown_window(opened_from, now=clock(), episode=None).start if opened_from else None
        )
        """A moment drawn on the charts: `marked` (the shared investigation window's start) or
        the SES alarm's window start (None: opened with `e` and no window set)."""
        self.opened_from = opened_from.key if opened_from else None
        """(region, name) of the alarm the pane was opened from: listed whatever it watches."""
        self.pause = pause
        self.results: dict[str, Reputation | SourceError] = dict(self.refused)
        """Each region's last answer (an error keeps the data in `last_good`)."""
        self.last_good: dict[str, Reputation] = {}
        self.fetched_at: dict[str, datetime] = {}
        self.fetches = 0
        """Completed refreshes of every region (tests and the benchmark wait on it)."""
        self.waits: list[float] = []
        """Seconds waited after each refresh (the refresh interval, longer when throttled)."""
        self._wake = asyncio.Event()
        self._listed: list[Alarm] = []
        self._drawn: tuple[str, Reputation] | None = None

    def _region_of(self, entry: str) -> str:
        """The AWS region of a strip entry (the entry itself with one account)."""
        return self.places[entry][1] if entry in self.places else entry

    def _heading(self) -> str:
        """The title: with several accounts, the chosen entry's account (alias and id)."""
        if self.chosen not in self.places:
            return "SES sending reputation"
        alias = self.places[self.chosen][0]
        account = self.account_id(alias)
        return f"SES sending reputation · {alias}" + (f" ({account})" if account else "")

    def crumb_detail(self) -> str | None:
        """What the breadcrumb names after `ses`."""
        return self.chosen

    def compose(self) -> ComposeResult:
        yield Breadcrumb()
        with Horizontal(id="topbar"):
            yield Static("SES sending reputation", id="heading")
            yield Freshness(self.clock, self.stale_after, id="freshness")
        with VerticalScroll(id="page"):
            yield Static("", id="regions")
            yield Static("Loading…", id="status")
            yield Static("", id="rates")
            yield Static("Alarms on these metrics", classes="section")
            yield Static("", id="no-alarms")
            yield DataTable(id="alarms", cursor_type="row", zebra_stripes=False)
            for kind in RATE_KINDS:
                yield MetricChart(id=f"chart-{kind.name}")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#alarms", DataTable)
        table.add_columns("State", "Name", "Condition", "For")
        for kind in RATE_KINDS:
            chart = self.query_one(f"#chart-{kind.name}", MetricChart)
            chart.border_title = f"{kind.name} rate, 14 days · review and pause lines"
        self.query_one(Freshness).set_fetched(None, busy=True)
        self.query_one("#page").focus()
        self.run_worker(self._poll(), group="reputation", exit_on_error=False)

    # -- data -------------------------------------------------------------------------

    async def _poll(self) -> None:
        """Every region each refresh; throttled, the next waits longer (the board's backoff)."""
        failures = 0
        while True:
            self._wake.clear()
            asked = [region for region in self.regions if region not in self.refused]
            await asyncio.gather(*(self._fetch(region) for region in asked))
            self.fetches += 1
            self.show()
            if self.fetches == 1:
                self._record()
            throttled = [e for e in self.results.values() if isinstance(e, Throttled)]
            failures = failures + 1 if throttled else 0
            delay = max(
                (retry_delay(self.refresh_every, e, failures) for e in throttled),
                default=self.refresh_every,
            )
            self.waits.append(delay)
            await self.pause(self._wake, delay)

    async def _fetch(self, region: str) -> None:
        feed = self.places[region][2] if region in self.places else self.feed
        try:
            found = await feed.reputation(self._region_of(region), self.clock())
        except SourceError as exc:
            self.results[region] = exc
            if region == self.chosen:
                self.show()
            return
        self.results[region] = self.last_good[region] = found
        self.fetched_at[region] = self.clock()
        if region == self.chosen:  # drawn as soon as it is in, not after every region
            self.show()

    def _record(self) -> None:
        """The incident timeline: what the pane showed first, per region."""
        seen = [
            f"{region} {found.account.status.words}"
            for region in self.regions
            if isinstance(found := self.results.get(region), Reputation)
        ]
        record_step(self, Step.pane_viewed(self.clock(), "SES reputation", ", ".join(seen)))

    # -- view -------------------------------------------------------------------------

    def show(self) -> None:
        """Render the chosen region from the last answers."""
        region = self.chosen
        self.query_one("#heading", Static).update(self._heading())
        strip = region_line(self.regions, self.results, region, accounts=bool(self.places))
        self.query_one("#regions", Static).update(strip)
        answer = self.results.get(region)
        found = self.last_good.get(region)
        status = Text()
        if isinstance(answer, SourceError):
            status.append(f"⚠ {region}: {answer.message}", style="bold yellow")
            if answer.hint:
                status.append(f"\n  {answer.hint}")
            if found is not None:
                age = format_age((self.clock() - self.fetched_at[region]).total_seconds())
                status.append(f"\n  showing data from {age} ago\n", style="dim")
        if found is not None:
            status.append_text(status_text(found))
        elif answer is None:
            status.append(f"{region}: loading…")
        self.query_one("#status", Static).update(status)
        rates = Text()
        if found is not None:
            for i, history in enumerate(found.rates):
                rates.append("\n" if i else "")
                rates.append_text(rate_text(history, found))
        self.query_one("#rates", Static).update(rates)
        self._show_alarms()
        fetched = self.fetched_at.get(region)
        self.query_one(Freshness).set_fetched(fetched, busy=fetched is None and answer is None)
        if found is not None and self._drawn != (region, found):
            self._drawn = (region, found)
            for history in found.rates:
                self._chart(history)

    def _show_alarms(self) -> None:
        alarms: Sequence[Alarm] = self.board_alarms()
        if self.chosen in self.places:
            account = self.account_id(self.places[self.chosen][0])
            alarms = [a for a in alarms if a.place.account in ("", account)]
        region = self._region_of(self.chosen)
        listed = reputation_alarms(alarms, region, also=self.opened_from)
        table = self.query_one("#alarms", DataTable)
        note = self.query_one("#no-alarms", Static)
        note.display = not listed
        table.display = bool(listed)
        note.update(f"No alarm watches AWS/SES Reputation.* in {self.chosen}.")
        if listed == self._listed:
            return
        row = table.cursor_row
        self._listed = listed
        table.clear()
        now = self.clock()
        for alarm in listed:
            table.add_row(
                f"{alarm.state.symbol} {alarm.state.short}",
                alarm.name,
                condition_summary(alarm),
                format_age((now - alarm.in_state_since).total_seconds()),
            )
        if listed:
            table.move_cursor(row=min(max(row, 0), len(listed) - 1))

    def _chart(self, history: RateHistory) -> None:
        kind = history.kind
        chart = self.query_one(f"#chart-{kind.name}", MetricChart)
        window = history_window(self.clock())
        if not history.has_data:
            chart.show_text(
                f"{kind.metric} · 14 days",
                f"No {kind.name} rate published in 14 days: AWS publishes it after the first "
                f"{kind.name} (no data, not 0).",
            )
            return
        review, pause = kind.review * 100, kind.pause * 100
        series = MetricSeries(
            kind.name,
            kind.metric,
            history.timestamps,
            tuple(v * 100 for v in history.values),
        )
        chart.show(
            ChartData(
                series=(series,),
                window=window,
                period=history.period,
                thresholds=(review, pause),
                breaching=lambda value: value >= review,
                compared_id=kind.name,
                transition=self.marked,
                unit="%",
                utc=True,
            )
        )

    # -- actions ----------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss()

    def action_next_region(self) -> None:
        if len(self.regions) < 2:
            self.notify("Only one region is configured")
            return
        self.chosen = self.regions[(self.regions.index(self.chosen) + 1) % len(self.regions)]
        self.query_one(Breadcrumb).refresh()
        self._drawn = None
        self.show()

    def action_refresh(self) -> None:
        self._wake.set()
        self.notify("Refreshing…", timeout=1.5)

    def selected_alarm(self) -> Alarm | None:
        table = self.query_one("#alarms", DataTable)
        if not self._listed:
            return None
        return self._listed[min(max(table.cursor_row, 0), len(self._listed) - 1)]

    def action_open_alarm(self) -> None:
        alarm = self.selected_alarm()
        if alarm is None:
            self.notify("No alarm watches these metrics in this region")
            return
        if self.open_alarm is not None:
            self.open_alarm(alarm)

    @on(DataTable.RowSelected, "#alarms")
    def _row_selected(self) -> None:
        self.action_open_alarm()
