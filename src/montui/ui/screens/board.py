"""The alarm board: what is in ALARM, across the configured regions, refreshed on its own.

One poll loop per region runs in a worker (`board_poll.BoardPoll`: the loops and the
`RegionStatus` values they write); `refresh_view` renders the statuses, and `polled` publishes
each poll's alarms to the pages opened from the board (an alarm's detail follows them).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.dom import DOMNode
from textual.screen import Screen
from textual.signal import Signal
from textual.widgets import Input, Static

from montui.feeds.prefetch import prefetching
from montui.model.alarm import Alarm, AlarmState
from montui.model.board import RegionStatus, state_counts
from montui.model.board_view import ORDERS, BoardView
from montui.model.finding_notice import DEFAULT_NOTICE, NoticeRule
from montui.model.findings import Finding
from montui.model.links import alarm_arn, console_url
from montui.model.metadata import AlarmMeta, MetaRule, meta_for
from montui.model.review import ReviewSettings
from montui.ui import panes
from montui.ui.clipboard import copy_and_tell
from montui.ui.covered import covered
from montui.ui.screens.board_feeds import Accounts, BoardFeeds
from montui.ui.screens.board_keys import BOARD_BINDINGS, BOARD_HELP
from montui.ui.screens.board_poll import BoardPoll, Pause, PlaceKey, wait_or_wake
from montui.ui.screens.board_sparklines import BoardSparklines
from montui.ui.screens.board_text import board_header, empty_message
from montui.ui.screens.findings_watch import FindingsWatch, tell, tell_accounts
from montui.ui.widgets.alarm_summary import AlarmSummary
from montui.ui.widgets.alarm_table import AlarmTable
from montui.ui.widgets.board_header import BoardHeader
from montui.ui.widgets.breadcrumb import Breadcrumb
from montui.ui.widgets.filter_box import FilterBox
from montui.ui.widgets.freshness import Freshness
from montui.ui.widgets.key_bar import KeyBar
from montui.ui.widgets.region_banner import RegionBanner
from montui.ui.widgets.sparkline import relabel

SPARKLINES_MIN_WIDTH = 100

SORTS = ORDERS
"""The board's orders (`s` cycles through them): `model.board_view.ORDERS`."""


class BoardScreen(Screen[None]):
    """Every alarm of every configured region, most urgent first."""

    CRUMB = "alarms"
    """Its name in the breadcrumb (`ui/widgets/breadcrumb.py`)."""

    CSS_PATH = "board.tcss"
    HELP_FOOTNOTE = BOARD_HELP
    BINDINGS = BOARD_BINDINGS

    def __init__(
        self,
        feeds: BoardFeeds,
        *,
        refresh_every: float,
        stale_after: float,
        rules: tuple[MetaRule, ...] = (),
        review: ReviewSettings | None = None,
        clock: Callable[[], datetime],
        pause: Pause = wait_or_wake,
        notice: NoticeRule = DEFAULT_NOTICE,
        findings_notice: bool = True,
        accounts: Accounts | None = None,
    ) -> None:
        """`pause`: how the poll loops wait between polls (tests pass a hand-moved one);
        `notice`: which new GuardDuty findings raise a notice (`[notify]`);
        `findings_notice`: False when the triage screen gives the one notice instead;
        `accounts`: every watched account's feeds (None: `feeds`' account alone)."""
        super().__init__()
        self.feeds = feeds
        self.stale_after = stale_after
        self.rules = rules
        self.review_settings = review
        self.clock = clock
        self.poll = BoardPoll(
            feeds, refresh_every=refresh_every, clock=clock,
            changed=self._poll_changed, polled=self._polled, fatal=self._fatal, pause=pause,
            accounts=accounts,
        )  # fmt: skip
        self.accounts = self.poll.accounts
        """Every watched account's feeds: a pane opened from an alarm uses its account's
        (`self.accounts.feeds_of(alarm.account)`)."""
        self.filter_text = ""
        self.only: AlarmState | None = None
        self.sort = "urgency"
        self._meta_cache: dict[tuple[str, str, str], AlarmMeta] = {}
        self._view = BoardView()
        self._all_polled: tuple[tuple[tuple[Alarm, ...], ...], list[Alarm], dict[AlarmState, int]]
        self._all_polled = ((), [], state_counts(()))
        self.sparklines = BoardSparklines(
            feeds.metrics, clock, lambda account: self.accounts.feeds_of(account).metrics
        )
        self.polled: Signal[tuple[Alarm, ...]] = Signal(self, "polled")
        """Each good poll of a region, with its alarms (after `statuses` has them)."""
        self.polls_owner: DOMNode | None = None
        """The screen that connects and runs the polls (triage), when not the board itself."""
        self.listeners: list[Callable[[], None]] = []
        """Called after every poll of a region (the triage screen re-renders)."""
        self._unpainted = False
        """A refresh came while another screen covered the board: painted on return."""
        self.findings: FindingsWatch | None = None
        if feeds.findings is not None:
            self.findings = FindingsWatch(
                feeds.findings, refresh_every=refresh_every, clock=clock, rule=notice,
                notice=(lambda news: self._tell_findings(news, notice.bell)) if findings_notice
                else (lambda _: None), pause=pause,
            )  # fmt: skip
        """GuardDuty's findings, polled on the board's cadence (`f` shows them)."""

    @property
    def statuses(self) -> dict[PlaceKey, RegionStatus]:
        """Every (account alias, region)'s status, as the poll loops last wrote it."""
        return self.poll.statuses

    def compose(self) -> ComposeResult:
        yield Breadcrumb()
        with Horizontal(id="topbar"):
            yield BoardHeader(id="header")
            yield Freshness(self.clock, self.stale_after, id="freshness")
        yield RegionBanner(id="banner")
        yield AlarmTable(id="alarms")
        yield Static("Connecting to AWS…", id="empty")
        yield AlarmSummary(id="summary")
        yield KeyBar()

    def on_mount(self) -> None:
        # Below 100 columns the names need the room more than the trend: sparklines start
        # off there (and cost no GetMetricData); `g` turns them on.
        if self.app.size.width < SPARKLINES_MIN_WIDTH:
            self.sparklines.enabled = False
        self.query_one(Freshness).set_fetched(None, busy=True)
        if prefetching(self.feeds.session) and self.polls_owner is None:
            self.poll.connect_now()  # the child answered already: rows in the first frame
        self.refresh_view()
        self.watch(self.query_one(AlarmTable), "scroll_y", self._sparklines_changed, init=False)
        # Importing aiobotocore in a thread still holds the GIL most of the time: start it
        # only once the first frame is on screen (a start-up prefetch has nothing to import).
        if prefetching(self.feeds.session) and self.polls_owner is None:
            self.connect()
        else:
            self.call_after_refresh(self.connect)

    def on_screen_resume(self) -> None:
        if self._unpainted:
            self.refresh_view()

    # -- data -------------------------------------------------------------------------

    @work(exclusive=True, group="connect", exit_on_error=False)
    async def connect(self) -> None:
        """Resolve profile and regions (off the event loop), then start the poll loops; under
        the triage screen, which started them already (`start_polls`), only the sparklines."""
        shared = self.polls_owner is not None
        regions = await (self.poll.wait_connected() if shared else self.poll.connect())
        if regions is None:
            return
        if not shared:
            self.start_polls(self, regions)
        for region in regions:
            spark = self.sparklines.run(region, self._rows_on_screen, self.refresh_view)
            self.run_worker(spark, group=f"spark-{region}", exit_on_error=False)
        self.refresh_view()

    def start_polls(self, host: DOMNode, regions: tuple[str, ...]) -> None:
        """The alarm, account and GuardDuty loops, as workers of `host` (the board, or the
        triage screen below it, so they run whichever screen is on top)."""
        for alias, region in self.poll.places:
            poll = self.poll.poll_region(region, alias)
            group = f"poll-{alias}-{region}" if alias else f"poll-{region}"
            host.run_worker(poll, group=group, exit_on_error=False)
        host.run_worker(self.poll.load_identity(), group="identity", exit_on_error=False)
        if self.findings is not None:
            places = [
                (alias, region, entry.feeds.findings)
                for alias, region in self.poll.places
                if (entry := self.accounts.by_alias(alias)) is not None
                and entry.feeds.findings is not None
            ]
            self.findings.places(places)
            for alias, region in self.poll.statuses:  # accounts that could not connect
                if alias not in self.poll.connections:
                    status = self.poll.statuses[alias, region]
                    hint = self.poll.hints.get((alias, region), "")
                    self.findings.unreachable(alias, region, status.error or "", hint)
            for alias, region, _ in places:
                watch = self.findings.poll_region(region, alias)
                group = f"findings-{alias}-{region}" if alias else f"findings-{region}"
                host.run_worker(watch, group=group, exit_on_error=False)

    def _tell_findings(self, news: list[Finding], bell: bool) -> None:
        """The live notice of new findings; naming the account when several are watched."""
        if self.accounts.multi and self.findings is not None:
            tell_accounts(self.app, news, bell, self.findings.alias_of)
        else:
            tell(self.app, news, bell)

    def _poll_changed(self) -> None:
        for listener in list(self.listeners):
            listener()
        if self.is_mounted:
            self.refresh_view()

    def _polled(self, region: str, alarms: tuple[Alarm, ...]) -> None:
        self.sparklines.polled(region)
        self.polled.publish(alarms)

    def _fatal(self, message: str) -> None:
        self.app.exit(return_code=2, message=message)

    # -- view -------------------------------------------------------------------------

    def meta(self, alarm: Alarm) -> AlarmMeta:
        key = alarm.key
        if key not in self._meta_cache:
            self._meta_cache[key] = meta_for(alarm.name, alarm.region, self.rules)
        return self._meta_cache[key]

    def visible_alarms(self) -> list[Alarm]:
        states = frozenset({self.only}) if self.only else None
        scope = getattr(self.app, "region_scope", None)
        account = getattr(self.app, "account_scope", None)
        everything = self._everything()
        if scope is not None:
            everything = [a for a in everything if a.region == scope]
        if account is not None:
            everything = [a for a in everything if self.poll.alias_of(a) == account]
        return self._view.rows(
            everything, text=self.filter_text, states=states, order=self.sort,
            recovered=self.poll.recovered(),
        )  # fmt: skip

    def refresh_view(self) -> None:
        """Render the statuses: header, banner, table, summary, freshness; nothing while
        another screen covers the board (`ui.covered`): done when it is back on top."""
        self._unpainted = covered(self)
        if self._unpainted:
            return
        now = self.clock()
        everything = self._everything()
        visible = self.visible_alarms()
        multi = self.accounts.multi
        failing = [key for key, s in self.statuses.items() if s.error]
        stale = frozenset(() if multi else (region for _, region in failing))
        places = frozenset((self.accounts.id_of(alias), region) for alias, region in failing)
        table = self.query_one(AlarmTable)
        trend = self.sparklines.cell if self.sparklines.enabled else None
        table.show(
            visible, now=now, meta=self.meta, stale_regions=stale, trend=trend,
            recovered=self.poll.recovered(), stale_places=places if multi else frozenset(),
            account=self.poll.alias_of if multi else None,
        )  # fmt: skip
        self._sparklines_changed()
        self._update_header(everything)
        self.query_one(RegionBanner).show(
            list(self.statuses.values()), now, self.poll.hints, clock=self.clock
        )
        fetched = [s.fetched_at for s in self.statuses.values() if s.fetched_at is not None]
        busy = any(s.fetched_at is None and not s.error for s in self.statuses.values())
        listing = any(s.listing and not s.error for s in self.statuses.values())
        self.query_one(Freshness).set_fetched(
            min(fetched) if fetched else None, busy=busy, listing=listing
        )
        empty = self.query_one("#empty", Static)
        empty.display = not visible
        if not visible:
            empty.update(self._empty_message(everything))
        self._update_summary()

    def _everything(self) -> list[Alarm]:
        """Every polled alarm (`poll.all_alarms()`), the same list, counted once, until a
        poll brings new alarms: a keystroke at 10,000 alarms neither copies nor counts them."""
        parts = tuple(s.alarms for s in self.statuses.values())
        known = self._all_polled[0]
        if len(known) != len(parts) or not all(map(operator.is_, known, parts)):
            everything = [a for alarms in parts for a in alarms]
            self._all_polled = (parts, everything, state_counts(everything))
            self.call_after_refresh(self._view.prepare)  # the filter's texts, once painted
        return self._all_polled[1]

    def _update_header(self, everything: list[Alarm]) -> None:
        counts = self._all_polled[2] if everything is self._all_polled[1] else None
        self.query_one(BoardHeader).show(board_header(self, everything, counts))

    def _empty_message(self, everything: list[Alarm]) -> str:
        return empty_message(self, everything)

    def _update_summary(self) -> None:
        alarm = self.query_one(AlarmTable).selected()
        meta = self.meta(alarm) if alarm else AlarmMeta()
        account = self.poll.alias_of(alarm) if alarm and self.accounts.multi else ""
        self.query_one(AlarmSummary).show(alarm, meta, self.clock(), account)

    @on(AlarmTable.RowSelected)
    def _row_selected(self) -> None:
        # The table answers enter itself (select_cursor); the screen's binding covers a remap.
        self.action_open_detail()

    def _rows_on_screen(self) -> list[Alarm]:
        return self.query_one(AlarmTable).rows_on_screen()

    def _sparklines_changed(self) -> None:
        """Rows may have come on screen; the key bar and help say what a refresh costs."""
        self.sparklines.view_changed()
        relabel(self, "sparklines", *self.sparklines.describe(self._rows_on_screen()))

    @on(AlarmTable.RowHighlighted)
    def _row_highlighted(self) -> None:
        self._update_summary()

    # -- actions ----------------------------------------------------------------------

    def action_refresh(self) -> None:
        """Poll every region now (a region already polling is not asked twice)."""
        self.poll.wake_all()
        if self.findings is not None:
            self.findings.wake_all()
        self.notify("Refreshing…", timeout=1.5)

    def action_toggle_sparklines(self) -> None:
        on = self.sparklines.toggle()
        self.notify("Sparklines on" if on else "Sparklines off: no GetMetricData", timeout=2)
        self.refresh_view()

    def action_copy_url(self) -> None:
        """Copy the console URL of the selected alarm, and show it (a link where possible)."""
        if (alarm := self.query_one(AlarmTable).selected()) is not None:
            copy_and_tell(self, console_url(alarm), "console URL")

    def action_copy_arn(self) -> None:
        if (alarm := self.query_one(AlarmTable).selected()) is not None:
            account = self.poll.identity.account if self.poll.identity else None
            try:
                copy_and_tell(self, alarm_arn(alarm, account), "ARN")
            except ValueError as exc:  # no ARN from AWS and the account not known yet
                self.notify(str(exc), severity="warning")

    def action_only(self, state: str) -> None:
        chosen = AlarmState(state)
        self.only = None if self.only is chosen else chosen
        self.refresh_view()

    def action_show_all(self) -> None:
        self.only = None
        self.refresh_view()

    def action_cycle_sort(self) -> None:
        names = list(SORTS)
        self.sort = names[(names.index(self.sort) + 1) % len(names)]
        self.refresh_view()

    def action_review(self) -> None:
        panes.open_review(self)

    def action_open_detail(self) -> None:
        """The selected alarm's detail; an alarm on an `AWS/SES` metric opens the reputation
        pane at its region instead (the alarms listed there open the detail)."""
        alarm = self.query_one(AlarmTable).selected()
        if alarm is None:
            return
        from montui.model.reputation import watches_ses

        if watches_ses(alarm):
            panes.open_reputation(self, alarm.region, alarm)
            return
        panes.open_alarm_detail(self, alarm)

    def action_findings(self) -> None:
        panes.open_findings(self)

    def action_reputation(self) -> None:
        """The SES reputation pane, at the first region."""
        panes.open_reputation(self, None)

    def _selected_opened(self) -> Alarm | None:
        """The selected alarm, opened (the shared window becomes its episode's)."""
        alarm = self.query_one(AlarmTable).selected()
        if alarm is not None:
            panes.open_alarm(self, alarm)
        return alarm

    def action_logs(self) -> None:
        panes.open_logs(self, self._selected_opened())

    def action_dbload(self) -> None:
        if self.poll.connection is None:
            self.notify("Not connected yet")
            return
        panes.open_dbload(self, self._selected_opened())

    def action_workbench(self) -> None:
        panes.open_workbench(self)

    def _filter_box(self) -> Input:
        """The filter input, mounted on first use (it is not needed for the first frame)."""
        found = self.query("#filter").results(Input)
        box = next(found, None)
        if box is None:
            box = FilterBox(placeholder="filter: name, namespace, dimension, reason", id="filter")
            self.mount(box, before=self.query_one(KeyBar))
        return box

    def action_filter(self) -> None:
        box = self._filter_box()
        box.display = True
        box.focus()

    def action_clear_filter(self) -> None:
        """esc: a filter shown or set is cleared first; else one level back (to the home
        below the board, if there is one)."""
        shown = any(box.display for box in self.query("#filter").results(Input))
        if not shown and not self.filter_text:
            stack = self.app.screen_stack
            if stack.index(self) > 0 and getattr(stack[stack.index(self) - 1], "CRUMB", None):
                self.app.pop_screen()
            return
        for box in self.query("#filter").results(Input):
            box.value = ""
            box.display = False
        self.filter_text = ""
        self.query_one(AlarmTable).focus()
        self.refresh_view()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value.strip()
        self.refresh_view()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        if not self.filter_text:
            self._filter_box().display = False
        self.query_one(AlarmTable).focus()
