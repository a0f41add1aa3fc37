"""The triage screen, montui's home: every source's signals grouped by response pattern.

Act now first, never scrolled away (its list sits at the top); the other sections below, folded
to one line of counts when the terminal is too short for them (`space` unfolds). Alarms and
GuardDuty findings come from the board's own poll and watch (started here, one poll each); SES
reputation and database load from this screen's slower loops (`triage_sources`). `enter`
opens a signal in its pane; `b` the alarm board. A signal entering act now raises the notice
(`ui/notice.py`) once, until it has cleared and come back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from montui.feeds.prefetch import prefetching
from montui.model.accounts import header_words
from montui.model.alarm import Alarm
from montui.model.finding_notice import DEFAULT_NOTICE, NoticeRule
from montui.model.findings import Finding
from montui.model.metadata import ResponsePattern
from montui.model.signal_notice import ActNowNotice
from montui.model.signals import (
    DEFAULT_RULES,
    SECTIONS,
    Signal,
    Source,
    TriageRules,
    alarm_signals,
    finding_signals,
    triage_order,
)
from montui.ui.clipboard import write_to_terminal
from montui.ui.covered import covered
from montui.ui.notice import raise_notice
from montui.ui.screens.board import BoardScreen
from montui.ui.screens.triage_paint import fill, show_line
from montui.ui.screens.triage_sources import (
    SLOW_FACTOR,
    SlowSource,
    db_fetch,
    ses_fetch,
    stamped,
)
from montui.ui.screens.triage_tags import TagCache
from montui.ui.screens.triage_view import folded_text, freshness_text, row_text, section_title
from montui.ui.widgets.key_bar import KeyBar

ACT_NOW = ResponsePattern.ACT_NOW
OTHERS = SECTIONS[1:]
FIXED_LINES = 4
"""Title, freshness, act now's title, key bar."""


class TriageScreen(Screen[None]):
    """What needs action now across alarms, findings, SES and DB load (see the module)."""

    CRUMB = "triage"
    CSS_PATH = "triage.tcss"
    HELP_FOOTNOTE = (
        "Symbols: ‼ act now  ▲ next business day  · know only  ○ record only  ? unclassified "
        "(no [[alarm]] rule, tag or description names its response).\n"
        "Header: how old each source's data is; ⚠ a source failing (the others go on)."
    )

    BINDINGS = [
        Binding("b", "board", "Alarms", id="board", tooltip="The alarm board"),
        Binding("enter", "open_signal", "Open", id="open_signal", show=False,
                tooltip="Open the selected signal in its pane"),
        Binding("r", "refresh", "Refresh", id="refresh", tooltip="Poll every source now"),
        Binding("space", "unfold", "Unfold", id="unfold", show=False,
                tooltip="Show the other sections in full (or fold them to counts)"),
        Binding("f", "findings", "Findings", id="findings", show=False,
                tooltip="GuardDuty findings of every region"),
        Binding("e", "reputation", "E-mail", id="reputation", show=False,
                tooltip="SES sending reputation"),
    ]  # fmt: skip

    def __init__(
        self,
        board: BoardScreen,
        *,
        rules: TriageRules = DEFAULT_RULES,
        notice: NoticeRule = DEFAULT_NOTICE,
    ) -> None:
        super().__init__()
        self.board = board
        board.polls_owner = self  # the board opened by `b` uses these polls, never its own
        self.rules = rules
        self.notice_rule = notice
        self.clock: Callable[[], datetime] = board.clock
        slow = board.poll.refresh_every * SLOW_FACTOR
        pause = board.poll.pause
        self.ses = SlowSource(Source.SES, _nothing, slow, self.clock, self.refresh_view, pause)
        self.ses.fetch = ses_fetch(board.feeds.reputation, rules, self.clock, self.ses)
        self.db = SlowSource(Source.DBLOAD, _nothing, slow, self.clock, self.refresh_view, pause)
        self.db.fetch = db_fetch(board.feeds.dbload, rules, self.clock, self.db)
        self.tags: TagCache | None = None
        if rules.tag_key and board.feeds.alarm_tags is not None:
            self.tags = TagCache(
                board.feeds.alarm_tags, alarms=board.poll.all_alarms, refresh_every=slow,
                clock=self.clock, changed=self.refresh_view, pause=pause,
            )  # fmt: skip
        self.notice = ActNowNotice(min_band=notice.min_band)
        if board.findings is not None:
            board.findings.tell_with(self._findings_grown)
        self.signals: dict[str, Signal] = {}
        self.unfolded = False
        self._groups: dict[ResponsePattern | None, list[Signal]] | None = None
        self._unpainted = False
        """A refresh came while another screen covered this one: painted on return."""

    def compose(self) -> ComposeResult:
        yield Static(id="triage-title")
        yield Static(id="triage-fresh")
        yield Static(id="act-title")
        yield OptionList(id="act-now")
        yield Static(id="folded")
        yield OptionList(id="others")
        yield KeyBar()

    def on_mount(self) -> None:
        self.board.listeners.append(self.refresh_view)
        if self.board.findings is not None:
            self.board.findings.subscribe(self.refresh_view)
        if prefetching(self.board.feeds.session):
            self.board.poll.connect_now()  # the child answered already: rows in the first frame
        self.refresh_view()
        self.set_interval(1.0, self._tick)
        if prefetching(self.board.feeds.session):
            self.connect()  # no AWS stack to import first: the rows may make the first frame
        else:
            self.call_after_refresh(self.connect)

    def on_resize(self) -> None:
        self.refresh_view()

    def on_screen_resume(self) -> None:
        if self._unpainted:
            self._paint()

    @work(exclusive=True, group="triage-connect", exit_on_error=False)
    async def connect(self) -> None:
        """Connect once (the board's poll), then start every source's loops here."""
        regions = await self.board.poll.connect()
        if regions is None:
            return
        self.board.start_polls(self, regions)
        if self.board.accounts.multi:
            self._poll_accounts()
        else:
            for region in regions:
                self.run_worker(
                    self.ses.poll_region(region), group=f"ses-{region}", exit_on_error=False
                )
                self.run_worker(
                    self.db.poll_region(region), group=f"db-{region}", exit_on_error=False
                )
        if self.tags is not None:
            self.run_worker(self.tags.run(), group="alarm-tags", exit_on_error=False)
        self.refresh_view()

    def _poll_accounts(self) -> None:
        """SES and DB load of every (account, region), each through its account's feeds."""
        from montui.ui.panes import unreachable_of
        from montui.ui.screens.triage_sources import RegionSignals

        accounts = self.board.accounts
        for alias, region, error in unreachable_of(self.board):  # could not connect: in place
            failing = RegionSignals(region, error=error.message, failures=1, account=alias)
            self.ses.statuses[f"{alias}/{region}"] = self.db.statuses[f"{alias}/{region}"] = failing
        for alias, region in self.board.poll.places:
            entry = accounts.by_alias(alias)
            if entry is None:
                continue
            account = partial(accounts.id_of, alias)
            feeds, rules, clock = entry.feeds, self.rules, self.clock
            ses = stamped(ses_fetch(feeds.reputation, rules, clock, self.ses), alias, account)
            db = stamped(db_fetch(feeds.dbload, rules, clock, self.db), alias, account)
            self.run_worker(self.ses.poll_region(region, alias, ses),
                            group=f"ses-{alias}-{region}", exit_on_error=False)  # fmt: skip
            self.run_worker(self.db.poll_region(region, alias, db),
                            group=f"db-{alias}-{region}", exit_on_error=False)  # fmt: skip

    # -- what is shown ------------------------------------------------------------------

    def all_signals(self) -> list[Signal]:
        poll = self.board.poll
        account = poll.identity.account if poll.identity else ""
        tags = self.tags.tags if self.tags is not None else None
        found = alarm_signals(poll.all_alarms(), self.board.rules, self.rules, tags, account)
        if self.board.findings is not None:
            found += finding_signals(self.board.findings.all_findings(), self.rules)
        return found + self.ses.signals() + self.db.signals()

    def answered(self) -> list[Source]:
        """The sources whose every region has answered once."""
        done = []
        statuses = self.board.poll.statuses.values()
        if statuses and all(s.fetched_at is not None or s.error for s in statuses):
            done.append(Source.ALARM)
        findings = self.board.findings
        if findings is not None and findings.statuses and findings.polled:
            done.append(Source.FINDING)
        done += [s.source for s in (self.ses, self.db) if s.answered]
        return done

    def refresh_view(self) -> None:
        if not self.is_mounted:
            return
        signals = self.all_signals()
        news = self.notice.update(signals, self.answered())
        if news and self.notice_rule.act_now:
            raise_notice(
                self.app, news, self.notice_rule, partial(write_to_terminal, self.app),
                alias_of=self._alias,
            )  # fmt: skip
        self.signals = {s.key: s for s in signals}
        self._groups = triage_order(signals)
        self._paint()

    def _paint(self) -> None:
        """The header and the lists, where their text changed (`triage_paint`); nothing while
        covered (done on return)."""
        self._unpainted = covered(self)
        if self._unpainted or self._groups is None:
            return
        self._header()
        self._lists(self._groups)

    def _tick(self) -> None:
        """The ages shown move on between polls (in steps: `triage_view.age`)."""
        if self.is_mounted:
            self._paint()

    def _findings_grown(self, news: list[Finding]) -> None:
        """The findings watch's news (`[notify] min_band`): a finding already on screen whose
        count grew is told here; a new one is told by `refresh_view` (the same notice, once)."""
        signals = finding_signals(news, self.rules)
        grown = [s for s in signals if s.key in self.notice.current and self.notice.noticed(s)]
        if grown and self.notice_rule.act_now and self.is_mounted:
            raise_notice(
                self.app, grown, self.notice_rule, partial(write_to_terminal, self.app),
                alias_of=self._alias,
            )  # fmt: skip

    def _alias(self, signal: Signal) -> str:
        """The account column of a row: its account's alias, with several accounts."""
        accounts = self.board.accounts
        return accounts.alias_of(signal.account) or "?" if accounts.multi else ""

    def _header(self) -> None:
        poll = self.board.poll
        connection = poll.connection
        title = Text(" montui ", style="bold reverse")
        if connection and connection.demo:
            title.append(" DEMO", style="bold")
        accounts = self.board.accounts
        if accounts.multi and connection:
            title.append(f"  {header_words(accounts.aliases, connection.regions)}")
            title.append(f"  {','.join(accounts.aliases)}", style="dim")
        else:
            title.append(f"  {poll.identity.account if poll.identity else '…'}")
        if connection and not accounts.multi:
            title.append(f"  {', '.join(connection.regions)}", style="dim")
        show_line(self.query_one("#triage-title", Static), title)
        now = self.clock()
        fetched: dict[Source, datetime | None] = {}
        busy: dict[Source, bool] = {}
        errors: dict[Source, list[str]] = {}
        alarm_stamps = [s.fetched_at for s in poll.statuses.values() if s.fetched_at]
        fetched[Source.ALARM] = min(alarm_stamps) if alarm_stamps else None
        errors[Source.ALARM] = [
            f"{f'{a} ' if a else ''}{r}: {s.error}"
            for (a, r), s in poll.statuses.items()
            if s.error
        ]
        if self.tags is not None and self.tags.error:
            errors[Source.ALARM].append(self.tags.error)
        findings = self.board.findings
        if findings is not None:
            stamps = [s.fetched_at for s in findings.statuses.values() if s.fetched_at]
            fetched[Source.FINDING] = min(stamps) if stamps else None
            errors[Source.FINDING] = [
                f"{s.where}: {s.error}" for s in findings.statuses.values() if s.error
            ]
        for slow in (self.ses, self.db):
            fetched[slow.source] = slow.fetched_at()
            errors[slow.source] = slow.errors()
        for source in fetched:
            busy[source] = connection is not None
        mono = self.app.no_color
        listing = any(s.listing and not s.error for s in poll.statuses.values())
        in_part = frozenset({Source.ALARM}) if listing else frozenset()
        fresh = freshness_text(now, fetched, busy, errors, mono, in_part)
        show_line(self.query_one("#triage-fresh", Static), fresh)

    def _lists(self, groups: dict[ResponsePattern | None, list[Signal]]) -> None:
        now = self.clock()
        width = max(20, self.size.width - 2)
        mono = self.app.no_color
        act = groups[ACT_NOW]
        show_line(self.query_one("#act-title", Static), section_title(ACT_NOW, len(act)))
        act_list = self.query_one("#act-now", OptionList)
        alias = self._alias
        act_rows = [Option(row_text(s, now, width, mono, alias(s)), id=s.key) for s in act]
        fill(act_list, act_rows or [Option(Text(self._empty_words(), style="dim"), disabled=True)])
        if act and act_list.highlighted is None:  # enter opens the top one at once
            act_list.highlighted = 0
        act_height = max(1, min(len(act), self.act_rows_max()))
        act_list.styles.height = act_height
        options: list[Option] = []
        for pattern in OTHERS:
            rows = groups[pattern]
            if not rows:
                continue
            options.append(Option(section_title(pattern, len(rows)), disabled=True))
            options += [Option(row_text(s, now, width, mono, alias(s)), id=s.key) for s in rows]
        others = self.query_one("#others", OptionList)
        room = self.size.height - FIXED_LINES - act_height
        fold = bool(options) and len(options) > room and not self.unfolded
        folded = self.query_one("#folded", Static)
        folded.display = fold
        others.display = not fold and bool(options)
        if fold:
            show_line(folded, folded_text(groups, [p for p in OTHERS if groups[p]]))
        else:
            fill(others, options)

    def _empty_words(self) -> str:
        """No act-now row: nothing, or not known yet (the sources still to answer)."""
        if self.board.poll.connection is None:
            return "  Connecting to AWS…"
        waiting = [s.value for s in Source if s not in self.answered()]
        if self.board.findings is None and Source.FINDING.value in waiting:
            waiting.remove(Source.FINDING.value)
        if waiting:
            return f"  Nothing to act on so far (waiting for {', '.join(waiting)})."
        return "  Nothing needs action now."

    def act_rows_max(self) -> int:
        """Act now keeps all but the fixed lines and the folded line."""
        return max(1, self.size.height - FIXED_LINES - 1)

    # -- actions ------------------------------------------------------------------------

    def selected(self) -> Signal | None:
        focused = self.focused
        for list_id in ("#act-now", "#others"):
            options = self.query_one(list_id, OptionList)
            if focused is not None and focused is not options:
                continue
            index = options.highlighted
            if index is not None:
                option = options.get_option_at_index(index)
                if option.id in self.signals:
                    return self.signals[option.id]
        return None

    def selected_alarm(self) -> Alarm | None:
        """The highlighted row's alarm, if it is an alarm's (what `:logs` and `:db` open)."""
        signal = self.selected()
        return signal.opens if signal is not None and isinstance(signal.opens, Alarm) else None

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        signal = self.signals.get(event.option.id or "")
        if signal is not None:
            self.open_signal(signal)

    def action_open_signal(self) -> None:
        if (signal := self.selected()) is not None:
            self.open_signal(signal)

    def open_signal(self, signal: Signal) -> None:
        """The signal in its own pane (`triage_open.open_signal`)."""
        from montui.ui.screens.triage_open import open_signal

        open_signal(self, signal)

    def action_board(self) -> None:
        self.app.push_screen(self.board)

    def action_refresh(self) -> None:
        self.board.poll.wake_all()
        if self.board.findings is not None:
            self.board.findings.wake_all()
        self.ses.wake_all()
        if self.tags is not None:
            self.tags.wake.set()
        self.db.wake_all()
        self.notify("Refreshing…", timeout=1.5)

    def action_unfold(self) -> None:
        self.unfolded = not self.unfolded
        self.refresh_view()

    def action_findings(self) -> None:
        self.board.action_findings()

    def action_reputation(self) -> None:
        self.board.action_reputation()

    def crumb_detail(self) -> str:
        return ""


async def _nothing(region: str) -> tuple[Signal, ...]:
    return ()
