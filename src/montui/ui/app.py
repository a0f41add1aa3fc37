"""The montui Textual app: global keys, the keymap from config, and the first screen."""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from textual.actions import ActionParseResult
from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.notifications import SeverityLevel

from montui import exit_signals
from montui.config import Settings, user_data_dir
from montui.model.alarm import Alarm
from montui.model.commands import Parsed
from montui.model.investigation import InvestigationWindow
from montui.model.timeline import Step
from montui.querybook import QueryBook
from montui.sources.errors import SourceError
from montui.startup_gc import resume
from montui.startup_log import mark
from montui.timeline import Timeline
from montui.ui.clipboard import Clipboard
from montui.ui.inert import inert_reason
from montui.ui.navigation import BOARD, board_of, change_window, open_pane
from montui.ui.screens.board import BoardScreen
from montui.ui.screens.board_feeds import Accounts, BoardFeeds
from montui.ui.screens.board_poll import Pause, wait_or_wake
from montui.ui.screens.command_line import CommandLine
from montui.ui.screens.help import HelpScreen
from montui.ui.screens.note import NotePrompt
from montui.ui.timeline_steps import record_step
from montui.ui.widgets.breadcrumb import show_breadcrumb

log = logging.getLogger(__name__)

LASTING_NOTICE = 10.0
"""A notice shown this many seconds or more is one esc closes (act now: 30 s; warnings: 15 s)."""

CLOSE_SECONDS = exit_signals.SHUTDOWN_SECONDS - 1
"""At most this long for the session's close (StopQuery, clients, world) on the way out."""


def utc_now() -> datetime:
    return datetime.now(UTC)


class MontuiApp(App[None]):
    """montui's interactive console. The session closes (queries, clients, world) on exit,
    whether by `q`, ctrl+c, SIGTERM or SIGHUP (`montui.exit_signals`)."""

    TITLE = "montui"
    ENABLE_COMMAND_PALETTE = False
    CSS_PATH = ["screens/triage.tcss"]
    """The home screen's own stylesheet (`TriageScreen.CSS_PATH`), read with the app's: pushing
    a screen whose stylesheet is new makes Textual parse every stylesheet again and restyle
    every widget, which the first frame would otherwise wait for."""

    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit", tooltip="Quit montui"),
        Binding("question_mark", "help", "Keys", id="help", tooltip="This list of keys"),
        Binding("N", "note", "Note", id="note", show=False,
                tooltip="Add a note to the incident timeline (montui timeline export)"),
        Binding("colon", "command", "Go", id="command",
                tooltip="The command line: :triage :alarms :findings :ses :db :logs :region "
                ":window … (tab completes)"),
        Binding("W", "window('widen')", "Widen", id="window_widen", show=False,
                tooltip="Widen the shared window (half its length again each side)"),
        Binding("less_than_sign", "window('earlier')", "Earlier", id="window_earlier",
                show=False, tooltip="Move the shared window earlier by half its length"),
        Binding("greater_than_sign", "window('later')", "Later", id="window_later",
                show=False, tooltip="Move the shared window later by half its length"),
        Binding("X", "window('drop')", "Drop window", id="window_drop", show=False,
                tooltip="Drop the shared window: panes opened next use their own defaults"),
        Binding("escape", "dismiss_notices", "Dismiss", id="dismiss_notices", show=False,
                priority=True, tooltip="Close the lasting notices on screen (act now, "
                "warnings); with none: what esc does on the screen"),
    ]  # fmt: skip

    def __init__(
        self,
        feeds: BoardFeeds,
        settings: Settings,
        *,
        clock: Callable[[], datetime] = utc_now,
        data_dir: Path | None = None,
        terminal_clipboard: Clipboard | None = None,
        pause: Pause = wait_or_wake,
        home: str = "triage",
        accounts: Accounts | None = None,
    ) -> None:
        """`clock` dates the data; `pause` is how the board's polls wait (tests move both);
        `home`: the first screen, "triage" (the board one key away) or "board" (alone);
        `accounts`: every watched account's feeds (None: `feeds`' account alone)."""
        super().__init__()
        self.home = home
        self.pause = pause
        self.accounts = accounts or Accounts.single(feeds)
        """Every watched account's feeds (`board_feeds.Accounts`); `feeds` is the first's."""
        self.feeds = feeds
        self.terminal_clipboard = terminal_clipboard or Clipboard()
        """Copies (OSC 52) for every screen; inside tmux it asks tmux once what gets through."""
        self.settings = settings
        self.clock = clock
        self.query_book = QueryBook(data_dir or user_data_dir())
        """Query history and saved queries (the workbench), loaded after the first frame."""
        self.timeline = Timeline(data_dir or user_data_dir())
        """The incident timeline (`ui/timeline_steps.record_step`), loaded after the first frame."""
        self.window: InvestigationWindow | None = None
        """The shared investigation window (`model/investigation.py`; None: none set)."""
        self.region_scope: str | None = None
        """`:region REGION`: the one region the board and the panes opened next show."""
        self.account_scope: str | None = None
        """`:account ALIAS`: the one account the board and the panes opened next show."""
        self.command_history: list[str] = []
        self.command_choices: dict[str, tuple[str, ...]] = {}
        """What `:` completes arguments from: "region", "instance" (filled as listed)."""
        self._remove_signal_handlers: Callable[[], None] = lambda: None
        self._exit_deadline: threading.Timer | None = None

    def on_ready(self) -> None:
        """The first frame is painted: start-up's objects frozen, the collector back on; the
        files montui keeps (query history, the incident timeline, running queries) read now,
        not while the first frame is composed."""
        resume()
        self.run_worker(self._load_book(), group="query-book", exit_on_error=False)
        self.run_worker(self._load_timeline(), group="timeline-load", exit_on_error=False)
        self.run_worker(self._stop_leftovers(), group="leftover-queries", exit_on_error=False)

    def on_mount(self) -> None:
        mark("app mounted")
        if self.settings.keymap:
            self.set_keymap(dict(self.settings.keymap))
        self.screen_change_signal.subscribe(self, show_breadcrumb)
        board = BoardScreen(
            self.feeds,
            refresh_every=self.settings.refresh,
            stale_after=self.settings.stale_after,
            rules=self.settings.alarm_rules,
            review=self.settings.review,
            clock=self.clock,
            pause=self.pause,
            notice=self.settings.notify,
            findings_notice=self.home == "board",
            accounts=self.accounts,
        )
        if self.home == "board":
            self.push_screen(board)
        else:
            from montui.ui.screens.triage import TriageScreen

            self.install_screen(board, name=BOARD)  # kept when popped: one poll, one state
            triage = TriageScreen(board, rules=self.settings.triage, notice=self.settings.notify)
            self.push_screen(triage)

        self._remove_signal_handlers = exit_signals.install(
            asyncio.get_running_loop(), self._exit_on_signal
        )

    def _exit_on_signal(self, signum: int) -> None:
        """SIGTERM, SIGHUP: the exit `q` takes, bounded in time."""
        status = 128 + signum
        if self._exit_deadline is None:
            self._exit_deadline = exit_signals.exit_anyway_after(
                exit_signals.SHUTDOWN_SECONDS, status, terminal_fd=_terminal_fd()
            )
        self.exit(return_code=status)

    async def _stop_leftovers(self) -> None:
        """Stop the queries a killed montui left running (`montui.running_queries`)."""
        sweep = await self.feeds.insights.stop_leftovers()
        for warning in sweep.warnings:
            self.notify(warning, title="Running queries", severity="warning", timeout=15)
        if sweep.stopped:
            self.notify(sweep.summary(), title="Logs Insights", timeout=15)

    async def _load_book(self) -> None:
        warnings = await asyncio.to_thread(self.query_book.load)
        for warning in warnings:
            self.notify(warning, title="Query history", severity="warning", timeout=15)

    async def _load_timeline(self) -> None:
        for warning in await asyncio.to_thread(self.timeline.load):
            self.notify(warning, title="Incident timeline", severity="warning", timeout=15)

    def action_note(self) -> None:
        """`N`: a note for the incident timeline, stamped with the time of the key press."""
        if isinstance(self.screen, NotePrompt):
            return
        at = self.clock()

        def noted(text: str | None) -> None:
            if text:
                record_step(self.screen, Step.note(at, text))
                self.notify("Noted in the incident timeline", timeout=3)

        self.push_screen(NotePrompt(at), noted)

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Every key binding comes here: an action its screen or widget calls inert now
        (`ui/inert.py`) shows why and takes the key, instead of being skipped in silence."""
        # `_parse_action` is what App.run_action itself uses (private; Textual is pinned).
        target, name, parameters = self._parse_action(
            action, self if default_namespace is None else default_namespace, namespaces
        )
        reason = inert_reason(target, name, parameters)
        if reason is not None:
            self.notify(reason, timeout=4)
            return True
        return await super().run_action(action, default_namespace, namespaces)

    def action_dismiss_notices(self) -> None:
        """esc closes the lasting notices first (an act-now notice stays 30 s and covers half
        of an 80x24 screen; no mouse needed)."""
        self.clear_notifications()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`dismiss_notices` only while a lasting notice shows: otherwise its key (esc) goes
        on to the screen's own binding, which the key bar then shows. A short notice
        ("Refreshing…") does not hold up esc: it is gone in seconds anyway."""
        if action == "dismiss_notices":
            # Textual's own list of the notices shown (private; Textual is pinned).
            return any(n.timeout >= LASTING_NOTICE for n in self._notifications)
        return super().check_action(action, parameters)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Textual's notice; a lasting one also re-checks the keys (esc closes it) once it is
        shown and once it has expired."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)
        if timeout is not None and timeout >= LASTING_NOTICE:
            self.call_later(self.refresh_bindings)
            self.set_timer(timeout + 0.1, self.refresh_bindings)

    def action_help_quit(self) -> None:
        """ctrl+c: on-call engineers press it to leave, so it quits like `q` (the same exit,
        so queries are stopped and clients closed) instead of Textual's "press ctrl+q" hint.
        A screen or widget that binds ctrl+c itself (the workbench's stop) still gets it."""
        self.exit()  # what App.action_quit does

    def action_command(self) -> None:
        """`:`: the command line (`ui/screens/command_line.py`); what it runs, `open_pane`."""
        if isinstance(self.screen, CommandLine):
            return
        board = board_of(self)
        connection = board.poll.connection if board is not None else None
        regions = tuple(connection.regions) if connection else ()
        self.command_choices["region"] = regions
        self.command_choices["account"] = self.accounts.aliases if self.accounts.multi else ()
        if regions and "instance" not in self.command_choices:
            self.run_worker(self._list_instances(regions), group="command-instances",
                            exit_on_error=False)  # fmt: skip

        def chosen(parsed: Parsed | None) -> None:
            if parsed is not None:
                self.open_pane(parsed.command.pane, argument=parsed.argument)

        self.push_screen(CommandLine(self.command_choices, self.command_history), chosen)

    async def _list_instances(self, regions: tuple[str, ...]) -> None:
        """The DB instances `:db` completes (each region's list, as the load feed gives it)."""
        found: list[str] = []
        for region in regions:
            try:
                found += [i.identifier for i in await self.feeds.dbload.instances(region)]
            except SourceError:
                continue
        self.command_choices["instance"] = tuple(found)

    def open_pane(
        self, name: str, *, argument: str | None = None, alarm: Alarm | None = None
    ) -> None:
        """Open the pane (or run the command) `name` of `model/commands.py`, or "alarm" (its
        detail) for `alarm` (`ui/navigation.py`; an alarm sets the shared window)."""
        open_pane(self, name, argument, alarm)

    def action_window(self, move: str) -> None:
        """`W` `<` `>` `X`: widen, move or drop the shared investigation window."""
        change_window(self, move)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    async def on_unmount(self) -> None:
        self._remove_signal_handlers()
        try:
            await asyncio.wait_for(self.accounts.close(), CLOSE_SECONDS)
        except TimeoutError:
            log.warning("the session did not close within %s s; exiting anyway", CLOSE_SECONDS)


def _terminal_fd() -> int | None:
    """Where Textual draws (stderr), for the reset sequences of a forced exit."""
    try:
        return sys.__stderr__.fileno() if sys.__stderr__ is not None else None
    except (OSError, ValueError):
        return None
